"""Command line: ask, where, kb check/export, eval, eval-safety, chat (and run, for Telegram)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot.cases.academies import AcademyDirectory, load_academies, of_academy
from bot.cases.communes import COMMUNES_FILE
from bot.config import Config
from bot.desks.dialogue import DialogueEngine
from bot.messages import State
from bot.understanding import model_cache
from bot.understanding.evaluation import (
    evaluate,
    evaluate_followups,
    evaluate_safety,
    format_report,
    format_safety_report,
    read_followups,
    read_labelled,
    read_safety_labelled,
)
from bot.understanding.knowledge import LoadResult, default_knowledge_dir, load_knowledge
from bot.understanding.lint import lint
from bot.understanding.matching import Matcher
from bot.understanding.topics import CRISIS_TOPIC


def _load(args: argparse.Namespace, strict: bool = False) -> LoadResult:
    result = load_knowledge(args.knowledge)
    if result.errors:
        for error in result.errors:
            print(f"erreur : {error}", file=sys.stderr)
        if strict or not result.kb.topics:
            raise SystemExit(1)
    return result


def ask_payload(engine: DialogueEngine, text: str, role: str | None) -> dict:
    """The JSON shape of `ask --json`: topic is null when the bot would not answer."""
    reply = engine.handle_text(State(role=role), text)
    answered = reply.kind in ("answer", "safety") or reply.topic == "salutation"  # the greeting
    topic = reply.topic
    if reply.kind == "safety":  # the safety net answered first: the crisis topic, if there is one
        topic = CRISIS_TOPIC if CRISIS_TOPIC in engine.kb.topics else None
    return {
        "topic": topic if answered else None,
        "score": round(reply.score, 1),
        "answer": reply.text if answered else None,
        "suggestions": list(reply.suggestions),
        "safety": reply.safety,
    }


def cmd_ask(args: argparse.Namespace) -> int:
    kb = _load(args).kb
    engine = DialogueEngine(kb)
    if args.text == ["-"]:
        questions = (line.rstrip("\n") for line in sys.stdin)
    else:
        questions = iter([" ".join(args.text)])
    for question in questions:
        if args.json:
            payload = ask_payload(engine, question, args.role)
            print(json.dumps(payload, ensure_ascii=False), flush=True)
        else:
            from bot.channels.console import render

            print(render(engine.handle_text(State(role=args.role), question)))
            print()
    return 0


def where_payload(directory: AcademyDirectory, query: str) -> dict:
    """The JSON shape of `where --json`: candidates best first, [] when nothing fits."""
    found = directory.communes.resolve(query) if directory.communes is not None else []
    return {"query": query, "candidates": [c.as_dict() for c in found]}


def where_line(directory: AcademyDirectory, candidate: dict) -> str:
    academy = directory.academies.get(candidate["academy"] or "")
    served = f"académie {of_academy(academy.name)}" if academy else "pas d'académie"
    return (
        f"{candidate['commune']} ({candidate['postcode']}, département {candidate['departement']}, "
        f"INSEE {candidate['insee']}) : {served}"
    )


def cmd_where(args: argparse.Namespace) -> int:
    """Communes from a postcode, an INSEE code or a name, with their académie."""
    knowledge = args.knowledge or default_knowledge_dir()
    directory, errors = load_academies(knowledge / "academies.yaml")
    for error in errors:
        print(f"erreur : {error}", file=sys.stderr)
    if directory.communes is None:
        print(f"erreur : {knowledge / COMMUNES_FILE} introuvable", file=sys.stderr)
        return 1
    if args.text == ["-"]:
        queries = (line.rstrip("\n") for line in sys.stdin)
    else:
        queries = iter([" ".join(args.text)])
    for query in queries:
        payload = where_payload(directory, query)
        if args.json:
            print(json.dumps(payload, ensure_ascii=False), flush=True)
            continue
        for candidate in payload["candidates"]:
            print(where_line(directory, candidate))
        if not payload["candidates"]:
            print(f"{query} : aucune commune trouvée")
    return 0


def cmd_kb_check(args: argparse.Namespace) -> int:
    result = load_knowledge(args.knowledge)
    for error in result.errors:
        print(f"erreur : {error}")
    findings = lint(result.kb) if result.kb.topics else []
    for finding in findings:
        print(f"attention : {finding}")
    n_questions = sum(len(t.questions) for t in result.kb.topics.values())
    print(
        f"{len(result.kb.topics)} sujets, {n_questions} questions, {len(result.kb.themes)} thèmes ; "
        f"{len(result.errors)} erreur(s), {len(findings)} avertissement(s)"
    )
    return 1 if result.errors or not result.kb.topics else 0


def cmd_kb_export(args: argparse.Namespace) -> int:
    kb = _load(args).kb
    print(json.dumps(kb.export(), ensure_ascii=False, indent=None if args.json else 2))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    kb = _load(args).kb
    if args.followups:
        engine = DialogueEngine(kb)
        items = read_followups(args.file)
        alone = evaluate_followups(lambda _first, text: follow_up_topic(engine, None, text), items)
        report = evaluate_followups(lambda a, b: follow_up_topic(engine, a, b), items)
        print(f"follow-ups alone, without the first message: {alone.accuracy:6.1%}")
        print(format_report(report))
        return 0
    report = evaluate(Matcher(kb), read_labelled(args.file), kb.safety)
    print(format_report(report))
    return 0


def follow_up_topic(engine: DialogueEngine, first: str | None, text: str) -> str | None:
    """The topic a pupil's follow-up gets right after the first message (as in the chat)."""
    state = State(role="pupil")
    if first is not None:
        engine.handle_text(state, first)
    reply = engine.handle_text(state, text)
    return reply.topic if reply.kind in ("answer", "level") else None


def cmd_eval_safety(args: argparse.Namespace) -> int:
    kb = _load(args).kb
    assert kb.safety is not None
    for path in args.files:
        report = evaluate_safety(kb.safety.assess, read_safety_labelled(path))
        print(f"== {path}\n{format_safety_report(report)}\n")
    return 0


def _config(args: argparse.Namespace) -> Config:
    config = Config.from_env()
    if args.knowledge:
        config = replace(config, knowledge_dir=args.knowledge)
    return config


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.channels.console import chat_in_terminal
    from bot.runner import build_service

    kb = _load(args).kb
    return chat_in_terminal(build_service(_config(args), kb))


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import run_polling, run_webhook

    if getattr(args, "webhook", False):
        return run_webhook(_config(args))
    return run_polling(_config(args))


def cmd_default(args: argparse.Namespace) -> int:
    """No sub-command: the Telegram bot when a token is set, else the terminal chat."""
    if os.environ.get("TELEGRAM_BOT_TOKEN"):
        return cmd_run(args)
    print("(TELEGRAM_BOT_TOKEN non défini : discussion dans le terminal)\n")
    return cmd_chat(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ipe-bot", description="Assistant stages et découverte des métiers (IPE)."
    )
    parser.add_argument(
        "--knowledge",
        type=Path,
        default=None,
        help=f"dossier de la base de connaissances (défaut : KNOWLEDGE_DIR ou {default_knowledge_dir()})",
    )
    parser.set_defaults(func=cmd_default)
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help="répondre à une question (ou une par ligne avec -)")
    ask.add_argument("--role", choices=["pupil", "teacher"], default=None)
    ask.add_argument("--json", action="store_true", help="une ligne JSON par question")
    ask.add_argument("text", nargs="+", help="la question, ou - pour lire l'entrée standard")
    ask.set_defaults(func=cmd_ask)

    where = sub.add_parser(
        "where", help="trouver une commune et son académie (code postal, INSEE ou nom)"
    )
    where.add_argument("--json", action="store_true", help="une ligne JSON par recherche")
    where.add_argument("text", nargs="+", help="la commune, ou - pour lire l'entrée standard")
    where.set_defaults(func=cmd_where)

    kb = sub.add_parser("kb", help="base de connaissances")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="valider les fichiers YAML et signaler les ambiguïtés")
    check.set_defaults(func=cmd_kb_check)
    export = kb_sub.add_parser("export", help="exporter les sujets")
    export.add_argument("--json", action="store_true", help="JSON compact")
    export.set_defaults(func=cmd_kb_export)

    gaps_parser = kb_sub.add_parser("gaps", help="questions sans réponse, regroupées")
    gaps_parser.add_argument("--since", help="date ISO (AAAA-MM-JJ)")
    gaps_parser.add_argument("--limit", type=int, default=50)
    gaps_parser.add_argument("--json", action="store_true")
    gaps_parser.set_defaults(func=lambda a: _admin(a, "cmd_gaps"))

    stats = sub.add_parser("stats", help="statistiques : sujets, taux de réponse, demandes d'aide")
    stats.add_argument("--since", help="date ISO (AAAA-MM-JJ)")
    stats.add_argument("--academy", help="limiter les demandes d'aide à une académie")
    stats.add_argument("--json", action="store_true")
    stats.add_argument("--png", metavar="FILE", help="dessiner les statistiques (matplotlib)")
    stats.set_defaults(func=lambda a: _admin(a, "cmd_stats"))

    ev = sub.add_parser("eval", help="mesurer la précision sur un fichier étiqueté")
    ev.add_argument("file", type=Path)
    ev.add_argument(
        "--followups", action="store_true", help="dialogues en deux temps : message, relance, sujet"
    )
    ev.set_defaults(func=cmd_eval)
    evs = sub.add_parser(
        "eval-safety",
        help="mesurer le filet de sécurité (fichiers strong|weak|none<TAB>cat<TAB>texte)",
    )
    evs.add_argument("files", type=Path, nargs="+")
    evs.set_defaults(func=cmd_eval_safety)

    chat = sub.add_parser("chat", help="discuter avec l'assistant dans le terminal")
    chat.set_defaults(func=cmd_chat)

    run = sub.add_parser("run", help="lancer le bot Telegram (long polling, ou --webhook)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="mode webhook (WEBHOOK_URL, WEBHOOK_LISTEN, WEBHOOK_PORT, WEBHOOK_SECRET)",
    )
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="base de données")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="appliquer les migrations (Alembic)").set_defaults(
        func=cmd_db_upgrade
    )
    revision = db_sub.add_parser("revision", help="écrire une migration d'après les modèles")
    revision.add_argument("-m", "--message", required=True)
    revision.set_defaults(func=cmd_db_revision)

    from bot.cli.admin import add_parser as add_admin_parser

    add_admin_parser(sub)
    sub.choices["admin"].set_defaults(func=cmd_admin)

    from bot.cli.placements import add_parser as add_placements_parser  # issue #15

    add_placements_parser(sub)
    sub.choices["placements"].set_defaults(func=lambda a: a.placements_func(a, _config(a)))
    return parser


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.store.database import Database
    from bot.store.migrate import current

    async def job() -> str | None:
        db = Database(_config(args).database_url)
        try:
            await db.create_schema()
            return await current(db.engine)
        finally:
            await db.dispose()

    print(f"Base à jour (révision {asyncio.run(job())}).")
    return 0


def _admin(args: argparse.Namespace, name: str) -> int:
    from bot.cli import admin as admin_cli

    return getattr(admin_cli, name)(args, _config(args))


def cmd_db_revision(args: argparse.Namespace) -> int:
    """Autogenerate a migration: the models compared with a scratch database at head."""
    import tempfile

    from alembic import command

    from bot.store.migrate import alembic_config

    with tempfile.TemporaryDirectory() as scratch:
        config = alembic_config(f"sqlite:///{scratch}/scratch.db")
        command.upgrade(config, "head")
        command.revision(config, message=args.message, autogenerate=True)
    return 0


def cmd_admin(args: argparse.Namespace) -> int:
    return args.admin_func(args, _config(args))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    model_cache.use_directory(Config.from_env().model_cache_dir)
    try:
        return args.func(args)
    except BrokenPipeError:  # `ipe-bot eval ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
