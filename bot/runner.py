"""Composition root: build the core from the configuration and run the Telegram bot."""

from __future__ import annotations

import logging
import sys

from bot.config import Config
from bot.conversation import ConversationService
from bot.dialogue import DialogueEngine
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.storage import Database

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


def build_service(config: Config, kb: KnowledgeBase) -> ConversationService:
    return ConversationService(DialogueEngine(kb), Database(config.database_url))


def run_polling(config: Config) -> int:
    """Long polling until SIGINT/SIGTERM; returns an exit status."""
    if not config.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return 2
    from telegram import Update

    from bot.telegram_bot import build_application

    setup_logging(config.log_level)
    kb = load_kb_or_exit(config)
    application = build_application(config, build_service(config, kb))
    log.info("starting long polling with %d topics", len(kb.topics))
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0
