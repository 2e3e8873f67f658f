"""Per update: load the chat, route to one desk, save — in one database transaction.

Every channel calls `handle(incoming)`. The transaction holds the state, the case changes and
the outbox rows they cause, so nothing is half done after a crash. Commands and button prefixes
go to desks through the routing tables in `desks.routes`; free text goes to the pupil desk unless the chat
is in the middle of a relayed message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot import metrics
from bot.cases.service import EscalationService
from bot.concurrency import ChatLocks
from bot.desks.admin import AdminDesk
from bot.desks.dialogue import DialogueEngine
from bot.desks.ipe import NOT_ENABLED, IpeDesk
from bot.desks.pupil import PupilDesk, engine_reply
from bot.desks.routes import CHOICE_ROUTES, COMMAND_ROUTES
from bot.desks.thread import ThreadDesk
from bot.desks.turn import Turn
from bot.messages import Incoming, Reply, State
from bot.store.models import Database, load_state, mark_processed, save_state

__all__ = ["ConversationService", "Incoming", "run_reminders"]
log = logging.getLogger(__name__)

DB_DOWN_NOTE = (
    "\n\n(Petit souci technique : je ne peux pas me souvenir de notre conversation pour "
    "l'instant, mais je réponds quand même.)"
)


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
        }

    async def handle(self, incoming: Incoming) -> Reply | None:
        """The reply to send, or None when this update was already handled."""
        started = time.perf_counter()
        metrics.UPDATES.labels(incoming.kind).inc()
        async with self.locks.get(incoming.chat_id):
            try:
                reply = await self._handle_stored(incoming)
            except _AlreadyHandled:
                metrics.DUPLICATES.inc()
                return None
            except (SQLAlchemyError, OSError) as exc:
                log.warning("database unavailable, answering without state: %s", type(exc).__name__)
                metrics.DB_ERRORS.inc()
                reply = self._stateless(incoming)
        metrics.ANSWERS.labels(reply.kind).inc()
        metrics.LATENCY.observe(time.perf_counter() - started)
        return reply

    def route(self, incoming: Incoming, state: State) -> Callable[[Turn], Awaitable[Reply]]:
        """The desk action for this update, from the routing tables."""
        desk, action = "pupil", "reply"
        if incoming.kind == "command":
            desk, action = COMMAND_ROUTES.get(incoming.command, (desk, action))
        elif incoming.kind == "choice":
            desk, action = CHOICE_ROUTES.get(incoming.text.partition(":")[0], (desk, action))
        elif incoming.kind == "text" and state.relay_case is not None:
            desk, action = "thread", "relay"
        target = self.desks[desk]
        if target is None:  # no cases on this bot: say so to a command, else the pupil desk
            if incoming.kind == "command":
                return _disabled
            target, action = self.desks["pupil"], "reply"
        return getattr(target, action)

    def _stateless(self, incoming: Incoming) -> Reply:
        if incoming.kind == "command" and incoming.command in COMMAND_ROUTES:
            return Reply(
                "Souci technique : je ne peux pas faire cela pour l'instant. Réessaie dans "
                "quelques minutes.",
                kind="info",
            )
        reply = engine_reply(self.engine, State(), incoming)
        if reply.effects or reply.kind in ("form", "submitted"):
            return Reply(
                "Souci technique : je ne peux pas enregistrer ta demande pour l'instant, et rien "
                "n'a été envoyé. Réessaie /stage dans quelques minutes.",
                kind="info",
            )
        reply.text += DB_DOWN_NOTE
        return reply

    async def _handle_stored(self, incoming: Incoming) -> Reply:
        await self.db.ensure_ready()
        async with self.db.transaction() as session:
            if self.db.engine.dialect.name == "postgresql":
                # replicas: one chat's updates are handled one at a time, whatever the process
                await session.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": incoming.chat_id}
                )
            if incoming.update_id is not None:
                try:
                    await mark_processed(session, incoming.update_id, incoming.chat_id)
                except IntegrityError:
                    raise _AlreadyHandled from None
            state = await load_state(session, incoming.chat_id)
            turn = Turn(session, state, incoming, self.admin_ids)
            reply = await self.route(incoming, state)(turn)
            if reply.kind != "forgotten":
                await save_state(session, incoming.chat_id, state)
            queued = session.info.get("outbox_added", False)
        if queued and self.on_outbox is not None:
            self.on_outbox()  # committed: the worker may send it now
        return reply

    async def state_of(self, chat_id: int) -> State:
        async with self.db.sessions() as session:
            return await load_state(session, chat_id)


async def _disabled(turn: Turn) -> Reply:
    return Reply(NOT_ENABLED, kind="info")


class _AlreadyHandled(Exception):
    pass


async def run_reminders(service: ConversationService) -> int:
    """Reminders and fallbacks for cases nobody took (one transaction)."""
    if service.escalation is None:
        return 0
    async with service.db.transaction() as session:
        return await service.escalation.reminders(session)
