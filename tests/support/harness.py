"""The wiring the end-to-end tests and the benchmarks share: the bot as `ipe-bot run` builds it,
started and stopped around a loopback Bot API server, and a wait that keeps the loop running."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram.ext import Application

from bot.channels.telegram import build_application
from bot.config import Config
from bot.runner import build_service

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"


async def until(predicate, timeout: float = 15.0) -> bool:
    """Wait without blocking the event loop the bot runs on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


def bot_application(api, kb, db_url: str, *, rate_limiter: bool = True, **config_fields):
    """The Application as `ipe-bot run` builds it (Config + build_service + build_application)."""
    config = Config(
        token=api.token,
        api_base_url=api.base_url,
        database_url=db_url,
        knowledge_dir=KNOWLEDGE_DIR,
        **config_fields,
    )
    return build_application(config, build_service(config, kb), rate_limiter=rate_limiter)


@asynccontextmanager
async def polling(app: Application, full_bot: bool = True) -> AsyncIterator[Application]:
    """Start long polling like `run_polling` does (post_init/post_stop/post_shutdown for the bot)."""
    async with app:
        if full_bot:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if full_bot:
                await app.post_stop(app)
                await app.post_shutdown(app)


@asynccontextmanager
async def running_bot(api, kb, db_url: str, **config_fields) -> AsyncIterator[Application]:
    """The bot polling the loopback server, stopped cleanly at the end."""
    async with polling(bot_application(api, kb, db_url, **config_fields)) as app:
        yield app
