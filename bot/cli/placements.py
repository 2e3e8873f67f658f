"""`ipe-bot placements import|list|close|demand`: the académies' bank of offers (bot.placements)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.cases.academies import AcademyDirectory
from bot.cli.common import load_directory, pick_academy, with_db
from bot.config import Config
from bot.placements import repository
from bot.placements.demand import demand_lines, unmet_demand
from bot.placements.importer import read_rows


def _academy_id(directory: AcademyDirectory, args: argparse.Namespace) -> tuple[str | None, int]:
    """The académie id of --academy (a name, a city or an id), or an exit status."""
    academy, status = pick_academy(directory, getattr(args, "academy", None))
    return (academy.id if academy else None), status


def cmd_import(args: argparse.Namespace, config: Config) -> int:
    directory = load_directory(config)
    if directory.communes is None:
        print("erreur : fichier des communes introuvable", file=sys.stderr)
        return 1
    academy, status = _academy_id(directory, args)
    if status:
        return status
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        print(f"erreur : {args.file} illisible ({problem})", file=sys.stderr)
        return 1
    rows, errors = read_rows(text, directory.communes, academy)
    if errors:
        for error in errors:
            print(f"erreur : {error}", file=sys.stderr)
        print(f"Rien n'a été importé : {len(errors)} ligne(s) à corriger.", file=sys.stderr)
        return 1

    async def job(session):
        return [(await repository.add(session, **row)).id for row in rows]

    ids = asyncio.run(with_db(config, job))  # one transaction: all the rows or none
    print(f"{len(ids)} offre(s) importée(s)" + (f" (n° {ids[0]} à {ids[-1]})." if ids else "."))
    return 0


def cmd_list(args: argparse.Namespace, config: Config) -> int:
    academy, status = _academy_id(load_directory(config), args)
    if status:
        return status
    scope = {academy} if academy else None

    async def job(session):
        return await repository.listing(session, scope, include_closed=args.all)

    placements = asyncio.run(with_db(config, job))
    if args.json:
        rows = [repository.as_dict(p, args.with_contact) for p in placements]
        print(json.dumps({"placements": rows}, ensure_ascii=False))
        return 0
    for p in placements:
        dates = repository.dates_label(p)
        print(
            f"{p.id}\t{p.academy_id}\t{p.title} — {p.employer}, {p.commune} "
            f"({repository.levels_label(p)}{', ' + dates if dates else ''}) : "
            f"{p.places_left}/{p.places} place(s){' [close]' if p.status != 'open' else ''}"
        )
    if not placements:
        print("Aucune offre.")
    return 0


def cmd_close(args: argparse.Namespace, config: Config) -> int:
    done = asyncio.run(with_db(config, lambda s: repository.close(s, args.id)))
    print(f"Offre {args.id} close." if done else f"Aucune offre ouverte n° {args.id}.")
    return 0 if done else 1


def cmd_demand(args: argparse.Namespace, config: Config) -> int:
    academy, status = _academy_id(load_directory(config), args)
    if status:
        return status
    scope = {academy} if academy else None
    report = asyncio.run(with_db(config, lambda s: unmet_demand(s, scope, limit=args.limit)))
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print("\n".join(demand_lines(report, args.limit)))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    placements = sub.add_parser("placements", help="offres de stage négociées par les IPE")
    psub = placements.add_subparsers(dest="placements_command", required=True)

    imp = psub.add_parser("import", help="importer un fichier CSV (tout ou rien)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--academy", help="refuser les offres d'une autre académie")
    imp.set_defaults(placements_func=cmd_import)

    listing = psub.add_parser("list", help="lister les offres")
    listing.add_argument("--academy")
    listing.add_argument("--json", action="store_true")
    listing.add_argument(
        "--with-contact", action="store_true", help="inclure le contact de l'accueil (JSON)"
    )
    listing.add_argument("--all", action="store_true", help="aussi les offres closes")
    listing.set_defaults(placements_func=cmd_list)

    close = psub.add_parser("close", help="clore une offre (elle n'est plus proposée)")
    close.add_argument("id", type=int)
    close.set_defaults(placements_func=cmd_close)

    demand = psub.add_parser("demand", help="recherches d'élèves restées sans offre")
    demand.add_argument("--academy")
    demand.add_argument("--json", action="store_true")
    demand.add_argument("--limit", type=int, default=10)
    demand.set_defaults(placements_func=cmd_demand)
