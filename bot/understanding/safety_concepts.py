"""Concept rules of the safety net: word families that meet within a few words.

A family is a list of the `lists` block of knowledge/safety.yaml (words, word starts such as
`frapp*`, or short sequences such as `serr* le cou`). A rule names families joined by `+`, an
optional window `~N` and optional vetoes `- family`:

    "coups + victime + famille ~6 - jeu"

It fires when every family appears within N words (default 5) of an occurrence of the first one,
and no veto family appears within twice that window. Matching works on the words the phrases see (after
normalisation and the removal of harmless expressions), so it costs one pass over the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_WINDOW = 5
MAX_WINDOW = 15
_RULE = re.compile(
    r"^\s*(?P<req>[a-z_]+(?:\s*\+\s*[a-z_]+)*)\s*(?:~\s*(?P<win>\d+))?"
    r"(?P<veto>(?:\s*-\s*[a-z_]+)*)\s*$"
)


class ConceptError(ValueError):
    """A rule that cannot be read (message in French, for the editors)."""


@dataclass(frozen=True)
class ConceptRule:
    text: str
    families: tuple[str, ...]
    window: int
    vetoes: tuple[str, ...]


def parse_rule(text: str, known: Mapping[str, object]) -> ConceptRule:
    """One rule of the YAML syntax (raises ConceptError)."""
    m = _RULE.match(text)
    if m is None:
        raise ConceptError("forme attendue : « famille + famille [~N] [- famille] »")
    families = tuple(f.strip() for f in m.group("req").split("+"))
    vetoes = tuple(v.strip() for v in m.group("veto").split("-") if v.strip())
    window = int(m.group("win")) if m.group("win") else DEFAULT_WINDOW
    if not 1 <= window <= MAX_WINDOW:
        raise ConceptError(f"fenêtre de 1 à {MAX_WINDOW} mots")
    for name in families + vetoes:
        if name not in known:
            raise ConceptError(f"famille inconnue « {name} » (voir le bloc `lists`)")
    return ConceptRule(text, families, window, vetoes)


class Families:
    """Finds, in one pass, where each family occurs in a list of words."""

    def __init__(self, lists: Mapping[str, list[list[str]]], names: set[str]) -> None:
        self._exact: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._prefix: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
        for name in sorted(names):
            for item in lists[name]:
                first, rest = item[0], tuple(item[1:])
                if first.endswith("*"):
                    stem = first[:-1]
                    self._prefix.setdefault(stem[:3], []).append((stem, name, rest))
                else:
                    self._exact.setdefault(first, []).append((name, rest))

    def positions(self, words: list[str]) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        n = len(words)
        exact, prefix = self._exact, self._prefix
        for i, word in enumerate(words):
            cands = exact.get(word, [])
            more = prefix.get(word[:3])
            if more:
                cands = cands + [(name, rest) for stem, name, rest in more if word.startswith(stem)]
            for name, rest in cands:
                if rest:
                    if i + len(rest) >= n:
                        continue
                    k = i
                    for token in rest:
                        k += 1
                        w = words[k]
                        if token[-1] == "*":
                            if not w.startswith(token[:-1]):
                                break
                        elif w != token:
                            break
                    else:
                        rest = ()
                    if rest:
                        continue
                spots = found.get(name)
                if spots is None:
                    found[name] = [i]
                elif spots[-1] != i:
                    spots.append(i)
        return found


def fires(rule: ConceptRule, found: Mapping[str, list[int]]) -> bool:
    """True when the families of the rule meet within its window, without a veto."""
    anchors = found.get(rule.families[0])
    if not anchors:
        return False
    others = [found.get(f) for f in rule.families[1:]]
    if any(not o for o in others):
        return False
    w = rule.window
    for a in anchors:
        if all(any(abs(q - a) <= w for q in spots) for spots in others):  # type: ignore[union-attr]
            vetoed = any(abs(q - a) <= 2 * w for v in rule.vetoes for q in found.get(v, ()))
            if not vetoed:
                return True
    return False


Rules = dict[str, dict[str, list[ConceptRule]]]


def read_concepts(
    raw: Any, lists: Mapping[str, object], categories: Sequence[str], levels: Sequence[str]
) -> tuple[Rules, dict[str, list[str]], list[tuple[str | None, str]]]:
    """The `concepts` block (optional): category -> strong|weak -> rules, and category -> veto
    (families that also silence the category's phrases nearby); with (field, message) problems."""
    rules: Rules = {}
    vetoes: dict[str, list[str]] = {}
    problems: list[tuple[str | None, str]] = []
    if raw is None:
        return rules, vetoes, problems
    if not isinstance(raw, dict):
        return rules, vetoes, [(None, "un dictionnaire est attendu")]
    for cat, by_level in raw.items():
        if cat not in categories:
            problems.append((str(cat), "catégorie inconnue"))
            continue
        if not isinstance(by_level, dict):
            problems.append((str(cat), "veto, strong, weak attendus"))
            continue
        for level, items in by_level.items():
            where = f"{cat}.{level}"
            if level not in (*levels, "veto"):
                problems.append((where, "veto, strong ou weak"))
                continue
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                problems.append((where, "une liste de textes est attendue"))
                continue
            for i, text in enumerate(items, 1):
                if level == "veto":
                    if text not in lists:
                        problems.append((where, f"famille inconnue « {text} »"))
                    vetoes.setdefault(cat, []).append(text)
                    continue
                try:
                    rule = parse_rule(text, lists)
                except ConceptError as e:
                    problems.append((f"{where}[{i}]", f"« {text} » : {e}"))
                    continue
                rules.setdefault(cat, {}).setdefault(level, []).append(rule)
    return rules, vetoes, problems
