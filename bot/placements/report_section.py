"""The unmet-demand section of `ipe-bot admin report`: the searches for a placement that found
none, by place, sector and level, and the weeks most asked for (counts only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.report import Panel, Scope, year_label
from bot.placements.demand import demand_lines, unmet_demand

TOP = 10


@dataclass
class UnmetSection:
    scope: Scope
    data: dict[str, Any] = field(default_factory=dict)
    title: str = "Recherches d'offres de stage sans résultat"

    def as_dict(self) -> dict[str, Any]:
        return self.data

    def lines(self) -> list[str]:
        return [self.title, *("  " + line for line in demand_lines(self.data, limit=TOP))]

    def csv_rows(self) -> list[dict[str, Any]]:
        year = year_label(self.scope.year) if self.scope.year is not None else "all"
        rows = [_row(year, "total", "unmet.total", self.data["total"])]
        for top in self.data["top"]:
            place = top["commune"] or top["departement"] or "?"
            what = f"{place}|{top['sector'] or '*'}|{top['level'] or '*'}"
            rows.append(_row(year, top["academy"] or "?", f"unmet.search.{what}", top["count"]))
        for week in self.data["weeks"]:
            rows.append(_row(year, "total", f"unmet.week.{week['week']}", week["count"]))
        return rows

    def panels(self) -> list[Panel]:
        if not self.data["top"]:
            return []
        labels = [
            f"{t['commune'] or t['departement'] or '?'} · {t['sector'] or 'tout secteur'}"
            + (f" · {t['level']}" if t["level"] else "")
            for t in self.data["top"]
        ]
        return [
            Panel(
                "Recherches d'offres sans résultat", labels, [t["count"] for t in self.data["top"]]
            )
        ]


def _row(year: str, academy: str, metric: str, value: int) -> dict[str, Any]:
    return {
        "section": "unmet",
        "school_year": year,
        "academy": academy,
        "metric": metric,
        "value": value,
    }


async def unmet_section(session: AsyncSession, scope: Scope) -> UnmetSection:
    since = until = None
    if scope.year is not None:
        since = datetime(scope.year, 9, 1, tzinfo=UTC)
        until = datetime(scope.year + 1, 9, 1, tzinfo=UTC)
    academies = set(scope.academies) if scope.academies is not None else None
    data = await unmet_demand(session, academies, since=since, limit=TOP, until=until)
    return UnmetSection(scope, data)
