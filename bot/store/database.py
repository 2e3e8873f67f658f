"""The database handle: an async engine, its sessions, transactions that wait out SQLite locks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.store import sqlite_inline

T = TypeVar("T")
log = logging.getLogger(__name__)


def _sqlite_pragmas(busy_timeout: float) -> Callable:
    def on_connect(dbapi_connection, _record) -> None:
        """WAL lets readers and a writer work together; NORMAL sync is safe with WAL."""
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    return on_connect


def is_busy(exc: BaseException) -> bool:
    """SQLite's write lock is held by another connection (another process, here)."""
    cause = getattr(exc, "orig", None) or exc.__cause__
    return isinstance(cause, sqlite3.OperationalError) and (
        "locked" in str(cause) or "busy" in str(cause)
    )


class Database:
    """An async engine and its session factory."""

    def __init__(self, url: str, *, echo: bool = False, busy_timeout: float | None = None) -> None:
        """busy_timeout: how long one SQLite call may wait for another process's write lock,
        blocking the event loop meanwhile; the bot uses 0 and waits in `run` instead."""
        kwargs: dict = {"echo": echo}
        if url.startswith("sqlite"):
            # aiosqlite's interface, without its thread hops (see bot/sqlite_inline.py)
            kwargs["async_creator"] = sqlite_inline.creator(make_url(url).database or ":memory:")
        else:
            kwargs["pool_pre_ping"] = True
        self.url = url
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if url.startswith("sqlite"):
            timeout = sqlite_inline.BUSY_TIMEOUT_SECONDS if busy_timeout is None else busy_timeout
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas(timeout))
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time: writers wait their turn here, in the event loop,
        # rather than in SQLite's busy handler (sleeps of up to 100 ms between retries)
        self._writer: asyncio.Lock | None = asyncio.Lock() if url.startswith("sqlite") else None
        self.ready = False
        self.retry_every = 5.0  # seconds between attempts while the database is down
        self.lock_wait = 30.0  # seconds `run` waits out another process's SQLite write lock
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

    async def run(self, job: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `job` in a transaction; when another process holds SQLite's write lock, roll
        back and try again after an asyncio sleep, so only this job waits, never the loop."""
        delay, deadline = 0.05, time.monotonic() + self.lock_wait
        while True:
            try:
                async with self.transaction() as session:
                    return await job(session)
            except OperationalError as exc:
                if not is_busy(exc) or time.monotonic() + delay > deadline:
                    raise
                log.info("SQLite is locked by another process: retrying in %.2f s", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
