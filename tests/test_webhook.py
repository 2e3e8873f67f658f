"""The webhook ASGI app: secret, health, metrics."""

from __future__ import annotations

import httpx
from conftest import KNOWLEDGE_DIR

from bot.channels.telegram import build_application
from bot.channels.webhook import SECRET_HEADER, build_web_app
from bot.config import Config
from bot.runner import build_service


def web_app(kb, db_url: str):
    config = Config(
        token="123:ABC",
        database_url=db_url,
        knowledge_dir=KNOWLEDGE_DIR,
        webhook_secret="s3cret",
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
        bad = await client.post(
            "/telegram", content=b"{not json", headers={SECRET_HEADER: "s3cret"}
        )
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
