"""What every loader of knowledge/ checks with: a problem located by file, entry and field
(shown to authors), the text a YAML value holds, and how long an answer may be."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

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


class _UniqueKeyLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses a key given twice in one mapping (YAML keeps the last one
    silently: a list written twice would lose its first half without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"clé « {key} » écrite deux fois", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    """yaml.safe_load, with a key written twice in one block reported as an error."""
    return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: safe
