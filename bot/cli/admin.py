"""`ipe-bot admin ...`: invites, the IPE directory, cases, CSV export, purge (and `link`)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
import unicodedata
from datetime import timedelta

from sqlalchemy import select

from bot.cases import contacts as contact_repo
from bot.cases.details import STATUS_LABELS
from bot.cases.service import EscalationService
from bot.cli.common import load_directory, pick_academy, with_db
from bot.config import Config
from bot.store.models import Case, aware

CASE_FIELDS = [
    "reference",
    "academy",
    "status",
    "level",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "reminders",
    "erased",
    "kind",
    "event_date",
    "event_hours",
]


def cmd_invite(args: argparse.Namespace, config: Config) -> int:
    if args.revoke:
        done = asyncio.run(with_db(config, lambda s: contact_repo.revoke_invite(s, args.revoke)))
        print("Code révoqué." if done else "Code inconnu ou déjà utilisé.")
        return 0 if done else 1
    directory = load_directory(config)
    academy = directory.get(args.academy) if args.academy else None
    if args.kind != "coordinator" and academy is None:
        known = ", ".join(sorted(a.name for a in directory.academies.values()))
        if not args.academy:
            print(
                f"Un code {args.kind} est lié à une académie : ajoutez --academy NOM (nom, ville "
                f"ou code, par exemple --academy Lyon). Académies : {known}",
                file=sys.stderr,
            )
        else:
            print(f"Académie inconnue : {args.academy!r}. Académies : {known}", file=sys.stderr)
        return 2
    academy_id = academy.id if academy else contact_repo.NATIONAL

    async def job(session):
        return await contact_repo.create_invite(session, academy_id, args.kind, args.days)

    code = asyncio.run(with_db(config, job))
    where = academy.name if academy else "toutes les académies"
    print(
        f"Code d'inscription ({args.kind}, {where}), valable {args.days:g} jour(s), usage unique."
    )
    print("La personne envoie au bot : /ipe CODE")
    print(code)
    return 0


def cmd_ipe(args: argparse.Namespace, config: Config) -> int:
    if args.action == "remove":
        done = asyncio.run(with_db(config, lambda s: contact_repo.remove_contact(s, args.id)))
        print("Contact retiré." if done else "Contact introuvable.")
        return 0 if done else 1
    directory = load_directory(config)

    async def job(session):
        academy = directory.get(args.academy) if args.academy else None
        return await contact_repo.list_contacts(session, academy.id if academy else None)

    contacts = asyncio.run(with_db(config, job))
    if not contacts:
        print("Aucun contact enregistré.")
    for c in contacts:
        academy = directory.academies.get(c.academy_id)
        state = " (injoignable)" if c.unreachable else ""
        name = academy.name if academy else "national"
        print(f"{c.id}\t{c.kind}\t{name}\t{c.name or '-'}\tchat {c.chat_id}{state}")
    return 0


def _plain(text: str) -> str:
    """Lower case, no accents, words separated by one space: 'Prise_en charge' = 'prise en charge'."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").replace("-", " ").split())


def _status(value: str) -> str:
    """A case status from its code (new...) or the French label the listing shows (nouvelle...)."""
    wanted = _plain(value)
    for code, label in STATUS_LABELS.items():
        if wanted in (code, _plain(label)):
            return code
    known = ", ".join(f"{label} ({code})" for code, label in STATUS_LABELS.items())
    raise argparse.ArgumentTypeError(f"statut inconnu : {value!r} ; statuts : {known}")


def _case_row(case: Case) -> dict:
    def iso(value):
        value = aware(value)
        return value.isoformat() if value else ""

    return {
        "reference": case.reference,
        "academy": case.academy_id,
        "status": case.status,
        "level": case.level,
        "created_at": iso(case.created_at),
        "acknowledged_at": iso(case.acknowledged_at),
        "resolved_at": iso(case.resolved_at),
        "closed_at": iso(case.closed_at),
        "reminders": case.reminders,
        "erased": case.erased,
        "kind": case.kind,  # pupil | teacher
        "event_date": case.event_date.isoformat() if case.event_date else "",
        "event_hours": case.event_hours or "",
    }


def cmd_cases(args: argparse.Namespace, config: Config) -> int:
    academy, status = pick_academy(load_directory(config), args.academy)
    if status:
        return status

    async def job(session):
        query = select(Case).order_by(Case.created_at)
        if academy is not None:
            query = query.where(Case.academy_id == academy.id)
        if args.status:
            query = query.where(Case.status == args.status)
        return [_case_row(c) for c in (await session.scalars(query)).all()]

    rows = asyncio.run(with_db(config, job))
    if args.json:
        print(json.dumps({"cases": rows}, ensure_ascii=False))
    elif args.csv == "-":
        _write_csv(sys.stdout, rows)
    elif args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as out:
            _write_csv(out, rows)
    else:
        if not rows:
            print("Aucune demande.")
        for r in rows:
            print(
                f"{r['reference']}\t{STATUS_LABELS.get(r['status'], r['status'])}\t{r['created_at']}"
            )
    return 0


def _write_csv(out, rows: list[dict]) -> None:
    writer = csv.DictWriter(out, fieldnames=CASE_FIELDS)
    writer.writeheader()
    writer.writerows(rows)


def cmd_purge(args: argparse.Namespace, config: Config) -> int:
    service = EscalationService(load_directory(config))

    async def job(session):
        return await service.purge(session, timedelta(days=args.older_than))

    count = asyncio.run(with_db(config, job))
    print(f"{count} demande(s) close(s) anonymisée(s).")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="administration : IPE, codes, demandes")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)

    invite = admin_sub.add_parser("invite", help="créer (ou révoquer) un code d'inscription")
    invite.add_argument("--academy", help="nom, ville ou code de l'académie")
    invite.add_argument("--kind", choices=contact_repo.KINDS, default="ipe")
    invite.add_argument("--days", type=float, default=7.0, help="validité en jours (défaut 7)")
    invite.add_argument("--revoke", metavar="CODE", help="révoquer ce code au lieu d'en créer un")
    invite.set_defaults(admin_func=cmd_invite)

    ipe = admin_sub.add_parser("ipe", help="annuaire des IPE et contacts")
    ipe_sub = ipe.add_subparsers(dest="action", required=True)
    listing = ipe_sub.add_parser("list")
    listing.add_argument("--academy")
    remove = ipe_sub.add_parser("remove")
    remove.add_argument("id", type=int)
    ipe.set_defaults(admin_func=cmd_ipe)

    cases = admin_sub.add_parser("cases", help="lister les demandes")
    cases.add_argument("--academy")
    cases.add_argument(
        "--status",
        type=_status,
        metavar="STATUT",
        help="nouvelle, « prise en charge », résolue, close (ou new, acknowledged, resolved, "
        "closed)",
    )
    cases.add_argument("--json", action="store_true")
    cases.add_argument("--csv", metavar="FILE", help="export CSV (- pour la sortie standard)")
    cases.set_defaults(admin_func=cmd_cases)

    purge = admin_sub.add_parser(
        "purge", help="effacer les données personnelles des demandes closes"
    )
    purge.add_argument("--older-than", type=float, required=True, metavar="DAYS")
    purge.set_defaults(admin_func=cmd_purge)

    from bot.cli import links, report

    links.add_parser(admin_sub)
    report.add_parser(admin_sub)


def _since(value: str | None):
    if not value:
        return None
    from datetime import UTC, datetime

    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def cmd_gaps(args: argparse.Namespace, config: Config) -> int:
    """`kb gaps`: unanswered questions grouped, most frequent first."""
    from bot.cases.insights import gaps

    found = asyncio.run(with_db(config, lambda s: gaps(s, _since(args.since))))[: args.limit]
    if args.json:
        print(json.dumps({"gaps": [g.as_dict() for g in found]}, ensure_ascii=False))
        return 0
    if not found:
        print("Aucune question sans réponse enregistrée.")
    for gap in found:
        near = ", ".join(t for t, _ in gap.near.most_common(3)) or "—"
        reasons = ", ".join(f"{r} {n}" for r, n in gap.reasons.most_common())
        print(f"{gap.count:4d}× « {gap.example} »  ({reasons} ; sujets proches : {near})")
        for other in gap.texts[1:4]:
            print(f"       « {other} »")
    return 0


def cmd_stats(args: argparse.Namespace, config: Config) -> int:
    from bot.cases.insights import compute_stats, format_stats, plot_stats
    from bot.understanding.knowledge import load_knowledge

    academy, status = pick_academy(load_directory(config), args.academy)
    if status:
        return status
    scope = {academy.id} if academy else None
    stats = asyncio.run(with_db(config, lambda s: compute_stats(s, _since(args.since), scope)))
    titles = {t.id: t.title for t in load_knowledge(config.knowledge_dir).kb.topics.values()}
    if args.json:
        print(json.dumps(stats.as_dict(), ensure_ascii=False))
    else:
        print(format_stats(stats, titles))
    if args.png:
        try:
            plot_stats(
                stats,
                args.png,
                titles,
                period=f"depuis le {args.since}" if args.since else "depuis le début",
                academy=academy.name if academy else "toutes les académies",
            )
        except ImportError:
            print("--png demande matplotlib : pip install matplotlib", file=sys.stderr)
            return 1
        print(f"Graphique : {args.png}")
    return 0
