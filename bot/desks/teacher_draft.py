"""What a teacher's request already says ("ma classe de 3e B, 28 élèves, en mars"): the
form's answers filled in before it starts, so they are not asked again."""

from __future__ import annotations

import re

from bot.cases.academies import fold
from bot.desks.teacher_forms import MAX_PUPILS

_PUPILS = re.compile(r"\b(\d{1,4}) (?:eleves|jeunes|participants|enfants|apprenants)\b")
_CLASS = re.compile(
    r"\b(?:classe|classes|eleves|groupe|mes|ma|nos|notre|une|des|en) (?:de )?"
    r"(6e|6eme|5e|5eme|4e|4eme|3e|3eme|troisieme|quatrieme|seconde|2nde|2de|premiere|1re|1ere"
    r"|terminale|tle|cap|bts|bac pro)(?: (pro|gt|[a-f]|\d))?\b"
)
_LEVEL_OF = {
    "6e": "college", "6eme": "college", "5e": "college", "5eme": "college",
    "4e": "college", "4eme": "college", "quatrieme": "college",
    "3e": "3e", "3eme": "3e", "troisieme": "3e",
    "cap": "lp", "bac pro": "lp", "bts": "bts",
}  # fmt: skip
_MONTHS = {
    "janvier": "janvier", "fevrier": "février", "mars": "mars", "avril": "avril", "mai": "mai",
    "juin": "juin", "juillet": "juillet", "septembre": "septembre", "octobre": "octobre",
    "novembre": "novembre", "decembre": "décembre",
}  # fmt: skip
_PERIOD = re.compile(
    r"\b(?:(?:en|au mois de|debut|fin|mi|courant|vers) )?("
    + "|".join(_MONTHS)
    + r")\b|\b(avant|apres) les vacances de (noel|fevrier|printemps|la toussaint|toussaint|hiver"
    r"|paques)\b|\b(?:au|ce) (printemps|premier trimestre|deuxieme trimestre|troisieme trimestre"
    r"|second semestre|second trimestre)\b"
)
_SEASONS = {"fevrier": "février", "noel": "Noël", "paques": "Pâques"}
# "au collège Jean Jaurès, à Villeurbanne": the school as written (capitals name it)
_NAME = r"[A-ZÉÈÀÇ][\w'’-]*"
_SCHOOL = re.compile(
    rf"\b((?:[Cc]oll[èe]ge|[Ll]yc[ée]e(?: professionnel| polyvalent| agricole)?|LP|[ÉEée]cole)"
    rf"(?: (?:de |du |des |d'|la |le )?{_NAME}){{1,4}})(?:,? (?:à |a )?({_NAME}(?:[- ]{_NAME})*))?"
)


def details_in(text: str) -> dict[str, str]:
    """The level, number of pupils and period a request names (the form's answer values), and
    the school it names (offered at the school step to confirm)."""
    said = " ".join(fold(text).split())
    found: dict[str, str] = {}
    pupils = _PUPILS.search(said)
    if pupils and 1 <= int(pupils[1]) <= MAX_PUPILS:
        found["pupils"] = pupils[1]
    level = _CLASS.search(said)
    if level:
        key, rest = level[1], level[2]
        if key in _LEVEL_OF and not (key in ("cap", "bac pro") and rest):
            found["level"] = _LEVEL_OF[key]
        else:  # a lycée class: general or vocational, as typed
            found["level"] = "lp" if rest == "pro" else "lycee"
    school = _SCHOOL.search(text)
    if school:
        found["school"] = ", ".join(part for part in school.groups() if part)
        if school[2]:
            found["commune"] = school[2]
    period = _PERIOD.search(said)
    if period and period[1]:
        found["period"] = f"en {_MONTHS[period[1]]}"
    elif period and period[2]:
        holidays = _SEASONS.get(period[3], period[3])
        found["period"] = f"{period[2]} les vacances de {holidays}"
    elif period and period[4]:
        found["period"] = f"au {period[4]}"
    return found
