"""Answers cut for a phone: the first message fits a screen, the rest comes on "En savoir plus".

The knowledge base's authors write the direct answer first and the detail after a blank line
(knowledge/README.md); the first message takes whole paragraphs up to FIRST_MESSAGE characters
and names its source briefly; "📖 En savoir plus" shows the rest and the full source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.messages import Reply, State, by_role
from bot.understanding.matching import MatchResult
from bot.understanding.normalise import words

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

FIRST_MESSAGE = 500  # characters of answer in the first message (a phone screen)
SHORT_SOURCE = 90


def split_answer(text: str, limit: int = FIRST_MESSAGE) -> tuple[str, str]:
    """(what fits the first message, the rest): whole paragraphs, or the first bullets of a
    list, at least one unit."""
    units: list[tuple[str, str]] = []  # (separator before it, text)
    for paragraph in (p.strip() for p in text.strip().split("\n\n")):
        if not paragraph:
            continue
        lines = paragraph.split("\n")
        if len(lines) > 1 and all(line.lstrip().startswith("•") for line in lines[1:]):
            units.append(("\n\n", lines[0]))  # a list: its lead line, then bullet by bullet
            units += [("\n", line) for line in lines[1:]]
        else:
            units.append(("\n\n", paragraph))
    head, taken = "", 0
    for separator, unit in units:
        candidate = f"{head}{separator}{unit}" if head else unit
        if head and len(candidate) > limit:
            break
        head, taken = candidate, taken + 1
    rest = ""
    for separator, unit in units[taken:]:
        rest = f"{rest}{separator}{unit}" if rest else unit
    return head, rest


def short_source(source: str) -> str:
    """The first reference of a source line, for the first message."""
    first = source.split(" ; ")[0].strip()
    return first if len(first) <= SHORT_SOURCE else first[: SHORT_SOURCE - 1].rstrip() + "…"


def fallback(engine: DialogueEngine, state: State, text: str, result: MatchResult) -> Reply:
    """Not understood, or out of scope: say so, and offer the themes."""
    said = words(text, engine.kb.lexicon)
    if any(w in ("stage", "stages") for w in said) and "stag" not in result.tokens:
        intro = by_role(
            state.role,
            "Je ne connais que les stages en entreprise de l'école (3e, seconde, lycée pro, "
            "BTS), pas les stages de sport, de loisirs ou de permis.",
            "Je ne traite que les stages en milieu professionnel des élèves (3e, seconde, "
            "lycée professionnel, BTS), pas les stages sportifs, de loisirs ou de permis.",
        )
    else:
        intro = by_role(
            state.role,
            "Je n'ai pas compris ta question, ou elle sort de ce que je connais (les stages, "
            "la découverte des métiers et l'orientation).",
            "Je n'ai pas compris votre question, ou elle sort de ce que je connais (les "
            "stages, la découverte des métiers et les partenariats école-entreprise).",
        )
    more = by_role(
        state.role,
        "Essaie avec d'autres mots, ou choisis un thème :",
        "Reformulez-la, ou choisissez un thème :",
    )
    return Reply(
        f"{intro}\n{more}", engine.theme_choices(state), kind="fallback", score=result.score
    )


def empty(engine: DialogueEngine, state: State) -> Reply:
    """A message with no word to go on."""
    intro = by_role(
        state.role,
        "Écris-moi ta question en quelques mots, par exemple « comment trouver un stage ? ».",
        "Écrivez-moi votre question en quelques mots, par exemple « comment aider mes élèves "
        "à trouver un stage ? ».",
    )
    return Reply(
        intro + "\n" + by_role(state.role, "Ou choisis un thème :", "Ou choisissez un thème :"),
        engine.theme_choices(state),
        kind="fallback",
    )
