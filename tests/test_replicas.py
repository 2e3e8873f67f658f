"""Two webhook replicas on one PostgreSQL behave like one bot: nothing lost, nothing twice."""

from __future__ import annotations

import html
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import KNOWLEDGE_DIR, ROOT, empty_postgres
from support.bot_api_server import FakeBotAPI

from bot.store.database import Database
from bot.understanding.knowledge import load_knowledge

SECRET = "replica-test-secret-0123456789-abcdef"
QUESTIONS = [
    ("c'est quoi le stage de 3e", "stage-3e"),
    ("convention de stage", "convention-stage"),
    ("PFMP", "pfmp"),
    ("comment faire un cv", "cv-lettre"),
]


@pytest.fixture
async def pg_url():
    url = await empty_postgres()
    db = Database(url)
    await db.create_schema()  # migrate once, before both replicas start
    await db.dispose()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port: int, update: dict, secret: str = SECRET) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram",
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def start_replica(api: FakeBotAPI, db_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": db_url,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
        "KNOWLEDGE_DIR": str(KNOWLEDGE_DIR),
        "NO_PROXY": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("WEBHOOK_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--webhook"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_replicas_lose_nothing_and_answer_nothing_twice(pg_url):
    kb = load_knowledge(KNOWLEDGE_DIR).kb
    api = FakeBotAPI().start()
    ports = [free_port(), free_port()]
    replicas = [start_replica(api, pg_url, port) for port in ports]
    try:
        deadline = time.monotonic() + 240  # a cold start trains the models
        while time.monotonic() < deadline:
            if all(get(p, "/healthz")[0] == 200 for p in ports):
                break
            assert all(r.poll() is None for r in replicas), [r.stderr.read() for r in replicas]
            time.sleep(0.2)
        else:
            pytest.fail("replicas did not become healthy")

        # a forged request is refused
        assert post(ports[0], {"update_id": 1}, secret="wrong") == 403

        rng = random.Random(7)
        chats = list(range(9000, 9100))
        per_chat = 20  # 100 chats x 20 = 2,000 updates, plus ~10% duplicates
        plan: dict[int, list[dict]] = {}
        update_id = 100
        for chat in chats:
            updates = []
            for i in range(per_chat):
                update_id += 1
                text, _ = QUESTIONS[i % len(QUESTIONS)]
                updates.append(api.user_message(chat, text=text) | {"update_id": update_id})
            plan[chat] = updates
        duplicates = 0

        def send_chat(chat: int) -> int:
            sent_twice = 0
            local = random.Random(chat)
            for i, update in enumerate(plan[chat]):
                port = ports[(i + chat) % 2]
                assert post(port, update) == 200
                if local.random() < 0.10:  # Telegram redelivers, maybe to the other replica
                    assert post(ports[(i + chat + 1) % 2], update) == 200
                    sent_twice += 1
            return sent_twice

        with ThreadPoolExecutor(max_workers=8) as pool:
            duplicates = sum(pool.map(send_chat, rng.sample(chats, len(chats))))
        assert duplicates >= 150

        assert api.wait_for(lambda: all(len(api.sent[c]) >= per_chat for c in chats), timeout=60)
        time.sleep(1.0)  # anything extra would show now
        for chat in chats:
            texts = api.texts(chat)
            assert len(texts) == per_chat, (chat, len(texts))
            for i, text in enumerate(texts):  # in order: the i-th reply answers the i-th question
                topic = kb.topics[QUESTIONS[i % len(QUESTIONS)][1]]
                assert html.unescape(text).startswith(topic.answer_for("pupil")[:40]), (chat, i)

        status, body = get(ports[0], "/metrics")
        assert status == 200 and "ipe_updates_total" in body and "ipe_update_seconds_bucket" in body
        assert "ipe_outbox_backlog" in body and 'ipe_cases{status="new"}' in body
    finally:
        for replica in replicas:
            replica.send_signal(signal.SIGTERM)
        for replica in replicas:
            try:
                replica.wait(timeout=30)
            except subprocess.TimeoutExpired:
                replica.kill()
        api.stop()
    assert all(r.returncode == 0 for r in replicas), [r.stderr.read() for r in replicas]
