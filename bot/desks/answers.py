"""Answers cut for a phone: the first message fits a screen, the rest comes on "En savoir plus".

The knowledge base's authors write the direct answer first and the detail after a blank line
(knowledge/README.md); the first message takes whole paragraphs up to FIRST_MESSAGE characters
and names its source briefly; "📖 En savoir plus" shows the rest and the full source.
"""

from __future__ import annotations

FIRST_MESSAGE = 500  # characters of answer in the first message (a phone screen)
SHORT_SOURCE = 90


def split_answer(text: str, limit: int = FIRST_MESSAGE) -> tuple[str, str]:
    """(what fits the first message, the rest): whole paragraphs, at least one."""
    paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    head: list[str] = []
    for paragraph in paragraphs:
        if head and len("\n\n".join([*head, paragraph])) > limit:
            break
        head.append(paragraph)
    return "\n\n".join(head), "\n\n".join(paragraphs[len(head) :])


def short_source(source: str) -> str:
    """The first reference of a source line, for the first message."""
    first = source.split(" ; ")[0].strip()
    return first if len(first) <= SHORT_SOURCE else first[: SHORT_SOURCE - 1].rstrip() + "…"
