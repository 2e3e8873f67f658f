"""Per-chat rows: the dialogue state, and the update ids already handled."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import State
from bot.store.models import ChatState, ProcessedUpdate, utcnow

# The statements run on every update, built once (building them costs more than SQLite).
_LOAD_STATE = select(ChatState.state).where(ChatState.chat_id == bindparam("chat"))
_UPDATE_STATE = (
    update(ChatState)
    .where(ChatState.chat_id == bindparam("chat"))
    .values(state=bindparam("data"), version=ChatState.version + 1, updated_at=bindparam("at"))
)
_INSERT_STATE = insert(ChatState).values(
    chat_id=bindparam("chat"), state=bindparam("data"), version=1, updated_at=bindparam("at")
)
_MARK_PROCESSED = insert(ProcessedUpdate)


async def load_state(session: AsyncSession, chat_id: int) -> State:
    """The chat's State (a fresh one when none is stored or it cannot be read)."""
    row = (await session.execute(_LOAD_STATE, {"chat": chat_id})).first()
    # remembered so that save_state knows whether to INSERT or UPDATE without a second SELECT
    session.info.setdefault("chat_rows", {})[chat_id] = row is not None
    if row is None:
        return State()
    try:
        return State.from_dict(json.loads(row.state))
    except (ValueError, TypeError):
        return State()


async def save_state(session: AsyncSession, chat_id: int, state: State) -> None:
    """Store the chat's State (Core statements: this runs on every update)."""
    known = session.info.get("chat_rows", {})
    if chat_id in known:
        exists = known[chat_id]
    else:  # not loaded in this transaction
        exists = await session.get(ChatState, chat_id) is not None
    params = {
        "chat": chat_id,
        "data": json.dumps(state.to_dict(), ensure_ascii=False),
        "at": utcnow(),
    }
    await session.execute(_UPDATE_STATE if exists else _INSERT_STATE, params)
    known[chat_id] = True


async def mark_processed(session: AsyncSession, update_id: int, chat_id: int) -> None:
    """Record an update as handled; IntegrityError when it already was."""
    await session.execute(
        _MARK_PROCESSED, {"update_id": update_id, "chat_id": chat_id, "handled_at": utcnow()}
    )


async def count_states(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ChatState)) or 0


async def prune_processed(session: AsyncSession, before: datetime) -> int:
    """Forget update ids handled before `before` (Telegram redelivers within a day)."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.handled_at < before)
    )
    return result.rowcount or 0


async def forget_chat(session: AsyncSession, chat_id: int) -> None:
    """/oublier: the chat's state and the update ids it sent (messages queued for it go too,
    see cases.outbox.forget_recipient)."""
    await session.execute(delete(ChatState).where(ChatState.chat_id == chat_id))
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.chat_id == chat_id))
