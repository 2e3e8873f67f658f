"""Dates as French people type and read them: « 12/03 », « 12 mars 2027 », « jeudi 12 mars »."""

from __future__ import annotations

import re
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
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
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
