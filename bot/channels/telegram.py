"""Telegram adapter: python-telegram-bot handlers that parse, call the core, render."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from dataclasses import dataclass, field

# Opt in to python-telegram-bot's coming behaviour: retry_after as a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import BotCommand, CallbackQuery, LinkPreviewOptions, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import (
    BadRequest,
    NetworkError,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.cases.outbox import OutboxWorker
from bot.channels.bot_api import TelegramSender, UpdateByUpdateBot, send_part
from bot.channels.render import render
from bot.concurrency import ChatLocks, Periodic
from bot.config import Config
from bot.conversation import ConversationService, run_reminders
from bot.messages import Incoming, Reply

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("start", "Commencer / choisir élève, parent ou enseignant"),
    BotCommand("menu", "Parcourir les thèmes"),
    BotCommand("aide", "Ce que je sais faire"),
    BotCommand("profil", "Changer de rôle ou de niveau"),
    BotCommand("stage", "Demander l'aide d'un ingénieur pour l'école"),
    BotCommand("intervention", "Enseignant·e : un·e intervenant·e ou une visite pour la classe"),
    BotCommand("demande", "Où en est ma demande"),
    BotCommand("annuler", "Annuler l'action en cours"),
    BotCommand("oublier", "Effacer mes données"),
]
# Commands answered everywhere, groups included; in private chats any /word reaches the core.
COMMAND_NAMES = [
    *(c.command for c in COMMANDS),
    *("help", "ipe", "dossiers", "dossier", "stats", "reload"),
]
MEDIA_ATTRIBUTES = (
    "sticker",
    "photo",
    "voice",
    "video_note",
    "video",
    "audio",
    "animation",
    "document",
    "location",
    "contact",
    "poll",
)
SORRY = "Oups, un souci technique de mon côté 😕 Réessaie dans un instant (ou tape /menu)."


@dataclass
class BotServices:
    """What the handlers need, kept in application.bot_data."""

    conversation: ConversationService
    config: Config
    worker: OutboxWorker | None = None
    worker_task: asyncio.Task | None = None
    # a chat's replies leave in the order of its updates: each update holds its chat's turn
    # from handling to sending (updates of different chats still run concurrently)
    reply_order: ChatLocks = field(default_factory=ChatLocks)


def services(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    return services_of(context.application)


def services_of(application: Application) -> BotServices:
    return application.bot_data["services"]


async def post_shutdown(application: Application) -> None:
    await services_of(application).conversation.db.dispose()


async def send_reply(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    """Send every part of a reply, in order; give up quietly on a blocked user.

    The caller holds the chat's turn, so while a part is retried the chat's next replies wait.
    Network errors and 5xx are retried with backoff for REPLY_RETRY_SECONDS, a 429 waits its
    retry_after; a permanent error (400, 401, 409...) is raised at once, never retried.
    """
    for text, markup in render(reply):
        if not await send_part(context.bot, chat_id, text, markup):
            return


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> None:
    bot_services = services(context)
    async with bot_services.reply_order.get(incoming.chat_id):
        reply = await bot_services.conversation.handle(incoming)
        if reply is not None:
            await send_reply(context, incoming.chat_id, reply)
            await bot_services.conversation.delivered(reply)


def _media_kind(message: Message) -> str:
    return next((a for a in MEDIA_ATTRIBUTES if getattr(message, a, None)), "other")


def _who(update: Update) -> dict:
    """Who acted, and where: the user (not the chat) holds rights; groups are not private."""
    chat = update.effective_chat
    return {
        "user_id": update.effective_user.id if update.effective_user else None,
        "private": chat is not None and chat.type == ChatType.PRIVATE,
        "edited": update.edited_message is not None,
    }


# -- handlers: parse the update, call the core, render ----------------------------------------
async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    name = (message.text or "").split()[0][1:].split("@")[0].lower()
    incoming = Incoming(
        update.effective_chat.id,
        "command",
        " ".join(context.args or []),
        command=name,
        update_id=update.update_id,
        user_name=update.effective_user.full_name if update.effective_user else "",
        **_who(update),
    )
    await _answer(update, context, incoming)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    text = message.text or ""
    if message.chat.type != ChatType.PRIVATE:
        mention = f"@{context.bot.username}".lower()
        if mention not in text.lower():
            return
        start = text.lower().index(mention)
        text = (text[:start] + text[start + len(mention) :]).strip()
    incoming = Incoming(
        update.effective_chat.id, "text", text, update_id=update.update_id, **_who(update)
    )
    await _answer(update, context, incoming)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    kind = _media_kind(update.effective_message)
    incoming = Incoming(
        update.effective_chat.id, "media", kind, update_id=update.update_id, **_who(update)
    )
    await _answer(update, context, incoming)


async def on_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.message is None:
        await query.answer()
        return
    chat_id = query.message.chat.id
    incoming = Incoming(
        chat_id, "choice", query.data or "", update_id=update.update_id, **_who(update)
    )
    async with services(context).reply_order.get(chat_id):
        await _answer_choice(context, query, incoming)


async def _answer_choice(
    context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery, incoming: Incoming
) -> None:
    chat_id = incoming.chat_id
    reply = await services(context).conversation.handle(incoming)
    if reply is not None and reply.kind == "feedback":
        await _answer_query(query, reply.text[:200])  # a small toast, no new message
        return
    await _answer_query(query)
    if reply is None:
        return
    parts = render(reply)
    if reply.kind == "menu" and len(parts) == 1:
        text, markup = parts[0]
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.info("could not edit menu in place (%s); sending it", type(exc).__name__)
        except TimedOut:
            raise  # the edit may have gone through: never send the menu twice
        except NetworkError as exc:  # the Bot API is down: send it, with send_reply's retries
            log.info("could not edit menu in place (%s); sending it", type(exc).__name__)
    await send_reply(context, chat_id, reply)
    await services(context).conversation.delivered(reply)


async def _answer_query(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner; a failure must not cost the reply that follows."""
    try:
        await query.answer(text)
    except TelegramError as exc:
        log.info("answerCallbackQuery failed (%s)", type(exc).__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log without user text or token, tell the user something went wrong."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s: %s", update_id, type(error).__name__, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, SORRY)
        except Exception as exc:  # the user is told when Telegram lets us; never raise here
            log.warning("could not tell chat about the error: %s", type(exc).__name__)


async def post_init(application: Application) -> None:
    services = services_of(application)
    db = services.conversation.db
    try:
        if services.config.db_auto_migrate:
            await db.create_schema()
        else:
            db.ready = True
    except Exception as exc:
        log.error(
            "database unreachable at start-up (%s): answering without memory until it returns",
            type(exc).__name__,
        )
    try:
        await application.bot.set_my_commands(COMMANDS, language_code="fr")
        await application.bot.set_my_commands(COMMANDS)
    except Exception as exc:
        log.warning("setMyCommands failed: %s", type(exc).__name__)
    escalation = services.conversation.escalation
    if escalation is not None:
        reminders = Periodic(60.0, lambda: run_reminders(services.conversation))
        services.worker = OutboxWorker(
            db,
            TelegramSender(application.bot),
            on_blocked=escalation.on_blocked,
            periodic=reminders,
        )
        services.conversation.on_outbox = services.worker.wake.set
        services.worker_task = asyncio.create_task(services.worker.run())
    academies = services.conversation.engine.academies
    if academies is not None and academies.communes is not None:
        # the communes file is read now, not by the first pupil who names a town (~1 s)
        await asyncio.to_thread(academies.communes.load)
    # The knowledge base, matcher and libraries are built and live as long as the process:
    # out of the cyclic collector's sight, its collections only walk what updates allocate.
    gc.collect()
    gc.freeze()


async def post_stop(application: Application) -> None:
    services = services_of(application)
    if services.worker is not None and services.worker_task is not None:
        services.worker.stop()
        await asyncio.gather(services.worker_task, return_exceptions=True)
        services.worker = services.worker_task = None


def build_application(
    config: Config, conversation: ConversationService, *, rate_limiter: bool = True
) -> Application:
    """The Application with every handler wired; no network access until it starts."""
    if not config.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    bot = UpdateByUpdateBot(
        config.token,
        base_url=config.api_base_url,
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        # the pool sizes ApplicationBuilder gives by default
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        rate_limiter=AIORateLimiter(max_retries=3) if rate_limiter else None,
    )
    application = (
        Application.builder()
        .bot(bot)
        .concurrent_updates(True)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data["services"] = BotServices(conversation, config)

    # Order matters: commands first, then buttons, then text, then everything else.
    application.add_handler(CommandHandler(COMMAND_NAMES, on_command))
    application.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, on_command))
    application.add_handler(CallbackQueryHandler(on_choice))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_media
        )
    )
    application.add_error_handler(on_error)
    return application
