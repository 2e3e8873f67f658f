"""Helpers of the tests that file requests and act on cases through the conversation service."""

from __future__ import annotations

from sqlalchemy import select

from bot.cases import contacts as contact_repo
from bot.config import Config
from bot.messages import Incoming
from bot.runner import build_service
from bot.store.models import OutboxMessage
from support.harness import KNOWLEDGE_DIR

PUPIL, PUPIL2 = 2001, 2002
IPE_A, IPE_A2, IPE_B, FALLBACK_B, ADMIN = 3001, 3002, 3003, 3004, 3999

FORM_ANSWERS = [
    "j'habite à Marseille",
    "Collège <b>Jean Moulin</b> & co, Marseille",
    "3e",
    "du 12 au 16 janvier",
    "boulangerie, coiffure",
    "Marseille, 30 minutes en bus",
    "10 boulangeries, que des refus",
]


def make_service(db_url: str, kb, **config_fields):
    config_fields.setdefault("admin_ids", frozenset({ADMIN}))
    config = Config(database_url=db_url, knowledge_dir=KNOWLEDGE_DIR, **config_fields)
    return build_service(config, kb)


async def invite(service, academy: str, kind: str = "ipe") -> str:
    await service.db.create_schema()
    async with service.db.sessions() as session, session.begin():
        return await contact_repo.create_invite(session, academy, kind)


async def say(service, chat_id: int, text: str):
    if text.startswith("/"):
        name, _, args = text[1:].partition(" ")
        return await service.handle(Incoming(chat_id, "command", args, command=name, user_name="X"))
    return await service.handle(Incoming(chat_id, "text", text))


async def press(service, chat_id: int, choice: str):
    return await service.handle(Incoming(chat_id, "choice", choice))


async def fill_form(service, chat_id: int, answers=FORM_ANSWERS):
    reply = await say(service, chat_id, "/stage")
    assert reply.kind == "form"
    for answer in answers:
        reply = await say(service, chat_id, answer)
        assert reply.kind == "form", (answer, reply.text)
    reply = await press(service, chat_id, "f:ct:bot")
    assert "J'accepte" in reply.choices[0].label
    return await press(service, chat_id, "f:ok")


async def outbox_rows(
    service, chat_id: int | None = None, copies: bool = False
) -> list[OutboxMessage]:
    """Queued messages; without the durable copies of the pupil's confirmation unless asked."""
    async with service.db.sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if not copies:
            query = query.where(OutboxMessage.dedupe_key.not_like("%:pupil:created"))
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        return list((await session.scalars(query)).all())
