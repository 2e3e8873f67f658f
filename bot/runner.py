"""Composition root: build the core from the configuration and run the Telegram bot."""

from __future__ import annotations

import logging
import re
import sys
from datetime import timedelta
from urllib.parse import quote

from bot.cases.academies import AcademyDirectory, load_academies
from bot.cases.service import EscalationService, EscalationSettings
from bot.config import Config
from bot.conversation import ConversationService
from bot.desks.dialogue import DialogueEngine
from bot.store.database import Database
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
TOKEN_REFUSED = (
    "Telegram refuse le jeton TELEGRAM_BOT_TOKEN : vérifiez-le, ou demandez-en un nouveau "
    "à @BotFather (/token)."
)
API_UNREACHABLE = (
    "Impossible de joindre l'API Telegram ({url}) : vérifiez le réseau, le proxy ou "
    "TELEGRAM_API_BASE_URL ({error})."
)


# Tokens never reach the logs: the configured one, and anything shaped like a Bot API token.
BOT_URL_TOKEN = re.compile(r"bot\d+:[A-Za-z0-9_-]+")
BARE_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")


class RedactTokens(logging.Filter):
    """Rewrites each record with tokens removed: message, arguments, formatted exception."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in {*secrets, *(quote(s, safe="") for s in secrets)} if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        text = BOT_URL_TOKEN.sub("bot<token>", text)
        return BARE_TOKEN.sub("<token>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class QuietBootstrap(logging.Filter):
    """Drops python-telegram-bot's start-up retry tracebacks: `run` says what failed in one line
    (kept with LOG_LEVEL=DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        bootstrap = record.name.startswith("telegram.ext") and record.getMessage().startswith(
            "Network Retry Loop (Bootstrap"
        )
        return not bootstrap or logging.getLogger().isEnabledFor(logging.DEBUG)


def setup_logging(level: str = "INFO", token: str | None = None) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    filters = (QuietBootstrap(), RedactTokens((token,) if token else ()))
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, QuietBootstrap | RedactTokens)]:
            handler.removeFilter(old)
        for new in filters:
            handler.addFilter(new)


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
            admin_ids=config.admin_ids,
        )
    return ConversationService(
        DialogueEngine(kb, academies=academies, link_secret=config.link_key()),
        Database(config.database_url, busy_timeout=0.0),  # waits in Database.run, not the loop
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

    setup_logging(config.log_level, config.token)
    kb = load_kb_or_exit(config)
    log.info("knowledge base: %d topics", len(kb.topics))
    return build_application(config, build_service(config, kb))


def run_polling(config: Config) -> int:
    """Long polling until SIGINT/SIGTERM; returns an exit status."""
    application = build_bot(config)
    if application is None:
        return 2
    from telegram import Update

    return _started(
        config,
        lambda: application.run_polling(
            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
        ),
    )


def _started(config: Config, run) -> int:
    """Run the bot; a start-up failure is one French line on stderr and status 1."""
    from telegram.error import InvalidToken, NetworkError

    redact = RedactTokens((config.token,) if config.token else ()).redact
    try:
        run()
    except InvalidToken:
        print(TOKEN_REFUSED, file=sys.stderr)
        return 1
    except NetworkError as exc:
        print(
            API_UNREACHABLE.format(url=redact(config.api_base_url), error=type(exc).__name__),
            file=sys.stderr,
        )
        return 1
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

    return _started(config, lambda: asyncio.run(serve_webhook(application, config)))
