"""A teacher asks the académie's IPE for a speaker or a visit, and the request is followed to
the end: taken, a date set, a reminder before it, one question after it that closes it."""

from __future__ import annotations

import html
import json
from datetime import date

import pytest
from sqlalchemy import select
from support.cases import ADMIN, IPE_A, IPE_B, invite, make_service, outbox_rows, press, say
from support.harness import running_bot, until
from support.teachers import (
    TEACHER,
    TEACHER2,
    TEACHER_ANSWERS,
    fill_teacher_form,
    in_days,
    move_date,
    the_case,
    workday,
)

from bot.cases.dates import (
    Agreed,
    day_warning,
    french_date,
    parse_agreed,
    parse_date,
    today_in_france,
)
from bot.conversation import run_reminders
from bot.desks.links import make_payload
from bot.desks.pupil_counts import pupil_count
from bot.store.models import Case


async def test_teacher_request_to_the_end_through_telegram(api, kb, db_url):
    service = make_service(db_url, kb)  # beside the bot: the upkeep, run when the test says
    code = await invite(service, "aix-marseille")
    async with running_bot(api, kb, db_url, admin_ids=frozenset({ADMIN})):
        api.send_text(IPE_A, f"/ipe {code}")
        assert await until(lambda: len(api.sent[IPE_A]) == 1)

        # the words of a teacher lead to the request, not to an answer about DP history
        api.send_text(TEACHER, "je voudrais qu'un ingénieur vienne présenter son métier à mes 3e")
        assert await until(lambda: len(api.sent[TEACHER]) == 1)
        offer = api.last(TEACHER)
        assert "Je transmets votre demande" in html.unescape(offer["text"])
        assert api.buttons(offer)[0][1] == "tq:talk"
        api.press_button(TEACHER, "Faire la demande")
        assert await until(
            lambda: "(1/8)" in api.texts(TEACHER)[-1]
        )  # kind and class said: not counted
        count = len(api.sent[TEACHER])
        for answer in ["Collège <b>Jean Moulin</b>", "Marseille", "3e B", "28", "l'aéronautique"]:
            api.send_text(TEACHER, answer)
            count += 1
            assert await until(lambda n=count: len(api.sent[TEACHER]) == n), api.texts(TEACHER)
        for label in ("Pas encore fixée", "En classe", "Aucune", "messagerie"):
            api.press_button(TEACHER, label)
            count += 1
            assert await until(lambda n=count: len(api.sent[TEACHER]) == n), api.texts(TEACHER)
        summary = html.unescape(api.last(TEACHER)["text"])
        assert "Récapitulatif de votre demande" in summary and "Nombre d'élèves : 28" in summary
        assert "Aix-Marseille" in summary and "En classe" in summary
        assert len(api.sent[IPE_A]) == 1, "nothing is sent before consent"
        api.press_button(TEACHER, "J'accepte")
        count += 1
        assert await until(lambda: len(api.sent[TEACHER]) == count)
        confirmation = html.unescape(api.last(TEACHER)["text"])
        assert "Référence de votre demande : AIX-" in confirmation

        # the IPE's notice: a teacher's request, with a teacher's fields, escaped
        assert await until(lambda: len(api.sent[IPE_A]) == 2, timeout=10)
        notice = api.last(IPE_A)
        assert "Nouvelle demande d'un·e enseignant·e" in notice["text"]
        assert "Nombre d'élèves : 28" in notice["text"]
        assert "&lt;b&gt;Jean Moulin&lt;/b&gt;" in notice["text"]
        assert "Répondre à l'enseignant·e" in [b[0] for b in api.buttons(notice)][1]
        api.press_button(IPE_A, "Je prends en charge")
        assert await until(lambda: "prise en charge" in api.texts(TEACHER)[-1])
        assert "votre demande" in api.texts(TEACHER)[-1]
        assert await until(lambda: "puis fixez la date" in api.texts(IPE_A)[-1])

        # the IPE records the date (a few days ahead) and the company
        api.press_button(IPE_A, "Fixer la date")
        assert await until(lambda: "Date convenue" in api.texts(IPE_A)[-1])
        api.send_text(IPE_A, "31/02")
        assert await until(lambda: "n'existe pas" in api.texts(IPE_A)[-1])
        day = in_days(2)
        api.send_text(IPE_A, f"{day:%d/%m/%Y}")
        asked = ("Quelle entreprise", "c'est bien cela")  # a weekend or holiday: confirmed first
        assert await until(lambda: any(a in api.texts(IPE_A)[-1] for a in asked))
        if "c'est bien cela" in api.texts(IPE_A)[-1]:
            api.press_button(IPE_A, "✅ Oui, cette date")
            assert await until(lambda: "Quelle entreprise" in api.texts(IPE_A)[-1])
        api.send_text(IPE_A, "Airbus Helicopters")
        assert await until(lambda: "avec Airbus Helicopters" in api.texts(IPE_A)[-1])
        assert await until(lambda: "🏢" in api.texts(TEACHER)[-1])  # the date, then who comes
        assert "Airbus Helicopters" in api.texts(TEACHER)[-1]
        assert "date fixée" in api.texts(TEACHER)[-2]
        # the IPE's notice is edited in place: the new status and the next step
        assert await until(
            lambda: any(
                "Statut : date fixée" in e["text"] and "3 jours avant" in e["text"]
                for e in api.calls_of("editMessageText")
            )
        )

        # a reminder to both a few days before; the upkeep again sends nothing twice
        before_teacher, before_ipe = len(api.sent[TEACHER]), len(api.sent[IPE_A])
        assert await run_reminders(service) == 2
        assert await run_reminders(service) == 0
        assert await until(lambda: "⏰ Rappel" in api.texts(TEACHER)[-1])
        assert await until(lambda: "⏰ Rappel" in api.texts(IPE_A)[-1])
        assert len(api.sent[TEACHER]) == before_teacher + 1
        assert len(api.sent[IPE_A]) == before_ipe + 1

        # after the date: one question to the teacher, whose answer closes the case
        case = await the_case(service, TEACHER)
        await move_date(service, case.id, in_days(-1))
        assert await run_reminders(service) == 1
        assert await until(lambda: "Cela s'est-il bien passé" in api.texts(TEACHER)[-1])
        api.press_button(TEACHER, "Très bien")
        assert await until(lambda: "Combien d'élèves" in api.texts(TEACHER)[-1])
        api.send_text(TEACHER, "27")
        assert await until(lambda: "est close" in api.texts(TEACHER)[-1])
        assert await until(lambda: "Bilan de" in api.texts(IPE_A)[-1])
        assert "27 élève(s)" in api.texts(IPE_A)[-1]
        assert await run_reminders(service) == 0  # closed: no more questions

        api.send_text(IPE_A, "/stats")
        assert await until(lambda: "Élèves touchés : 27" in api.texts(IPE_A)[-1])
    case = await the_case(service, TEACHER)
    assert (case.kind, case.status, case.pupils_reached, case.feedback) == (
        "teacher",
        "resolved",
        27,
        "good",
    )
    assert case.company == "Airbus Helicopters"
    await service.db.dispose()


async def test_the_form_validates_goes_back_and_cancels(kb, db_url):
    service = make_service(db_url, kb)
    await invite(service, "aix-marseille")
    reply = await say(service, TEACHER, "/intervention")
    assert "(1/10)" in reply.text and {c.id for c in reply.choices} >= {"f:ak:visit", "f:cancel"}
    reply = await say(service, TEACHER, "bla bla")
    assert "Choisissez avec les boutons" in reply.text
    reply = await say(service, TEACHER, "une visite d'entreprise")  # typed, understood
    assert "(2/9)" in reply.text
    await say(service, TEACHER, "Lycée Ampère")
    reply = await say(service, TEACHER, "zzqx")
    assert "pas reconnu" in reply.text and "(3/9)" in reply.text
    reply = await say(service, TEACHER, "69003")
    assert "(4/9)" in reply.text
    reply = await say(service, TEACHER, "2")  # not a button either: too short for a class
    assert "Pouvez-vous préciser" in reply.text and "(4/9)" in reply.text
    reply = await say(service, TEACHER, "5e")
    assert "(5/9)" in reply.text
    for wrong in ("beaucoup", "0", "5000"):
        reply = await say(service, TEACHER, wrong)
        assert "Indiquez un nombre d'élèves" in reply.text and "(5/9)" in reply.text
    reply = await say(service, TEACHER, "1")  # one pupil, not the first button (⬅️ Retour)
    assert "(6/9)" in reply.text
    reply = await press(service, TEACHER, "f:back")
    assert "(5/9)" in reply.text and "Combien d'élèves" in reply.text
    state = await service.state_of(TEACHER)
    assert "pupils" not in state.form["answers"]
    assert state.form["answers"]["academy"] == "lyon"
    reply = await press(service, TEACHER, "f:cancel")
    assert "annulée" in reply.text and "rien n'a été envoyé" in reply.text
    assert (await service.state_of(TEACHER)).form is None
    assert await outbox_rows(service) == []
    await service.db.dispose()


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("vingt-huit", 28),
        ("une quinzaine d'élèves", 15),
        ("2 classes de 25", 50),
        ("une trentaine, enfin exactement vingt-neuf", 29),
        ("Correction : ils ne sont que 26", 26),
        ("une classe de vingt-huit", 28),
        ("quatre-vingt-dix", 90),
        ("28 élèves, deux classes", 28),
        ("deux classes", None),
        ("deux classes, soit 48 élèves", 48),  # the total said after the classes
        ("2 classes de 24 élèves", 48),
        ("trois groupes de douze", 36),
        ("la salle doit être réservée 15 jours à l'avance", None),  # days, not pupils
        ("2 h maximum, 30 km autour du collège", None),
        ("le mardi quatorze mars", None),  # a date
    ],
)
def test_the_number_of_pupils_in_words(typed, count):
    assert pupil_count(typed)[0] == count


async def test_the_form_asks_a_total_a_month_and_takes_a_typed_yes(kb, db_url):
    service = make_service(db_url, kb)
    await invite(service, "limoges")
    await say(service, TEACHER, "/intervention")
    await press(service, TEACHER, "f:ak:visit")
    await say(service, TEACHER, "Collège Jules Marouzeau")
    reply = await say(service, TEACHER, "Guerret")  # a misspelling: a guess to confirm
    assert "bien dans l'académie de Limoges" in reply.text
    reply = await say(service, TEACHER, "oui")
    assert "(4/9)" in reply.text
    state = await service.state_of(TEACHER)
    assert state.form["answers"]["academy"] == "limoges"
    assert state.form["answers"]["commune"] == "Guerret"  # not "oui"
    await say(service, TEACHER, "3e A et 3e B")
    reply = await say(service, TEACHER, "deux classes")
    assert "en tout" in reply.text and "(5/9)" in reply.text
    reply = await say(service, TEACHER, "une cinquantaine")
    assert "(6/9)" in reply.text
    await press(service, TEACHER, "f:skip")
    reply = await say(service, TEACHER, "bientôt")
    assert "un mois ou une période" in reply.text and "(7/9)" in reply.text
    reply = await say(service, TEACHER, "je ne sais pas")
    assert "(8/9)" in reply.text  # a visit is on site: its format is neither asked nor counted
    state = await service.state_of(TEACHER)
    assert state.form["answers"]["pupils"] == "50" and state.form["answers"]["period"] == ""
    await service.db.dispose()


async def test_a_teacher_in_an_academie_without_ipe_is_told_honestly(kb, db_url):
    service = make_service(db_url, kb)
    await invite(service, "lyon")  # someone elsewhere, nobody for Aix-Marseille
    reply = await fill_teacher_form(service, TEACHER)
    assert "aucun ingénieur pour l'école n'est inscrit pour cette académie" in reply.text
    assert "Elles bougent" in reply.text
    rows = await outbox_rows(service)
    assert [r.chat_id for r in rows] == [ADMIN]
    assert "Nombre d'élèves : 28" in rows[0].text  # a teacher's fields
    status = await say(service, TEACHER, "/demande")
    assert "Votre demande AIX-" in status.text and "reçue" in status.text
    assert "n'est encore inscrit" in status.text and "va la prendre" not in status.text
    await service.db.dispose()


async def test_teachers_words_offer_the_form(kb, db_url):
    service = make_service(db_url, kb)
    await invite(service, "aix-marseille")
    for chat, text in enumerate(
        [
            "un intervenant pour ma classe",
            "organiser une visite d'entreprise",
            "un ingénieur pour parler aux élèves",
            "je voudrais qu'un ingénieur vienne présenter son métier à mes 3e",
        ],
        start=TEACHER,
    ):
        reply = await say(service, chat, text)
        assert reply.kind == "offer", (text, reply.text)
        assert reply.choices[0].id.startswith("tq")
        assert "DP" not in reply.text
        form = await press(service, chat, reply.choices[0].id)
        assert (
            form.kind == "form" and "(1/" in form.text
        )  # the kind, taken from the words, is not counted
    pupil = await say(service, 2999, "c'est quoi le stage de 3e")
    assert pupil.kind == "answer"
    menu = await press(service, 2998, "r:teacher")
    assert any(c.id == "tq" for c in menu.choices)
    await service.db.dispose()


async def test_the_ipe_dates_and_the_feedback_that_did_not_happen(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_teacher_form(service, TEACHER2)
    case = await the_case(service, TEACHER2)
    await press(service, IPE_A, f"ca:{case.id}")
    reply = await press(service, IPE_A, f"cd:{case.id}")
    assert "Date convenue" in reply.text
    reply = await say(service, IPE_A, "12/03/2020")
    assert "passée" in reply.text
    reply = await say(service, IPE_A, "n'importe quand")
    assert "pas reconnu la date" in reply.text
    reply = await say(service, IPE_A, f"{workday(10):%d/%m}")
    reply = await press(service, IPE_A, reply.choices[0].id)  # « Passer »: no company
    assert "date fixée" in reply.text
    assert await run_reminders(service) == 0  # ten days ahead: not yet
    await move_date(service, case.id, in_days(-2))
    assert await run_reminders(service) == 1
    reply = await press(service, TEACHER2, f"tf:{case.id}:none")
    assert "autre date" in reply.text
    case = await the_case(service, TEACHER2)
    assert case.status == "acknowledged" and case.event_date is None
    last = (await outbox_rows(service, IPE_A))[-1]
    assert "n'a pas eu lieu" in last.text
    # another IPE's académie: neither the date button nor the case
    code = await invite(service, "lyon")
    await say(service, IPE_B, f"/ipe {code}")
    reply = await press(service, IPE_B, f"cd:{case.id}")
    assert "introuvable" in reply.text
    await service.db.dispose()


def test_french_dates_typed_by_an_ipe():
    today = date(2026, 11, 30)
    assert parse_date("12/03", today) == (date(2027, 3, 12), "")  # the next 12 March
    assert parse_date("12 mars 2027", today) == (date(2027, 3, 12), "")
    assert parse_date("le jeudi 1er avril", today) == (date(2027, 4, 1), "")
    assert parse_date("3/12/26", today) == (date(2026, 12, 3), "")
    assert parse_date("2027-01-05", today) == (date(2027, 1, 5), "")
    assert parse_date("30/11", today) == (today, "")  # today is not past
    assert parse_date("31/02", today) == (None, "invalid")
    assert parse_date("12/03/2025", today) == (None, "past")
    assert parse_date("12/03/2029", today) == (None, "far")
    assert parse_date("bientôt", today) == (None, "format")
    assert french_date(date(2027, 3, 1)) == "lundi 1er mars 2027"


def test_dates_with_hours_weekdays_and_holidays():
    today = date(2026, 12, 3)
    assert parse_agreed("14/04 à 9h", today) == Agreed(date(2027, 4, 14), "à 9 h")
    assert parse_agreed("le 14 avril 2027 de 9h à 12h", today).hours == "de 9 h à 12 h"
    assert parse_agreed("14/04 9h30-11h", today).hours == "de 9 h 30 à 11 h"
    assert parse_agreed("12/03/2027 14:30", today).hours == "à 14 h 30"
    wrong = parse_agreed("mardi 14 avril à 9h", today)  # a Wednesday
    assert (wrong.problem, wrong.said_weekday) == ("weekday", "mardi")
    assert parse_agreed("mercredi 14 avril", today).problem == ""
    assert parse_agreed("14/04 à 25h", today).problem == "hours"
    assert parse_agreed("Airbus", today).problem == "format"
    assert day_warning(date(2027, 5, 1)) == "⚠️ C'est un jour férié (la fête du Travail)."
    assert day_warning(date(2027, 5, 6)) == "⚠️ C'est un jour férié (l'Ascension)."
    assert day_warning(date(2027, 4, 17)) == "⚠️ C'est un samedi."
    assert day_warning(date(2027, 4, 14)) == ""


async def test_a_new_date_keeps_the_company_and_says_what_it_replaces(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_teacher_form(service, TEACHER2)
    case = await the_case(service, TEACHER2)
    await press(service, IPE_A, f"ca:{case.id}")
    await press(service, IPE_A, f"cd:{case.id}")
    first = workday(20)
    reply = await say(service, IPE_A, f"{first:%d/%m} de 9h à 12h")
    assert "de 9 h à 12 h" in reply.text and "Quelle entreprise" in reply.text
    await say(service, IPE_A, "Dassault Aviation")
    # a new date: « Garder » keeps the company; the teacher hears which date it replaces
    await press(service, IPE_A, f"cd:{case.id}")
    second = workday(27)
    reply = await say(service, IPE_A, f"{second:%d/%m} à 14h")
    assert reply.choices[0].label == "Garder « Dassault Aviation »"
    reply = await press(service, IPE_A, reply.choices[0].id)
    assert "Dassault Aviation" in reply.text
    case = await the_case(service, TEACHER2)
    assert (case.event_date, case.event_hours, case.company) == (
        second,
        "à 14 h",
        "Dassault Aviation",
    )
    told = (await outbox_rows(service, TEACHER2))[-1].text
    assert told.startswith("📅 Nouvelle date") and "au lieu du" in told and "de 9 h à 12 h" in told
    # a date typed, then something else: the date is kept all the same
    await press(service, IPE_A, f"cd:{case.id}")
    third = workday(30)
    await say(service, IPE_A, f"{third:%d/%m}")
    await say(service, IPE_A, "/dossiers")
    case = await the_case(service, TEACHER2)
    assert case.event_date == third and case.company == "Dassault Aviation"
    # a public holiday is confirmed before the teacher hears of it; a date typed at the
    # company step is never taken for a company
    told_before = len(await outbox_rows(service, TEACHER2))
    await press(service, IPE_A, f"cd:{case.id}")
    may_day = date(today_in_france().year + 1, 5, 1)
    asked = await say(service, IPE_A, f"{may_day:%d/%m/%Y}")
    assert "jour férié" in asked.text and asked.choices[0].id == f"cd:{case.id}:ok"
    assert len(await outbox_rows(service, TEACHER2)) == told_before
    fourth = workday(40)
    await say(service, IPE_A, f"{fourth:%d/%m} de 9h à midi")
    odd = await say(service, IPE_A, "le 6 mai vers midi et demi")
    assert "pas reconnu la date" in odd.text
    case = await the_case(service, TEACHER2)
    assert (case.event_date, case.event_hours) == (fourth, "de 9 h à 12 h")
    assert case.company == "Dassault Aviation"
    await service.db.dispose()


async def test_a_date_typed_with_the_company_after_it_keeps_both(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_teacher_form(service, TEACHER2)
    case = await the_case(service, TEACHER2)
    await press(service, IPE_A, f"ca:{case.id}")
    await press(service, IPE_A, f"cd:{case.id}")
    day = workday(20)
    reply = await say(service, IPE_A, f"le {day:%d/%m} à 10h, Mme Martin d'EDF")
    assert "pas reconnu" not in reply.text and "Quelle entreprise" not in reply.text
    assert "avec Mme Martin d'EDF" in reply.text, reply.text
    case = await the_case(service, TEACHER2)
    assert (case.event_date, case.event_hours, case.company) == (day, "à 10 h", "Mme Martin d'EDF")
    told = [row.text for row in await outbox_rows(service, TEACHER2)]
    assert any("Mme Martin d'EDF" in text for text in told)
    state = await service.state_of(IPE_A)
    assert state.case_input is None  # nothing more awaited
    await service.db.dispose()


async def test_a_teachers_oublier_keeps_only_the_kind_of_action(kb, db_url):
    service = make_service(db_url, kb)
    await invite(service, "aix-marseille")
    await fill_teacher_form(service, TEACHER)
    asked = await say(service, TEACHER, "/oublier")
    assert "Votre demande" in asked.text and "Tout effacer quand même" in asked.text
    reply = await press(service, TEACHER, "del")
    assert "vos informations dans votre demande" in reply.text and "(s)" not in reply.text
    assert " ton " not in reply.text and "Vous pouvez" in reply.text  # a teacher is vouvoyé
    case = await the_case_by_id(service, 1)
    assert case.erased and case.pupil_chat_id is None
    assert json.loads(case.details) == {"action": "talk"}  # no school, no theme: the figures
    await service.db.dispose()


async def the_case_by_id(service, case_id: int) -> Case:
    async with service.db.sessions() as session:
        return await session.get(Case, case_id)


async def test_a_teachers_poster_link_fills_in_the_academie_and_the_school(kb, db_url):
    service = make_service(db_url, kb, link_secret="a secret only this bot knows, 32+")
    await invite(service, "lyon")
    lyon = service.engine.academies.get("lyon")
    payload = make_payload(lyon, "Lycée Ampère", "teacher", service.engine.link_secret)
    welcome = await say(service, TEACHER, f"/start {payload}")
    assert "Vous êtes au lycée Ampère" in welcome.text
    menu_button = next(c for c in welcome.choices if c.id == "tq")  # the teachers' menu
    await press(service, TEACHER, menu_button.id)
    reply = await press(service, TEACHER, "f:ak:visit")
    assert "Lycée Ampère" in reply.text and ("✅ Oui", "f:sc") in [
        (c.label, c.id) for c in reply.choices
    ]
    reply = await press(service, TEACHER, "f:sc")
    assert "académie de Lyon ?" in reply.text
    reply = await press(service, TEACHER, "f:ac:lyon")
    assert "(4/9)" in reply.text
    await service.db.dispose()


async def test_a_teacher_can_file_a_second_request_for_another_class(kb, db_url):
    service = make_service(db_url, kb)
    await invite(service, "aix-marseille")
    await fill_teacher_form(service, TEACHER)
    status = await say(service, TEACHER, "/intervention")  # the open one first
    assert status.kind == "status" and "tq:new" in [c.id for c in status.choices]
    reply = await press(service, TEACHER, "tq:new")
    assert reply.kind == "form" and "(1/10)" in reply.text
    await press(service, TEACHER, "f:ak:visit")
    for answer in ("Collège Jean Moulin", "Marseille", "4e", "25", "l'industrie", "en mai"):
        reply = await say(service, TEACHER, answer)
    await press(service, TEACHER, "f:skip")
    await press(service, TEACHER, "f:ct:bot")
    sent = await press(service, TEACHER, "f:ok")
    assert sent.kind == "submitted"
    async with service.db.sessions() as session:
        cases = (await session.scalars(select(Case).where(Case.kind == "teacher"))).all()
    assert len(cases) == 2
    await service.db.dispose()


async def test_cancelling_in_a_new_form_offers_to_cancel_the_request_already_sent(kb, db_url):
    """« je voudrais annuler ma demande » typed in a new form means the one sent: it is offered,
    and the new form, which nothing was sent from, is dropped and said so."""
    service = make_service(db_url, kb)
    await invite(service, "aix-marseille")
    await fill_teacher_form(service, TEACHER)
    await say(service, TEACHER, "/intervention")
    await press(service, TEACHER, "tq:new")
    asked = await say(service, TEACHER, "Je voudrais annuler ma demande")
    assert asked.kind == "ask_close" and asked.choices[0].id.startswith("pk:")
    assert "nouveau formulaire est abandonné" in asked.text
    assert (await service.state_of(TEACHER)).form is None
    done = await press(service, TEACHER, asked.choices[0].id)
    assert "annulée" in done.text
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case).where(Case.kind == "teacher"))
    assert case.status == "closed"
    await service.db.dispose()


async def _visit_request(service, *answers: str) -> None:
    """A teacher's request for a visit in the académie of Limoges, its steps answered in turn."""
    await invite(service, "limoges")
    await say(service, TEACHER, "/intervention")
    await press(service, TEACHER, "f:ak:visit")
    for answer in answers:
        await say(service, TEACHER, answer)


async def test_a_question_the_form_cannot_answer_is_not_taken_for_the_step(kb, db_url):
    service = make_service(db_url, kb)
    await _visit_request(service, "Collège Jules Marouzeau", "Guéret", "oui", "3e A")
    reply = await say(service, TEACHER, "Combien cela coûte-t-il pour l'établissement ?")
    assert "pas de réponse sûre" in reply.text and "Indiquez un nombre" not in reply.text
    state = await service.state_of(TEACHER)
    assert state.form["step"] == "pupils" and "pupils" not in state.form["answers"]
    await service.db.dispose()


async def test_a_question_typed_as_the_theme_is_asked_about_once(kb, db_url):
    service = make_service(db_url, kb)
    await _visit_request(service, "Collège Jules Marouzeau", "Guéret", "oui", "3e A", "26")
    question = "Est-ce qu'un stage de 3e peut se faire dans la fonction publique ?"
    reply = await say(service, TEACHER, question)
    assert "pas notée comme réponse" in reply.text and "(6/" in reply.text
    state = await service.state_of(TEACHER)
    assert state.form["step"] == "theme" and "theme" not in state.form["answers"]
    await say(service, TEACHER, question)  # typed again: it is the theme
    state = await service.state_of(TEACHER)
    assert state.form["answers"]["theme"] == question and state.form["step"] != "theme"
    await service.db.dispose()


async def test_a_class_or_a_count_typed_under_the_recap_corrects_it(kb, db_url):
    service = make_service(db_url, kb)
    answers = ("Collège Jules Marouzeau", "Guéret", "oui", "4e", "26", "l'industrie")
    await _visit_request(service, *answers)  # « oui » is no class: asked again
    for button in ("f:skip", "f:skip"):
        await press(service, TEACHER, button)
    reply = await say(service, TEACHER, "prof.martin@ac-limoges.fr")  # at « Par où … ? »
    assert "Pas besoin de coordonnées" in reply.text
    reply = await say(service, TEACHER, "ils sont 27 finalement")
    assert "C'est corrigé" in reply.text
    reply = await press(service, TEACHER, "f:ct:bot")
    assert "Récapitulatif" in reply.text and "• Classe : 4e" in reply.text
    assert "• Nombre d'élèves : 27" in reply.text
    assert "• Période souhaitée : Pas encore fixée" in reply.text  # its button, not « — »
    reply = await say(service, TEACHER, "en fait c'est pour une 3e B, pas une 4e")
    assert "C'est corrigé" in reply.text and "• Classe : 3e B" in reply.text
    reply = await say(service, TEACHER, "ils sont 28 en fait")
    assert "C'est corrigé" in reply.text and "• Nombre d'élèves : 28" in reply.text
    reply = await say(service, TEACHER, "ok super")  # no correction: the buttons
    assert "Utilisez les boutons" in reply.text
    state = await service.state_of(TEACHER)
    assert state.form["answers"]["level"] == "3e B" and state.form["answers"]["pupils"] == "28"
    await service.db.dispose()


@pytest.mark.parametrize(
    ("typed", "action"),
    [("Des intervenants pour notre forum des métiers", "talk"), ("Un forum", "other")],
)
async def test_the_kind_of_request_typed_in_the_plural_or_as_a_forum_is_understood(
    kb, db_url, typed, action
):
    service = make_service(db_url, kb)
    reply = await say(service, TEACHER, "/intervention")
    assert "organiser" in reply.text
    reply = await say(service, TEACHER, typed)
    assert "Choisissez avec les boutons" not in reply.text, reply.text
    state = await service.state_of(TEACHER)
    assert state.form["answers"]["action"] == action
    await service.db.dispose()


async def test_a_constraint_typed_at_the_format_step_is_kept_and_not_asked_again(kb, db_url):
    service = make_service(db_url, kb)
    await say(service, TEACHER, "/intervention")
    await press(service, TEACHER, "f:ak:talk")
    for answer in TEACHER_ANSWERS:
        reply = await say(service, TEACHER, answer)
    assert "Sous quelle forme" in reply.text
    reply = await say(
        service,
        TEACHER,
        "Pas de contrainte particulière, mais nous n'avons pas de budget pour le car",
    )
    assert "C'est noté pour les contraintes" in reply.text and "f:fm:class" in [
        c.id for c in reply.choices
    ]
    reply = await press(service, TEACHER, "f:fm:class")
    assert "Des contraintes" not in reply.text and "Par où" in reply.text, reply.text
    reply = await press(service, TEACHER, "f:ct:bot")
    assert "pas de budget pour le car" in reply.text  # in the recap
    await service.db.dispose()


async def test_a_teacher_dropping_the_request_under_the_recap_is_shown_how_to_stop_it(kb, db_url):
    service = make_service(db_url, kb)
    answers = ("Collège Jules Marouzeau", "Guéret", "4e", "26", "l'industrie")
    await _visit_request(service, *answers)
    for button in ("f:skip", "f:skip", "f:ct:bot"):
        reply = await press(service, TEACHER, button)
    assert "Récapitulatif" in reply.text
    reply = await say(
        service, TEACHER, "Finalement on n'a pas le budget pour le car, laissez tomber."
    )
    assert "rien n'a été envoyé" in reply.text and "❌ Annuler" in reply.text, reply.text
    assert "f:cancel" in [c.id for c in reply.choices]
    state = await service.state_of(TEACHER)
    assert state.form is not None and state.form["step"] == "consent"  # nothing sent, kept
    await service.db.dispose()


async def test_a_teacher_asking_how_to_organise_gets_the_advice_and_the_request_button(kb, db_url):
    service = make_service(db_url, kb)
    await invite(service, "limoges")
    await say(service, TEACHER, "Bonjour, je suis enseignante de technologie en collège")
    reply = await say(
        service, TEACHER, "Comment organiser la découverte professionnelle pour mes 4e ?"
    )
    assert reply.kind == "answer" and reply.topic == "dp-entreprises"
    assert reply.choices[0].id.startswith("tq") and "peut aussi vous aider" in reply.text
    assert reply.text.index("peut aussi") < reply.text.index("Source :")
    await service.db.dispose()


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, je souhaiterais qu'un ingénieur vienne présenter son métier à mes deux classes "
        "de 3e (52 élèves au total), idéalement en mars. Est-ce possible ?",
        "pouvez-vous transmettre ma demande à l'ingénieur pour l'école de l'académie ?",
    ],
)
def test_a_teachers_explicit_request_is_offered_the_form(engine_with_academies, text):
    from bot.messages import State

    state = State(role="teacher")
    reply = engine_with_academies.handle_text(state, text)
    assert reply.kind == "offer" and reply.choices[0].id.startswith("tq"), text


def test_oui_to_the_offer_starts_the_request_and_not_under_the_menu(engine_with_academies):
    from bot.messages import State

    engine = engine_with_academies
    state = State(role="teacher")
    engine.handle_text(state, "Bonjour, je voudrais un intervenant pour ma classe de 3e")
    reply = engine.handle_text(state, "oui")  # « Je transmets votre demande … ? »
    assert state.form is not None and "établissement" in reply.text
    state = State(role="teacher")
    engine.handle_text(state, "Bonjour, je suis professeure de technologie en collège")
    engine.handle_text(state, "oui")  # the greeting asked nothing
    assert state.form is None


def test_a_typed_button_label_is_the_button(engine_with_academies):
    from bot.desks import teacher_forms
    from bot.desks.teacher_forms import answer_text

    form = teacher_forms.new_form()
    form["step"] = "format"
    assert answer_text(form, "En classe", "teacher", engine_with_academies.academies) is None
    assert form["answers"]["format"] == "class"
    form["step"] = "contact"
    assert (
        answer_text(form, "par cette messagerie", "teacher", engine_with_academies.academies)
        is None
    )
    assert form["answers"]["contact"] == "bot"


def test_a_count_or_a_period_typed_at_the_commune_step_is_kept_for_its_step(
    engine_with_academies,
):
    """« ah non pardon, 26 élèves » is not the Drôme, « plutôt en mars » not Mars (Loire)."""
    from bot.messages import State

    state = State(role="teacher")
    engine_with_academies.command(state, "intervention")
    engine_with_academies.handle_choice(state, "f:ak:talk")
    engine_with_academies.handle_text(state, "Collège Jean Moulin")
    assert state.form["step"] == "commune"
    counted = engine_with_academies.handle_text(state, "ah non pardon, 26 élèves")
    assert counted.text.startswith("C'est noté : 26 élèves.") and "académie" not in counted.text
    when = engine_with_academies.handle_text(state, "plutôt en mars, le mardi après-midi")
    assert "académie" not in when.text and state.form["step"] == "commune"
    engine_with_academies.handle_text(state, "Marseille")
    answers = state.form["answers"]
    assert answers["pupils"] == "26" and answers["period"] == "plutôt en mars, le mardi après-midi"
    assert answers["academy"] == "aix-marseille"


def test_a_change_of_mind_about_the_kind_of_request_changes_it_and_keeps_the_step(
    engine_with_academies,
):
    """« en fait non, je préfère un intervenant » after choosing a visit: not a cancellation,
    not the school's name; the visit's implied « sur place » is dropped, the format asked."""
    from bot.messages import State

    state = State(role="teacher")
    engine_with_academies.command(state, "intervention")
    engine_with_academies.handle_choice(state, "f:ak:visit")
    changed = engine_with_academies.handle_text(
        state, "En fait non, je préfère qu'un intervenant vienne en classe plutôt"
    )
    assert changed.text.startswith("C'est noté : intervention en classe plutôt.")
    assert state.form["step"] == "school" and state.form["answers"]["action"] == "talk"
    assert "format" not in state.form["answers"]
    for answer in ("Collège Pagnol", "Marseille", "3e", "25"):
        engine_with_academies.handle_text(state, answer)
    engine_with_academies.handle_text(state, "finalement plutôt les métiers du numérique")
    assert state.form["answers"]["action"] == "talk"  # a theme, not another kind
    assert state.form["answers"]["theme"] == "finalement plutôt les métiers du numérique"


def test_the_school_said_with_its_town_or_the_town_alone_fills_the_commune(engine_with_academies):
    """« Collège Longchamp à Marseille »: the commune is not asked; « Marseille » alone where
    the school is asked is the commune, and the school is asked again."""
    from bot.messages import State

    engine = engine_with_academies
    state = State(role="teacher")
    engine.command(state, "intervention")
    engine.handle_choice(state, "f:ak:talk")
    engine.handle_text(state, "Collège Longchamp à Marseille")
    answers = state.form["answers"]
    assert (answers["school"], answers["commune"]) == ("Collège Longchamp", "Marseille")
    assert answers["academy"] == "aix-marseille" and state.form["step"] == "level"

    other = State(role="teacher")
    engine.command(other, "intervention")
    engine.handle_choice(other, "f:ak:talk")
    town = engine.handle_text(other, "Marseille")
    assert town.text.startswith("C'est noté pour la commune : Marseille.")
    assert other.form["step"] == "school" and "school" not in other.form["answers"]
    engine.handle_text(other, "Lycée Jean de La Fontaine")  # « de La Fontaine » is no town
    assert other.form["answers"]["school"] == "Lycée Jean de La Fontaine"
    assert other.form["step"] == "level"  # the commune was said already


def test_a_change_of_mind_at_the_first_step_is_the_answer_not_a_cancel(engine_with_academies):
    from bot.messages import State

    state = State(role="teacher")
    engine_with_academies.command(state, "intervention")
    engine_with_academies.handle_text(state, "En fait non, je préfère une visite d'entreprise")
    assert state.form is not None and state.form["answers"]["action"] == "visit"
    engine_with_academies.handle_text(state, "en fait non laisse tomber")
    assert state.form is None


def test_a_class_denied_at_a_later_step_corrects_the_class(engine_with_academies):
    from bot.messages import State

    state = State(role="teacher")
    engine = engine_with_academies
    engine.command(state, "intervention")
    engine.handle_choice(state, "f:ak:visit")
    for answer in ("Lycée professionnel Colbert", "Marseille", "2de bac pro", "24"):
        engine.handle_text(state, answer)
    engine.handle_text(state, "Les métiers de l'énergie")
    fixed = engine.handle_text(state, "c'est pour une 1re pas une 2de")
    assert fixed.text.startswith("C'est corrigé : classe 1re")
    assert "period" not in state.form["answers"]
