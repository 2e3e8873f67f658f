"""Webhook mode: a small ASGI app (Starlette + uvicorn) with the Telegram endpoint, health, metrics.

Each update is handled before the HTTP 200 answer, so Telegram's one-at-a-time delivery keeps
a chat's updates in order; redeliveries are deduplicated on update_id in the database, and a
per-chat lock in PostgreSQL keeps replicas from handling one chat's updates at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal

import uvicorn
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot import metrics
from bot.cases.outbox import backlog
from bot.channels.telegram import post_init, post_shutdown, post_stop, services_of
from bot.config import Config
from bot.store.models import Case

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def build_web_app(application: Application, config: Config) -> Starlette:
    """Routes: POST {webhook_path} (Telegram), GET /healthz, GET /metrics."""
    conversation = services_of(application).conversation

    async def telegram(request: Request) -> Response:
        secret = config.webhook_secret
        given = request.headers.get(SECRET_HEADER, "")
        if secret and not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot)
        except Exception:
            return Response(status_code=400)
        await application.process_update(update)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        database = await conversation.db.ping()
        knowledge = bool(conversation.engine.kb.topics)
        status = 200 if database and knowledge else 503
        return JSONResponse(
            {
                "database": database,
                "knowledge": knowledge,
                "topics": len(conversation.engine.kb.topics),
            },
            status_code=status,
        )

    async def metrics_endpoint(request: Request) -> Response:
        try:
            async with conversation.db.sessions() as session:
                rows = await session.execute(
                    select(Case.status, func.count()).group_by(Case.status)
                )
                counts = dict(rows.all())
            for status in ("new", "acknowledged", "resolved", "closed"):
                metrics.CASES.labels(status).set(counts.get(status, 0))
            metrics.OUTBOX.set(await backlog(conversation.db))
        except Exception as exc:  # metrics still answer when the database is down
            log.warning("metrics: database unavailable (%s)", type(exc).__name__)
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    return Starlette(
        routes=[
            Route(config.webhook_path, telegram, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ]
    )


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM after a graceful stop; we stop on it and exit cleanly."""

    @contextlib.contextmanager
    def capture_signals(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


async def serve_webhook(application: Application, config: Config) -> None:
    """Run until SIGINT/SIGTERM: uvicorn serves, the Application processes updates."""
    server = _Server(
        uvicorn.Config(
            build_web_app(application, config),
            host=config.webhook_listen,
            port=config.webhook_port,
            log_level="warning",
            access_log=False,
        )
    )
    async with application:
        await post_init(application)
        if config.webhook_url:
            await application.bot.set_webhook(
                url=config.webhook_url.rstrip("/") + config.webhook_path,
                secret_token=config.webhook_secret or None,
                allowed_updates=Update.ALL_TYPES,
            )
        await application.start()
        log.info("webhook server on %s:%d", config.webhook_listen, config.webhook_port)
        try:
            await server.serve()
        finally:
            await application.stop()
            await post_stop(application)
    await post_shutdown(application)
