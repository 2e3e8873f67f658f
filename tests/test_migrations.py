"""Alembic migrations: an old schema with data is upgraded and keeps it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from bot.store.database import Database
from bot.store.migrate import current, upgrade
from bot.store.models import Base


async def test_upgrade_from_the_first_schema_keeps_the_data(db_url):
    db = Database(db_url)
    await upgrade(db.engine, "0001")
    assert await current(db.engine) == "0001"
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO chat_state (chat_id, state, version, updated_at) "
                'VALUES (42, \'{"role": "teacher"}\', 3, CURRENT_TIMESTAMP)'
            )
        )
        await conn.execute(
            text(
                "INSERT INTO case_file (reference, academy_id, status, pupil_chat_id, details, "
                "level, created_at, reminders, fallback_notified, erased) VALUES ('AIX-2026-0001', "
                "'aix-marseille', 'new', 42, '{}', '3e', CURRENT_TIMESTAMP, 0, false, false)"
            )
        )
    await db.create_schema()  # what start-up does: upgrade to head
    assert await current(db.engine) == "0006"
    async with db.engine.connect() as conn:
        state = (
            await conn.execute(text("SELECT state FROM chat_state WHERE chat_id = 42"))
        ).scalar()
        reference = (await conn.execute(text("SELECT reference FROM case_file"))).scalar()
        events = (await conn.execute(text("SELECT count(*) FROM question_event"))).scalar()
    assert "teacher" in state and reference == "AIX-2026-0001" and events == 0
    await db.dispose()


async def test_models_and_migrations_agree(db_url):
    db = Database(db_url)
    await db.create_schema()

    def diff(sync_conn):
        return compare_metadata(MigrationContext.configure(sync_conn), Base.metadata)

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    await db.create_schema()  # idempotent
    await db.dispose()
