"""What the pupil's message already told that the request form asks: the académie of a town
named after « à », « sur »… (« jsui en 3e au collège Jean Moulin à Lyon ») and the school.
Both are offered to confirm at their step, never taken as answers.
"""

from __future__ import annotations

import re

from bot.cases.academies import AcademyDirectory, fold
from bot.desks.teacher_draft import details_in

# a town is where the pupil is when a preposition puts it there ("à Lyon", "j'habite Nice")
_PLACE = r"(?:a|sur|vers|pres de|habite|j habite|du cote de|dans le|dans la|de|du|d)"
# "college jean moulin a lyon": a school typed in lower case, cut before the next small word
_SMALL = (
    r"(?:a|à|et|en|je|j|pour|mais|sur|pas|ça|ca|on|il|elle|qui|de la|dans|avec|mon|ma|svp|stp"
    r"|jai|g|jsuis|jsui|chui|jtrouve|jpeux|jdois|c|cest|ya|y)"
)
_SCHOOL = re.compile(
    r"\b((?:coll[eè]ge|lyc[ée]e|clg|lp|lpo|lgt)(?: (?:pro|professionnel|polyvalent|agricole))?"
    rf"(?: (?!{_SMALL}\b)(?:de |du |des |d'|la |le )?[a-zéèêàçôî'-]{{2,}}){{1,3}})"
)
_VAGUE = re.compile(
    r"^(?:coll[eè]ge|lyc[ée]e|clg|lp|lpo|lgt)(?: (?:pro|professionnel|general|général|de secteur))?$"
)


def academy_in(text: str, directory: AcademyDirectory) -> str | None:
    """The académie of the town the message places the pupil in, when sure of it."""
    found = directory.resolve(text)
    if found.academy is None or not found.confident or not found.matched:
        return None
    if found.matched.isdigit() and len(found.matched) == 5:  # a postcode says where, alone
        return found.academy.id
    said = " ".join(fold(text.replace(",", " a ")).split())  # « clg Pasteur, Montreuil »
    if re.search(rf"\b{_PLACE} (?:la |le |les )?{re.escape(found.matched)}\b", said) is None:
        return None
    return found.academy.id


def school_in(text: str) -> str | None:
    """The school the message names ("au collège Jean Moulin, à Lyon"), as written."""
    named = details_in(text).get("school")
    if named:
        return named
    typed = _SCHOOL.search(" ".join(text.lower().split()))
    if typed is None or _VAGUE.match(typed[1]):
        return None
    return typed[1]
