"""Which class a pupil typed: « 3eme », « seconde pro », « 1ere annee de cap »."""

from __future__ import annotations

import re

from bot.cases.academies import fold

_LEVEL_WORDS = {
    "4e": {"4e", "4eme", "quatrieme", "4"},
    "3e": {"3e", "3eme", "troisieme", "3"},
    # the vocational and higher levels first: "seconde pro" is a bac pro class, not 2de GT
    "cap": {"cap"},
    "bacpro": {
        "bac pro",
        "bacpro",
        "1re pro",
        "1ere pro",
        "premiere pro",
        "terminale pro",
        "2de pro",
        "2nde pro",
        "2nd pro",
        "seconde pro",
        "tle pro",
        "term pro",
        "lp",
        "lycee pro",
        "lycee professionnel",
    },
    "bts": {"bts"},
    "2de": {"2de", "2nde", "seconde", "2nd"},
}

# the year inside a vocational level, kept for the IPE (« 2nd pro » is a first PFMP)
_PRO_YEARS = {
    "bacpro": (
        ("2de", re.compile(r"\b(2n?de?|seconde)( bac)? pro")),
        ("1re", re.compile(r"\b(1e?re?|premiere)( bac)? pro")),
        ("terminale", re.compile(r"\b(tle|term|terminale)( bac)? pro")),
    ),
    "cap": (
        ("1re année", re.compile(r"\b(1e?re?|premiere) annee|\bcap 1(e?re?)?\b")),
        ("2e année", re.compile(r"\b(2e?(me)?|deuxieme|seconde) annee|\bcap 2(e|eme)?\b")),
    ),
}


def plain(text: str) -> str:
    """Folded, apostrophes and end punctuation as spaces: « I don't know ! » → « i don t know »."""
    return " ".join(re.sub(r"[’'?!.,]", " ", fold(text)).split())


def pro_year(level: str, text: str) -> str | None:
    """« 2de », « 1re », « terminale » (bac pro) or « 1re année », « 2e année » (CAP)."""
    folded = fold(text)
    return next((year for year, said in _PRO_YEARS.get(level, ()) if said.search(folded)), None)


def set_level(answers: dict[str, str], level: str, text: str) -> None:
    """The class in the form's answers, with its year of bac pro or CAP when the text says it."""
    answers["level"] = level
    answers.pop("level_year", None)
    if year := pro_year(level, text):
        answers["level_year"] = year


# a class denied is not the class: « jsuis en 2nde pas en 3e », « pas une 3e mais une 4e »
_DENIED = re.compile(r"\b(?:pas|non|not)\s+(?:(?:en|une|un|la|le|de|d|dans|pour)\s+)?\S+")


def parse_level(text: str) -> str | None:
    folded = " ".join(_DENIED.sub(" ", fold(text)).split())
    for key, variants in _LEVEL_WORDS.items():
        if folded in variants or any(f" {v} " in f" {folded} " for v in variants if len(v) > 1):
            return key
    return None


# what may come around a class said alone: « jsuis en 3e », « en seconde pro », « classe de 4eme »
_AROUND_LEVEL = re.compile(
    r"^(?:(?:je suis|jsuis|j suis|chui|suis|moi|ma classe c est|c est)\s+)?(?:en\s+)?"
    r"(?:(?:classe de|la|le)\s+)?(?P<level>.+)$"
)
_TOO_VAGUE = {"3", "4", "lp", "lycee pro", "lycee professionnel"}  # a figure, a kind of school


def only_level(text: str) -> str | None:
    """The class when the text says nothing else (« 3e », « jsuis en seconde pro »): typed
    where the school's name is asked, it is not a school."""
    said = plain(text)
    m = _AROUND_LEVEL.match(said)
    if m is None or m["level"] in _TOO_VAGUE:
        return None
    level = m["level"]
    return next((key for key, variants in _LEVEL_WORDS.items() if level in variants), None)


# classes with no button of their own (« terminale », « 1ere STMG », « 5e »): « Autre », kept
_OTHER_CLASS = re.compile(
    r"^(?:(?:je suis|jsuis|j suis|chui|suis|moi)\s+)?(?:en\s+)?(?P<c>(?:terminale|tle|term"
    r"|premiere|1ere|1re|6e|6eme|sixieme|5e|5eme|cinquieme|prepa|cpge|licence|l1|l2|l3|bac)"
    r"(?: [a-z0-9]+){0,2})$"
)


def other_class(text: str) -> str | None:
    """« terminale », « 1ere stmg »: a class without its button, as typed (folded)."""
    said = plain(text)
    m = _OTHER_CLASS.match(said)
    return m["c"] if m else None
