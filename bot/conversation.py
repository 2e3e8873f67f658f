"""Conversation service: load a chat's state, run the dialogue engine, save it — per update."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.dialogue import DialogueEngine, Reply, State
from bot.storage import Database, ProcessedUpdate, delete_state, load_state, save_state

log = logging.getLogger(__name__)

DB_DOWN_NOTE = (
    "\n\n(Petit souci technique : je ne peux pas me souvenir de notre conversation pour "
    "l'instant, mais je réponds quand même.)"
)


@dataclass(frozen=True)
class Incoming:
    """One user action, whatever the channel."""

    chat_id: int
    kind: str  # text | choice | command | media
    text: str = ""  # message text, choice id, command arguments or media kind
    command: str = ""
    update_id: int | None = None


class ChatLocks:
    """One asyncio.Lock per chat so that a chat's updates are handled one at a time."""

    def __init__(self, size: int = 10_000) -> None:
        self._locks: OrderedDict[int, asyncio.Lock] = OrderedDict()
        self._size = size

    def get(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.pop(chat_id, None) or asyncio.Lock()
        self._locks[chat_id] = lock
        while len(self._locks) > self._size:
            oldest, old_lock = next(iter(self._locks.items()))
            if old_lock.locked():
                break
            self._locks.pop(oldest)
        return lock


class ConversationService:
    """What every channel calls: handle(incoming) -> Reply, with state kept in the database."""

    def __init__(self, engine: DialogueEngine, db: Database) -> None:
        self.engine = engine
        self.db = db
        self.locks = ChatLocks()

    def _dispatch(self, state: State, incoming: Incoming) -> Reply:
        engine = self.engine
        if incoming.kind == "choice":
            return engine.handle_choice(state, incoming.text)
        if incoming.kind == "command":
            return engine.command(state, incoming.command, incoming.text)
        if incoming.kind == "media":
            return engine.handle_media(state, incoming.text)
        return engine.handle_text(state, incoming.text)

    async def handle(self, incoming: Incoming) -> Reply | None:
        """The reply to send, or None when this update was already handled."""
        async with self.locks.get(incoming.chat_id):
            if incoming.kind == "command" and incoming.command == "oublier":
                return await self._forget(incoming)
            try:
                return await self._handle_stored(incoming)
            except _AlreadyHandled:
                return None
            except (SQLAlchemyError, OSError) as exc:
                log.warning("database unavailable, answering without state: %s", type(exc).__name__)
                reply = self._dispatch(State(), incoming)
                reply.text += DB_DOWN_NOTE
                return reply

    async def _handle_stored(self, incoming: Incoming) -> Reply:
        await self.db.ensure_ready()
        async with self.db.sessions() as session, session.begin():
            if incoming.update_id is not None:
                session.add(ProcessedUpdate(update_id=incoming.update_id, chat_id=incoming.chat_id))
                try:
                    await session.flush()
                except IntegrityError:
                    raise _AlreadyHandled from None
            state = await load_state(session, incoming.chat_id)
            reply = self._dispatch(state, incoming)
            await save_state(session, incoming.chat_id, state)
        return reply

    async def _forget(self, incoming: Incoming) -> Reply:
        try:
            async with self.db.sessions() as session, session.begin():
                await delete_state(session, incoming.chat_id)
        except (SQLAlchemyError, OSError):
            return Reply(
                "Je n'arrive pas à effacer tes données pour l'instant (souci technique). "
                "Réessaie /oublier dans quelques minutes.",
                kind="info",
            )
        return Reply(
            "C'est fait : j'ai effacé ton profil et notre conversation. "
            "Tu peux recommencer quand tu veux avec /start.",
            kind="info",
        )

    async def state_of(self, chat_id: int) -> State:
        async with self.db.sessions() as session:
            return await load_state(session, chat_id)


class _AlreadyHandled(Exception):
    pass
