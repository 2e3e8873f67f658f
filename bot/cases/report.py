"""The activity report, in the categories the IPE network reports on: actions by kind, pupils,
teachers and companies reached, pupils' requests handled — per académie and school year
(1 September to 31 August; year 2026 is 2026-2027).

Counts only: no name, no text, no chat id leaves this module. The report is a list of sections
(`SECTIONS`), each with as_dict / lines / csv_rows / panels, so another one (placements, unmet
demand…) is appended without touching this one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.academies import fold
from bot.cases.teacher_details import ACTION_SHORT
from bot.store.models import Case, aware


def school_year(day: date) -> int:
    """The school year a day belongs to, by its first calendar year (Sept 2026 → 2026)."""
    return day.year if day.month >= 9 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}-{year + 1}"


@dataclass(frozen=True)
class Scope:
    """What the report covers: académie ids (None: all) and a school year (None: all)."""

    academies: frozenset[str] | None = None
    year: int | None = None
    names: dict[str, str] = field(default_factory=dict)  # académie id -> name, for the words

    def name(self, academy_id: str) -> str:
        return self.names.get(academy_id, academy_id)


@dataclass(frozen=True)
class Panel:
    """One bar chart of the PNG: labels and values (and, drawn lighter behind, `behind`)."""

    title: str
    labels: list[str]
    values: list[int]
    behind: list[int] | None = None
    legend: tuple[str, str] = ("", "")  # the two series' names when `behind` is drawn


class Section(Protocol):
    title: str

    def as_dict(self) -> dict[str, Any]: ...
    def lines(self) -> list[str]: ...
    def csv_rows(self) -> list[dict[str, Any]]: ...  # section, school_year, academy, metric, value
    def panels(self) -> list[Panel]: ...


@dataclass
class Figures:
    """One académie in one school year."""

    requests: Counter = field(default_factory=Counter)  # teachers' requests by action kind
    actions: Counter = field(default_factory=Counter)  # done (the teacher said so), by kind
    pupils_reached: int = 0
    teachers: set = field(default_factory=set)  # requesters of done actions (never shown)
    companies: set = field(default_factory=set)  # folded names (never shown)
    feedback: Counter = field(default_factory=Counter)  # good | mixed | bad
    pupil_cases: Counter = field(default_factory=Counter)  # received | taken | resolved

    def add(self, other: Figures) -> None:
        self.requests += other.requests
        self.actions += other.actions
        self.pupils_reached += other.pupils_reached
        self.teachers |= other.teachers
        self.companies |= other.companies
        self.feedback += other.feedback
        self.pupil_cases += other.pupil_cases

    def as_dict(self) -> dict[str, Any]:
        return {
            "teacher_requests": {k: self.requests[k] for k in ACTION_SHORT},
            "actions_done": {k: self.actions[k] for k in ACTION_SHORT},
            "actions_done_total": sum(self.actions.values()),
            "pupils_reached": self.pupils_reached,
            "teachers_reached": len(self.teachers),
            "companies_involved": len(self.companies),
            "feedback": {k: self.feedback[k] for k in ("good", "mixed", "bad")},
            "pupil_requests": {k: self.pupil_cases[k] for k in ("received", "taken", "resolved")},
        }


@dataclass
class ActivitySection:
    """The IPE's activity: teachers' requests and actions, pupils' requests."""

    scope: Scope
    cells: dict[tuple[int, str], Figures] = field(default_factory=dict)
    title: str = "Activité des ingénieurs pour l'école"

    def cell(self, year: int, academy: str) -> Figures:
        return self.cells.setdefault((year, academy), Figures())

    def total(self) -> Figures:
        total = Figures()
        for figures in self.cells.values():
            total.add(figures)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total().as_dict(),
            "by_year_and_academy": [
                {"school_year": year_label(y), "academy": a, **f.as_dict()}
                for (y, a), f in sorted(self.cells.items())
            ],
        }

    def lines(self) -> list[str]:
        lines = [self.title]
        if not self.cells:
            return [*lines, "  aucune activité enregistrée"]
        for (year, academy), figures in sorted(self.cells.items()):
            lines.append(f"— {year_label(year)}, académie : {self.scope.name(academy)}")
            lines += ["  " + line for line in _figure_lines(figures)]
        if len(self.cells) > 1:
            lines.append("— Total")
            lines += ["  " + line for line in _figure_lines(self.total())]
        return lines

    def csv_rows(self) -> list[dict[str, Any]]:
        rows = []
        keyed = sorted(self.cells.items())
        for (year, academy), figures in [*keyed, ((None, "total"), self.total())]:
            for metric, value in _flat(figures.as_dict()):
                rows.append(
                    {
                        "section": "activity",
                        "school_year": year_label(year) if year is not None else "all",
                        "academy": academy,
                        "metric": metric,
                        "value": value,
                    }
                )
        return rows

    def panels(self) -> list[Panel]:
        total = self.total()
        by_academy: Counter = Counter()
        for (_, academy), figures in self.cells.items():
            by_academy[self.scope.name(academy)] += sum(figures.actions.values())
        top = [(a, n) for a, n in by_academy.most_common(10) if n]
        return [
            Panel(
                "Actions des enseignant·es, par type",
                [ACTION_SHORT[k] for k in ACTION_SHORT],
                [total.actions[k] for k in ACTION_SHORT],
                [total.requests[k] for k in ACTION_SHORT],
                ("réalisées", "demandées"),
            ),
            Panel(  # the pupils in the title: hundreds of them would flatten the other bars
                f"Actions réalisées : {total.pupils_reached:,} élèves touchés".replace(",", " "),
                ["enseignant·es", "entreprises"],
                [len(total.teachers), len(total.companies)],
            ),
            Panel(
                "Actions réalisées par académie",
                [a for a, _ in top] or ["aucune"],
                [n for _, n in top] or [0],
            ),
            Panel(
                "Demandes d'élèves (stages)",
                ["reçues", "prises en charge", "résolues"],
                [total.pupil_cases[k] for k in ("received", "taken", "resolved")],
            ),
        ]


def _flat(data: dict[str, Any], prefix: str = ""):
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _figure_lines(f: Figures) -> list[str]:
    done = ", ".join(f"{ACTION_SHORT[k]} {f.actions[k]}" for k in ACTION_SHORT if f.actions[k])
    asked = sum(f.requests.values())
    pupils = f.pupil_cases
    return [
        f"Demandes d'enseignant·es : {asked} ; actions réalisées : {sum(f.actions.values())}"
        + (f" ({done})" if done else ""),
        f"Élèves touchés : {f.pupils_reached} ; enseignant·es : {len(f.teachers)} ; "
        f"entreprises : {len(f.companies)}",
        f"Demandes d'élèves : {pupils['received']} reçues, {pupils['taken']} prises en charge, "
        f"{pupils['resolved']} résolues",
    ]


def _day(case: Case) -> date:
    """The day a case counts on: a teacher's action on its date, anything else when received."""
    if case.event_date is not None:
        return case.event_date
    created = aware(case.created_at)
    assert created is not None
    return created.date()


async def activity_section(session: AsyncSession, scope: Scope) -> ActivitySection:
    section = ActivitySection(scope)
    query = select(Case)
    if scope.academies is not None:
        query = query.where(Case.academy_id.in_(scope.academies))
    for case in (await session.scalars(query)).all():
        year = school_year(_day(case))
        if scope.year is not None and year != scope.year:
            continue
        figures = section.cell(year, case.academy_id)
        if case.kind != "teacher":
            figures.pupil_cases["received"] += 1
            figures.pupil_cases["taken"] += case.acknowledged_at is not None
            figures.pupil_cases["resolved"] += case.status == "resolved"
            continue
        action = json.loads(case.details or "{}").get("action") or "other"
        action = action if action in ACTION_SHORT else "other"
        figures.requests[action] += 1
        if case.status == "resolved":
            figures.actions[action] += 1
            figures.pupils_reached += case.pupils_reached or 0
            figures.teachers.add(case.pupil_chat_id if case.pupil_chat_id else f"#{case.id}")
            if case.company:
                figures.companies.add(fold(case.company))
            if case.feedback:
                figures.feedback[case.feedback] += 1
    return section


SectionBuilder = Callable[[AsyncSession, Scope], Awaitable[Section]]
SECTIONS: list[SectionBuilder] = [activity_section]  # more sections are appended here


@dataclass
class Report:
    scope: Scope
    sections: list[Section]

    def as_dict(self) -> dict[str, Any]:
        academies = sorted(self.scope.academies) if self.scope.academies is not None else "all"
        return {
            "school_year": year_label(self.scope.year) if self.scope.year is not None else "all",
            "academies": academies,
            "sections": {type(s).__name__: s.as_dict() for s in self.sections},
        }

    def format(self) -> str:
        lines = []
        for section in self.sections:
            lines += [*section.lines(), ""]
        return "\n".join(lines).rstrip()

    def csv_rows(self) -> list[dict[str, Any]]:
        return [row for section in self.sections for row in section.csv_rows()]


async def build_report(
    session: AsyncSession, scope: Scope, sections: list[SectionBuilder] | None = None
) -> Report:
    """The report of `sections` (default: SECTIONS) over the scope."""
    return Report(scope, [await build(session, scope) for build in sections or SECTIONS])
