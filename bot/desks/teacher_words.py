"""The kind of request in a teacher's words: named (« une visite », « un intervenant »), or
changed with a change of mind at a later step (« en fait non, je préfère un intervenant »)."""

from __future__ import annotations

import re

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
        ),
    ),
    (
        "other",
        ("forum", "forums", "salon", "table ronde"),
    ),  # several professionals: described at the theme
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
