"""Where demand goes unmet: each search that found nothing, counted by place, sector, level and
week. No pupil identity and no raw text: the sector is a known sector's name or nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.placements.query import SearchQuery
from bot.store.models import UnmetSearch


async def record_unmet(session: AsyncSession, query: SearchQuery, level: str | None) -> None:
    session.add(
        UnmetSearch(
            academy_id=query.academy or "",
            departement=query.departement or "",
            commune=query.commune.commune if query.commune is not None else "",
            sector=query.sector or "",
            level=level or "",
            week=query.week,
        )
    )


async def unmet_demand(
    session: AsyncSession,
    academies: set[str] | None = None,
    since: datetime | None = None,
    limit: int = 10,
    until: datetime | None = None,
) -> dict[str, Any]:
    """{"total", "top": [{academy, departement, commune, sector, level, count}], "weeks":
    [{week, count}]}: the most frequent unmet searches and the weeks most asked for (academies
    None: all of them)."""
    where = []
    if academies is not None:
        where.append(UnmetSearch.academy_id.in_(academies))
    if since is not None:
        where.append(UnmetSearch.at >= since)
    if until is not None:
        where.append(UnmetSearch.at < until)
    total = await session.scalar(select(func.count(UnmetSearch.id)).where(*where)) or 0
    keys = (
        UnmetSearch.academy_id,
        UnmetSearch.departement,
        UnmetSearch.commune,
        UnmetSearch.sector,
        UnmetSearch.level,
    )
    count = func.count(UnmetSearch.id).label("n")
    rows = await session.execute(
        select(*keys, count)
        .where(*where)
        .group_by(*keys)
        .order_by(count.desc(), *keys)
        .limit(limit)
    )
    top = [
        {
            "academy": r[0],
            "departement": r[1],
            "commune": r[2],
            "sector": r[3],
            "level": r[4],
            "count": r[5],
        }
        for r in rows.all()
    ]
    weeks = await session.execute(
        select(UnmetSearch.week, count)
        .where(*where, UnmetSearch.week != "")
        .group_by(UnmetSearch.week)
        .order_by(count.desc(), UnmetSearch.week)
        .limit(limit)
    )
    return {
        "total": total,
        "top": top,
        "weeks": [{"week": w, "count": n} for w, n in weeks.all()],
    }


def demand_lines(report: dict[str, Any], limit: int = 5) -> list[str]:
    """The report in short French lines (for /stats and the command line)."""
    if not report["total"]:
        return ["Aucune recherche d'offre restée sans résultat."]
    lines = [f"Recherches d'offres sans résultat : {report['total']}"]
    for row in report["top"][:limit]:
        place = row["commune"] or (f"dép. {row['departement']}" if row["departement"] else "?")
        what = row["sector"] or "tout secteur"
        level = f", {row['level']}" if row["level"] else ""
        lines.append(f"• {place} — {what}{level} : {row['count']}")
    if report["weeks"]:
        weeks = ", ".join(f"{w['week']} ({w['count']})" for w in report["weeks"][:limit])
        lines.append(f"Semaines les plus demandées : {weeks}")
    return lines
