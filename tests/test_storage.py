"""The SQLite connection that runs aiosqlite's calls inline (bot/sqlite_inline.py)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

from bot.conversation import DB_DOWN_NOTE, ConversationService, Incoming
from bot.store.chats import load_state
from bot.store.database import Database


def _service(engine, url: str) -> ConversationService:
    return ConversationService(engine=engine, db=Database(url))


async def test_updates_are_stored_without_a_thread_per_connection(engine, tmp_path):
    service = _service(engine, f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    await service.db.create_schema()
    threads = threading.active_count()
    for update_id, text in enumerate(["bonjour", "c'est quoi le stage de 3e", "merci"], 1):
        reply = await service.handle(Incoming(7, "text", text, update_id=update_id))
        assert reply is not None and DB_DOWN_NOTE not in reply.text
    assert await service.handle(Incoming(7, "text", "merci", update_id=3)) is None  # duplicate
    assert threading.active_count() == threads
    async with service.db.sessions() as session:
        assert (
            await load_state(session, 7)
        ).last_topic == "stage-3e"  # "merci" is an aside: the context stays
    await service.db.dispose()


async def test_in_memory_database_works(engine):
    service = _service(engine, "sqlite+aiosqlite://")
    await service.db.create_schema()
    reply = await service.handle(Incoming(8, "text", "convention de stage", update_id=1))
    assert reply is not None and reply.topic == "convention-stage"
    await service.db.dispose()


async def test_another_process_holding_the_write_lock_never_blocks_the_event_loop(engine, tmp_path):
    path = tmp_path / "bot.sqlite3"
    service = ConversationService(
        engine=engine, db=Database(f"sqlite+aiosqlite:///{path}", busy_timeout=0)
    )
    await service.db.create_schema()
    other = sqlite3.connect(path, isolation_level=None)  # e.g. an `ipe-bot admin` command
    other.execute("BEGIN IMMEDIATE")
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    asyncio.get_running_loop().call_later(1.0, lambda: other.execute("ROLLBACK"))
    try:
        started = time.monotonic()
        reply = await service.handle(Incoming(9, "text", "stage de 3e", update_id=1))
        waited = time.monotonic() - started
    finally:
        ticking.cancel()
        other.close()
    assert reply is not None and DB_DOWN_NOTE not in reply.text  # waited, then stored
    assert waited >= 0.9
    assert (
        max(gaps) < 0.5
    )  # the loop kept running (blocked, it would stop for a second): other chats, polling, the outbox
    await service.db.dispose()


async def test_a_lock_held_too_long_gives_the_degraded_answer(engine, tmp_path):
    path = tmp_path / "bot.sqlite3"
    service = ConversationService(
        engine=engine, db=Database(f"sqlite+aiosqlite:///{path}", busy_timeout=0)
    )
    service.db.lock_wait = 0.5
    await service.db.create_schema()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        reply = await service.handle(Incoming(9, "text", "stage de 3e", update_id=1))
        assert time.monotonic() - started < 3
        assert reply is not None and DB_DOWN_NOTE in reply.text  # answered all the same
    finally:
        other.execute("ROLLBACK")
        other.close()
    reply = await service.handle(Incoming(9, "text", "stage de 3e", update_id=2))
    assert reply is not None and DB_DOWN_NOTE not in reply.text
    await service.db.dispose()
