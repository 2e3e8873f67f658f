"""Per update: load the chat, route to one desk, save — in one database transaction.

Every channel calls `handle(incoming)`. The transaction holds the state, the case changes and
the outbox rows they cause, so nothing is half done after a crash. Commands and buttons go to
desks through `desks.routes`; free text to the pupil desk, or to the thread desk in a thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.cases.outbox import cancel_copy
from bot.cases.service import EscalationService
from bot.cases.upkeep import upkeep
from bot.concurrency import ChatLocks
from bot.desks.admin import AdminDesk
from bot.desks.dialogue import DialogueEngine
from bot.desks.followup import FollowupDesk
from bot.desks.ipe import IpeDesk
from bot.desks.offers import OffersDesk
from bot.desks.pupil import DB_DOWN_NOTE, PupilDesk, stateless_reply
from bot.desks.routes import (
    CHOICE_ROUTES,
    COMMAND_ROUTES,
    private_only,
    refuse_disabled,
    refuse_private,
    text_route,
)
from bot.desks.thread import ThreadDesk, end_thread
from bot.desks.turn import Turn
from bot.messages import Incoming, Reply, State, clean_text
from bot.store.chats import load_state, mark_processed, save_state
from bot.store.database import Database

__all__ = ["DB_DOWN_NOTE", "ConversationService", "Incoming", "run_reminders"]
log = logging.getLogger(__name__)

# PostgreSQL advisory locks: a namespace of ours, then the chat (hashed into 32 bits)
_CHAT_LOCK = text("SELECT pg_advisory_xact_lock(7301, hashtext(:chat))")


@dataclass
class ConversationService:
    """What every channel calls: handle(incoming) -> Reply, with state kept in the database."""

    engine: DialogueEngine
    db: Database
    escalation: EscalationService | None = None
    admin_ids: frozenset[int] = frozenset()
    on_outbox: Callable[[], None] | None = None  # wakes the outbox worker
    record_questions: bool = True  # the gaps inbox and statistics (no user identifier)
    locks: ChatLocks = field(default_factory=ChatLocks)

    def __post_init__(self) -> None:
        cases = self.escalation
        self.desks: dict[str, object | None] = {
            "pupil": PupilDesk(self.engine, cases, self.record_questions),
            "ipe": IpeDesk(cases) if cases else None,
            "thread": ThreadDesk(cases, self.engine) if cases else None,
            "admin": AdminDesk(self.engine),
            "offers": OffersDesk(self.engine, cases) if cases else None,
            "followup": FollowupDesk(cases) if cases else None,
        }

    async def handle(self, incoming: Incoming) -> Reply | None:
        """The reply to send, or None when this update was already handled."""
        started = time.perf_counter()
        metrics.UPDATES.labels(incoming.kind).inc()
        incoming = replace(incoming, text=clean_text(incoming.text))
        async with self.locks.get(incoming.chat_id):
            try:
                reply = await self._handle_stored(incoming)
            except _AlreadyHandled:
                metrics.DUPLICATES.inc()
                return None
            except (SQLAlchemyError, OSError) as exc:
                log.warning("database unavailable, answering without state: %s", type(exc).__name__)
                metrics.DB_ERRORS.inc()
                reply = stateless_reply(self.engine, incoming, incoming.command in COMMAND_ROUTES)
        metrics.ANSWERS.labels(reply.kind).inc()
        metrics.LATENCY.observe(time.perf_counter() - started)
        return reply

    def route(self, incoming: Incoming, state: State) -> Callable[[Turn], Awaitable[Reply]]:
        """The desk action for this update, from the routing tables."""
        desk, action, name = "pupil", "reply", incoming.command
        if incoming.kind == "command":
            desk, action = COMMAND_ROUTES.get(name, (desk, action))
        elif incoming.kind == "choice":
            name = incoming.text.partition(":")[0]
            desk, action = CHOICE_ROUTES.get(name, (desk, action))
        elif incoming.kind == "text" and (pending := text_route(state)):
            desk, action = pending
        if not incoming.private and private_only(incoming.kind, name, desk):
            return refuse_private
        target = self.desks[desk]
        if target is None:  # no cases on this bot: say so to a command, else the pupil desk
            if incoming.kind == "command":
                return refuse_disabled
            target, action = self.desks["pupil"], "reply"
        return getattr(target, action)

    async def _handle_stored(self, incoming: Incoming) -> Reply:
        await self.db.ensure_ready()
        queued = False

        async def turn(session: AsyncSession) -> Reply:
            nonlocal queued
            if self.db.engine.dialect.name == "postgresql":
                # replicas: one chat's updates are handled one at a time, whatever the process
                await session.execute(_CHAT_LOCK, {"chat": str(incoming.chat_id)})
            if incoming.update_id is not None:
                try:
                    await mark_processed(session, incoming.update_id, incoming.chat_id)
                except IntegrityError:
                    raise _AlreadyHandled from None
            state = await load_state(session, incoming.chat_id)
            end_thread(state, incoming)
            reply = await self.route(incoming, state)(
                Turn(session, state, incoming, self.admin_ids)
            )
            if reply.kind != "forgotten":
                await save_state(session, incoming.chat_id, state)
            queued = session.info.get("outbox_added", False)
            return reply

        reply = await self.db.run(turn)
        if queued and self.on_outbox is not None:
            self.on_outbox()  # committed: the worker may send it now
        return reply

    async def delivered(self, reply: Reply) -> None:
        """The channel sent the reply: its durable copy, if any, is not needed."""
        if reply.receipt is not None:
            await cancel_copy(self.db, reply.receipt)

    async def state_of(self, chat_id: int) -> State:
        async with self.db.sessions() as session:
            return await load_state(session, chat_id)


class _AlreadyHandled(Exception):
    pass


async def run_reminders(service: ConversationService) -> int:
    """The periodic upkeep (cases.upkeep), in one transaction."""
    async with service.db.transaction() as session:
        return await upkeep(session, service.escalation)
