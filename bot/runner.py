"""Composition root: build the core from the configuration and run the Telegram bot."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from bot.cases.academies import AcademyDirectory, load_academies
from bot.cases.service import EscalationService, EscalationSettings
from bot.config import Config
from bot.conversation import ConversationService
from bot.desks.dialogue import DialogueEngine
from bot.store.models import Database
from bot.understanding.knowledge import KnowledgeBase, load_knowledge

log = logging.getLogger(__name__)

NO_TOKEN_HELP = """\
TELEGRAM_BOT_TOKEN n'est pas défini : le bot Telegram ne peut pas démarrer.

Pour obtenir un jeton : dans Telegram, écrivez à @BotFather, envoyez /newbot, choisissez un nom,
puis copiez le jeton qu'il donne :
    export TELEGRAM_BOT_TOKEN='123456:ABC...'
    ipe-bot run

Pour essayer l'assistant sans Telegram : ipe-bot chat
"""


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def load_kb_or_exit(config: Config) -> KnowledgeBase:
    result = load_knowledge(config.knowledge_dir)
    for error in result.errors:
        log.error("knowledge base: %s", error)
    if not result.kb.topics:
        print("Aucune connaissance chargée : corrigez les erreurs ci-dessus.", file=sys.stderr)
        raise SystemExit(1)
    return result.kb


def load_academies_or_none(config: Config) -> AcademyDirectory | None:
    path = config.knowledge_dir / "academies.yaml"
    if not path.exists():
        log.warning("no academies.yaml: requests to an IPE are disabled")
        return None
    directory, errors = load_academies(path)
    for error in errors:
        log.error("academies: %s", error)
    return directory if directory.academies else None


def build_service(config: Config, kb: KnowledgeBase) -> ConversationService:
    """The core, wired from the configuration: engine, database, escalation."""
    academies = load_academies_or_none(config)
    escalation = None
    if academies is not None:
        escalation = EscalationService(
            academies,
            EscalationSettings(
                remind_after=timedelta(minutes=config.remind_after_minutes),
                max_reminders=config.max_reminders,
            ),
        )
    return ConversationService(
        DialogueEngine(kb, academies=academies),
        Database(config.database_url),
        escalation=escalation,
        admin_ids=config.admin_ids,
        record_questions=config.record_questions,
    )


def build_bot(config: Config):
    """The Application wired to the core, or None (and a message) when there is no token."""
    if not config.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return None
    from bot.channels.telegram import build_application

    setup_logging(config.log_level)
    kb = load_kb_or_exit(config)
    log.info("knowledge base: %d topics", len(kb.topics))
    return build_application(config, build_service(config, kb))


def run_polling(config: Config) -> int:
    """Long polling until SIGINT/SIGTERM; returns an exit status."""
    application = build_bot(config)
    if application is None:
        return 2
    from telegram import Update

    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0


def run_webhook(config: Config) -> int:
    """Webhook mode (several replicas may share one PostgreSQL); stops on SIGTERM."""
    from bot.channels.webhook import secret_problem

    problem = secret_problem(config)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    application = build_bot(config)
    if application is None:
        return 2
    import asyncio

    from bot.channels.webhook import serve_webhook

    asyncio.run(serve_webhook(application, config))
    return 0
