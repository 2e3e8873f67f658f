"""The Bot API as the bot uses it: updates parsed one by one, replies sent with retries,
and the outbox's sender with Telegram's errors mapped to the outbox's."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Iterator
from datetime import timedelta

# Opt in to python-telegram-bot's coming behaviour: retry_after as a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Bot, Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.cases.outbox import Blocked, Permanent, RetryLater, Transient
from bot.channels.render import render
from bot.messages import Choice, Reply

log = logging.getLogger(__name__)

# A direct reply rides out a Bot API outage: network errors and 5xx are retried with a backoff
# doubling from REPLY_BACKOFF_FIRST to REPLY_BACKOFF_MAX seconds, for REPLY_RETRY_SECONDS in all.
REPLY_BACKOFF_FIRST = 0.5
REPLY_BACKOFF_MAX = 8.0
REPLY_RETRY_SECONDS = 75.0


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


async def send_part(bot: Bot, chat_id: int, text: str, markup: object) -> bool:
    """One message, sent once; False when the user blocked the bot."""
    deadline = time.monotonic() + REPLY_RETRY_SECONDS
    delay = REPLY_BACKOFF_FIRST
    while True:
        try:
            await bot.send_message(chat_id, text, reply_markup=markup)
            return True
        except Forbidden:
            log.info("chat %s blocked the bot; reply dropped", chat_id)
            return False
        except BadRequest:
            raise  # a subclass of NetworkError, but permanent
        except RetryAfter as exc:
            wait = seconds(exc.retry_after)
            remaining = deadline - time.monotonic()
            if wait > remaining:
                raise
        except NetworkError as exc:  # TimedOut, connection errors, 5xx
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise
            wait = min(delay, remaining)  # the last attempt falls on the deadline
            delay = min(delay * 2, REPLY_BACKOFF_MAX)
            log.warning("send to chat %s failed (%s), retrying", chat_id, type(exc).__name__)
        await asyncio.sleep(wait)


def seconds(value: object) -> float:
    return value.totalseconds() if hasattr(value, "total_seconds") else float(value)  # type: ignore[union-attr]


class TelegramSender:
    """Outbox delivery through the Bot API, Telegram errors mapped to the outbox's."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, text: str, choices: list[Choice]) -> int | None:
        """Send every part; the first part's message id (the one an edit replaces)."""
        first = None
        for part, markup in render(Reply(text, list(choices))):
            with _mapped_errors():
                message = await self.bot.send_message(chat_id, part, reply_markup=markup)
            first = first or getattr(message, "message_id", None)
        return first

    async def edit(self, chat_id: int, message_id: int, text: str, choices: list[Choice]) -> None:
        """Replace a delivered notice's text and buttons (its first part only)."""
        part, markup = render(Reply(text, list(choices)))[0]
        try:
            with _mapped_errors():
                await self.bot.edit_message_text(
                    part, chat_id=chat_id, message_id=message_id, reply_markup=markup
                )
        except Permanent as exc:
            if "not modified" not in str(exc).lower():  # the same text again is not an error
                raise


@contextlib.contextmanager
def _mapped_errors() -> Iterator[None]:
    """Telegram's errors as the outbox's."""
    try:
        yield
    except Forbidden as exc:
        raise Blocked(str(exc)) from exc
    except RetryAfter as exc:
        raise RetryLater(seconds(exc.retry_after)) from exc
    except BadRequest as exc:
        reason = str(exc)
        if any(gone in reason.lower() for gone in ("chat not found", "bot was blocked")):
            raise Blocked(reason) from exc
        raise Permanent(reason) from exc
    except (TimedOut, NetworkError) as exc:
        raise Transient(type(exc).__name__) from exc
