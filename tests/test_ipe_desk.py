"""The IPE's desk: /dossiers by urgency with the reason, and whom to contact at the school."""

from __future__ import annotations

import html
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from support.cases import (
    FORM_ANSWERS,
    IPE_A,
    IPE_A2,
    PUPIL,
    PUPIL2,
    fill_form,
    invite,
    make_service,
    press,
    say,
)
from support.harness import running_bot, until

from bot.cases.urgency import by_urgency, read_deadline, urgency_reason
from bot.store.models import Case

PUPIL3 = 2003
WRITTEN = date(2026, 11, 30)


def test_dates_are_read_from_the_pupils_words():
    cases = {
        "du 12 au 16 janvier": date(2027, 1, 12),
        "oui c du 14 au 18 décembre": date(2026, 12, 14),
        "avant le 3/02": date(2027, 2, 3),
        "le 1er mars 2027": date(2027, 3, 1),
        "12.01.27": date(2027, 1, 12),
        "2027-01-05": date(2027, 1, 5),
        "le 25 novembre": date(2026, 11, 25),  # just passed: this year, not next
    }
    for text, expected in cases.items():
        found = read_deadline(text, WRITTEN)
        assert found is not None and found.day == expected and not found.approximate, text
    month = read_deadline("avant les vacances de février", WRITTEN)
    assert month is not None and month.day == date(2027, 2, 1) and month.approximate
    assert read_deadline("fin juin", WRITTEN).day == date(2027, 6, 25)
    for text in ("je ne sais pas", "le 31/02", "CAP en 2 ans", ""):
        assert read_deadline(text, WRITTEN) is None, text
    # counted from the day the pupil wrote it (30 November)
    for text, expected in {
        "c dans 3 semaines": date(2026, 12, 21),
        "d'ici 10 jours": date(2026, 12, 10),
        "la semaine pro": date(2026, 12, 7),
        "dans deux mois, ou avant le 3/02": date(2027, 1, 29),
    }.items():
        found = read_deadline(text, WRITTEN)
        assert found is not None and found.day == expected and found.counted, text
    soon = _case("SOON", "new", "dans 2 semaines", 30)
    assert urgency_reason(soon, datetime(2026, 11, 30, tzinfo=UTC)).startswith("date vers le 14/12")


def _case(reference: str, status: str, period: str, day: int) -> Case:
    return Case(
        reference=reference,
        status=status,
        details=json.dumps({"period": period}),
        created_at=datetime(2026, 11, day, tzinfo=UTC),
    )


def test_new_cases_first_then_the_nearest_date_then_the_oldest():
    cases = [
        _case("OLD-NODATE", "new", "", 1),
        _case("TAKEN-SOON", "acknowledged", "le 2 décembre", 20),
        _case("NEW-LATER", "new", "du 12 au 16 janvier", 25),
        _case("NEW-SOON", "new", "avant le 5/12", 28),
        _case("NEWER-NODATE", "new", "je sais pas", 29),
    ]
    order = [c.reference for c in by_urgency(cases)]
    assert order == ["NEW-SOON", "NEW-LATER", "OLD-NODATE", "NEWER-NODATE", "TAKEN-SOON"]
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert urgency_reason(cases[3], now) == "date le 05/12/2026, dans 5 j"
    assert urgency_reason(cases[0], now) == "sans date, déposée il y a 29 j"
    assert urgency_reason(_case("X", "new", "fin juin", 30), now) == "date en juin, dans 207 j"
    assert urgency_reason(_case("Y", "new", "le 20/11", 30), now) == "date le 20/11/2026 passée"
    # « en novembre », read on 30 November: this month, not past
    assert urgency_reason(_case("Z", "new", "en novembre je crois", 2), now) == (
        "date en novembre, ce mois-ci"
    )


def test_the_earliest_date_said_counts():
    """A convention due before the stage: the IPE sees the convention's date."""
    found = read_deadline("stage à partir du 18 mai, convention avant fin mars", WRITTEN)
    assert found is not None and found.day == date(2027, 3, 25) and found.approximate


async def test_the_ipe_sees_the_most_urgent_first_and_whom_to_contact(api, kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    answers = list(FORM_ANSWERS)
    answers[3] = "du 12 au 16 janvier 2031"
    await fill_form(service, PUPIL, answers)  # the oldest, a late date
    answers[3] = "avant le 5/12/2030"
    await fill_form(service, PUPIL2, answers)  # a nearer date
    await service.db.dispose()
    async with running_bot(api, kb, db_url):
        api.send_text(IPE_A, f"/ipe {code}")
        assert await until(lambda: "Aix-Marseille" in " ".join(api.texts(IPE_A)))

        # a third pupil, through Telegram, wants the IPE to go through the CPE
        api.send_text(PUPIL3, "/stage")
        assert await until(lambda: len(api.sent[PUPIL3]) == 1)
        undated = [*FORM_ANSWERS[:3], "je ne sais pas encore", *FORM_ANSWERS[4:]]
        for count, answer in enumerate(undated, 2):
            api.send_text(PUPIL3, answer)
            assert await until(lambda n=count: len(api.sent[PUPIL3]) == n), api.texts(PUPIL3)
        api.press_button(PUPIL3, "Par mon établissement")
        assert await until(lambda: "Quel adulte" in api.texts(PUPIL3)[-1])
        labels = [label for label, _ in api.buttons(api.last(PUPIL3))]
        assert labels[:5] == [
            "Professeur principal",
            "CPE",
            "Un professeur de la classe",
            "Bureau des entreprises / DDFPT",
            "Un autre adulte",
        ]
        api.press_button(PUPIL3, "CPE")
        assert await until(lambda: "Mme Martin" in api.texts(PUPIL3)[-1])  # the example
        api.send_text(PUPIL3, "M. Durand")
        assert await until(lambda: "Récapitulatif" in api.texts(PUPIL3)[-1])
        summary = html.unescape(api.texts(PUPIL3)[-1])
        assert "Par mon établissement — à contacter : cpe (M. Durand)" in summary
        api.press_button(PUPIL3, "J'accepte")
        assert await until(
            lambda: any("M. Durand" in html.unescape(t) for t in api.texts(IPE_A)), timeout=10
        )
        notice = next(html.unescape(t) for t in api.texts(IPE_A) if "M. Durand" in t)
        assert "• Réponse : Par mon établissement — à contacter : cpe (M. Durand)" in notice

        api.send_text(IPE_A, "/dossiers")
        assert await until(lambda: "les plus urgentes" in api.texts(IPE_A)[-1])
        listing = html.unescape(api.texts(IPE_A)[-1]).split("\n")[1:]
        assert len(listing) == 3
        assert "le 05/12/2030" in listing[0] and "le 12/01/2031" in listing[1]
        assert "sans date, déposée aujourd'hui" in listing[2]
        buttons = [label for label, _ in api.buttons(api.last(IPE_A))]
        assert [b.split()[0] for b in buttons] == [line.split()[1] for line in listing]

    service = make_service(db_url, kb)
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case).where(Case.pupil_chat_id == PUPIL3))
    details = json.loads(case.details)
    assert details["contact"] == "school" and details["contact_adult"] == "cpe"
    assert details["contact_name"] == "M. Durand"  # only the role and the typed name
    await service.db.dispose()


def test_the_school_contact_steps_go_back_and_can_be_skipped():
    from bot.cases.academies import AcademyDirectory
    from bot.desks import forms

    directory = AcademyDirectory()
    form = {"step": "contact", "answers": {"academy": "x"}, "pending_academy": None}
    assert forms.answer_choice(form, "ct:school", directory) == "ok"
    assert form["step"] == "contact_adult"
    assert forms.prompt(form, "pupil", directory).text.startswith("(8/8) Quel adulte")
    assert forms.answer_text(form, "le CPE", "pupil", directory) is None  # typed, as its button
    assert form["answers"]["contact_adult"] == "cpe" and form["step"] == "contact_name"
    forms.back(form)
    assert forms.answer_text(form, "je sais pas trop", "pupil", directory) is not None  # buttons
    assert forms.answer_choice(form, "ad:pp", directory) == "ok"
    assert forms.answer_choice(form, "skip", directory) == "ok"
    assert form["step"] == "consent" and "contact_name" not in form["answers"]
    forms.back(form)
    assert form["step"] == "contact_name"
    forms.back(form)
    assert form["step"] == "contact_adult" and "contact_adult" not in form["answers"]
    forms.back(form)
    assert form["step"] == "contact" and "contact" not in form["answers"]
    assert forms.answer_choice(form, "ct:bot", directory) == "ok"
    assert form["step"] == "consent" and "contact_adult" not in form["answers"]
    forms.back(form)
    assert form["step"] == "contact"


async def test_the_notices_are_edited_in_place_as_the_case_moves(api, kb, db_url):
    from support.cases import IPE_A2

    service = make_service(db_url, kb)
    codes = [await invite(service, "aix-marseille") for _ in range(2)]
    await service.db.dispose()
    async with running_bot(api, kb, db_url):
        for chat, code in zip((IPE_A, IPE_A2), codes, strict=True):
            api.send_text(chat, f"/ipe {code}")
            assert await until(lambda c=chat: "Aix-Marseille" in " ".join(api.texts(c)))
        service = make_service(db_url, kb)
        await fill_form(service, PUPIL)  # filed while the bot runs: the worker delivers it
        await service.db.dispose()
        assert await until(
            lambda: all("Statut : nouvelle" in api.texts(c)[-1] for c in (IPE_A, IPE_A2))
        )
        notice_a, notice_b = api.last(IPE_A), api.last(IPE_A2)
        keys = [(IPE_A, notice_a["message_id"]), (IPE_A2, notice_b["message_id"])]

        # IPE A takes it: both notices now say so, with the next actions
        api.press(IPE_A, notice_a["message_id"], api.buttons(notice_a)[0][1])
        assert await until(lambda: "prise en charge" in api.messages[keys[1]]["text"])
        theirs = html.unescape(api.messages[keys[1]]["text"])
        assert await until(
            lambda: "Suivie par : vous" in html.unescape(api.messages[keys[0]]["text"])
        )
        mine = html.unescape(api.messages[keys[0]]["text"])
        assert "Statut : prise en charge" in mine and "Prochaine étape" in mine
        assert "Suivie par : Élève 3001" in theirs  # the name Telegram gave at registration
        labels = [label for label, _ in api.buttons(api.messages[keys[0]])]
        assert any("Répondre" in b for b in labels) and any("Résolu" in b for b in labels)

        # IPE A2 closes it from their notice: both notices say closed, without buttons
        close = next(d for label, d in api.buttons(api.messages[keys[1]]) if "Clore" in label)
        api.press(IPE_A2, keys[1][1], close)
        assert await until(lambda: all("Statut : close" in api.messages[k]["text"] for k in keys))
        assert all(not api.buttons(api.messages[k]) for k in keys)
        assert "plus rien à faire" in api.messages[keys[0]]["text"]
        edits = api.calls_of("editMessageText")
        assert {(int(e["chat_id"]), int(e["message_id"])) for e in edits} == set(keys)
        assert len(edits) == 4  # taken, then closed, for each of the two notices


class NumberingSender:
    """Returns a message id for each delivery; cannot edit (as the console)."""

    def __init__(self):
        self.sent: list[tuple[int, str]] = []

    async def send(self, chat_id, text, choices):
        self.sent.append((chat_id, text))
        return 100 + len(self.sent)


async def test_a_notice_not_yet_out_gets_the_new_text_and_a_channel_without_edits_skips_them(
    kb, db_url
):
    from support.cases import outbox_rows, say

    from bot.cases.outbox import deliver_due

    service = make_service(db_url, kb)
    await say(service, IPE_A, f"/ipe {await invite(service, 'aix-marseille')}")
    await fill_form(service, PUPIL)
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case))
    async with service.db.transaction() as session:
        fresh = await session.get(Case, case.id)
        await service.escalation.take(session, fresh, None)
    notices = [r for r in await outbox_rows(service) if r.contact_id is not None]
    assert len(notices) == 1 and "Statut : prise en charge" in notices[0].text
    assert notices[0].kind == "send" and notices[0].status == "pending"  # rewritten, not edited
    sender = NumberingSender()
    await deliver_due(service.db, sender)
    notice = next(r for r in await outbox_rows(service) if r.id == notices[0].id)
    assert notice.message_id is not None and notice.status == "sent"
    async with service.db.transaction() as session:
        fresh = await session.get(Case, case.id)
        await service.escalation.finish(session, fresh, None, "resolved")
    edits = [r for r in await outbox_rows(service) if r.kind == "edit"]
    assert len(edits) == 1 and edits[0].message_id == notice.message_id
    assert "Statut : résolue" in edits[0].text and "cr:" in edits[0].choices  # 7 days to write
    assert "cx:" not in edits[0].choices
    before = len(sender.sent)
    await deliver_due(service.db, sender)  # no edit method: nothing sent again, nothing stuck
    edits = [r for r in await outbox_rows(service) if r.kind == "edit"]
    assert edits[0].status == "sent"
    assert [chat for chat, _ in sender.sent[before:]] == [PUPIL]  # the pupil is told; no copy
    await service.db.dispose()


class EditingSender(NumberingSender):
    """Numbers deliveries and records edits (as Telegram)."""

    def __init__(self):
        super().__init__()
        self.edits: list[tuple[int, int, str]] = []

    async def edit(self, chat_id, message_id, text, choices):
        self.edits.append((chat_id, message_id, text))


async def test_a_notice_in_flight_when_the_case_moves_is_edited_once_it_is_out(kb, db_url):
    from datetime import timedelta

    from support.cases import outbox_rows, say

    from bot.cases.outbox import deliver_due
    from bot.store.models import OutboxMessage, utcnow

    service = make_service(db_url, kb)
    await say(service, IPE_A, f"/ipe {await invite(service, 'aix-marseille')}")
    await fill_form(service, PUPIL)
    notice = next(r for r in await outbox_rows(service) if r.contact_id is not None)
    async with service.db.transaction() as session:  # a worker is sending it right now
        row = await session.get(OutboxMessage, notice.id)
        row.claimed_until = utcnow() + timedelta(seconds=60)
        case = await session.scalar(select(Case))
        await service.escalation.take(session, case, None)
    edit = next(r for r in await outbox_rows(service) if r.kind == "edit")
    assert edit.message_id is None and "Statut : prise en charge" in edit.text
    sender = EditingSender()
    await deliver_due(service.db, sender)  # the notice is still in flight: the edit waits
    assert sender.edits == []
    assert next(r for r in await outbox_rows(service) if r.id == edit.id).status == "pending"
    async with service.db.transaction() as session:  # the notice went out as message 42
        row = await session.get(OutboxMessage, notice.id)
        row.status, row.message_id, row.claimed_until = "sent", 42, None
    await deliver_due(service.db, sender, now=utcnow() + timedelta(seconds=5))
    assert [(chat, mid) for chat, mid, _ in sender.edits] == [(IPE_A, 42)]
    assert "Statut : prise en charge" in sender.edits[0][2]
    done = next(r for r in await outbox_rows(service) if r.id == edit.id)
    assert done.status == "sent" and done.message_id == 42
    await service.db.dispose()


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("2nd pro", "Bac pro, 2de"),
        ("jsui en terminale bac pro", "Bac pro, terminale"),
        ("1ere annee de cap", "CAP, 1re année"),
        ("bac pro", "Bac pro"),
        ("seconde", "2de générale et techno"),
    ],
)
def test_a_typed_vocational_class_keeps_its_year_for_the_ipe(typed, shown):
    from bot.cases.academies import AcademyDirectory
    from bot.cases.details import display_answers
    from bot.desks import forms

    directory = AcademyDirectory()
    form = {"step": "level", "answers": {"academy": "x"}, "pending_academy": None}
    assert forms.answer_text(form, typed, "pupil", directory) is None
    assert display_answers(form["answers"], directory)["level"] == shown
    form["step"] = "level"
    assert forms.answer_choice(form, "lv:bts", directory) == "ok"  # a button: no year left over
    assert display_answers(form["answers"], directory)["level"] == "BTS"


def test_a_very_long_answer_is_kept_shortened_not_refused():
    """A 3,000-character story at a free step: its start is kept, the form goes on."""
    from bot.cases.academies import AcademyDirectory
    from bot.desks import forms, teacher_forms

    directory = AcademyDirectory()
    story = "jadore les motos depuis que je suis petit et mon oncle a un garage " * 45
    form = {"step": "sectors", "answers": {"academy": "x"}, "pending_academy": None}
    told = forms.answer_text(form, story, "pupil", directory)
    assert told is not None and "j'ai gardé le début" in told and "tu pourras" in told
    kept = form["answers"]["sectors"]
    assert kept.endswith("…") and len(kept) <= forms.MAX_ANSWER and form["step"] == "place"
    assert story.startswith(kept[:-1])  # cut between words
    form = {"step": "theme", "answers": {}, "pending_academy": None}
    told = teacher_forms.answer_text(form, story, "teacher", directory)
    assert told is not None and "j'ai gardé le début" in told
    assert form["answers"]["theme"].endswith("…") and form["step"] != "theme"
    form = {"step": "level", "answers": {}, "pending_academy": None}  # not free text: asked again
    assert "un peu long" in forms.answer_text(form, story, "pupil", directory)


@pytest.mark.parametrize(
    ("step", "typed"),
    [("period", "I don't know"), ("period", "jsp"), ("sectors", "nimporte"), ("tried", "rien")],
)
def test_an_unsure_answer_typed_is_the_steps_own_button(step, typed):
    """« I don't know » at the period is « Je ne sais pas », « nimporte » « Peu importe »."""
    from bot.cases.academies import AcademyDirectory
    from bot.cases.details import SKIPPED, display_answers
    from bot.desks import forms

    directory = AcademyDirectory()
    form = {"step": step, "answers": {"academy": "x"}, "pending_academy": None}
    assert forms.answer_text(form, typed, "pupil", directory) is None
    assert form["answers"][step] == "" and form["step"] != step
    assert display_answers(form["answers"], directory)[step] == SKIPPED[step]


async def test_a_colleague_is_told_who_follows_a_taken_case(kb, db_url):
    service = make_service(db_url, kb)
    for chat in (IPE_A, IPE_A2):
        await say(service, chat, f"/ipe {await invite(service, 'aix-marseille')}")
    await fill_form(service, PUPIL)
    async with service.db.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    await press(service, IPE_A, f"ca:{case.id}")
    taken = await press(service, IPE_A2, f"ca:{case.id}")
    assert taken.text == f"La demande {case.reference} est déjà prise en charge (suivie par X)."
    mine = await say(service, IPE_A, f"/dossier {case.reference}")
    theirs = await say(service, IPE_A2, f"/dossier {case.reference}")
    assert "Suivie par : vous" in mine.text and "Suivie par : X" in theirs.text
    await service.db.dispose()


async def test_staff_get_their_own_words_for_pupils_and_teachers_commands(kb, db_url):
    from support.cases import ADMIN

    service = make_service(db_url, kb)
    await say(service, IPE_A, f"/ipe {await invite(service, 'nantes')}")
    for command in ("/stage", "/intervention"):
        reply = await say(service, IPE_A, command)
        assert "vous n'avez pas à en déposer" in reply.text, command
    refused = await say(service, IPE_A, "/stats lyon")
    assert "(Nantes)" in refused.text and "Lyon n'en fait pas partie" in refused.text
    mine = await say(service, IPE_A, "/stats nantes")
    assert mine.text.startswith("Académie de Nantes :")
    unknown = await say(service, IPE_A, "/stats atlantide")
    assert "Je ne connais pas l'académie" in unknown.text
    assert (await say(service, ADMIN, "/stats lyon")).text.startswith("Académie de Lyon :")
    help_ = await say(service, ADMIN, "/aide")
    assert "En tant qu'administrateur" in help_.text and " tu " not in help_.text
    await service.db.dispose()


async def test_an_ipe_writing_to_a_pupil_outside_a_thread_is_told_how(kb, db_url):
    service = make_service(db_url, kb)
    await say(service, IPE_A, f"/ipe {await invite(service, 'nantes')}")
    for text in ("Bonjour, je suis de Nantes mais je peux t'aider", "Hello Tom, I can help you"):
        reply = await say(service, IPE_A, text)
        assert reply.text.startswith("Pour écrire à un élève ou à un·e enseignant·e"), text
    question = await say(service, IPE_A, "c'est quoi le stage de 3e ?")
    assert question.topic == "stage-3e"  # a question of their own is still answered
    await service.db.dispose()
