"""The pupil–IPE thread through the real Application: each message goes where it should."""

from __future__ import annotations

import html

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
    outbox_rows,
    press,
    say,
)
from support.harness import running_bot, until

from bot.store.models import Case, OutboxMessage

ADMIN = 3999


def plain(message: dict) -> str:
    return html.unescape(message["text"])


async def test_a_conversation_between_pupil_and_ipe_loses_nothing(api, kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await fill_form(service, PUPIL)  # two pupils' requests, filed before the bot starts
    await fill_form(service, PUPIL2, ["Marseille", *FORM_ANSWERS[1:]])
    async with service.db.sessions() as session:
        case_a, case_b = (await session.scalars(select(Case).order_by(Case.id))).all()
    await service.db.dispose()
    async with running_bot(api, kb, db_url, admin_ids=frozenset({ADMIN})):
        api.send_text(IPE_A, f"/ipe {code}")
        assert await until(lambda: "Aix-Marseille" in " ".join(api.texts(IPE_A)))
        pupil_seen = len(api.sent[PUPIL])

        # the IPE opens case A, takes it, answers twice: both messages reach pupil A
        api.send_text(IPE_A, f"/dossier {case_a.reference}")
        assert await until(lambda: "Historique" in api.texts(IPE_A)[-1])
        api.press_button(IPE_A, "Je prends en charge")
        assert await until(lambda: "pris en charge" in api.texts(IPE_A)[-1])
        api.press_button(IPE_A, "Répondre")
        assert await until(lambda: "Écrivez votre message" in api.texts(IPE_A)[-1])
        api.send_text(IPE_A, "Bonjour, une boulangerie du 13e cherche un stagiaire.")
        assert await until(lambda: case_a.reference in api.texts(IPE_A)[-1])
        api.send_text(IPE_A, "Quelles sont tes dates exactes ?")
        assert await until(
            lambda: sum("Message de l'ingénieur" in t for t in api.texts(PUPIL)) == 2
        )
        assert "dates exactes" in plain(api.last(PUPIL))

        # the pupil answers naturally, without the button, in two messages: asked, then both
        # are passed on with one press
        api.send_text(PUPIL, "oui merci c du 14 au 18 décembre")
        assert await until(lambda: "Je transmets ce message" in api.texts(PUPIL)[-1]), api.texts(
            PUPIL
        )[-2:]
        assert case_a.reference in api.texts(PUPIL)[-1]
        api.send_text(PUPIL, "et jai pas de lettre")
        assert await until(lambda: "Je transmets ces messages" in api.texts(PUPIL)[-1])
        api.press_button(PUPIL, "Transmettre")
        assert await until(lambda: "pas de lettre" in " ".join(api.texts(IPE_A)))
        assert "14 au 18 décembre" in " ".join(api.texts(IPE_A))
        assert await until(lambda: "Transmis" in api.texts(PUPIL)[-1])

        # with ↩️ Répondre, every message passes until the pupil leaves the thread
        api.press_button(PUPIL, "Répondre")
        assert await until(lambda: "jusqu'à ce que" in api.texts(PUPIL)[-1])
        api.send_text(PUPIL, "je peux venir lundi")
        assert await until(lambda: "venir lundi" in " ".join(api.texts(IPE_A)))
        api.send_text(PUPIL, "et j'ai un vélo")
        assert await until(lambda: "un vélo" in " ".join(api.texts(IPE_A)))
        api.press_button(PUPIL, "Terminer")
        assert await until(lambda: len(api.sent[PUPIL]) > pupil_seen + 6)

        # the IPE opens case B: what they type next is not sent to pupil A
        sent_to_a = len(api.sent[PUPIL])
        api.send_text(IPE_A, f"/dossier {case_b.reference}")
        assert await until(lambda: case_b.reference in api.texts(IPE_A)[-1])
        api.send_text(IPE_A, "Note pour moi : rappeler le collège")
        assert await until(lambda: "/dossiers" in api.texts(IPE_A)[-1])  # a hint, not a relay
        assert len(api.sent[PUPIL]) == sent_to_a

        # where is my request? the status, in the pupil's words
        api.send_text(PUPIL2, "ma demande elle en est où ?")
        assert await until(lambda: case_b.reference in " ".join(api.texts(PUPIL2)))
        assert "nouvelle" in api.texts(PUPIL2)[-1]

    service = make_service(db_url, kb)
    async with service.db.sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert not [r for r in rows if r.chat_id == PUPIL2 and "rappeler le collège" in r.text]
    await service.db.dispose()


async def test_nobody_to_receive_the_request_is_said_and_the_admins_are_told(api, kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    reply = await fill_form(service, PUPIL)  # nobody registered anywhere
    assert "aucun ingénieur pour l'école n'est inscrit" in reply.text
    assert "1élève1stage" in reply.text and "va la lire" not in reply.text
    async with service.db.sessions() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    alerts = [r for r in rows if r.chat_id == ADMIN]
    assert len(alerts) == 1 and "personne ne peut recevoir" in alerts[0].text
    for ask in ("/demande", "ma demande elle en est ou"):  # the status keeps telling the truth
        status = await say(service, PUPIL, ask)
        assert "Aucun ingénieur pour l'école n'est encore inscrit" in status.text, ask
        assert "va la prendre en charge" not in status.text
    await service.db.dispose()


async def test_with_no_administrator_either_the_pupil_is_told_nobody_will_read_it(kb, db_url):
    service = make_service(db_url, kb, admin_ids=frozenset())
    await service.db.create_schema()
    reply = await say(service, PUPIL, "/stage")
    reply = await say(service, PUPIL, FORM_ANSWERS[0])
    assert "personne ne la lira tant qu'un ingénieur ne sera pas inscrit" in reply.text
    for answer in FORM_ANSWERS[1:]:
        reply = await say(service, PUPIL, answer)
    reply = await press(service, PUPIL, "f:ct:bot")
    assert "personne ne la lira" in reply.text and "administrateurs" not in reply.text
    reply = await press(service, PUPIL, "f:ok")
    assert "Personne ne la lira" in reply.text and "administrateurs" not in reply.text
    status = await say(service, PUPIL, "/demande")
    assert "Personne ne la lira" in status.text and "prévenue" not in status.text
    await service.db.dispose()


async def test_with_an_administrator_the_pupil_is_told_the_team_knows(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    reply = await fill_form(service, PUPIL)
    assert (
        "Les administrateurs de l'assistant sont prévenus" in reply.text
        and "Personne ne la lira" not in reply.text
    )
    await service.db.dispose()


async def test_a_pupil_who_found_a_stage_closes_the_request_and_the_ipe_is_told(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    asked = await say(service, PUPIL, "jai trouvé un stage finalement !!")
    assert "bravo" in asked.text and "encore ouverte" in asked.text
    close = next(c.id for c in asked.choices if c.id.startswith("pc:"))
    not_yet = await say(service, PUPIL2, "jai trouvé un stage finalement")  # no request: joy only
    assert not any(c.id.startswith("pc:") for c in not_yet.choices)
    done = await press(service, PUPIL, close)
    assert "est close" in done.text and "prévenu" in done.text
    async with service.db.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    assert case.status == "resolved"
    told = [r.text for r in await outbox_rows(service, IPE_A)]
    assert any("a trouvé un stage" in t and case.reference in t for t in told)
    again = await press(service, PUPIL, close)
    assert "déjà close" in again.text
    status = await say(service, PUPIL, "/statut")  # the name people guess for /demande
    assert "pas de demande en cours" in status.text
    assert status.text.startswith(f"Ta dernière demande, {case.reference}, est résolue (le ")
    await service.db.dispose()


async def test_erasing_everything_asked_in_words_is_one_yes_away(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/start")
    await press(service, PUPIL, "r:pupil")
    asked = await say(service, PUPIL, "efface tout stp")
    assert "/oublier" in asked.text and [c.id for c in asked.choices] == ["del"]
    done = await say(service, PUPIL, "oui")
    assert done.kind == "forgotten" and "effacé" in done.text
    assert (await service.state_of(PUPIL)).role is None
    await say(service, PUPIL2, "efface tout stp")
    pressed = await press(service, PUPIL2, "del")
    assert pressed.kind == "forgotten"
    await service.db.dispose()


def test_the_messages_kept_for_transmettre_keep_the_latest_whole():
    from bot.desks.case_offers import PENDING_MAX_CHARS, pending_with

    kept = pending_with(pending_with(None, "un"), "deux")
    assert kept == "un\n\ndeux"
    long = pending_with(kept, "x" * (PENDING_MAX_CHARS - 3))
    assert long == "x" * (PENDING_MAX_CHARS - 3)  # the oldest dropped whole, never cut
    assert pending_with(None, "y" * (PENDING_MAX_CHARS + 5)) == "y" * (PENDING_MAX_CHARS + 5)


async def _thread(service) -> Case:
    """A request from PUPIL, taken by IPE_A who wrote once; the pupil in the thread."""
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    async with service.db.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    await press(service, IPE_A, f"cr:{case.id}")
    await say(service, IPE_A, "Bonjour, as-tu contacté des boulangeries ?")
    await press(service, PUPIL, f"pr:{case.id}")
    return case


async def test_a_pupils_own_number_or_account_is_kept_back_until_confirmed(kb, db_url):
    service = make_service(db_url, kb)
    case = await _thread(service)
    held = await say(service, PUPIL, "cest 06 45 12 78 90 et mon snap cest ines.tls31")
    assert "Tu n'as pas besoin de donner les tiens" in held.text
    assert not [r for r in await outbox_rows(service, IPE_A) if "06 45" in r.text]
    plain_reply = await say(service, PUPIL, "oui j'ai fait 5 boulangeries")  # still in the thread
    assert plain_reply.kind == "relayed"
    assert "n'est pas parti" in plain_reply.text  # the held one is not dropped without a word
    assert f"tx:{case.id}" in [c.id for c in plain_reply.choices]
    sent = await press(service, PUPIL, f"tx:{case.id}")  # confirmed: it goes
    assert sent.kind == "relayed"
    assert any("06 45" in r.text for r in await outbox_rows(service, IPE_A))
    await service.db.dispose()


async def test_a_worrying_message_reaches_the_ipe_flagged_and_a_request_for_a_number_is_recalled(
    kb, db_url
):
    service = make_service(db_url, kb)
    await _thread(service)
    reply = await say(
        service, PUPIL, "en vrai jen peux plus, si jai pas de stage jvais me foutre en lair"
    )
    assert reply.kind == "safety" and "3114" in reply.text and "Transmis" in reply.text
    assert "pas pour te punir" in reply.text  # the school may be told: said before it happens
    flagged = [r.text for r in await outbox_rows(service, IPE_A) if "foutre en lair" in r.text]
    assert flagged and flagged[0].startswith("⚠️ Message préoccupant") and "CPE" in flagged[0]
    await say(service, IPE_A, "/dossiers")
    async with service.db.sessions() as session:
        reference = (await session.scalars(select(Case))).one().reference
    history = await say(service, IPE_A, f"/dossier {reference}")  # marked for whoever opens it
    assert "⚠️ message préoccupant de l'élève (numéros d'aide donnés)" in history.text
    await press(service, IPE_A, "m")  # out of any thread
    async with service.db.sessions() as session:
        case = (await session.scalars(select(Case))).one()
    await press(service, IPE_A, f"cr:{case.id}")
    asked = await say(service, IPE_A, "donne-moi ton numéro de portable et ton snap")
    assert "l'élève est mineur·e" in asked.text
    await service.db.dispose()


async def test_a_plain_question_while_a_request_is_taken_is_answered_with_a_pass_on_button(
    kb, db_url
):
    service = make_service(db_url, kb)
    case = await _thread(service)
    await press(service, PUPIL, "m")  # out of the thread
    asked = await say(service, PUPIL, "est-ce que ma soeur de 4e peut déjà faire un stage ?")
    assert asked.kind == "answer" and asked.topic == "stage-3e" and "4e" in asked.text
    assert asked.choices[0].id == f"tx:{case.id}"  # and it can still go to the IPE
    told = await say(service, PUPIL, "oui merci c du 14 au 18 décembre")
    assert told.kind == "ask_relay" and "Je transmets" in told.text
    await service.db.dispose()


async def test_before_an_ipe_takes_the_request_what_the_bot_cannot_answer_is_offered_to_them(
    kb, db_url
):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    # a question is still answered, and « merci » is not offered to anyone
    asked = await say(service, PUPIL, "c quoi une convention de stage ?")
    assert asked.kind == "answer" and asked.topic == "convention-stage"
    thanks = await say(service, PUPIL, "merci")
    assert thanks.kind != "ask_relay"
    urgent = await say(service, PUPIL, "tu peux lui dire que c urgent")
    assert urgent.kind == "ask_relay" and "pas encore prise en charge" in urgent.text
    assert urgent.choices[0].id.startswith("tx:")
    sent = await press(service, PUPIL, urgent.choices[0].id)
    assert sent.kind == "relayed"
    told = [r.text for r in await outbox_rows(service, IPE_A)]
    assert any("c urgent" in t and "Message de l'élève" in t for t in told)
    await service.db.dispose()


async def test_before_an_ipe_takes_the_request_what_follows_a_kept_message_joins_it(kb, db_url):
    """Once a message is kept aside for the request nobody took yet, the next one joins it
    unless the bot is sure of its answer (then answered, ✉️ Transmettre first); « merci » is
    only thanks."""
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    first = await say(
        service, PUPIL, "jai eu une réponse de la boulangerie du port, ils veulent me voir lundi"
    )
    assert first.kind == "ask_relay" and "ce message" in first.text
    more = await say(service, PUPIL, "et aussi le garage a dit peut etre")
    assert more.kind == "ask_relay" and "ces messages" in more.text
    asked = await say(service, PUPIL, "c quoi une convention de stage ?")
    assert asked.kind == "answer" and asked.topic == "convention-stage"
    assert asked.choices[0].id.startswith("tx:")
    thanks = await say(service, PUPIL, "merci")
    assert thanks.kind != "ask_relay"
    await press(service, PUPIL, asked.choices[0].id)
    told = [r.text for r in await outbox_rows(service, IPE_A) if "Message de l'élève" in r.text]
    assert len(told) == 1 and "boulangerie du port" in told[0] and "le garage" in told[0]
    await service.db.dispose()


async def test_a_resolved_request_still_carries_messages_for_a_few_days(kb, db_url):
    """The IPE marks it resolved, then sends the placement's address; the pupil thanks them."""
    service = make_service(db_url, kb)
    case = await _thread(service)
    await press(service, IPE_A, f"cx:{case.id}")
    told = (await outbox_rows(service, PUPIL))[-1].text
    assert "résolue" in told and "Bon stage" not in told
    await press(service, IPE_A, f"cr:{case.id}")
    sent = await say(service, IPE_A, "C'est 4 rue du Clos Courtel, présente-toi à 9h")
    assert sent.kind == "relayed"
    await press(service, PUPIL, f"pr:{case.id}")
    thanks = await say(service, PUPIL, "merci infiniment !")
    assert thanks.kind == "relayed"
    assert any("merci infiniment" in r.text for r in await outbox_rows(service, IPE_A))
    await service.db.dispose()


async def test_an_ipe_answering_in_one_thread_after_another_pupil_wrote_is_asked_which(kb, db_url):
    """In Ana's thread, Ben's message arrives; what the IPE types next is not sent to Ana
    unasked: a reply meant for one pupil must never reach another."""
    service = make_service(db_url, kb)
    first = await _thread(service)  # IPE_A wrote to PUPIL, who opened the thread
    await fill_form(service, PUPIL2)
    async with service.db.sessions() as session:
        second = (await session.scalars(select(Case).where(Case.id != first.id))).one()
    await say(service, PUPIL, "oui j'ai fait 5 boulangeries")  # the thread goes on
    await press(service, IPE_A, f"cr:{first.id}")
    await say(service, IPE_A, "Très bien, continue.")
    await press(service, IPE_A, f"ca:{second.id}")
    await press(service, IPE_A, f"cr:{first.id}")  # back in the first pupil's thread
    await press(service, PUPIL2, f"pr:{second.id}")
    await say(service, PUPIL2, "le garage m'a dit peut-être, je fais quoi ?")
    before = len(await outbox_rows(service, PUPIL))
    asked = await say(service, IPE_A, "Rappelle le garage demain et demande M. Durand.")
    assert "Pour quelle demande" in asked.text and second.reference in asked.text
    assert len(await outbox_rows(service, PUPIL)) == before  # nothing reached the first pupil
    sent = await press(service, IPE_A, f"ix:{second.id}")
    assert sent.kind == "relayed" and second.reference in sent.text
    assert "M. Durand" in (await outbox_rows(service, PUPIL2))[-1].text
    assert len(await outbox_rows(service, PUPIL)) == before
    again = await say(service, IPE_A, "Et tiens-moi au courant.")  # now in the second thread
    assert again.kind == "relayed" and second.reference in again.text
    await service.db.dispose()


async def test_a_colleague_who_writes_in_a_taken_case_hears_the_answer(kb, db_url):
    """IPE_A took the case; IPE_A2 (same académie) writes to the pupil: IPE_A sees it, and the
    pupil's answer reaches both."""
    service = make_service(db_url, kb)
    case = await _thread(service)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A2, f"/ipe {code}")
    await press(service, IPE_A2, f"cr:{case.id}")
    await say(service, IPE_A2, "Je connais un chef à la Joliette, tu peux y aller mercredi ?")
    copy = (await outbox_rows(service, IPE_A))[-1].text
    assert copy.startswith("👥") and "collègue" in copy and "Joliette" in copy
    await press(service, PUPIL, f"pr:{case.id}")
    await say(service, PUPIL, "ouiii merci c a quelle adresse ?")
    for ipe in (IPE_A, IPE_A2):
        assert "c a quelle adresse" in (await outbox_rows(service, ipe))[-1].text, ipe
    await press(
        service, IPE_A, f"cr:{case.id}"
    )  # the IPE who took it answers: the colleague reads it
    await say(service, IPE_A, "12 quai de la Joliette, à 9 h")
    copy = (await outbox_rows(service, IPE_A2))[-1].text
    assert copy.startswith("👥") and "quai de la Joliette" in copy
    assert not any("quai de la" in r.text for r in await outbox_rows(service, IPE_A))  # not to self
    await service.db.dispose()


async def test_a_pupil_in_the_thread_when_the_ipe_closes_is_offered_to_reopen_not_dropped(
    kb, db_url
):
    """The IPE closes the request while the pupil is typing in the thread; what the pupil wrote
    is kept, and one press reopens the request with the IPE who followed it and passes it on."""
    service = make_service(db_url, kb)
    case = await _thread(service)  # the pupil is in the thread (↩️ Répondre)
    await press(service, IPE_A, f"cc:{case.id}")  # 🗂 Clore sans suite
    offered = await say(service, PUPIL, "attendez, la boulangerie Martin a dit non finalement")
    assert offered.kind == "ask_relay" and "close" in offered.text
    assert "Je la rouvre" in offered.text and offered.choices[0].id == f"ro:{case.id}"
    done = await press(service, PUPIL, f"ro:{case.id}")
    assert done.kind == "relayed" and "rouverte" in done.text and "Transmis" in done.text
    async with service.db.sessions() as session:
        again = await session.get(Case, case.id)
        assert again.status == "acknowledged" and again.closed_at is None
        assert again.assignee_id is not None
    told = [r.text for r in await outbox_rows(service, IPE_A)]
    assert any(t.startswith("🔁 Demande d'aide rouverte") for t in told)
    assert any("Martin a dit non" in t and "Message de l'élève" in t for t in told)
    await service.db.dispose()


async def test_a_message_kept_aside_when_the_ipe_closes_is_offered_under_the_closing_notice(
    kb, db_url
):
    """The pupil wrote outside the thread and never pressed ✉️ Transmettre; the IPE closes the
    request: the closing notice says the message was not passed on, with 🔁 Rouvrir."""
    import json

    service = make_service(db_url, kb)
    case = await _thread(service)
    await press(service, PUPIL, "m")  # 🔚 Terminer l'échange
    kept = await say(service, PUPIL, "la boulangerie du port veut mon cv avant vendredi")
    assert kept.kind == "ask_relay" and kept.choices[0].id == f"tx:{case.id}"
    await press(service, IPE_A, f"cc:{case.id}")  # 🗂 Clore sans suite
    notice = (await outbox_rows(service, PUPIL))[-1]
    assert "a été close" in notice.text and "ne lui avait pas été transmis" in notice.text
    assert [c["id"] for c in json.loads(notice.choices)] == [f"ro:{case.id}"]
    done = await press(service, PUPIL, f"ro:{case.id}")
    assert done.kind == "relayed" and "rouverte" in done.text
    told = [r.text for r in await outbox_rows(service, IPE_A)]
    assert any("mon cv avant vendredi" in t for t in told)
    await service.db.dispose()


async def test_a_closing_notice_offers_nothing_when_nothing_was_kept_aside(kb, db_url):
    import json

    service = make_service(db_url, kb)
    case = await _thread(service)
    await say(service, PUPIL, "oui deux, elles ont dit non")  # passed on in the thread
    await press(service, IPE_A, f"cx:{case.id}")  # ✅ Résolu
    notice = (await outbox_rows(service, PUPIL))[-1]
    assert "résolue" in notice.text and "transmis" not in notice.text
    assert json.loads(notice.choices) == []
    await service.db.dispose()


async def test_still_no_placement_after_the_request_ended_offers_to_reopen_it(kb, db_url):
    """« jai toujours pas de stage » a few days after the IPE closed it: reopened on a press,
    not a new request from scratch; a month later, a new request is the way."""
    from datetime import timedelta

    from bot.store.models import utcnow

    service = make_service(db_url, kb)
    case = await _thread(service)
    await press(service, IPE_A, f"cx:{case.id}")  # ✅ Résolu
    await press(service, PUPIL, "m")  # out of the thread
    thanks = await say(service, PUPIL, "j'y suis allé ce matin, la dame était super gentille")
    assert thanks.kind == "ask_relay" and thanks.choices[0].id == f"tx:{case.id}"
    offered = await say(service, PUPIL, "en fait jai toujours pas de stage")
    assert offered.choices[0].id == f"ro:{case.id}", offered.text
    await press(service, PUPIL, "m")  # Non, merci: nothing reopened
    async with service.db.sessions() as session:
        kept = await session.get(Case, case.id)
        assert kept.status == "resolved"
        kept.closed_at = utcnow() - timedelta(days=31)
        kept.resolved_at = kept.closed_at
        await session.commit()
    later = await say(service, PUPIL, "jai toujours pas de stage")
    assert not any(c.id.startswith(("ro:", "tx:")) for c in later.choices), later.text
    refused = await press(service, PUPIL, f"ro:{case.id}")  # an old button
    assert "ne peut plus être rouverte" in refused.text
    await service.db.dispose()


async def test_a_reopened_request_whose_ipe_left_goes_to_the_academy_as_new(kb, db_url):
    from bot.cases import contacts as contact_repo

    service = make_service(db_url, kb)
    case = await _thread(service)
    await press(service, IPE_A, f"cc:{case.id}")
    await press(service, PUPIL, "m")
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A2, f"/ipe {code}")
    async with service.db.sessions() as session:
        (gone,) = await contact_repo.contacts_of_chat(session, IPE_A)
        gone.active = False
        await session.commit()
    await say(service, PUPIL, "jai toujours pas de stage")
    done = await press(service, PUPIL, f"ro:{case.id}")
    assert "rouverte" in done.text
    async with service.db.sessions() as session:
        again = await session.get(Case, case.id)
        assert again.status == "new" and again.assignee_id is None
    told = [r.text for r in await outbox_rows(service, IPE_A2)]
    assert any(t.startswith("🔁 Demande d'aide rouverte") for t in told)
    assert any("toujours pas de stage" in t for t in told)
    await service.db.dispose()


async def test_urgency_said_after_sending_reaches_the_académie_and_no_second_request_starts(
    kb, db_url
):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    again = await say(service, PUPIL, "jveux refaire une demande")
    assert again.kind == "status" and "déjà envoyée" in again.text
    assert (await service.state_of(PUPIL)).form is None  # no second form begun
    urgent = await say(service, PUPIL, "c urgent svp le stage c dans 1 semaine")
    assert urgent.kind == "ask_relay" and urgent.choices[0].id.startswith("tx:"), urgent.text
    more = await say(service, PUPIL, "dis lui que c urgent")
    assert "ces messages" in more.text
    sent = await press(service, PUPIL, more.choices[0].id)
    assert sent.kind == "relayed"
    told = [r.text for r in await outbox_rows(service, IPE_A)]
    assert any("dans 1 semaine" in t and "dis lui que c urgent" in t for t in told)
    async with service.db.sessions() as session:
        assert len((await session.scalars(select(Case))).all()) == 1
    await service.db.dispose()


async def test_a_reply_typed_before_pressing_repondre_is_sent_not_dropped(kb, db_url):
    service = make_service(db_url, kb)
    case = await _thread(service)
    await press(service, PUPIL, "m")  # out of the thread, as a pupil who never pressed ↩️
    asked = await say(service, PUPIL, "le matin")
    assert asked.kind == "ask_relay"
    sent = await press(service, PUPIL, f"pr:{case.id}")  # ↩️ Répondre instead of ✉️
    assert sent.kind == "relayed"
    assert any("le matin" in r.text for r in await outbox_rows(service, IPE_A))
    await service.db.dispose()


async def test_distress_told_outside_the_thread_gets_the_helplines_then_an_offer_to_tell_the_ipe(
    kb, db_url
):
    service = make_service(db_url, kb)
    case = await _thread(service)
    await press(service, PUPIL, "m")
    told = await say(service, PUPIL, "mon maitre de stage de lannee derniere me frappait jai peur")
    assert told.kind == "safety" and told.text.index("119") < told.text.index("Je transmets")
    assert told.choices[0].id == f"tx:{case.id}"
    sent = await press(service, PUPIL, f"tx:{case.id}")
    assert "Transmis" in sent.text and "119" not in sent.text  # not the helplines twice
    rows = [r.text for r in await outbox_rows(service, IPE_A)]
    assert any(t.startswith("⚠️ Message préoccupant") and "frappait" in t for t in rows)
    await service.db.dispose()


async def test_a_question_about_the_request_in_a_taken_case_is_answered_and_offered(kb, db_url):
    service = make_service(db_url, kb)
    case = await _thread(service)
    await press(service, PUPIL, "m")
    asked = await say(service, PUPIL, "oui merci ! est ce que je dois prevenir le college ?")
    assert "établissement" in asked.text and asked.choices[0].id == f"tx:{case.id}"
    await press(service, PUPIL, f"tx:{case.id}")
    assert any("prevenir le college" in r.text for r in await outbox_rows(service, IPE_A))
    await service.db.dispose()
