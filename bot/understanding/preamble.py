"""Polite openings that say nothing about the topic (« Bonjour, pouvez-vous me dire… »,
« je voudrais savoir si… »): left out before matching, where they pulled questions towards
chit-chat or « out of scope » (the classifier learnt them from requests of every kind)."""

from __future__ import annotations

import re

_OPENING = re.compile(
    r"^\s*(?:(?:bonjour|bonsoir|salut|hello|coucou|madame|monsieur)\b[\s,!.]*)*"
    r"(?:(?:est[- ]ce que |est ce que )?(?:vous pouvez|vous pourriez|pouvez[- ]vous|pourriez[- ]vous"
    r"|vs pouvez|tu peux|tu pourrais|peux[- ]tu|pourrais[- ]tu|tu pe)"
    r"\s+(?:me dire|m'expliquer|m expliquer|me renseigner sur|m'éclairer sur|m'indiquer|m indiquer)"
    r"|(?:je voudrais|j'aimerais|jaimerais|j aimerais|je souhaiterais|je veux|jveux) (?:savoir|comprendre)"
    r"|dites[- ]moi|dis[- ]moi|(?:une |petite )?question\s*:)"
    r"[\s,:]*(?:(?:si|svp|stp|s'il vous plaît|s'il te plaît)\b[\s,]*)?",
    re.IGNORECASE,
)
MIN_LEFT = 12  # characters left after the opening, else the message is kept whole


def without_preamble(text: str) -> str:
    """The message without a polite opening, when enough is left to match."""
    match = _OPENING.match(text)
    if match is None or match.end() == 0:
        return text
    rest = text[match.end() :]
    return rest if len(rest.strip()) >= MIN_LEFT else text
