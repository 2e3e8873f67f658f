"""The kind of request in a teacher's words: named (« une visite », « un intervenant »), or
changed with a change of mind at a later step (« en fait non, je préfère un intervenant »)."""

from __future__ import annotations

import re

from bot.cases.academies import fold
from bot.desks.forms import MAX_ANSWER

ACTION_WORDS = (
    ("immersion", ("immersion", "pour moi", "moi meme", "me former")),
    ("visit", ("visite", "visites", "visiter", "decouvrir une entreprise", "aller en entreprise")),
    ("project", ("projet", "mini entreprise", "chef d oeuvre", "concours")),
    (
        "talk",
        (
            "intervenant",
            "intervenants",
            "intervenante",
            "intervenantes",
            "intervention",
            "intervienne",
            "intervenir",
            "presenter",
            "parler",
            "vienne",
            "venir",
            "metier",
            "metiers",
            "temoigner",
            "temoignage",
            "conference",
            "en classe",
            "speaker",
        ),
    ),
    # several professionals at once: described at the theme step
    ("other", ("forum", "forums", "salon", "table ronde")),
)
_CHANGE = re.compile(
    r"\b(?:en fait|finalement|je prefere|on prefere|nous preferons|je prefererais"
    r"|nous prefererions|plutot qu|plutot que|changer|au lieu d)\b"
)
# the words that name a kind of request plainly enough to change it (not « présenter les
# métiers », which a theme says)
_CHANGED_TO = (
    ("immersion", ("immersion",)),
    ("visit", ("visite", "visiter")),
    ("project", ("projet",)),
    ("talk", ("intervenant", "intervenante", "intervention", "intervienne", "en classe")),
)


def guess_action(said: str) -> str | None:
    """The kind of request in a teacher's words (normalised), if they say it."""
    for action, cues in ACTION_WORDS:
        if any(f" {cue} " in f" {said} " for cue in cues):
            return action
    return None


def changed_action(said: str) -> str | None:
    """The kind of request a change of mind names (normalised words), else None; of two, the
    first named is the one wanted (« un intervenant plutôt qu'une visite »)."""
    said = f" {said} "
    if not _CHANGE.search(said):
        return None
    found = [
        (min(said.find(f" {c} ") for c in cues if f" {c} " in said), action)
        for action, cues in _CHANGED_TO
        if any(f" {c} " in said for c in cues)
    ]
    return min(found)[1] if found else None


# a constraint typed where the buttons ask the format (« nous n'avons pas de budget pour le car »)
_CONSTRAINT = re.compile(
    r"\b(?:budget|car|bus|transports?|fauteuils?|accessibilite|accessible|handicap|pmr|cout"
    r"|payant|gratuit|horaires?|contraintes?|emploi du temps)\b"
)


def constraint_kept(answers: dict[str, str], text: str) -> str | None:
    """A constraint typed where the format is asked, kept as the constraints' answer (once):
    what to say, or None when the text says no constraint."""
    if "constraints" in answers or _CONSTRAINT.search(fold(text)) is None:
        return None
    answers["constraints"] = text[:MAX_ANSWER]
    return "C'est noté pour les contraintes. Et sous quelle forme ? (boutons ci-dessous)"


# a period that says no time at all: asked again ("Pas encore fixée" is the honest answer)
VAGUE_PERIOD = re.compile(
    r"^(?:le plus )?(?:bientot|vite|rapidement|au plus vite|asap|des que possible|prochainement"
    r"|plus tard|un jour|quand vous voulez|quand vous pouvez|n importe quand|ce est urgent"
    r"|urgent)$"
)
UNKNOWN_PERIOD = re.compile(r"^(?:je ne sais pas|je sais pas|jsp|on ne sait pas|pas encore|peu importe"
                            r"|indifferent|a definir|a voir|pas fixee|non fixee)$")  # fmt: skip
