"""`ipe-bot placements import FILE.csv`: every row checked first; one bad row and nothing is
imported (each bad row reported with its line and reason).

Required columns: title, employer, sector, commune, postcode, levels, first_day, last_day,
places, description, contact. Optional: expires_on, reserved (rep | schools | empty), schools
(";"-separated), academy (checked against the commune's). Columns named as in 1élève1stage's
API are read when the bot's own is absent: employer_name, city, zipcode, max_candidates,
date_start, date_end, grades (quatrieme;troisieme;seconde), rep (true/false).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.cases.communes import CommuneIndex
from bot.placements.vocabulary import parse_levels, stored_levels

REQUIRED = (
    "title",
    "employer",
    "sector",
    "commune",
    "postcode",
    "levels",
    "first_day",
    "last_day",
    "places",
    "description",
    "contact",
)
# 1élève1stage's API names → ours (used when our column is missing)
ALIASES = {
    "employer_name": "employer",
    "city": "commune",
    "zipcode": "postcode",
    "max_candidates": "places",
    "date_start": "first_day",
    "date_end": "last_day",
    "grades": "levels",
}
MAX_PLACES = 500
LIMITS = {"title": 200, "employer": 200, "sector": 120, "description": 2000, "contact": 500}


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"ligne {self.line} : {self.reason}"


def read_rows(
    text: str, index: CommuneIndex, academy: str | None = None
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """The offers of a CSV text (fields for repository.add) and the bad rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    present = set(header) | {ours for theirs, ours in ALIASES.items() if theirs in header}
    missing = [c for c in REQUIRED if c not in present]
    if missing:
        return [], [RowError(1, f"colonnes manquantes : {', '.join(missing)}")]
    rows, errors = [], []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        for theirs, ours in ALIASES.items():
            if not row.get(ours) and row.get(theirs):
                row[ours] = row[theirs]
        if not any(row.values()):
            continue
        try:
            rows.append(_fields(row, index, academy))
        except ValueError as problem:
            errors.append(RowError(reader.line_num if reader.line_num else number, str(problem)))
    return rows, errors


def _fields(row: dict[str, str], index: CommuneIndex, academy: str | None) -> dict[str, Any]:
    for column in ("title", "employer", "commune", "levels", "places", "contact"):
        if not row.get(column):
            raise ValueError(f"« {column} » est vide")
    for column, limit in LIMITS.items():
        if len(row.get(column, "")) > limit:
            raise ValueError(f"« {column} » dépasse {limit} caractères")
    levels, bad = parse_levels(row["levels"].replace("troisieme", "3e").replace("quatrieme", "4e"))
    if bad or not levels:
        raise ValueError(f"niveau inconnu : {', '.join(bad) or row['levels']}")
    try:
        places = int(row["places"])
    except ValueError:
        raise ValueError(f"« places » n'est pas un nombre : {row['places']}") from None
    if not 1 <= places <= MAX_PLACES:
        raise ValueError(f"« places » doit être entre 1 et {MAX_PLACES}")
    first, last = _day(row, "first_day"), _day(row, "last_day")
    if first and last and last < first:
        raise ValueError("« last_day » est avant « first_day »")
    expires = _day(row, "expires_on")
    commune = _commune(row, index)
    if academy is not None and commune.academy != academy:
        raise ValueError(f"{commune.commune} n'est pas dans l'académie {academy}")
    if row.get("academy") and row["academy"] != commune.academy:
        raise ValueError(f"{commune.commune} est dans l'académie {commune.academy}")
    reserved = row.get("reserved", "").lower()
    if not reserved and row.get("rep", "").lower() in ("true", "1", "oui", "yes"):
        reserved = "rep"
    if reserved not in ("", "rep", "schools"):
        raise ValueError(f"« reserved » doit être vide, rep ou schools : {reserved}")
    if reserved == "schools" and not row.get("schools"):
        raise ValueError("« reserved » vaut schools mais « schools » est vide")
    return {
        "title": row["title"],
        "employer": row["employer"],
        "sector": row.get("sector", ""),
        "commune": commune.commune,
        "insee": commune.insee,
        "postcode": commune.postcode,
        "departement": commune.departement,
        "academy_id": commune.academy,
        "levels": stored_levels(levels),
        "first_day": first,
        "last_day": last,
        "expires_on": expires or last,
        "places": places,
        "places_left": places,
        "reserved": reserved,
        "schools": row.get("schools", "") if reserved == "schools" else "",
        "description": row.get("description", ""),
        "contact": row["contact"],
        "source": "csv",
    }


def _day(row: dict[str, str], column: str) -> date | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"« {column} » n'est pas une date AAAA-MM-JJ : {value}") from None


def _commune(row: dict[str, str], index: CommuneIndex):
    """The commune named, in the postcode given (a name alone must be unambiguous)."""
    postcode = row.get("postcode", "")
    candidates = [c for c in index.resolve(row["commune"]) if c.exact or c.score >= 95]
    if postcode:
        same = [c for c in candidates if c.postcode == postcode]
        same = same or [c for c in index.resolve(postcode) if c.commune == row["commune"]]
        same = same or [
            c for c in candidates if postcode in index.communes[index.by_insee[c.insee]].postcodes
        ]
        if not same:
            raise ValueError(f"commune inconnue pour le code postal {postcode} : {row['commune']}")
        candidates = same
    if not candidates:
        raise ValueError(f"commune inconnue : {row['commune']}")
    if not postcode and len({c.insee for c in candidates}) > 1:
        raise ValueError(f"commune ambiguë, ajoutez le code postal : {row['commune']}")
    if candidates[0].academy is None:
        raise ValueError(f"aucune académie pour {row['commune']}")
    return candidates[0]
