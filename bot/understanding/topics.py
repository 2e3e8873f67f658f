"""What the knowledge base holds once loaded: topics and themes (and its located errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.understanding.normalise import Lexicon
from bot.understanding.safety import SafetyNet

# what a story's closing words may ask without being its question (« … Pouvez-vous nous aider ? »
# after a whole story about a pupil without a placement is not « what can you do? »)
POLITE_ENDINGS = frozenset({"aide", "salutation", "merci", "robot"})
CRISIS_TOPIC = "detresse"  # the topic the safety net's answer stands for (ask --json, eval)
# the classes an answer may have a variant for (`by_level` in the YAML): 4e/3e, 2de GT,
# lycée professionnel (CAP, bac pro), BTS
LEVEL_KEYS = ("3e", "2de", "pro", "bts")


@dataclass(frozen=True)
class Topic:
    """One question topic and its answers."""

    id: str
    title: str
    audience: str
    questions: tuple[str, ...]
    answers: dict[str, str]  # role -> text ("pupil"/"teacher")
    source: str
    theme: str
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    action: str | None = None
    urgent: bool = False
    triggers: tuple[str, ...] = ()  # phrases that send a message here whatever its score
    file: str = ""
    by_level: dict[str, str] = field(default_factory=dict)  # LEVEL_KEYS -> the pupil's answer
    level_sources: dict[str, str] = field(default_factory=dict)  # a variant's own source

    def answer_for(self, role: str | None, level: str | None = None) -> str:
        """The answer in the register of the role (pupil "tu" by default); a pupil whose class
        has a variant (`level`, one of LEVEL_KEYS) gets that variant."""
        if role == "parent":  # a parent's own version, else the adults' (vous)
            role = "parent" if "parent" in self.answers else "teacher"
        if role not in ("teacher", "parent") and level in self.by_level:
            return self.by_level[level]
        if role in self.answers:
            return self.answers[role]
        return self.answers.get("pupil") or self.answers["teacher"]

    def source_for(self, role: str | None, level: str | None = None) -> str:
        """The source of the answer `answer_for` gives (a class's variant may have its own)."""
        if role not in ("teacher", "parent") and level in self.by_level:
            return self.level_sources.get(level, self.source)
        return self.source

    def serves(self, role: str | None) -> bool:
        """True when the topic belongs in this role's menus."""
        return role is None or self.audience in ("both", role)


@dataclass(frozen=True)
class Theme:
    """A group of topics, one YAML file, one entry of the menu."""

    id: str
    title: str
    order: int
    topic_ids: tuple[str, ...]


@dataclass
class KnowledgeBase:
    """Topics and themes in menu order, plus the lexicon used for matching."""

    topics: dict[str, Topic] = field(default_factory=dict)
    themes: list[Theme] = field(default_factory=list)
    lexicon: Lexicon = field(default_factory=Lexicon)
    directory: Path | None = None
    safety: SafetyNet | None = None  # knowledge/safety.yaml, or the built-in net
    out_of_scope: tuple[str, ...] = ()  # knowledge/out_of_scope.txt: what we do not answer
    # knowledge/examples.tsv: real messages labelled with their topic (the classifier learns them)
    examples: tuple[tuple[str, str], ...] = ()

    def topic(self, topic_id: str) -> Topic | None:
        return self.topics.get(topic_id)

    def themes_for(self, role: str | None) -> list[Theme]:
        """Themes that hold at least one topic for this role."""
        return [t for t in self.themes if any(self.topics[i].serves(role) for i in t.topic_ids)]

    def export(self) -> dict[str, Any]:
        """Plain data for `kb export --json`."""
        return {
            "topics": [
                {
                    "id": t.id,
                    "title": t.title,
                    "audience": t.audience,
                    "theme": t.theme,
                    "questions": list(t.questions),
                    "keywords": list(t.keywords),
                    "answer": t.answer_for("pupil" if t.audience != "teacher" else "teacher"),
                    "answers": dict(t.answers),
                    "by_level": dict(t.by_level),
                    "related": list(t.related),
                    "source": t.source,
                    "source_by_level": dict(t.level_sources),
                    "action": t.action,
                    "urgent": t.urgent,
                    "triggers": list(t.triggers),
                }
                for t in self.topics.values()
            ]
        }
