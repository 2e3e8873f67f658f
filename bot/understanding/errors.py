"""A problem in a file of knowledge/, located by file, entry and field (shown to authors)."""

from __future__ import annotations

from dataclasses import dataclass


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
