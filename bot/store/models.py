"""Database: SQLAlchemy 2 async models and the repository of per-chat dialogue state."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    bindparam,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.messages import State
from bot.store import sqlite_inline


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: read them as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


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


class Contact(Base):
    """A person who receives cases: an IPE, an académie's fallback contact, or a coordinator."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    academy_id: Mapped[str] = mapped_column(String(40), index=True)  # "*" for national
    kind: Mapped[str] = mapped_column(String(16), default="ipe")  # ipe | fallback | coordinator
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Invite(Base):
    """A one-time registration code (only its hash is stored)."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    academy_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16), default="ipe")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Case(Base):
    """A pupil's request for help, handed to the IPE of their académie."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    academy_id: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    pupil_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    details: Mapped[str] = mapped_column(Text, default="{}")  # personal: erased by /oublier
    level: Mapped[str] = mapped_column(String(20), default="")  # kept for anonymous counts
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    fallback_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    erased: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseEvent(Base):
    """History of a case: created, notified, taken, messages, resolved..."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(40), default="system")
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # personal: erasable


class CaseCounter(Base):
    """Last sequence number of references per académie code and year."""

    __tablename__ = "case_counter"

    prefix: Mapped[str] = mapped_column(String(12), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class OutboxMessage(Base):
    """A message to deliver: written in the same transaction as the change it reports."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[str] = mapped_column(Text, default="[]")
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    contact_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class QuestionEvent(Base):
    """One answered or unanswered question, or a 👍/👎, for statistics (no user identifier)."""

    __tablename__ = "question_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # answer|did_you_mean|fallback|helpful|...
    topic: Mapped[str | None] = mapped_column(String(60), nullable=True)
    role: Mapped[str | None] = mapped_column(String(10), nullable=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)


class Unanswered(Base):
    """A question the bot could not answer well, for the knowledge authors (no user id)."""

    __tablename__ = "unanswered"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(16))  # fallback | did_you_mean | not_helpful
    text: Mapped[str] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(String(10), nullable=True)
    near: Mapped[str] = mapped_column(Text, default="[]")  # closest topic ids, JSON


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers and a writer work together; NORMAL sync is safe with WAL."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(sqlite_inline.BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.close()


class Database:
    """An async engine and its session factory."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        kwargs: dict = {"echo": echo}
        if url.startswith("sqlite"):
            # aiosqlite's interface, without its thread hops (see bot/sqlite_inline.py)
            kwargs["async_creator"] = sqlite_inline.creator(make_url(url).database or ":memory:")
        else:
            kwargs["pool_pre_ping"] = True
        self.url = url
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time: writers wait their turn here, in the event loop,
        # rather than in SQLite's busy handler (sleeps of up to 100 ms between retries)
        self._writer: asyncio.Lock | None = asyncio.Lock() if url.startswith("sqlite") else None
        self.ready = False
        self.retry_every = 5.0  # seconds between attempts while the database is down
        self._next_try = 0.0

    async def create_schema(self) -> None:
        """Bring the schema up to date (Alembic migrations)."""
        from bot.store.migrate import upgrade

        await upgrade(self.engine)
        self.ready = True

    async def ensure_ready(self) -> None:
        """Create the schema if that has not worked yet (database down at start-up)."""
        if self.ready:
            return
        now = time.monotonic()
        if now < self._next_try:
            raise ConnectionError("database not ready")
        self._next_try = now + self.retry_every
        await self.create_schema()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside a transaction, committed on exit (rolled back on error)."""
        async with contextlib.AsyncExitStack() as stack:
            if self._writer is not None:
                await stack.enter_async_context(self._writer)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            yield session

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


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


async def delete_state(session: AsyncSession, chat_id: int) -> None:
    row = await session.get(ChatState, chat_id)
    if row is not None:
        await session.delete(row)


async def count_states(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ChatState)) or 0
