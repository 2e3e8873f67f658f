"""Shared fixtures: the shipped knowledge base, loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.dialogue import DialogueEngine
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matching import Matcher

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"
DATA = Path(__file__).resolve().parent / "data"

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")


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
