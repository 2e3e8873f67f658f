"""Webhook mode: a small ASGI app (Starlette + uvicorn) with the Telegram endpoint, health, metrics.

Each update is handled before the HTTP 200 answer, so Telegram's one-at-a-time delivery keeps
a chat's updates in order; redeliveries are deduplicated on update_id in the database, and a
per-chat lock in PostgreSQL keeps replicas from handling one chat's updates at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import signal
import time

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
SECRET_HEADER_LOWER = SECRET_HEADER.lower()
MIN_SECRET_LENGTH = 32
METRICS_CACHE_SECONDS = 15.0  # /metrics reads the database at most this often
MAX_BODY_BYTES = 1 << 20  # Telegram updates are a few kilobytes; anything above is refused
SECRET_HELP = (
    "WEBHOOK_SECRET manquant ou trop court ({length} caractères, {minimum} au moins) : "
    "le webhook accepterait des mises à jour forgées. Créez-en un avec "
    'python -c "import secrets; print(secrets.token_urlsafe(32))" '
    "et mettez-le dans WEBHOOK_SECRET."
)

# what Telegram accepts as secret_token
SECRET_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")
SECRET_CHARSET_HELP = (
    "WEBHOOK_SECRET ne doit contenir que A-Z, a-z, 0-9, _ et - (256 caractères au plus, "
    'exigence de Telegram) : python -c "import secrets; print(secrets.token_urlsafe(32))" '
    "en donne un."
)


def secret_problem(config: Config) -> str | None:
    """A one-line French explanation when the webhook secret is missing or too short."""
    secret = config.webhook_secret
    if len(secret) < MIN_SECRET_LENGTH:
        return SECRET_HELP.format(length=len(secret), minimum=MIN_SECRET_LENGTH)
    if not SECRET_CHARACTERS.fullmatch(secret) or len(secret) > 256:
        return SECRET_CHARSET_HELP
    return None


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused above `limit` bytes: by its Content-Length, then as it streams."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise _TooLarge
        except ValueError:
            raise _TooLarge from None
    size = 0
    chunks = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def build_web_app(application: Application, config: Config) -> Starlette:
    """Routes: POST {webhook_path} (Telegram), GET /healthz, GET /metrics."""
    conversation = services_of(application).conversation

    secret = config.webhook_secret.encode("utf-8")

    async def telegram(request: Request) -> Response:
        # raw header bytes: a non-ASCII value is compared like any other, never decoded
        given = next(
            (
                v
                for k, v in request.headers.raw
                if k.decode("latin-1").lower() == SECRET_HEADER_LOWER
            ),
            b"",
        )
        if not secret or not hmac.compare_digest(given, secret):
            log.warning("webhook: refused a request from %s (bad secret)", _client(request))
            return Response(status_code=403)
        try:
            body = await _read_body(request, MAX_BODY_BYTES)
        except _TooLarge:
            log.warning("webhook: refused a request from %s (body too large)", _client(request))
            return Response(status_code=413)
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except Exception as exc:
            log.warning("webhook: unreadable update (%s)", type(exc).__name__)
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

    refreshed_at: list[float] = []  # when the database figures were last read

    async def metrics_endpoint(request: Request) -> Response:
        # the database is read at most every METRICS_CACHE_SECONDS, whatever the scrape rate
        now = time.monotonic()
        if not refreshed_at or now - refreshed_at[0] >= METRICS_CACHE_SECONDS:
            refreshed_at[:] = [now]
            await _refresh_database_figures()
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    async def _refresh_database_figures() -> None:
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
