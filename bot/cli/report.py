"""`ipe-bot admin report`: the activity report by académie and school year (text, JSON, CSV,
PNG). Counts only, no personal data."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys

from bot.cases.dates import today_in_france
from bot.cases.report import SECTIONS, Scope, build_report, school_year, year_label
from bot.cli.common import load_directory, pick_academy, with_db
from bot.config import Config
from bot.placements.report_section import unmet_section

CSV_FIELDS = ["section", "school_year", "academy", "metric", "value"]


def _year(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise argparse.ArgumentTypeError(
            f"année scolaire attendue comme 2026 (pour 2026-2027), pas {value!r}"
        )
    return int(value)


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    directory = load_directory(config)
    academy, status = pick_academy(directory, args.academy)
    if status:
        return status
    names = {a.id: a.name for a in directory.academies.values()}
    scope = Scope(frozenset({academy.id}) if academy else None, args.year, names)
    sections = [*SECTIONS, unmet_section]
    report = asyncio.run(with_db(config, lambda s: build_report(s, scope, sections)))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(report.format())
    if args.csv == "-":
        _write_csv(sys.stdout, report.csv_rows())
    elif args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as out:
            _write_csv(out, report.csv_rows())
    if args.png:
        try:
            from bot.cases.report_plot import plot_report

            year = year_label(args.year) if args.year else "toutes les années scolaires"
            where = academy.name if academy else "toutes les académies"
            plot_report(report, args.png, subtitle=f"{year}, {where}")
        except ImportError:
            print("--png demande matplotlib : pip install -e '.[charts]'", file=sys.stderr)
            return 1
        print(f"Graphique : {args.png}", file=sys.stderr)
    return 0


def _write_csv(out, rows: list[dict]) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(rows)


def add_parser(admin_sub: argparse._SubParsersAction) -> None:
    report = admin_sub.add_parser(
        "report", help="rapport d'activité : actions, élèves et enseignant·es touchés, entreprises"
    )
    report.add_argument("--academy", help="nom, ville ou code de l'académie (défaut : toutes)")
    report.add_argument(
        "--year",
        type=_year,
        help="année scolaire, du 1er septembre au 31 août : 2026 = 2026-2027 (défaut : toutes ; "
        f"en cours : {school_year(today_in_france())})",
    )
    report.add_argument("--json", action="store_true", help="le rapport en JSON")
    report.add_argument("--csv", metavar="FILE", help="export CSV (- pour la sortie standard)")
    report.add_argument("--png", metavar="FILE", help="graphique PNG (matplotlib)")
    report.set_defaults(admin_func=cmd_report)
