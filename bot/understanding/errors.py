"""What every loader of knowledge/ checks with: a problem located by file, entry and field
(shown to authors), the text a YAML value holds, and how long an answer may be."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TELEGRAM_MAX_TEXT = 4096


@dataclass(frozen=True)
class KnowledgeError:
    """One problem in the knowledge base, located by file, entry and field."""

    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f", entrée « {self.entry} »"
        if self.field:
            where += f", champ « {self.field} »"
        return f"{where} : {self.message}"


def yaml_text(value: Any) -> str | None:
    """A YAML value's text, stripped; None when it is not a string or is blank."""
    return value.strip() if isinstance(value, str) and value.strip() else None
