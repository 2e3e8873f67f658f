"""Shared fixtures: the shipped knowledge base, loaded once."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.desks.dialogue import DialogueEngine
from bot.understanding import model_cache
from bot.understanding.knowledge import KnowledgeBase, load_knowledge
from bot.understanding.matching import Matcher

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"
DATA = Path(__file__).resolve().parent / "data"

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
# Fitted models are cached for this run only (content-keyed: a test never reads a stale one),
# in a directory of its own, never the user's; the CLI under test reads the same setting.
os.environ["MODEL_CACHE_DIR"] = tempfile.mkdtemp(prefix="ipe-bot-models-")
model_cache.use_directory(Path(os.environ["MODEL_CACHE_DIR"]))
atexit.register(shutil.rmtree, os.environ["MODEL_CACHE_DIR"], ignore_errors=True)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    result = load_knowledge(KNOWLEDGE_DIR)
    assert result.errors == [], "\n".join(map(str, result.errors))
    return result.kb


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture
def engine(kb: KnowledgeBase, matcher: Matcher) -> DialogueEngine:
    return DialogueEngine(kb, matcher)


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request, tmp_path) -> str:
    """A fresh, empty database: SQLite in a temporary file, and PostgreSQL from .ci/run."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    return await empty_postgres()


async def empty_postgres() -> str:
    """TEST_DATABASE_URL with every table dropped; a failure in CI when it is not set."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL is not set: CI must test PostgreSQL for real")
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL (bash .ci/run starts a server)")
    from bot.store.database import Database
    from bot.store.models import Base

    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    await db.dispose()
    return url


@pytest.fixture
def engine_with_academies(kb: KnowledgeBase, matcher: Matcher) -> DialogueEngine:
    """The engine with the académies, so that the request form is offered."""
    from bot.cases.academies import load_academies

    directory, errors = load_academies(KNOWLEDGE_DIR / "academies.yaml")
    assert errors == []
    return DialogueEngine(kb, matcher, academies=directory)


@pytest.fixture
def api():
    """The loopback Bot API server (tests/support/bot_api_server.py), stopped after the test."""
    from support.bot_api_server import FakeBotAPI

    server = FakeBotAPI().start()
    yield server
    server.stop()
