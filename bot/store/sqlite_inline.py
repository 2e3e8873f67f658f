"""aiosqlite connections whose calls run at once on the event loop's thread.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a thread of its own and
hands the result back through the event loop: about ten thread hops per statement through
SQLAlchemy. A chat update (5 statements) then costs ~1.5 ms of CPU, where SQLite itself
needs ~0.02 ms on a local file. Here the same aiosqlite Connection runs each call directly:
SQLAlchemy's aiosqlite dialect, its pool and our code are unchanged.

What this relies on, and why it is safe here:
- a call blocks the loop while SQLite works: microseconds on a local file with WAL, where
  readers never wait; writers of this process take turns on Database's asyncio lock, so only
  another process's write (an `ipe-bot admin` command) can make a call wait, for at most the
  busy timeout set here;
- aiosqlite's job queue (`Connection._tx`, also used by SQLAlchemy's dialect) is replaced by
  one that runs each job when it is queued; aiosqlite is pinned below 0.23 in pyproject.toml
  and the whole test suite runs on it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from typing import Any

import aiosqlite

BUSY_TIMEOUT_SECONDS = 5.0  # another process writing: the longest a call may block the loop


class _RunNow:
    """aiosqlite's job queue, except that each job runs when it is queued."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to the awaiting caller, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite.Connection without its worker thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self._connect().__await__()  # no thread to start


def creator(database: str) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine on this SQLite file (or ":memory:")."""

    async def connect() -> InlineConnection:
        return await InlineConnection(
            lambda: sqlite3.connect(database, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
        )

    return connect
