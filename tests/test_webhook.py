"""The webhook ASGI app: secret, health, metrics."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import httpx
import pytest
from conftest import KNOWLEDGE_DIR, ROOT

from bot.channels.telegram import build_application
from bot.channels.webhook import MAX_BODY_BYTES, SECRET_HEADER, build_web_app
from bot.config import Config
from bot.runner import build_service

SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret-42"


def web_app(kb, db_url: str, secret: str = SECRET):
    config = Config(
        token="123:ABC",
        database_url=db_url,
        knowledge_dir=KNOWLEDGE_DIR,
        webhook_secret=secret,
    )
    application = build_application(config, build_service(config, kb))
    return build_web_app(application, config), application


async def test_health_metrics_and_secret(kb, tmp_path):
    app, application = web_app(kb, f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        health = await client.get("/healthz")
        assert health.status_code == 200 and health.json()["knowledge"] is True
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200 and "ipe_replies_total" in metrics.text
        assert (await client.post("/telegram", json={"update_id": 1})).status_code == 403
        bad = await client.post("/telegram", content=b"{not json", headers={SECRET_HEADER: SECRET})
        assert bad.status_code == 400
    await application.bot_data["services"].conversation.db.dispose()


async def test_health_says_when_the_database_is_down(kb, tmp_path):
    app, application = web_app(kb, f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'w.db'}")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        health = await client.get("/healthz")
        assert health.status_code == 503 and health.json()["database"] is False
        assert (await client.get("/metrics")).status_code == 200
    await application.bot_data["services"].conversation.db.dispose()


async def test_secret_is_compared_safely_and_bodies_are_capped(kb, tmp_path, caplog):
    app, application = web_app(kb, f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    transport = httpx.ASGITransport(app=app)
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        # a non-ASCII header value is refused like any wrong secret, not a TypeError
        forged = await client.post(
            "/telegram",
            content=b'{"update_id": 1, "message": {"text": "forged-text"}}',
            headers={SECRET_HEADER: "sécret-é".encode()},
        )
        assert forged.status_code == 403
        assert (
            await client.post("/telegram", json={"update_id": 1}, headers={SECRET_HEADER: "x"})
        ).status_code == 403
        # too large: by Content-Length, and when streamed without one
        big = b" " * (MAX_BODY_BYTES + 1)
        assert (
            await client.post("/telegram", content=big, headers={SECRET_HEADER: SECRET})
        ).status_code == 413

        async def chunks():
            for _ in range(MAX_BODY_BYTES // 65536 + 2):
                yield b" " * 65536

        streamed = await client.post("/telegram", content=chunks(), headers={SECRET_HEADER: SECRET})
        assert streamed.status_code == 413
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 4
    assert "forged-text" not in caplog.text
    await application.bot_data["services"].conversation.db.dispose()


async def test_without_a_secret_every_update_is_refused(kb, tmp_path):
    app, application = web_app(kb, f"sqlite+aiosqlite:///{tmp_path / 'w.db'}", secret="")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.post("/telegram", json={"update_id": 1})).status_code == 403
        headers = {SECRET_HEADER: ""}
        assert (
            await client.post("/telegram", json={"update_id": 1}, headers=headers)
        ).status_code == 403
    await application.bot_data["services"].conversation.db.dispose()


@pytest.mark.parametrize("secret", [None, "short-secret"])
def test_run_webhook_refuses_to_start_without_a_long_secret(secret, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "WEBHOOK_SECRET"}
    env.update(
        TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}",
    )
    if secret is not None:
        env["WEBHOOK_SECRET"] = secret
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--webhook"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "WEBHOOK_SECRET" in lines[0] and "secrets.token_urlsafe(32)" in lines[0]


async def test_metrics_read_the_database_at_most_every_15_seconds(kb, tmp_path, monkeypatch):
    from bot.channels import webhook

    reads = []

    async def counting_backlog(db):
        reads.append(1)
        return 0

    monkeypatch.setattr(webhook, "backlog", counting_backlog)
    assert webhook.METRICS_CACHE_SECONDS >= 10
    app, application = web_app(kb, f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    await application.bot_data["services"].conversation.db.create_schema()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for _ in range(20):
            assert (await client.get("/metrics")).status_code == 200
        assert len(reads) == 1
        monkeypatch.setattr(webhook, "METRICS_CACHE_SECONDS", 0.0)
        await client.get("/metrics")
        assert len(reads) == 2
    await application.bot_data["services"].conversation.db.dispose()
