"""Dates as French people type and read them: « 12/03 », « 12 mars 2027 », « jeudi 12 mars »."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.cases.academies import fold

PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)
WEEKDAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()
MONTH_NUMBERS = {  # a month's folded name or abbreviation → its number
    **{fold(m): i for i, m in enumerate(MONTHS, 1)},
    **{fold(m)[:4]: i for i, m in enumerate(MONTHS, 1)},
    "fev": 2,
    "janv": 1,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "avr": 4,
    "juil": 7,
}
_NUMERIC = re.compile(  # « 12/03 », « le 12/03 », « mardi 12/03/2027 »
    r"^(?:(?:le|du)\s+)?(?:[a-zé]+\s+)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$"
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(?:(?:le|du)\s+)?(?:[a-z]+\s+)?(\d{1,2})(?:er)?\s+([a-z]+)(?:\s+(\d{4}))?$")
MAX_AHEAD_DAYS = 550  # about a school year and a half


def in_france(at: datetime) -> datetime:
    """A stored time (UTC; SQLite gives it back without its zone) as a clock in France reads it."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(PARIS)


def today_in_france() -> date:
    return datetime.now(PARIS).date()


def french_date(day: date) -> str:
    """ "jeudi 12 mars 2027"."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {first} {MONTHS[day.month - 1]} {day.year}"


def parse_date(text: str, today: date) -> tuple[date | None, str]:
    """A typed date, and "" — or None and why not: "format", "invalid", "past", "far".

    Without a year, the next such day from today on (« 12/03 » in November is next March)."""
    raw = text.strip().lower()
    year_given = True
    if match := _ISO.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NUMERIC.match(raw):
        day, month = int(match[1]), int(match[2])
        year_given = match[3] is not None
        year = int(match[3]) if year_given else today.year
        if year < 100:
            year += 2000
    elif match := _WORDS.match(fold(raw)):
        month_word = match[2]
        month = MONTH_NUMBERS.get(month_word) or MONTH_NUMBERS.get(month_word[:4], 0)
        if not month:
            return None, "format"
        day = int(match[1])
        year_given = match[3] is not None
        year = int(match[3]) if year_given else today.year
    else:
        return None, "format"
    try:
        found = date(year, month, day)
    except ValueError:
        return None, "invalid"
    if found < today and not year_given:
        try:
            found = date(year + 1, month, day)
        except ValueError:  # 29 February
            return None, "invalid"
    if found < today:
        return None, "past"
    if (found - today).days > MAX_AHEAD_DAYS:
        return None, "far"
    return found, ""


# a time after the date: « à 9h », « 9h30 », « de 9h à 12h », « 14:30 », « 9h-12h »
_HOURS = re.compile(
    r"[\s,]+(?:(?:à|a|de|dès|des|vers|from|at)\s+)?(\d{1,2})\s*(?:h|:)\s*(\d{2})?"
    r"(?:\s*(?:-|–|à|a|jusqu'à|jusqu’à|to)\s*(\d{1,2})\s*(?:h|:)\s*(\d{2})?)?\s*$"
)
_WEEKDAY = re.compile(r"^(?:le\s+|du\s+)?([a-z]+)\s+\d")
_MIDDAY = re.compile(r"\bmidi\b")
_SPOKEN_HOURS = re.compile(r"\b(\d{1,2})\s*heures?\b")
# a text that means a date even when it cannot be read (« jeudi 6 mai vers midi et demi »)
DATE_LIKE = re.compile(
    r"\b\d{1,2}\s*/\s*\d{1,2}\b|\b\d{1,2}(?:er)?\s+(?:janv|f[ée]v|mars|avr|mai|juin|juil|ao[uû]|sept"
    r"|oct|nov|d[ée]c)|\b\d{1,2}\s*h\b|\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Agreed:
    """A date typed by an IPE, with its hours (« de 9 h à 12 h »), or why it won't do."""

    day: date | None
    hours: str = ""
    problem: str = ""  # "format", "invalid", "past", "far", "weekday", "hours"
    said_weekday: str = ""  # « mardi » when the date is a Wednesday
    rest: str = ""  # what followed the date: the company (« le 14 avril à 10h, Mme Martin d'EDF »)


def _clock(hour: str, minutes: str | None) -> str | None:
    h, m = int(hour), int(minutes or 0)
    if h > 23 or m > 59:
        return None
    return f"{h} h {m:02d}" if m else f"{h} h"


# where the date ends and the company begins: a comma, « avec »
_AFTER_DATE = re.compile(r"\s*,\s*|\s+avec\s+", re.IGNORECASE)


def parse_agreed(text: str, today: date) -> Agreed:
    """« mardi 14 avril à 9h », « 14/04 9h-12h », « le 14 avril 2027 de 9h à 12h »: the day
    (see `parse_date`), its hours, a weekday that does not match the date; and what follows a
    date after a comma or « avec » (« le 14 avril à 10h, Mme Martin d'EDF ») as `rest`."""
    agreed = _agreed(text, today)
    parts = _AFTER_DATE.split(text.strip(), maxsplit=1)
    if agreed.problem == "format" and len(parts) == 2 and parts[1].strip():
        head = _agreed(parts[0], today)
        if head.problem != "format":
            return replace(head, rest=parts[1].strip())
    return agreed


def _agreed(text: str, today: date) -> Agreed:
    raw = " ".join(text.strip().lower().split())
    raw = _SPOKEN_HOURS.sub(lambda m: f"{m[1]}h", _MIDDAY.sub("12h", raw))  # « midi », « 9 heures »
    hours = ""
    if (match := _HOURS.search(raw)) and match.start() > 0:
        start = _clock(match[1], match[2])
        end = _clock(match[3], match[4]) if match[3] else ""
        if start is None or end is None:
            return Agreed(None, problem="hours")
        hours = f"de {start} à {end}" if end else f"à {start}"
        raw = raw[: match.start()].rstrip(" ,")
    day, problem = parse_date(raw, today)
    if day is None:
        return Agreed(None, problem=problem)
    said = _WEEKDAY.match(fold(raw))
    if said and said[1] in WEEKDAYS and said[1] != WEEKDAYS[day.weekday()]:
        return Agreed(day, hours, "weekday", said[1])
    return Agreed(day, hours)


def easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holiday(day: date) -> str | None:
    """The name of a French public holiday (jour férié, nationwide), else None."""
    fixed = {
        (1, 1): "le jour de l'an",
        (5, 1): "la fête du Travail",
        (5, 8): "le 8 mai",
        (7, 14): "la fête nationale",
        (8, 15): "l'Assomption",
        (11, 1): "la Toussaint",
        (11, 11): "le 11 novembre",
        (12, 25): "Noël",
    }
    if (day.month, day.day) in fixed:
        return fixed[(day.month, day.day)]
    offset = (day - easter(day.year)).days
    return {1: "le lundi de Pâques", 39: "l'Ascension", 50: "le lundi de Pentecôte"}.get(offset)


def day_warning(day: date) -> str:
    """« ⚠️ C'est un samedi. » / « ⚠️ C'est un jour férié (la fête du Travail). » or ""."""
    holiday = public_holiday(day)
    if holiday:
        return f"⚠️ C'est un jour férié ({holiday})."
    if day.weekday() >= 5:
        return f"⚠️ C'est un {WEEKDAYS[day.weekday()]}."
    return ""
