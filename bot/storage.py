"""Database: SQLAlchemy 2 async models and the repository of per-chat dialogue state."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, select
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from bot.dialogue import State


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ChatState(Base):
    """One row per chat: the user's State as JSON, saved after every update."""

    __tablename__ = "chat_state"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcessedUpdate(Base):
    """Update ids already handled, so a redelivered update is not answered twice."""

    __tablename__ = "processed_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(32), default="")


class Database:
    """An async engine and its session factory."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        kwargs: dict = {"echo": echo}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
            if ":memory:" not in url:
                kwargs["poolclass"] = NullPool
        else:
            kwargs["pool_pre_ping"] = True
        self.url = url
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.ready = False
        self._next_try = 0.0

    async def create_schema(self) -> None:
        async with self.engine.begin() as conn:
            if self.url.startswith("sqlite"):
                await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            await conn.run_sync(Base.metadata.create_all)
        self.ready = True

    async def ensure_ready(self, retry_every: float = 5.0) -> None:
        """Create the schema if that has not worked yet (database down at start-up)."""
        if self.ready:
            return
        now = time.monotonic()
        if now < self._next_try:
            raise ConnectionError("database not ready")
        self._next_try = now + retry_every
        await self.create_schema()

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


async def load_state(session: AsyncSession, chat_id: int) -> State:
    row = await session.get(ChatState, chat_id)
    if row is None:
        return State()
    try:
        return State.from_dict(json.loads(row.state))
    except (ValueError, TypeError):
        return State()


async def save_state(session: AsyncSession, chat_id: int, state: State) -> None:
    row = await session.get(ChatState, chat_id)
    data = json.dumps(state.to_dict(), ensure_ascii=False)
    if row is None:
        session.add(ChatState(chat_id=chat_id, state=data, version=1, updated_at=utcnow()))
    else:
        row.state = data
        row.version += 1
        row.updated_at = utcnow()


async def delete_state(session: AsyncSession, chat_id: int) -> None:
    row = await session.get(ChatState, chat_id)
    if row is not None:
        await session.delete(row)


async def count_states(session: AsyncSession) -> int:
    return len((await session.execute(select(ChatState.chat_id))).all())
