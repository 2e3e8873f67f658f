"""Telegram adapter: python-telegram-bot handlers that parse, call the core, render."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta

# Opt in to python-telegram-bot's coming behaviour: retry_after as a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Bot, BotCommand, CallbackQuery, LinkPreviewOptions, Message, Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.cases.outbox import Blocked, OutboxWorker, RetryLater, Transient
from bot.channels.render import render
from bot.concurrency import ChatLocks, Periodic
from bot.config import Config
from bot.conversation import ConversationService, run_reminders
from bot.messages import Choice, Incoming, Reply

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("start", "Commencer / choisir élève ou enseignant"),
    BotCommand("menu", "Parcourir les thèmes"),
    BotCommand("aide", "Ce que je sais faire"),
    BotCommand("profil", "Changer de rôle ou de niveau"),
    BotCommand("stage", "Demander l'aide d'un ingénieur pour l'école"),
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
SEND_ATTEMPTS = 4
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


class TelegramSender:
    """Outbox delivery through the Bot API, Telegram errors mapped to the outbox's."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, choices: list[Choice]) -> None:
        for part, markup in render(Reply(text, list(choices))):
            try:
                await self.bot.send_message(chat_id, part, reply_markup=markup)
            except Forbidden as exc:
                raise Blocked(str(exc)) from exc
            except RetryAfter as exc:
                raise RetryLater(_seconds(exc.retry_after)) from exc
            except BadRequest as exc:
                if "chat not found" in str(exc).lower():
                    raise Blocked(str(exc)) from exc
                raise Transient(str(exc)) from exc
            except (TimedOut, NetworkError) as exc:
                raise Transient(type(exc).__name__) from exc


class UpdateByUpdateBot(ExtBot):
    """An ExtBot whose getUpdates parses each update on its own.

    python-telegram-bot parses a whole batch with `Update.de_list`: one update it cannot parse
    raises, the updater never confirms the batch, and every retry logs the batch (other users'
    messages) at CRITICAL. Here an unparseable update becomes a bare `Update(update_id=...)`:
    no handler runs for it, the offset moves past it, and only its id and the exception type
    are logged.
    """

    async def get_updates(  # type: ignore[override]
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: object = None,
        allowed_updates: object = None,
        *,
        read_timeout: object = DEFAULT_NONE,
        write_timeout: object = DEFAULT_NONE,
        connect_timeout: object = DEFAULT_NONE,
        pool_timeout: object = DEFAULT_NONE,
        api_kwargs: dict | None = None,
    ) -> tuple[Update, ...]:
        data = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # as Bot.get_updates: the long-poll timeout is added to the read timeout
        if isinstance(read_timeout, DefaultValue):
            base = self._request[0].read_timeout or 0
        else:
            base = read_timeout or 0
        if isinstance(timeout, timedelta):
            effective_read_timeout = base + timeout.total_seconds()
        else:
            effective_read_timeout = base + timeout if timeout else base
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=effective_read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        parsed = (self._parse_update(raw) for raw in result or ())
        updates = tuple(update for update in parsed if update is not None)
        for update in updates:
            self.insert_callback_data(update)
        return updates

    def _parse_update(self, raw: object) -> Update | None:
        try:
            update = Update.de_json(raw, self)  # type: ignore[arg-type]
            if update is None:
                raise ValueError("empty update")
            return update
        except Exception as exc:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                log.error("an update without an id was dropped (%s)", type(exc).__name__)
                return None
            log.error("update %s could not be parsed (%s): skipped", update_id, type(exc).__name__)
            return Update(update_id=update_id)


def services(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    return services_of(context.application)


def services_of(application: Application) -> BotServices:
    return application.bot_data["services"]


async def post_shutdown(application: Application) -> None:
    await services_of(application).conversation.db.dispose()


async def send_reply(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    """Send every part of a reply; retry network errors; give up quietly on a blocked user."""
    for text, markup in render(reply):
        for attempt in range(SEND_ATTEMPTS):
            try:
                await context.bot.send_message(chat_id, text, reply_markup=markup)
                break
            except Forbidden:
                log.info("chat %s blocked the bot; reply dropped", chat_id)
                return
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
            except (TimedOut, NetworkError) as exc:
                if attempt == SEND_ATTEMPTS - 1:
                    raise
                log.warning("send failed (%s), retrying", type(exc).__name__)
                await asyncio.sleep(0.2 * 2**attempt)


def _seconds(value: object) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)  # type: ignore[union-attr]


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> None:
    bot_services = services(context)
    async with bot_services.reply_order.get(incoming.chat_id):
        reply = await bot_services.conversation.handle(incoming)
        if reply is not None:
            await send_reply(context, incoming.chat_id, reply)


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
        await query.answer(reply.text[:200])  # a small toast, no new message
        return
    await query.answer()
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
    await send_reply(context, chat_id, reply)


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
