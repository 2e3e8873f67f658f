"""What a teacher's request already says ("ma classe de 3e B, 28 élèves, en mars", « sur les
métiers du numérique »): the form's answers filled in before it starts, not asked again."""

from __future__ import annotations

import re

from bot.cases.academies import AcademyDirectory, fold
from bot.desks.pupil_counts import MAX_PUPILS, pupil_count

_PUPILS = re.compile(r"\b(\d{1,4}) (?:eleves|jeunes|participants|enfants|apprenants)\b")
# pupils counted in words: « une trentaine d'élèves », « vingt-cinq élèves »
_PUPILS_WORDS = re.compile(
    r"\b((?:une |un )?[a-z]+(?:[ -][a-z]+)?) (?:d )?(?:eleves|jeunes|participants|enfants)\b"
)
# the theme, as written: « sur les métiers du numérique », « autour des métiers de la mer »
_THEME = re.compile(
    r"\b(?:sur|autour d(?:e|es|u)) ((?:les |le |la |l'|l’)?(?:m[ée]tiers?|secteurs?|fili[èe]res?"
    r"|th[èe]me)\s[^,.;!?()\n]{3,60})",
    re.IGNORECASE,
)
_THEME_END = re.compile(r"\s(?:pour|avec|devant|dans|en|au|à|a|le (?=\d))\s", re.IGNORECASE)
_CLASS = re.compile(
    r"\b(?:classe|classes|eleves|groupe|mes|ma|nos|notre|une|des|en) (?:de )?"
    r"(6e|6eme|5e|5eme|4e|4eme|3e|3eme|troisieme|quatrieme|seconde|2nde|2de|premiere|1re|1ere"
    r"|terminale|tle|cap|bts|bac pro)(?: (pro|gt|[a-f]|\d))?\b"
)
_CLASS_NAME = {  # the class as a teacher reads it (kept as said, not « Collège (6e-4e) »)
    "6e": "6e", "6eme": "6e", "5e": "5e", "5eme": "5e", "4e": "4e", "4eme": "4e",
    "quatrieme": "4e", "3e": "3e", "3eme": "3e", "troisieme": "3e", "seconde": "2de",
    "2nde": "2de", "2de": "2de", "premiere": "1re", "1re": "1re", "1ere": "1re",
    "terminale": "Tle", "tle": "Tle", "cap": "CAP", "bts": "BTS", "bac pro": "bac pro",
}  # fmt: skip
_CLASSES = re.compile(r"\b(\d|deux|trois|quatre|cinq) (?:classes|groupes) (?:de )?$")
# a precise day (and hours), kept as written: « le jeudi 12 février de 10h à 12h », « le 12/02 »
_MONTH_WORD = r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)"
_HOUR = r"\d{1,2}\s*h(?:\s*\d{2})?"
_DAY = re.compile(
    r"\b(?:(?:le|du)\s+)?(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi)\s+)?"
    rf"(?:\d{{1,2}}(?:er)?\s+{_MONTH_WORD}(?:\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)"
    rf"(?:\s*,?\s*(?:de|à|a|entre|vers|dès)?\s*{_HOUR}(?:\s*(?:-|–|à|a|et)\s*{_HOUR})?)?",
    re.IGNORECASE,
)
# a stretch of days, kept as written: « du 9 au 13 février », « du 02/03 au 06/03 »
_RANGE = re.compile(
    rf"\bdu\s+\d{{1,2}}(?:er)?(?:\s+{_MONTH_WORD}|/\d{{1,2}})?\s+au\s+\d{{1,2}}(?:er)?"
    rf"(?:\s+{_MONTH_WORD}|/\d{{1,2}}(?:/\d{{2,4}})?)(?:\s+\d{{4}})?",
    re.IGNORECASE,
)
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
# where it takes place: « en classe » (not « en classe de 3e »), « en visio », « à distance »
_FORMAT = re.compile(
    r"\b(en classe|dans (?:ma|la|notre|nos|mes) classes?)\b(?! (?:de|d)\b)(?! [1-6]e)"
    r"|\b(?:en visio\w*|a distance|par visio\w*)\b"
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
    elif worded := _PUPILS_WORDS.search(said):
        count, _ = pupil_count(worded[1].replace("-", " "))
        if count and 1 <= count <= MAX_PUPILS:
            found["pupils"] = str(count)
    if theme := _THEME.search(text):
        found["theme"] = " ".join(_THEME_END.split(theme[1])[0].split())
    level = _CLASS.search(said)
    if level:
        name, rest = _CLASS_NAME[level[1]], level[2]
        if rest in ("pro", "gt"):
            name += f" {rest.upper() if rest == 'gt' else rest}"
        elif rest:  # « 3e B », « 2de 4 »
            name += f" {rest.upper()}"
        several = _CLASSES.search(said[: level.start(1)])
        found["level"] = f"{several[1]} classes de {name}" if several else name
    school = _SCHOOL.search(text)
    if school:
        found["school"] = ", ".join(part for part in school.groups() if part)
        if school[2]:
            found["commune"] = school[2]
    if fmt := _FORMAT.search(said):  # « un intervenant en classe »: not asked « sous quelle forme »
        found["format"] = "class" if fmt[1] else "video"
    period, day, stretch = _PERIOD.search(said), _DAY.search(text), _RANGE.search(text)
    if stretch:
        found["period"] = " ".join(stretch[0].split())
    elif day:
        found["period"] = " ".join(day[0].split())
    elif period and period[1]:
        found["period"] = f"en {_MONTHS[period[1]]}"
    elif period and period[2]:
        holidays = _SEASONS.get(period[3], period[3])
        found["period"] = f"{period[2]} les vacances de {holidays}"
    elif period and period[4]:
        found["period"] = f"au {period[4]}"
    return found


# « Collège Longchamp à Marseille », « Lycée Victor Hugo, Besançon »: the school and its town
_SCHOOL_AT = re.compile(
    r"^(?P<school>.*?\b(?:coll[èe]ge|clg|lyc[ée]e|lp|lgt|[ée]cole|erea|segpa|cfa|mfr"
    r"|institut)\b.*?)\s*(?:,|\s(?:à|a))\s+(?P<town>[^,\d]{2,40}?)[\s.]*$",
    re.IGNORECASE,
)
_SCHOOL_WORD = re.compile(r"\b(?:college|clg|lycee|lp|lgt|ecole|erea|segpa|cfa|mfr|institut)\b")


def school_and_town(text: str, directory: AcademyDirectory) -> tuple[str, str, str] | None:
    """(school, town, académie id) from « Collège Longchamp à Marseille », or ("", town, id)
    from a town's name alone, when the town is surely one; None otherwise."""
    found = _SCHOOL_AT.match(text.strip())
    if found is None and _SCHOOL_WORD.search(fold(text)):
        return None  # a school without its town: the commune is asked next
    school, town = (found["school"], found["town"]) if found else ("", text.strip(" ."))
    result = directory.resolve(town)
    whole = result.matched == " ".join(fold(town).split())  # not « j'enseigne à Lyon »
    if result.academy is None or not result.confident or not whole:
        return None
    return school.strip(" ,"), town.strip(), result.academy.id
