"""Offers for a pupil's search: the académie's offers shown to pupils, for their level, whose
title, sector or host matches what they asked for, nearest first (same commune, then same
département, then the académie: the commune file has no coordinates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.communes import fold
from bot.placements.query import SearchQuery
from bot.placements.repository import shown_to_pupils
from bot.placements.vocabulary import sector_terms
from bot.store.models import Placement

MAX_SHOWN = 3
TERM_CUTOFF = 84.0  # a word of the search and a word of the offer, spelled nearly alike


@dataclass(frozen=True)
class Found:
    placement: Placement
    nearness: int  # 2 same commune, 1 same département, 0 same académie
    score: float  # how well the subject matched (100 when the search named none)


async def search(
    session: AsyncSession,
    query: SearchQuery,
    level: str | None,
    today: date,
    limit: int = MAX_SHOWN,
) -> list[Found]:
    """The best offers for the query (at most `limit`); [] without a place."""
    if query.academy is None:
        return []
    sql = select(Placement).where(Placement.academy_id == query.academy, shown_to_pupils(today))
    if level:
        sql = sql.where(Placement.levels.like(f"% {level} %"))
    candidates = (await session.scalars(sql)).all()
    return rank(candidates, query, limit)


def rank(candidates, query: SearchQuery, limit: int = MAX_SHOWN) -> list[Found]:
    wanted = subject_words(query)
    found = []
    for placement in candidates:
        score = subject_score(placement, wanted) if wanted else 100.0
        if score < TERM_CUTOFF:
            continue
        nearness = 0
        if query.commune is not None and placement.insee == query.commune.insee:
            nearness = 2
        elif query.departement and placement.departement == query.departement:
            nearness = 1
        found.append(Found(placement, nearness, score))
    found.sort(
        key=lambda f: (-f.nearness, -f.score, f.placement.first_day or date.max, f.placement.id)
    )
    return found[:limit]


def subject_words(query: SearchQuery) -> tuple[str, ...]:
    """The search's sector words and its other content words (folded)."""
    return tuple(dict.fromkeys((*sector_terms(query.sector), *query.terms)))


def subject_score(placement: Placement, wanted: tuple[str, ...]) -> float:
    """The best likeness between a wanted word and a word of the offer's title, sector or
    host (rapidfuzz ratio; a shared start of five letters counts as a match)."""
    words = fold(f"{placement.title} {placement.sector} {placement.employer}").split()
    best = 0.0
    for term in wanted:
        if " " in term:
            if term in " ".join(words):
                return 100.0
            continue
        hit = process.extractOne(term, words, scorer=fuzz.ratio)
        if hit is not None:
            best = max(best, hit[1])
        if len(term) >= 5 and any(w[:5] == term[:5] for w in words if len(w) >= 5):
            best = max(best, 90.0)
        if best >= 100.0:
            break
    return best
