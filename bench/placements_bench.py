"""Placements: a pupil's search against 10,000 offers, against a plain SQL scan.

    python -m bench.placements_bench [--quick]

On SQLite in a temporary directory, 10,000 offers (2,000 with --quick) spread over communes of
every département, with sectors and levels drawn from a fixed seed. Measured: the chat's search
as the pupil desk runs it (`bot.placements.query.parse` on the sentence, then
`bot.placements.search.search`: the académie's visible offers for the level, ranked by subject
and nearness), for sentences naming a sector and a commune. Baseline, in the same process and
through the same engine: a plain SQL scan of the whole table for the sector's word
(`title LIKE '%word%' OR sector LIKE '%word%'`, level and status filtered), run before and
after (the mean is used).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from bench.common import Report, cli, ratio
from bot.cases.communes import default_index
from bot.placements.query import parse
from bot.placements.search import search
from bot.placements.vocabulary import SECTORS, stored_levels
from bot.store.database import Database
from bot.store.models import Placement

FULL = {"placements": 10_000, "rounds": 5}
QUICK = {"placements": 2_000, "rounds": 1}
SENTENCES = [
    ("je cherche un stage en boulangerie vers Rezé", "boulang"),
    ("y a des stages en informatique à Lille ?", "informati"),
    ("stage en coiffure a nantes", "coiffure"),
    ("je cherche un stage en garage à Montauban", "garage"),
    ("je veux un stage en restauration à Brest", "restaura"),
    ("stage en pharmacie à Tulle", "pharmacie"),
    ("je cherche un stage au musee a Lyon", "musee"),
    ("un stage en creche vers Cayenne", "creche"),
    ("je cherche un stage en astronomie à Paris", "astronomie"),
    ("stage en menuiserie à Haguenau", "menuiserie"),
]
LEVEL = "3e"


def offers(n: int, seed: int = 15) -> list[dict]:
    """n offers over communes of every département (the biggest first), fixed by the seed."""
    rng = random.Random(seed)
    index = default_index()
    by_dept: dict[str, list] = {}
    for commune in index.communes:
        if commune.departement in index.academy_of:
            by_dept.setdefault(commune.departement, []).append(commune)
    towns = [
        c
        for communes in by_dept.values()
        for c in sorted(communes, key=lambda c: -c.population)[:12]
    ]
    words = [(sector, variants) for sector, variants in SECTORS.items()]
    start = date.today() + timedelta(days=30)
    rows = []
    for i in range(n):
        town = rng.choice(towns)
        sector, variants = rng.choice(words)
        first = start + timedelta(days=7 * rng.randrange(20))
        rows.append(
            {
                "title": f"Découverte {rng.choice(variants)} {i}",
                "employer": f"Entreprise {i}",
                "sector": sector,
                "commune": town.name,
                "insee": town.insee,
                "postcode": town.postcodes[0] if town.postcodes else "",
                "departement": town.departement,
                "academy_id": index.academy_of[town.departement],
                "levels": stored_levels(rng.sample(["4e", "3e", "2de", "cap", "bacpro"], 2)),
                "first_day": first,
                "last_day": first + timedelta(days=4),
                "expires_on": first + timedelta(days=4),
                "places": 2,
                "places_left": rng.choice([0, 1, 2]),
                "description": "",
                "contact": "contact@example.fr",
                "status": "open",
            }
        )
    return rows


async def scan(db: Database, rounds: int) -> float:
    """Seconds per query of the plain SQL scan."""
    sql = text(
        "SELECT id, title, sector, commune FROM placement WHERE (title LIKE :p OR sector "
        "LIKE :p) AND levels LIKE :level AND status = 'open' AND places_left > 0"
    )
    count = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for _, word in SENTENCES:
            async with db.sessions() as session:
                rows = await session.execute(sql, {"p": f"%{word}%", "level": f"% {LEVEL} %"})
                count += len(rows.all())
    return (time.perf_counter() - start) / (rounds * len(SENTENCES))


async def searches(db: Database, rounds: int) -> tuple[float, int]:
    """Seconds per search as the pupil desk runs it, and offers found per round."""
    index = default_index()
    today = date.today()
    found = 0
    start = time.perf_counter()
    for _ in range(rounds):
        found = 0
        for sentence, _ in SENTENCES:
            query = parse(sentence, index, today)
            async with db.sessions() as session:
                found += len(await search(session, query, LEVEL, today))
    return (time.perf_counter() - start) / (rounds * len(SENTENCES)), found


def parse_only(rounds: int) -> float:
    """Seconds per sentence read (commune, sector, level), without the database."""
    index, today = default_index(), date.today()
    start = time.perf_counter()
    for _ in range(rounds):
        for sentence, _ in SENTENCES:
            parse(sentence, index, today)
    return (time.perf_counter() - start) / (rounds * len(SENTENCES))


async def _run(quick: bool) -> Report:
    sizes = QUICK if quick else FULL
    report = Report(f"Placements: a search against {sizes['placements']:,} offers vs a SQL scan")
    with tempfile.TemporaryDirectory(prefix="ipe-bench-") as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bot.sqlite3'}")
        await db.create_schema()
        rows = offers(sizes["placements"])
        async with db.transaction() as session:
            await session.execute(insert(Placement), rows)
        await scan(db, 1)  # warm-up: the table in the page cache, the commune index loaded
        await searches(db, 1)
        before = await scan(db, sizes["rounds"])
        per_search, found = await searches(db, sizes["rounds"])
        after = await scan(db, sizes["rounds"])
        reading = parse_only(sizes["rounds"])
        await db.dispose()
    base = statistics.mean((before, after))
    report.add("offers in the table", f"{sizes['placements']:,}")
    report.add("searches (sentences x rounds)", f"{len(SENTENCES)} x {sizes['rounds']}")
    report.add("offers shown for the sentences (at most 3 each)", str(found))
    report.add("search time / plain SQL scan time", ratio(per_search, base))
    report.add("search, ms per sentence (parse + query + ranking)", f"{per_search * 1000:.2f}")
    report.add("plain SQL scan, ms per query (mean before/after)", f"{base * 1000:.2f}")
    report.add("of the search: reading the sentence / plain SQL scan", ratio(reading, base))
    report.target(
        "search within 5x a plain scan of the table",
        ratio(per_search, base),
        per_search <= 5 * base,
    )
    report.note(
        "The search reads only the académie's visible offers for the level (index on "
        "academy_id), then ranks them in Python with rapidfuzz; the scan reads every row."
    )
    return report


def run(quick: bool) -> Report:
    return asyncio.run(_run(quick))


if __name__ == "__main__":
    cli(run, __doc__)
