"""`by_level` in a topic: the pupil's answer for each class, validated with located errors."""

from __future__ import annotations

from typing import Any

from bot.understanding.errors import TELEGRAM_MAX_TEXT, KnowledgeError, yaml_text
from bot.understanding.topics import LEVEL_KEYS

FIRST_PARAGRAPH = 500  # a level variant's first paragraph is its first message (a phone screen)


def parse_by_level(
    raw: Any, audience: str, file: str, entry: str, errors: list[KnowledgeError]
) -> dict[str, str]:
    """`by_level`: the pupil's answer for each class where the class changes the answer."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        errors.append(KnowledgeError(file, entry, "by_level", f"classe: réponse ({LEVEL_KEYS})"))
        return {}
    if audience == "teacher":
        errors.append(KnowledgeError(file, entry, "by_level", "réservé aux sujets pour élèves"))
    variants = {}
    for key, value in raw.items():
        field_name = f"by_level.{key}"
        text = yaml_text(value)
        if str(key) not in LEVEL_KEYS:
            known = ", ".join(LEVEL_KEYS)
            errors.append(KnowledgeError(file, entry, field_name, f"classe inconnue ({known})"))
        elif text is None:
            errors.append(KnowledgeError(file, entry, field_name, "réponse vide"))
        elif len(text) > TELEGRAM_MAX_TEXT - 300:
            errors.append(KnowledgeError(file, entry, field_name, f"{len(text)} caractères"))
        elif len(text.split("\n\n")[0].split("\n•")[0]) > FIRST_PARAGRAPH:
            errors.append(
                KnowledgeError(
                    file,
                    entry,
                    field_name,
                    f"premier paragraphe trop long (maximum {FIRST_PARAGRAPH} caractères)",
                )
            )
        else:
            variants[str(key)] = text
    return variants


def parse_level_sources(
    raw: Any, file: str, entry: str, errors: list[KnowledgeError]
) -> dict[str, str]:
    """`source_by_level`: the source of a class's variant when it is not the topic's own
    (the PFMP variant of « je ne trouve pas de stage » is not grounded in the 3e's article)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not raw:
        errors.append(
            KnowledgeError(file, entry, "source_by_level", f"classe: source ({LEVEL_KEYS})")
        )
        return {}
    sources = {}
    for key, value in raw.items():
        text = yaml_text(value)
        if str(key) not in LEVEL_KEYS or text is None:
            known = ", ".join(LEVEL_KEYS)
            why = "source vide" if text is None else f"classe inconnue ({known})"
            errors.append(KnowledgeError(file, entry, f"source_by_level.{key}", why))
        else:
            sources[str(key)] = text
    return sources
