"""What a hostile or clumsy user did to the bot: groups, odd numbers and bytes, floods, edits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support.cases import IPE_A, PUPIL, fill_form, invite, make_service, press, say
from support.harness import running_bot, until

from bot.messages import Incoming, State
from bot.store.models import Case, Contact

GROUP = -100123456


async def test_in_a_group_nobody_acts_as_an_ipe(api, kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await service.db.dispose()
    async with running_bot(api, kb, db_url):
        api.send_text(GROUP, f"/ipe {code}", user_id=IPE_A, chat_type="group")
        assert await until(lambda: api.sent.get(GROUP))
        assert "message privé" in api.texts(GROUP)[-1]
        api.send_text(GROUP, "/dossiers", user_id=IPE_A, chat_type="group")
        api.send_text(GROUP, "/stage", user_id=PUPIL, chat_type="group")
        assert await until(lambda: len(api.sent[GROUP]) == 3)
        assert all("message privé" in t for t in api.texts(GROUP))
    service = make_service(db_url, kb)
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count(Contact.id))) == 0  # code not redeemed
    await service.db.dispose()


async def test_rights_follow_the_user_not_the_chat(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case))
    # a pupil pressing a forged IPE button in their own private chat, claiming nothing
    reply = await service.handle(Incoming(PUPIL, "choice", f"ca:{case.id}", user_id=PUPIL))
    assert "réservée" in reply.text
    # the IPE's user id acting from another (private) chat keeps the IPE's rights
    reply = await service.handle(Incoming(IPE_A, "choice", f"cv:{case.id}", user_id=IPE_A))
    assert "Historique" in reply.text
    await service.db.dispose()


@pytest.mark.parametrize(
    "text", ["²", "①", "9" * 5000, "٣", "\x00stage\x00", "stage \ud800 de 3e", "😀" * 300]
)
async def test_odd_numbers_and_bytes_get_a_clear_answer(kb, db_url, text):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/menu")  # buttons shown: digits would pick one
    reply = await say(service, PUPIL, text)
    assert reply is not None and "Souci technique" not in reply.text
    await service.db.dispose()


@pytest.mark.parametrize(
    "data",
    ["ca:²", "cv:" + "9" * 30, "pr:99999999999", "ca:-1", "tx:①", "th:stages:99999", "more:x"],
)
async def test_forged_buttons_never_crash_nor_look_like_an_outage(kb, db_url, data):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    reply = await press(service, IPE_A, data)
    assert reply is not None and "Souci technique" not in reply.text
    await service.db.dispose()


async def test_a_nul_byte_in_a_form_answer_is_stored_and_the_request_goes_out(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    answers = ["Marseille", "Collège\x00 Jean Moulin", "3e", "mai", "cuisine", "Marseille", "rien"]
    reply = await fill_form(service, PUPIL, answers)
    assert "AIX-" in reply.text
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case))
    assert "\x00" not in case.details and "Jean Moulin" in case.details
    await service.db.dispose()


async def test_one_chat_cannot_flood_the_ipe(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    # one request open at a time: /stage shows it instead of a new one
    assert (await say(service, PUPIL, "/stage")).kind == "status"
    # registration attempts are limited
    replies = [await say(service, PUPIL, "/ipe FAUXCODE") for _ in range(7)]
    assert "Trop d'essais" in replies[-1].text and "Trop d'essais" not in replies[0].text
    # relayed messages are limited
    async with service.db.sessions() as session:
        case = await session.scalar(select(Case))
    await press(service, PUPIL, f"pr:{case.id}")
    replies = [await say(service, PUPIL, f"message {n}") for n in range(32)]
    assert "beaucoup de messages" in replies[30].text  # the 31st
    assert "Transmis" in replies[0].text
    await service.db.dispose()


async def test_an_edited_message_is_not_taken_as_a_form_answer(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    await say(service, PUPIL, "Marseille")
    reply = await service.handle(Incoming(PUPIL, "text", "Lyon finalement", edited=True))
    assert "modifiés" in reply.text and reply.kind == "form"
    state = await service.state_of(PUPIL)
    assert state.form["step"] == "school" and "school" not in state.form["answers"]
    await service.db.dispose()


def test_html_tags_typed_in_a_message_are_not_read_as_words(engine):
    state = State(role="pupil")
    reply = engine.handle_text(state, "<b>bonjour</b> <script>alert(1)</script> jai pas de stage")
    assert reply.topic == "pas-de-stage"
    school = engine.handle_text(
        state, '<i>lycée</i> <a href="http://x.fr">Saint-Ex</a>, c quoi une pfmp'
    )
    assert school.topic == "pfmp" and "French only" not in school.text  # no tag read as English
