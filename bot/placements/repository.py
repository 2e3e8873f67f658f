"""The offers and their links to cases: add, list, close, and the two atomic steps (a place taken,
a decision made) that stay right when two people press at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.placements.vocabulary import level_labels
from bot.store.models import CasePlacement, Placement, utcnow

LINK_STATUSES = ("proposed", "confirmed", "declined")


class PlacementGone(Exception):
    """The offer is closed, expired, past its dates or full."""


def shown_to_pupils(today: date) -> ColumnElement[bool]:
    """Open, with a place left, not past its last day nor its expiry."""
    return and_(
        Placement.status == "open",
        Placement.places_left > 0,
        or_(Placement.last_day.is_(None), Placement.last_day >= today),
        or_(Placement.expires_on.is_(None), Placement.expires_on >= today),
    )


async def add(session: AsyncSession, **fields: Any) -> Placement:
    """A new offer; `places_left` starts at `places`, the expiry at the last day."""
    fields.setdefault("places_left", fields.get("places", 1))
    if fields.get("expires_on") is None:
        fields["expires_on"] = fields.get("last_day")
    placement = Placement(**fields)
    session.add(placement)
    await session.flush()
    return placement


async def get(session: AsyncSession, placement_id: int) -> Placement | None:
    return await session.get(Placement, placement_id)


async def visible(session: AsyncSession, placement_id: int, today: date) -> Placement | None:
    """The offer if pupils may still see it."""
    return await session.scalar(
        select(Placement).where(Placement.id == placement_id, shown_to_pupils(today))
    )


async def listing(
    session: AsyncSession, academies: set[str] | None = None, include_closed: bool = True
) -> list[Placement]:
    query = select(Placement).order_by(Placement.academy_id, Placement.id)
    if academies is not None:
        query = query.where(Placement.academy_id.in_(academies))
    if not include_closed:
        query = query.where(Placement.status == "open")
    return list((await session.scalars(query)).all())


async def close(session: AsyncSession, placement_id: int) -> bool:
    """Close an open offer; False when there is none open with this id."""
    result = await session.execute(
        update(Placement)
        .where(Placement.id == placement_id, Placement.status == "open")
        .values(status="closed")
    )
    return result.rowcount == 1


async def take_place(session: AsyncSession, placement_id: int) -> bool:
    """One place fewer, in one UPDATE guarded by places_left > 0: never below zero, whoever
    else confirms at the same moment (PostgreSQL re-checks the row it waited for)."""
    result = await session.execute(
        update(Placement)
        .where(Placement.id == placement_id, Placement.places_left > 0)
        .values(places_left=Placement.places_left - 1)
    )
    return result.rowcount == 1


async def link(
    session: AsyncSession, case_id: int, placement_id: int
) -> tuple[CasePlacement, bool]:
    """The case's link to the offer: (link, True) when new, (existing link, False) otherwise."""
    existing = await session.scalar(
        select(CasePlacement).where(
            CasePlacement.case_id == case_id, CasePlacement.placement_id == placement_id
        )
    )
    if existing is not None:
        return existing, False
    row = CasePlacement(case_id=case_id, placement_id=placement_id, status="proposed")
    session.add(row)
    await session.flush()
    return row, True


async def links_of_case(
    session: AsyncSession, case_id: int
) -> list[tuple[CasePlacement, Placement]]:
    rows = await session.execute(
        select(CasePlacement, Placement)
        .join(Placement, Placement.id == CasePlacement.placement_id)
        .where(CasePlacement.case_id == case_id)
        .order_by(CasePlacement.id)
    )
    return [(a, b) for a, b in rows.all()]


async def decide(session: AsyncSession, link_id: int, confirmed: bool) -> str:
    """Confirm (taking a place) or decline a proposed link, at most once.

    Returns "confirmed", "declined", "full" (no place left: the link stays proposed) or
    "already" (someone decided before)."""
    status = "confirmed" if confirmed else "declined"
    result = await session.execute(
        update(CasePlacement)
        .where(CasePlacement.id == link_id, CasePlacement.status == "proposed")
        .values(status=status, decided_at=utcnow())
    )
    if result.rowcount != 1:
        return "already"
    if confirmed:
        row = await session.get(CasePlacement, link_id)
        assert row is not None
        if not await take_place(session, row.placement_id):
            await session.execute(
                update(CasePlacement)
                .where(CasePlacement.id == link_id)
                .values(status="proposed", decided_at=None)
            )
            return "full"
    return status


def as_dict(placement: Placement, with_contact: bool = False) -> dict[str, Any]:
    """The JSON shape of `ipe-bot placements list --json` (the contact only when asked)."""
    data: dict[str, Any] = {
        "id": placement.id,
        "title": placement.title,
        "employer": placement.employer,
        "sector": placement.sector,
        "academy": placement.academy_id,
        "commune": placement.commune,
        "insee": placement.insee,
        "postcode": placement.postcode,
        "departement": placement.departement,
        "levels": placement.levels.split(),
        "first_day": _iso(placement.first_day),
        "last_day": _iso(placement.last_day),
        "expires_on": _iso(placement.expires_on),
        "places": placement.places,
        "places_left": placement.places_left,
        "reserved": placement.reserved,
        "schools": [s for s in placement.schools.split(";") if s],
        "description": placement.description,
        "status": placement.status,
    }
    if with_contact:
        data["contact"] = placement.contact
    return data


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def dates_label(placement: Placement) -> str:
    """ "du 12/01 au 16/01/2027", or "" when the offer has no dates."""
    first, last = placement.first_day, placement.last_day
    if first and last and first != last:
        return f"du {first:%d/%m} au {last:%d/%m/%Y}"
    if first or last:
        return f"le {(first or last):%d/%m/%Y}"
    return ""


def levels_label(placement: Placement) -> str:
    return level_labels(placement.levels)
