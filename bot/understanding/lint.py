"""Lint of the knowledge base: questions of different topics the matcher cannot tell apart."""

from __future__ import annotations

from dataclasses import dataclass

from bot.understanding.knowledge import KnowledgeBase
from bot.understanding.matching import Matcher


@dataclass(frozen=True)
class LintFinding:
    file: str
    topic: str
    question: str
    other_topic: str
    score: float

    def __str__(self) -> str:
        return (
            f"{self.file}, entrée « {self.topic} » : la question « {self.question} » est "
            f"reconnue comme « {self.other_topic} » ({self.score:.0f}) quand on la retire"
        )


def lint(kb: KnowledgeBase, matcher: Matcher | None = None) -> list[LintFinding]:
    """Leave each question out in turn: report it when another topic then wins outright.

    A question that only its own entry explains is fine; one that another topic claims
    with confidence is a pair the matcher cannot tell apart.
    """
    matcher = matcher or Matcher(kb)
    findings = []
    for topic in kb.topics.values():
        for question in topic.questions:
            skip = frozenset(
                i
                for i, e in enumerate(matcher.entries)
                if e.topic_id == topic.id and e.text == question
            )
            result = matcher.match(question, skip)
            if result.topic is not None and result.topic != topic.id:
                findings.append(
                    LintFinding(topic.file, topic.id, question, result.topic, result.score)
                )
    return findings
