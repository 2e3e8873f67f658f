"""A pupil who cannot find a placement is handed to the IPE of their académie."""

from __future__ import annotations

import asyncio
import html
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from conftest import ROOT
from sqlalchemy import func, select
from support.cases import (
    ADMIN,
    FALLBACK_B,
    FORM_ANSWERS,
    IPE_A,
    IPE_A2,
    IPE_B,
    PUPIL,
    PUPIL2,
    fill_form,
    invite,
    make_service,
    outbox_rows,
    press,
    say,
)
from support.harness import running_bot, until

from bot.cases import contacts as contact_repo
from bot.cases.outbox import Blocked, Permanent, RetryLater, Transient, deliver_due
from bot.conversation import Incoming, run_reminders
from bot.store.models import Case, CaseEvent, utcnow


class RecordingSender:
    """A Sender that records deliveries and fails on demand."""

    def __init__(self):
        self.sent: list[tuple[int, str]] = []
        self.failures: dict[int, list[Exception]] = {}

    async def send(self, chat_id, text, choices):
        queue = self.failures.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append((chat_id, text))


# -- end to end through Telegram -----------------------------------------------------------------


async def test_pupil_to_ipe_end_to_end_through_telegram(api, kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await service.db.dispose()
    async with running_bot(api, kb, db_url):
        api.send_text(IPE_A, f"/ipe {code}")
        assert await until(lambda: len(api.sent[IPE_A]) == 1)
        assert "Aix-Marseille" in api.last(IPE_A)["text"]

        api.send_text(PUPIL, "je trouve pas de stage")
        assert await until(lambda: len(api.sent[PUPIL]) == 1)
        assert api.buttons(api.last(PUPIL))[0][1] == "esc"
        api.press_button(PUPIL, "ingénieur pour l'école")
        count = 2
        assert await until(lambda: len(api.sent[PUPIL]) == count)
        for answer in FORM_ANSWERS:
            api.send_text(PUPIL, answer)
            count += 1
            assert await until(lambda n=count: len(api.sent[PUPIL]) == n), api.texts(PUPIL)[-1]
        api.press_button(PUPIL, "messagerie")
        count += 1
        assert await until(lambda: len(api.sent[PUPIL]) == count)
        summary = html.unescape(api.last(PUPIL)["text"])
        assert "Aix-Marseille" in summary and "boulangerie" in summary
        assert not api.sent[IPE_A][1:], "nothing is sent before consent"
        api.press_button(PUPIL, "J'accepte")
        count += 1
        assert await until(lambda: len(api.sent[PUPIL]) == count)
        confirmation = api.last(PUPIL)["text"]
        assert "AIX-" in confirmation
        reference = next(w for w in confirmation.split() if w.startswith("AIX-")).rstrip(".")

        # the IPE gets the notice within seconds, the pupil's HTML escaped
        assert await until(lambda: len(api.sent[IPE_A]) == 2, timeout=10)
        notice = api.last(IPE_A)
        assert reference in notice["text"]
        assert "&lt;b&gt;Jean Moulin&lt;/b&gt; &amp; co" in notice["text"]
        api.press_button(IPE_A, "Je prends en charge")
        assert await until(lambda: len(api.sent[PUPIL]) == count + 1)
        assert "prise en charge" in api.last(PUPIL)["text"]
        count += 1

        # the IPE replies, the pupil receives it and answers back
        api.press_button(IPE_A, "Répondre")
        assert await until(lambda: "Écrivez votre message" in api.texts(IPE_A)[-1])
        api.send_text(IPE_A, "Bonjour, j'ai une piste chez un boulanger du 13e.")
        assert await until(lambda: len(api.sent[PUPIL]) == count + 1)
        relayed = api.last(PUPIL)
        assert "piste chez un boulanger" in relayed["text"] and reference in relayed["text"]
        count += 1
        api.press_button(PUPIL, "Répondre")
        count += 1
        assert await until(lambda: len(api.sent[PUPIL]) == count)
        api.send_text(PUPIL, "Merci ! Je l'appelle demain.")
        assert await until(lambda: "Je l'appelle demain" in api.texts(IPE_A)[-1])

        # the IPE looks at the case and resolves it; the pupil is told
        api.send_text(IPE_A, f"/dossier {reference}")
        assert await until(lambda: "Historique" in api.texts(IPE_A)[-1])
        api.press_button(IPE_A, "Résolu")
        assert await until(lambda: "résolue" in api.texts(PUPIL)[-1])


async def test_academy_without_ipe_reaches_its_fallback_contact(kb, db_url):
    service = make_service(db_url, kb)
    code_ipe = await invite(service, "aix-marseille")
    code_fallback = await invite(service, "lyon", "fallback")
    await say(service, IPE_A, f"/ipe {code_ipe}")
    await say(service, FALLBACK_B, f"/ipe {code_fallback}")
    answers = ["69003", *FORM_ANSWERS[1:]]
    reply = await fill_form(service, PUPIL, answers)
    assert "LYO-" in reply.text
    rows = await outbox_rows(service)
    assert [r.chat_id for r in rows] == [FALLBACK_B]
    assert "aucun IPE joignable" in rows[0].text
    await service.db.dispose()


async def test_national_coordinator_when_nobody_is_registered(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "", "coordinator")
    await say(service, ADMIN + 1, f"/ipe {code}")
    await fill_form(service, PUPIL, ["Rennes", *FORM_ANSWERS[1:]])
    assert [r.chat_id for r in await outbox_rows(service)] == [ADMIN + 1]
    await service.db.dispose()


# -- the form ------------------------------------------------------------------------------------


async def test_form_validates_goes_back_cancels_and_survives_a_restart(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    reply = await say(service, PUPIL, "/stage")
    assert "académie" in reply.text
    reply = await say(service, PUPIL, "je sais pas")
    assert "écris juste la ville" in reply.text  # a helpful re-ask, not « pas reconnu »
    reply = await say(service, PUPIL, "marseile")  # misspelt: confirm, never guess silently
    assert "Aix-Marseille" in reply.text and reply.choices[0].label == "Oui"
    reply = await press(service, PUPIL, reply.choices[0].id)
    assert "collège ou lycée" in reply.text
    reply = await press(service, PUPIL, "f:back")
    assert "académie" in reply.text
    reply = await say(service, PUPIL, "93")
    assert "collège ou lycée" in reply.text
    reply = await say(service, PUPIL, "x" * 400)
    assert "long" in reply.text
    await say(service, PUPIL, "Lycée Voltaire, Bobigny")
    await service.db.dispose()

    # a new process: the pupil continues where they were
    service = make_service(db_url, kb)
    reply = await say(service, PUPIL, "en seconde")
    assert "Quand a lieu ton stage" in reply.text
    state = await service.state_of(PUPIL)
    assert state.form["answers"]["level"] == "2de"
    reply = await say(service, PUPIL, "/annuler")
    assert "rien n'a été envoyé" in reply.text
    assert await outbox_rows(service) == []
    await service.db.dispose()


async def test_typing_retour_goes_back_a_step_and_is_not_saved_as_an_answer(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    reply = await say(service, PUPIL, "93")
    assert "collège ou lycée" in reply.text
    reply = await say(service, PUPIL, "retour")
    assert "académie" in reply.text
    state = await service.state_of(PUPIL)
    assert "retour" not in " ".join(str(v) for v in state.form["answers"].values())
    await service.db.dispose()


@pytest.mark.parametrize(
    "text",
    ["ah en fait ma mere ma trouvé un stage c bon", "mon oncle veut bien me prendre en stage"],
)
async def test_a_stage_found_for_the_pupil_during_the_form_is_not_saved_as_an_answer(
    kb, db_url, text
):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    await say(service, PUPIL, "93")
    await say(service, PUPIL, "collège Jean Jaurès, Montreuil")
    reply = await say(service, PUPIL, text)
    assert "bravo" in reply.text.lower()
    assert (await service.state_of(PUPIL)).form is None  # nothing sent, nothing kept
    await service.db.dispose()


async def test_plain_words_start_the_request(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    reply = await say(service, PUPIL, "je voudrais parler à un ingénieur pour l'école")
    assert reply.kind == "form"
    await service.db.dispose()


async def test_distress_during_the_form_is_answered_and_the_form_waits(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    reply = await say(service, PUPIL, "je veux mourir")
    assert reply.kind == "safety" and "3114" in reply.text
    reply = await say(service, PUPIL, "/stage")
    assert "reprend" in reply.text
    await service.db.dispose()


async def test_distress_in_a_reply_to_the_ipe_gets_the_helplines_and_still_reaches_the_ipe(
    kb, db_url
):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case))
    await press(service, PUPIL, f"pr:{case.id}")
    reply = await say(service, PUPIL, "franchement j'ai envie d'en finir, personne m'aide")
    assert reply.safety == "strong" and reply.text.index("3114") < reply.text.index("Transmis")
    relayed = [r for r in await outbox_rows(service, IPE_A) if "Message de l'élève" in r.text]
    assert len(relayed) == 1 and "en finir" in relayed[0].text
    await service.db.dispose()


# -- delivery ------------------------------------------------------------------------------------


async def test_each_notice_is_delivered_exactly_once_despite_failures(kb, db_url):
    service = make_service(db_url, kb)
    for chat in (IPE_A, IPE_A2):
        code = await invite(service, "aix-marseille")
        await say(service, chat, f"/ipe {code}")
    await fill_form(service, PUPIL)
    sender = RecordingSender()
    sender.failures[IPE_A] = [Transient("502"), RetryLater(0.0), Transient("timeout")]
    for _ in range(10):
        await deliver_due(service.db, sender, now=utcnow() + timedelta(hours=1))
    # no channel confirmed the direct reply here: its durable copy went out too
    assert sorted(chat for chat, _ in sender.sent) == [PUPIL, IPE_A, IPE_A2]
    assert {r.status for r in await outbox_rows(service, copies=True)} == {"sent"}
    await service.db.dispose()


async def test_the_pupils_confirmation_survives_a_crash_and_is_not_sent_twice(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    # killed after the case was saved, before the reply left: the copy is sent after the grace
    reply = await fill_form(service, PUPIL)
    assert reply.receipt and "AIX-2026-0001" in reply.text
    sender = RecordingSender()
    await deliver_due(service.db, sender)  # within the grace: only the IPE's notice
    assert [chat for chat, _ in sender.sent] == [IPE_A]
    await deliver_due(service.db, sender, now=utcnow() + timedelta(minutes=1))
    assert [chat for chat, _ in sender.sent] == [IPE_A, PUPIL]
    assert "AIX-2026-0001" in sender.sent[-1][1]
    # the consent button pressed again: the request is there, not "plus valable"
    again = await press(service, PUPIL, "f:ok")
    assert again.kind == "status" and "AIX-2026-0001" in again.text
    # a second pupil whose reply did go out: the copy is cancelled, never sent
    reply = await fill_form(service, PUPIL2)
    await service.delivered(reply)
    await deliver_due(service.db, sender, now=utcnow() + timedelta(minutes=1))
    assert PUPIL2 not in [chat for chat, _ in sender.sent]
    await service.db.dispose()


async def test_a_refused_notice_fails_at_once_with_its_reason(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    sender = RecordingSender()
    sender.failures[IPE_A] = [Permanent("Bad Request: can't parse entities")]
    for _ in range(3):
        await deliver_due(service.db, sender, now=utcnow() + timedelta(hours=1))
    assert [chat for chat, _ in sender.sent] == [PUPIL]  # only the confirmation copy: not retried
    [row] = await outbox_rows(service, IPE_A)
    assert (row.status, row.last_error) == ("failed", "Bad Request: can't parse entities")
    await service.db.dispose()


async def test_telegram_sender_maps_bad_requests(api):
    from bot.channels.bot_api import TelegramSender, UpdateByUpdateBot

    async with UpdateByUpdateBot(api.token, base_url=api.base_url) as bot:
        sender = TelegramSender(bot)
        api.fail("sendMessage", 400)
        with pytest.raises(Permanent, match="parse entities"):
            await sender.send(IPE_A, "texte", [])
        for gone in ("Bad Request: chat not found", "Bad Request: bot was blocked by the user"):
            api.fail("sendMessage", 400, description=gone)
            with pytest.raises(Blocked):
                await sender.send(IPE_A, "texte", [])
        api.fail("sendMessage", 502)
        with pytest.raises(Transient):
            await sender.send(IPE_A, "texte", [])
        await sender.send(IPE_A, "texte", [])
    assert api.texts(IPE_A) == ["texte"]


async def test_blocked_ipe_is_marked_unreachable_and_the_case_goes_to_the_fallback(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    code = await invite(service, "aix-marseille", "fallback")
    await say(service, FALLBACK_B, f"/ipe {code}")
    await fill_form(service, PUPIL)
    sender = RecordingSender()
    sender.failures[IPE_A] = [Blocked("403")]
    for _ in range(3):
        await deliver_due(service.db, sender, on_blocked=service.escalation.on_blocked)
    assert [chat for chat, _ in sender.sent] == [FALLBACK_B]
    async with service.db.sessions() as session:
        contacts = await contact_repo.list_contacts(session, "aix-marseille")
    assert {c.chat_id: c.unreachable for c in contacts} == {IPE_A: True, FALLBACK_B: False}
    await service.db.dispose()


async def test_killed_before_sending_then_restarted_delivers_once(api, kb, db_url):
    # the case is stored (with its outbox row) by a process that dies before sending
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    await service.db.dispose()
    assert api.sent[IPE_A] == []
    # the bot restarts: the notice goes out, once, even across a second restart
    async with running_bot(api, kb, db_url):
        assert await until(lambda: len(api.sent[IPE_A]) == 1)
    async with running_bot(api, kb, db_url):
        await asyncio.sleep(1.5)
    assert len(api.sent[IPE_A]) == 1


async def test_telegram_failures_during_notification(api, kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A2, f"/ipe {code}")
    code = await invite(service, "aix-marseille", "fallback")
    await say(service, FALLBACK_B, f"/ipe {code}")
    await service.db.dispose()
    api.fail("sendMessage", 500, times=2, chat_id=IPE_A)
    api.fail("sendMessage", 429, retry_after=1, chat_id=IPE_A2)
    async with running_bot(api, kb, db_url):
        api.send_text(PUPIL, "/stage")
        for answer in FORM_ANSWERS:
            api.send_text(PUPIL, answer)
        ok = await until(
            lambda: "Par où préfères-tu" in api.texts(PUPIL)[-1] if api.sent[PUPIL] else False
        )
        assert ok, [t[:60] for t in api.texts(PUPIL)]
        api.press_button(PUPIL, "messagerie")
        assert await until(lambda: "J'accepte" in str(api.last(PUPIL).get("reply_markup")))
        api.blocked.add(IPE_A2)  # after the 429, the second IPE blocks the bot
        api.press_button(PUPIL, "J'accepte")
        assert await until(lambda: len(api.sent[IPE_A]) == 1, 20)
        assert await until(lambda: len(api.calls_of("sendMessage")) >= 12, 20)
        await asyncio.sleep(1.0)
    # IPE_A got it once despite two 5xx; IPE_A2 (429, then blocked) is marked unreachable;
    # the case had a reachable IPE, so the fallback is not disturbed
    assert len(api.sent[IPE_A]) == 1
    assert api.sent[IPE_A2] == [] and api.sent[FALLBACK_B] == []
    service = make_service(db_url, kb)
    async with service.db.sessions() as session:
        contacts = {c.chat_id: c for c in await contact_repo.list_contacts(session)}
    assert contacts[IPE_A2].unreachable and not contacts[IPE_A].unreachable
    await service.db.dispose()


async def test_reminders_then_fallback_when_nobody_takes_the_case(kb, db_url):
    service = make_service(db_url, kb, remind_after_minutes=0, max_reminders=2)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    code = await invite(service, "", "coordinator")
    await say(service, ADMIN + 1, f"/ipe {code}")
    await fill_form(service, PUPIL)
    for _ in range(4):
        await run_reminders(service)
    texts = [(r.chat_id, r.text.split("\n")[0]) for r in await outbox_rows(service)]
    assert sum(1 for chat, t in texts if chat == IPE_A and "Rappel" in t) == 2
    assert any(chat == ADMIN + 1 and "sans réponse" in t for chat, t in texts)
    assert len(texts) == 4  # notice, two reminders, fallback: nothing twice
    await service.db.dispose()


# -- access and privacy --------------------------------------------------------------------------


async def test_access_control_matrix(kb, db_url):
    service = make_service(db_url, kb)
    for chat, academy in ((IPE_A, "aix-marseille"), (IPE_B, "lyon")):
        code = await invite(service, academy)
        await say(service, chat, f"/ipe {code}")
    await fill_form(service, PUPIL)
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case))
    actions = ["cv", "ca", "cr", "cx"]
    expectations = {PUPIL: False, IPE_A: True, IPE_B: False, ADMIN: True}
    for chat, allowed in expectations.items():
        listing = await say(service, chat, "/dossiers")
        assert (case.reference in listing.text) is allowed, (chat, listing.text)
        view = await say(service, chat, f"/dossier {case.reference}")
        assert ("Historique" in view.text) is allowed, (chat, view.text)
        for action in actions[:1]:
            reply = await press(service, chat, f"{action}:{case.id}")
            assert ("Historique" in reply.text) is allowed, (chat, action, reply.text)
    assert "réservée" in (await say(service, PUPIL, "/dossiers")).text
    refused = await press(service, IPE_B, f"ca:{case.id}")
    assert "pas dans vos académies" in refused.text
    # forged callback data
    for forged in ["ca:999999", "ca:abc", "cx:", "pr:1", "cr:-1", "ca:1:2"]:
        reply = await press(service, IPE_B, forged)
        assert "valable" in reply.text or "pas dans vos" in reply.text or "réservée" in reply.text
    assert (await press(service, PUPIL2, f"pr:{case.id}")).text == "Ce bouton n'est pas valable."
    # the allowed IPE acts; the case moves on
    assert "pris en charge" in (await press(service, IPE_A, f"ca:{case.id}")).text
    assert "résolue" in (await press(service, ADMIN, f"cx:{case.id}")).text
    await service.db.dispose()


async def test_forget_erases_profile_state_and_case_details(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    asked = await say(service, PUPIL, "/oublier")  # a request is open: asked first
    assert "elle sera close" in asked.text and [c.id for c in asked.choices] == ["del", "m"]
    reply = await press(service, PUPIL, "del")
    assert "effacé" in reply.text and "dans ta demande d'aide" in reply.text
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case))
        assert case.pupil_chat_id is None and case.details == "{}" and case.erased
        assert case.status == "closed"  # nobody left to help: closed, its IPE told
        assert await session.scalar(select(func.count(Case.id))) == 1  # anonymous count stays
        texts = (await session.scalars(select(CaseEvent.text))).all()
        assert all(t is None for t in texts)
    state = await service.state_of(PUPIL)
    assert state.role is None and state.form is None
    assert await outbox_rows(service, PUPIL, copies=True) == []  # nothing kept for the pupil
    # the IPE's /oublier: the profile goes, the registration stays, and the bot says so
    reply = await say(service, IPE_A, "/oublier")
    assert "reste active" in reply.text
    told = await outbox_rows(service, IPE_A)  # the case's notice stays, and the closing
    assert len(told) == 2 and "a effacé ses données" in told[-1].text
    await service.db.dispose()


async def test_forget_removes_the_chats_update_ids(kb, db_url):
    from bot.store.models import ProcessedUpdate

    service = make_service(db_url, kb)
    await service.db.create_schema()
    await service.handle(Incoming(PUPIL, "text", "stage de 3e", update_id=41))
    await service.handle(Incoming(PUPIL, "command", command="oublier", update_id=42))
    async with service.db.sessions() as session:
        ids = (await session.scalars(select(ProcessedUpdate.update_id))).all()
    assert 41 not in ids
    await service.db.dispose()


async def test_invite_codes_are_single_use_and_can_expire_or_be_revoked(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    assert "Aix-Marseille" in (await say(service, IPE_A, f"/ipe {code}")).text
    assert "déjà été utilisé" in (await say(service, IPE_B, f"/ipe {code}")).text
    assert "n'existe pas" in (await say(service, IPE_B, "/ipe NOPE-NOPE")).text
    async with service.db.sessions() as session, session.begin():
        expired = await contact_repo.create_invite(session, "lyon", days=-1)
        revoked = await contact_repo.create_invite(session, "lyon")
        assert await contact_repo.revoke_invite(session, revoked)
    assert "expiré" in (await say(service, IPE_B, f"/ipe {expired}")).text
    assert "révoqué" in (await say(service, IPE_B, f"/ipe {revoked}")).text
    await service.db.dispose()


def test_admin_cli_invite_list_cases_csv_and_purge(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'admin.db'}"}

    def cli(*args):
        proc = subprocess.run(
            [sys.executable, "-m", "bot", "admin", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return proc

    proc = cli("invite", "--academy", "Marseille")
    assert proc.returncode == 0, proc.stderr
    code = proc.stdout.strip().splitlines()[-1]
    assert len(contact_repo.normalise_code(code)) == 10
    assert cli("invite", "--academy", "Atlantis").returncode == 2
    assert "Aucun contact" in cli("ipe", "list").stdout
    assert cli("cases", "--json").stdout.strip() == '{"cases": []}'
    assert cli("cases", "--csv", "-").stdout.startswith("reference,academy,status")
    assert "0 demande" in cli("purge", "--older-than", "30").stdout
    assert cli("invite", "--revoke", code).returncode == 0


async def test_a_second_request_only_confirms_the_known_academy(kb, db_url):
    service = make_service(db_url, kb)
    await fill_form(service, PUPIL)
    state = await service.state_of(PUPIL)
    assert state.academy == "aix-marseille" and state.level == "3e"
    reply = await say(service, PUPIL, "/stage")  # one request at a time: the open one is shown
    assert reply.kind == "status" and "AIX-2026" in reply.text and "nouvelle" in reply.text
    async with service.db.sessions() as session, session.begin():
        (await session.scalar(select(Case))).status = "resolved"
    reply = await say(service, PUPIL, "/stage")
    assert "Aix-Marseille" in reply.text and reply.choices[0].label == "Oui"
    await service.db.dispose()


async def test_an_unsure_answer_with_a_question_mark_is_still_an_answer(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    await say(service, PUPIL, "93")
    await say(service, PUPIL, "collège Jean Jaurès, Montreuil")
    assert (await service.state_of(PUPIL)).form["step"] == "level"
    reply = await say(service, PUPIL, "euh je suis en 3e ?")
    assert "pas de réponse sûre" not in reply.text
    assert (await service.state_of(PUPIL)).form["answers"]["level"] == "3e"
    await service.db.dispose()


def test_start_in_the_middle_of_a_form_pauses_it(engine_with_academies):
    from bot.messages import State

    engine = engine_with_academies
    state = State(role="pupil")
    engine.command(state, "stage")
    engine.handle_text(state, "marseille")
    step = state.form["step"]
    welcome = engine.command(state, "start")
    assert state.form["paused"] and "en pause" in welcome.text
    assert welcome.choices[0].id == "esc"  # ▶️ Reprendre ma demande, then the roles
    engine.handle_text(state, "jsui perdu")  # not the school's name
    assert state.form["step"] == step and "school" not in state.form["answers"]
    resumed = engine.handle_choice(state, "esc")
    assert resumed.text.startswith("On reprend ta demande") and not state.form.get("paused")


async def test_consent_typed_in_words_is_the_button_and_a_no_does_not_repeat_the_recap(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, 4101, "/stage")
    for answer in FORM_ANSWERS:
        await say(service, 4101, answer)
    recap = await press(service, 4101, "f:ct:bot")
    assert "J'accepte" in recap.choices[0].label
    refused = await say(service, 4101, "non jveux pas")
    assert refused.text.startswith("D'accord, rien n'est envoyé") and len(refused.text) < 250
    assert [c.id for c in refused.choices] == [c.id for c in recap.choices]
    sent = await say(service, 4101, "ah si en fait jveux bien")
    assert sent.kind != "form" and (await service.state_of(4101)).form is None
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 1
    await service.db.dispose()


async def test_consent_step_hears_other_refusals_and_says_what_is_sent_to_whom(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, 4102, "/stage")
    for answer in FORM_ANSWERS:
        await say(service, 4102, answer)
    recap = await press(service, 4102, "f:ct:bot")
    for refusal in ("non je préfère pas envoyer", "nan c bon laisse", "pas maintenant"):
        refused = await say(service, 4102, refusal)
        assert refused.text.startswith("D'accord, rien n'est envoyé"), refusal
        assert [c.id for c in refused.choices] == [c.id for c in recap.choices]
    for question in (
        "c quoi les infos envoyées et à qui ?",
        "vous allez en faire quoi de mes infos",  # a pupil's « vous » to the bot: still « tu »
        "qui va lire ma demande ?",
    ):
        told = await say(service, 4102, question)
        assert told.text.startswith("Seules les réponses du récapitulatif sont envoyées"), question
        assert "ton académie" in told.text and "/oublier" in told.text
        assert "Récapitulatif de ta demande" in told.text  # the recap again, under the answer
        assert told.choices[0].id == recap.choices[0].id
    # a correction under the recap is still a correction, not a refusal
    fixed = await say(service, 4102, "non c du 19 au 23 janvier")
    assert fixed.text.startswith("C'est corrigé")
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0
    await service.db.dispose()


@pytest.mark.parametrize(
    ("first", "academy", "school"),
    [
        (
            "slt jsui en 3e au college jean moulin a lyon et jtrouve pa de stage",
            "lyon",
            "college jean moulin",
        ),
        (
            "Bonjour, je suis en seconde au Lycée Victor Hugo à Besançon, je ne trouve pas de stage",
            "besancon",
            "Lycée Victor Hugo, Besançon",
        ),
        (
            "jsuis en 3e au clg pasteur de montreuil, g pas de stage",
            "creteil",
            "clg pasteur de montreuil",
        ),
        (
            "jsuis en 2nde pro au lp colbert, marseille, jtrouve pas de pfmp",
            "aix-marseille",
            "lp colbert",
        ),
    ],
)
def test_the_town_and_school_said_before_the_form_are_offered_not_asked(
    engine_with_academies, first, academy, school
):
    from bot.messages import State

    engine = engine_with_academies
    state = State(role="pupil")
    engine.handle_text(state, first)
    asked = engine.handle_choice(state, "esc")
    assert "Tu es bien dans l'académie" in asked.text and asked.choices[0].id == f"f:ac:{academy}"
    offered = engine.handle_text(state, "ouais")
    assert f"Ton établissement est bien : {school} ?" in offered.text
    engine.handle_text(state, "oui")  # typed, as ✅ Oui
    assert state.form["answers"]["school"] == school
    assert state.form["step"] == "period"  # the class was said too: not asked


@pytest.mark.parametrize(
    "said",
    ["c'est nice le stage de seconde ?", "jtrouve pas de stage en vente", "aide moi stp"],
)
def test_no_town_in_the_words_means_the_academie_is_asked(engine_with_academies, said):
    from bot.messages import State

    state = State(role="pupil")
    engine_with_academies.handle_text(state, said)
    asked = engine_with_academies.command(state, "stage")
    assert "Dans quelle académie est ton établissement ?" in asked.text
    assert state.form.get("known_school") is None


def test_what_is_not_an_answer_is_not_stored_in_the_form(engine_with_academies):
    """« re », « coucou c encore moi », « c quoi un secteur », « on en était où ? », « jsp » as
    the school: the question again (with help), nothing stored."""
    from bot.messages import State

    engine = engine_with_academies
    state = State(role="pupil")
    engine.command(state, "stage")
    engine.handle_text(state, "Marseille")
    assert "nom de ton établissement" in engine.handle_text(state, "jsp").text
    assert state.form["step"] == "school" and "school" not in state.form["answers"]
    engine.handle_text(state, "collège Jean Moulin, Marseille")
    engine.handle_text(state, "3e")
    for said in ("re", "coucou c encore moi", "on en était où ?", "hein"):
        reply = engine.handle_text(state, said)
        assert state.form["step"] == "period" and "period" not in state.form["answers"], said
        assert "On reprend ta demande" in reply.text, said
    when = engine.handle_text(state, "c quand mon stage ?")
    assert "fixées par ton établissement" in when.text and "period" not in state.form["answers"]
    engine.handle_text(state, "du 12 au 16 janvier")
    reply = engine.handle_text(state, "c quoi un secteur")
    assert "Le secteur, c'est le domaine" in reply.text and state.form["step"] == "sectors"
    engine.handle_text(state, "coiffure")
    for said in ("combien de km max ?", "c'est trop loin 40 min ?", "jusqu'où je peux aller"):
        far = engine.handle_text(state, said)
        assert "Il n'y a pas de distance imposée" in far.text, said
        assert state.form["step"] == "place" and "place" not in state.form["answers"], said
    engine.handle_text(state, "Aubagne, 20 min en bus")
    assert state.form["answers"]["place"] == "Aubagne, 20 min en bus"


@pytest.mark.parametrize(
    ("steps_before", "said"),
    [
        (0, "06 12 34 56 78"),
        (3, "mon num c 0612345678"),
        (4, "je m'appelle Inès"),
        (5, "ines.b@gmail.com"),
    ],
)
def test_a_number_a_mail_or_a_name_alone_is_not_kept_as_an_answer(
    engine_with_academies, steps_before, said
):
    from bot.messages import State

    engine = engine_with_academies
    state = State(role="pupil")
    engine.command(state, "stage")
    engine.handle_text(state, "Marseille")
    answers = ["collège Jean Moulin, Marseille", "3e", "du 12 au 16 janvier", "coiffure", "Aubagne"]
    for answer in answers[:steps_before]:
        engine.handle_text(state, answer)
    step = state.form["step"]
    reply = engine.handle_text(state, said)
    assert reply.text.startswith("Pas besoin de ton nom ni de ton numéro"), reply.text
    assert state.form["step"] == step and step not in state.form["answers"]
    kept = engine.handle_text(state, "boulangerie, mon num c'est 0612345678")
    assert state.form["step"] != step  # a real answer with a number in it: kept, masked
    assert "0612345678" not in str(state.form["answers"]), kept.text


def test_the_dates_corrected_at_a_later_step_replace_the_period(engine_with_academies):
    from bot.messages import State

    engine = engine_with_academies
    state = State(role="pupil")
    engine.command(state, "stage")
    for answer in ("Marseille", "collège Jean Moulin", "3e", "en juin", "boulangerie"):
        engine.handle_text(state, answer)
    fixed = engine.handle_text(state, "attends en fait c pas en juin c en mars")
    assert "c'est corrigé : période « en mars »" in fixed.text
    assert state.form["step"] == "place" and state.form["answers"]["period"] == "en mars"
    engine.handle_text(state, "Marseille 30 min en bus")
    again = engine.handle_text(state, "oups c'est du 3 au 7 mars en fait")
    assert state.form["answers"]["period"] == "du 3 au 7 mars", again.text
    # what was tried, though it starts with « en fait » and names a month (Avril is a town)
    engine.handle_text(state, "en fait j'ai demandé en avril à carrefour")
    answers = state.form["answers"]
    assert answers["tried"] == "en fait j'ai demandé en avril à carrefour"
    assert answers["academy"] == "aix-marseille" and answers["period"] == "du 3 au 7 mars"


def test_retour_passes_over_the_class_said_before_and_the_count_skips_it(engine_with_academies):
    from bot.messages import State

    engine = engine_with_academies
    state = State(role="pupil")
    engine.handle_text(state, "jsuis en 3e et jtrouve pas de stage")
    engine.handle_choice(state, "esc")
    engine.handle_text(state, "Marseille")
    period = engine.handle_text(state, "collège Jean Moulin, Marseille")
    assert period.text.startswith("(3/7) Quand a lieu ton stage")
    school = engine.handle_choice(state, "f:back")
    assert state.form["step"] == "school" and school.text.startswith("(2/7)")
    assert state.form["answers"]["level"] == "3e"


async def test_par_mon_etablissement_is_honoured_when_the_request_is_taken(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await say(service, PUPIL, "/stage")
    for answer in FORM_ANSWERS:
        await say(service, PUPIL, answer)
    await press(service, PUPIL, "f:ct:school")
    named = await say(service, PUPIL, "prof principal")  # typed, as the button
    assert "f:skip" in [c.id for c in named.choices]  # its name, optional, is asked next
    await press(service, PUPIL, "f:skip")
    done = await press(service, PUPIL, "f:ok")
    assert done.kind == "submitted"
    async with service.db.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    await press(service, IPE_A, f"ca:{case.id}")
    taken = (await outbox_rows(service, PUPIL))[-1].text
    assert "va contacter ton établissement" in taken and "ici même" not in taken
    await service.db.dispose()


async def test_a_pupil_who_sent_their_own_request_is_tutoye_even_when_writing_vous(kb, db_url):
    """No role said before the request: sending it makes the chat a pupil's, so « vous pouvez
    encore m'aider ? » afterwards is not answered with the teachers' version."""
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await fill_form(service, 4103)
    assert (await service.state_of(4103)).role == "pupil"
    reply = await say(service, 4103, "vous savez combien de temps dure un stage de 3e ?")
    assert "Ton collège" in reply.text and "Votre" not in reply.text
    await service.db.dispose()
