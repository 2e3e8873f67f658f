"""Which open case comes first on an IPE's list, and why.

New cases before acknowledged ones; then the nearest stage date or deadline read from the
pupil's "period" answer ("du 12 au 16 janvier", "avant le 3/02", "fin juin") when it can be
read; then the oldest. The reason is said in French beside each case.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.cases.academies import fold
from bot.cases.dates import MONTH_NUMBERS, MONTHS
from bot.store.models import Case, aware, utcnow

_MONTH = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:er)?(?:\s*(?:au|-|et|a)\s*\d{{1,2}}(?:er)?)?\s+({_MONTH})\b\.?(?:\s+(\d{{4}}))?"
)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_ONLY = re.compile(
    rf"\b(?:(debut|mi|fin)\s*-?\s*(?:de\s+|d\s+)?)?({_MONTH})\b(?:\s+(\d{{4}}))?"
)
_PART_DAY = {"debut": 1, "mi": 15, "fin": 25, None: 1}
# « dans 2 semaines », « d'ici 10 jours », « c dans 3 semaines », « la semaine pro », « demain »
_NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "quinze": 15,
    "huit": 8,
    "dix": 10,
}
_RELATIVE = re.compile(
    r"\b(?:dans|d ici|sous|en)\s+(\d{1,2}|un|une|deux|trois|quatre|cinq|six|huit|dix|quinze)"
    r"\s+(jours?|j|semaines?|sem|mois)\b"
)
_NEXT_WEEK = re.compile(r"\b(?:la )?semaine (?:pro|prochaine)\b|\bnext week\b")
_DAYS_PER = {"j": 1, "jour": 1, "jours": 1, "sem": 7, "semaine": 7, "semaines": 7, "mois": 30}
EARLIEST = 45  # days before the case: a date earlier than this is next year's


@dataclass(frozen=True)
class Deadline:
    """A date read from the pupil's words; `approximate` when only the month was given."""

    day: date
    approximate: bool = False
    counted: bool = False  # « dans 2 semaines »: counted from the day the pupil wrote it


def _build(year: int | None, month: int, day: int, written: date) -> date | None:
    try:
        candidate = date(year or written.year, month, day)
    except ValueError:
        return None
    if year is None and (written - candidate).days > EARLIEST:
        try:
            candidate = date(written.year + 1, month, day)
        except ValueError:
            return None
    return candidate


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def read_deadline(text: str, written: date) -> Deadline | None:
    """The earliest date in the period answer (« à partir du 18 mai, convention avant fin
    mars »: the end of March), with the year inferred from when it was written."""
    found = dates_in(text, written)
    return min(found, key=lambda d: d.day) if found else None


def dates_in(text: str, written: date) -> list[Deadline]:
    """Every date the period answer names, as read_deadline reads them."""
    folded = fold(text or "")
    if not folded:
        return []
    found: list[Deadline] = []
    for m in _ISO.finditer(text):
        with contextlib.suppress(ValueError):  # « 2027-02-31 »
            found.append(Deadline(date(int(m[1]), int(m[2]), int(m[3]))))
    for m in _DAY_MONTH.finditer(folded):
        day = _build(_year(m[3]), MONTH_NUMBERS[m[2]], int(m[1]), written)
        found += [Deadline(day)] if day is not None else []
    for m in _NUMERIC.finditer(text):
        if 1 <= int(m[2]) <= 12 and not _ISO.search(text[max(0, m.start() - 5) : m.end()]):
            day = _build(_year(m[3]), int(m[2]), int(m[1]), written)
            found += [Deadline(day)] if day is not None else []
    for m in _RELATIVE.finditer(folded):  # counted from the day it was written
        count = int(m[1]) if m[1].isdigit() else _NUMBER_WORDS[m[1]]
        found.append(Deadline(written + timedelta(days=count * _DAYS_PER[m[2]]), counted=True))
    if _NEXT_WEEK.search(folded):
        found.append(Deadline(written + timedelta(days=7), counted=True))
    dated_months = {d.day.month for d in found}
    for m in _MONTH_ONLY.finditer(folded):  # a month alone, not one a date above already gave
        month = MONTH_NUMBERS[m[2]]
        day = _build(_year(m[3]), month, _PART_DAY[m[1]], written)
        if day is not None and (m[1] or month not in dated_months):
            found.append(Deadline(day, approximate=True))
    return found


def deadline_of(case: Case) -> Deadline | None:
    """The agreed date of a teacher's request, else the date read from the "period" answer."""
    agreed = case.event_date
    if agreed is not None:
        return Deadline(agreed.date() if isinstance(agreed, datetime) else agreed)
    try:
        period = json.loads(case.details or "{}").get("period") or ""
    except (ValueError, AttributeError):
        return None
    written = aware(case.created_at).date() if case.created_at else utcnow().date()
    return read_deadline(str(period), written)


def urgency_key(case: Case) -> tuple:
    """Sort key: new first, then dated cases by nearest date, then the oldest."""
    deadline = deadline_of(case)
    created = aware(case.created_at) if case.created_at else utcnow()
    dated = deadline.day.toordinal() if deadline else 0
    return (case.status != "new", deadline is None, dated, created)


def by_urgency(cases: list[Case]) -> list[Case]:
    return sorted(cases, key=urgency_key)


def urgency_reason(case: Case, now: datetime | None = None) -> str:
    """Why the case stands where it does: its date and how far it is, or its age."""
    today = (now or utcnow()).date()
    deadline = deadline_of(case)
    if deadline is not None:
        days = (deadline.day - today).days
        when = (
            f"vers le {deadline.day:%d/%m}"
            if deadline.counted
            else f"en {MONTHS[deadline.day.month - 1]}"
            if deadline.approximate
            else f"le {deadline.day:%d/%m/%Y}"
        )
        if days < 0 and deadline.approximate and deadline.day.month == today.month:
            return f"date {when}, ce mois-ci"  # « en décembre », read on 3 December
        if days < 0:
            return f"date {when} passée"
        if days == 0:
            return "date aujourd'hui"
        return f"date {when}, dans {days} j"
    age = (today - aware(case.created_at).date()).days if case.created_at else 0
    return "sans date, déposée aujourd'hui" if age <= 0 else f"sans date, déposée il y a {age} j"
