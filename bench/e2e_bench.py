"""End to end: updates per second through the real python-telegram-bot Application.

    python -m bench.e2e_bench [--quick]

The Application polls tests/support/bot_api_server.py's FakeBotAPI, served by asyncio in a process of
its own (bench/api_process.py), while 200 chats each send 5 held-out questions (1000 updates,
all queued at once). Time runs from the push until every chat has all its replies. Compared
with a bare echo bot (one MessageHandler sending the text back) against the same server, run
before and after the bot in this process. The bot is built as tests/test_telegram.py
`running_bot` builds it, on SQLite in a temporary directory, without its AIORateLimiter (which
holds every bot to Telegram's 30 messages/s) and, on fewer updates, with it.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import os
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bench.api_process import RemoteBotAPI
from bench.common import (
    KNOWLEDGE_DIR,
    Report,
    cli,
    harness,
    heldout_questions,
    load_kb,
    max_rss_mib,
    ratio,
)
from bot.channels.render import render
from bot.channels.telegram import SORRY
from bot.config import Config
from bot.conversation import DB_DOWN_NOTE, Incoming
from bot.desks.dialogue import DialogueEngine
from bot.messages import State
from bot.runner import build_service
from bot.understanding.knowledge import KnowledgeBase

CHATS, PER_CHAT = 200, 5
QUICK_CHATS, QUICK_PER_CHAT = 40, 2
FIRST_CHAT = 10_000
WARMUP_CHATS = range(900_000, 900_005)
WARMUP_TEXT = "c'est quoi le stage de 3e"
TARGET_RATE = 300.0
TARGET_RATIO = 0.7  # issue 11: at least 0.7x the echo bot on the same harness
ROUNDS = 3  # echo and bot in turn; noise only ever slows a run, so the fastest of each is compared
SERVER_CLIENTS = 4  # more httpx clients in one process slow the client side, not the server
DB_DOWN_MARK = DB_DOWN_NOTE.strip()[:30]


@dataclass
class Run:
    """One measured workload."""

    name: str
    updates: int
    seconds: float
    complete: bool
    replies: int
    errors: int  # "Oups" replies: a handler raised
    degraded: int  # answered without the database (DB_DOWN_NOTE)
    get_updates_calls: int
    rss_mib: float
    cpu: float  # this process's CPU time / wall time while measured

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0


def workload(chats: int, per_chat: int, first: int = FIRST_CHAT) -> dict[int, list[str]]:
    """Chat id -> the held-out questions it sends, spread over the file."""
    questions = [q for q in heldout_questions() if not q.startswith("/")]  # text only
    return {
        first + c: [questions[(c * per_chat + r) % len(questions)] for r in range(per_chat)]
        for c in range(chats)
    }


def expected_bot_messages(app: Application, plan: dict[int, list[str]]) -> dict[int, int]:
    """Messages the bot will send per chat: a copy of its engine run offline on fresh states.

    A copy, so that the bot's own matcher does not see the questions (and cache) beforehand.
    """
    bot_engine = app.bot_data["services"].conversation.engine
    engine = DialogueEngine(bot_engine.kb, academies=bot_engine.academies)
    out = {}
    for chat, texts in plan.items():
        state = State()
        out[chat] = sum(len(render(engine.handle_text(state, t))) for t in texts)
    return out


# -- applications -------------------------------------------------------------------------------
async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    await context.bot.send_message(message.chat_id, message.text or "")


def echo_application(api: RemoteBotAPI) -> Application:
    """A bare echo bot: same builder settings as the bot (concurrent updates), one handler."""
    builder = Application.builder().token(api.token).base_url(api.base_url)
    application = builder.concurrent_updates(True).build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return application


# -- measuring ------------------------------------------------------------------------------------
async def _wait(api: RemoteBotAPI, expected: dict[int, int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        sent = await api.sent()
        if all(sent.get(c, 0) >= n for c, n in expected.items()):
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)


async def measure(
    name: str,
    api: RemoteBotAPI,
    app: Application,
    full_bot: bool,
    plan: dict[int, list[str]],
    expected: dict[int, int],
    warmup: dict[int, int],
    timeout: float,
) -> Run:
    """Push every update of the plan at once and wait for every reply."""
    async with harness().polling(app, full_bot):
        # connections, first queries, caches: not measured
        await api.push([(chat, WARMUP_TEXT) for chat in warmup])
        await _wait(api, warmup, 30.0)
        gc.collect()
        calls_before = await api.calls("getUpdates")
        rounds = max(len(t) for t in plan.values())
        messages = [(c, t[r]) for r in range(rounds) for c, t in plan.items() if r < len(t)]
        cpu_before = time.process_time()
        start = time.perf_counter()
        await api.push(messages)
        complete = await _wait(api, expected, timeout)
        seconds = time.perf_counter() - start
        cpu = (time.process_time() - cpu_before) / seconds
        calls = await api.calls("getUpdates") - calls_before
    sent = await api.texts()
    texts = [t for c in plan for t in sent.get(c, ())]
    return Run(
        name=name,
        updates=len(messages),
        seconds=seconds,
        complete=complete,
        replies=len(texts),
        errors=sum(t == SORRY for t in texts),
        degraded=sum(DB_DOWN_MARK in t for t in texts),
        get_updates_calls=calls,
        rss_mib=max_rss_mib(),
        cpu=cpu,
    )


async def run_bot(
    kb: KnowledgeBase, plan: dict[int, list[str]], *, rate_limiter: bool, timeout: float
) -> Run:
    """The bot on a fresh server and a fresh SQLite database in a temporary directory."""
    api = RemoteBotAPI()
    try:
        with tempfile.TemporaryDirectory(prefix="ipe-bench-") as tmp:
            db_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bot.sqlite3'}"
            app = harness().bot_application(api, kb, db_url, rate_limiter=rate_limiter)
            expected = expected_bot_messages(app, plan)
            warmup = expected_bot_messages(app, {c: [WARMUP_TEXT] for c in WARMUP_CHATS})
            name = "bot as built (AIORateLimiter)" if rate_limiter else "bot, rate_limiter=False"
            return await measure(name, api, app, True, plan, expected, warmup, timeout)
    finally:
        await api.close()


async def run_echo(plan: dict[int, list[str]], *, timeout: float) -> Run:
    """The echo bot on a fresh server."""
    api = RemoteBotAPI()
    try:
        expected = {c: len(t) for c, t in plan.items()}
        warmup = dict.fromkeys(WARMUP_CHATS, 1)
        app = echo_application(api)
        return await measure("echo bot", api, app, False, plan, expected, warmup, timeout)
    finally:
        await api.close()


async def server_ceiling(requests: int, clients: int) -> float:
    """sendMessage calls per second the server process answers `clients` httpx clients."""
    api = RemoteBotAPI()
    url = f"{api.base_url}{api.token}/sendMessage"
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    try:
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

            async def worker(n: int) -> None:
                for i in range(n):
                    await client.post(url, data={"chat_id": str(1 + i % 200), "text": "écho"})

            await asyncio.gather(*(worker(1) for _ in range(clients)))  # connect first
            per = max(1, requests // clients)
            start = time.perf_counter()
            await asyncio.gather(*(worker(per) for _ in range(clients)))
            return per * clients / (time.perf_counter() - start)
    finally:
        await api.close()


async def core_rate(kb: KnowledgeBase, plan: dict[int, list[str]], db_url: str) -> float:
    """ConversationService.handle alone (no Telegram), all chats at once: updates/s."""
    config = Config(database_url=db_url, knowledge_dir=KNOWLEDGE_DIR)
    service = build_service(config, kb)
    await service.db.create_schema()
    update_ids = itertools.count(time.time_ns())  # fresh ids on a reused PostgreSQL database

    async def chat(chat_id: int, texts: list[str]) -> None:
        for text in texts:
            await service.handle(Incoming(chat_id, "text", text, update_id=next(update_ids)))

    await chat(WARMUP_CHATS[0], [WARMUP_TEXT])
    start = time.perf_counter()
    await asyncio.gather(*(chat(c, t) for c, t in plan.items()))
    seconds = time.perf_counter() - start
    await service.db.dispose()
    return sum(len(t) for t in plan.values()) / seconds


async def traced_peak(factory: Callable[[], Awaitable[Run]]) -> float:
    """Peak traced Python memory (MiB) while the coroutine made by `factory` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        await factory()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# -- the benchmark --------------------------------------------------------------------------------
def _describe(report: Report, run: Run) -> None:
    state = "" if run.complete else f" (INCOMPLETE: {run.replies} replies)"
    report.add(
        f"{run.name}: updates/s",
        f"{run.rate:.0f} ({run.updates} updates in {run.seconds:.2f} s; "
        f"bot process CPU {run.cpu:.0%}){state}",
    )
    report.add(
        f"{run.name}: getUpdates calls, updates per call",
        f"{run.get_updates_calls}, {run.updates / max(run.get_updates_calls, 1):.1f}",
    )
    if run.errors or run.degraded:
        report.add(
            f"{run.name}: error replies; answered without the database",
            f"{run.errors}; {run.degraded}",
        )


async def _run(quick: bool) -> Report:
    report = Report("End to end: python-telegram-bot Application polling the loopback Bot API")
    kb = load_kb()
    chats, per_chat = (QUICK_CHATS, QUICK_PER_CHAT) if quick else (CHATS, PER_CHAT)
    plan = workload(chats, per_chat)
    n = chats * per_chat
    print(f"e2e: {chats} chats x {per_chat} questions = {n} updates", flush=True)

    # 1. the harness: the server process alone, far above the rates measured below
    rate = await server_ceiling(1280 // (2 if quick else 1), SERVER_CLIENTS)
    report.add(
        f"server process alone: sendMessage/s ({SERVER_CLIENTS} httpx clients)", f"{rate:.0f}"
    )

    # 2. the comparison: echo and bot in turn, ROUNDS times (the machine's speed drifts)
    echoes, bots = [], []
    for _ in range(ROUNDS):
        echoes.append(await run_echo(plan, timeout=60.0))
        _describe(report, echoes[-1])
        bots.append(await run_bot(kb, plan, rate_limiter=False, timeout=120.0))
        _describe(report, bots[-1])
    echo1, bot = echoes[0], bots[0]
    echo_rate = max(r.rate for r in echoes)
    bot_rate = max(r.rate for r in bots)
    complete = all(r.complete for r in bots)
    report.add(
        f"fastest of {ROUNDS} runs: echo bot; bot (rate_limiter=False)",
        f"{echo_rate:.0f}; {bot_rate:.0f} updates/s",
    )
    report.add(
        "ratio bot (rate_limiter=False) / echo bot, fastest runs", ratio(bot_rate, echo_rate)
    )
    medians = [sorted(r.rate for r in runs)[len(runs) // 2] for runs in (echoes, bots)]
    report.add("ratio of the median runs (for comparison)", ratio(medians[1], medians[0]))
    # the limiter holds it to ~30 replies/s: fewer updates tell the same in less time
    limited_plan = workload(chats, min(per_chat, 2))
    limited_n = sum(len(t) for t in limited_plan.values())
    limited = await run_bot(kb, limited_plan, rate_limiter=True, timeout=limited_n / 25 + 30)
    _describe(report, limited)

    # 3. the core alone, without Telegram: the bot's share of the time
    with tempfile.TemporaryDirectory(prefix="ipe-bench-") as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bot.sqlite3'}"
        core = await core_rate(kb, plan, sqlite_url)
    report.add(
        f"ConversationService.handle alone, SQLite, {chats} chats at once: updates/s",
        f"{core:.0f} ({1000 / core:.2f} ms/update)",
    )
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if pg_url:
        pg = await core_rate(kb, plan, pg_url)
        report.add(
            f"ConversationService.handle alone, PostgreSQL, {chats} chats at once: updates/s",
            f"{pg:.0f} ({1000 / pg:.2f} ms/update)",
        )

    # 4. memory: separate passes under tracemalloc (it slows Python down, so they are not timed)
    mem_plan = workload(chats, min(per_chat, 2))
    m = sum(len(t) for t in mem_plan.values())
    echo_peak = await traced_peak(lambda: run_echo(mem_plan, timeout=60.0))
    bot_peak = await traced_peak(lambda: run_bot(kb, mem_plan, rate_limiter=False, timeout=120.0))
    report.add(
        f"peak traced Python memory, {m} updates: echo; bot (incl. KB, Matcher)",
        f"{echo_peak:.1f} MiB; {bot_peak:.1f} MiB",
    )
    report.add(
        "process peak RSS (ru_maxrss) after the first echo run / after the first bot run",
        f"{echo1.rss_mib:.0f} / {bot.rss_mib:.0f} MiB",
    )

    report.target(
        f"bot (rate_limiter=False) >= {TARGET_RATE:.0f} updates/s (fastest run)",
        f"{bot_rate:.0f}/s",
        complete and bot_rate >= TARGET_RATE,
    )
    report.target(
        f"bot (rate_limiter=False) >= {TARGET_RATIO}x echo",
        ratio(bot_rate, echo_rate),
        complete and bot_rate >= TARGET_RATIO * echo_rate,
    )
    report.note(
        "The Bot API server (FakeBotAPI from tests/, behind a small asyncio HTTP server) runs in "
        "a process of its own, so it neither shares the GIL with the bot nor sets its pace: "
        "alone it answers several times the rates above. Both bots are CPU-bound in their own "
        "process (the CPU share is given for each run)."
    )
    report.note(
        "AIORateLimiter (build_application's default, used by `running_bot`) lets at most 30 "
        "requests carrying a chat_id through per second (Telegram's broadcast limit), so the bot "
        "as built sends ~30 replies/s whatever its own speed: its run shows the limiter works. "
        "The 300 updates/s target (10x that limit) is the bot's own capacity, measured without "
        "the limiter."
    )
    report.note(
        f"Workload: {chats} chats x {per_chat} held-out questions (commands left out), all "
        "queued at once; getUpdates returns up to 100 updates per call (python-telegram-bot's "
        "default limit, honoured by the server). PostgreSQL is measured when TEST_DATABASE_URL "
        "is set (`bash .ci/run` sets it)."
    )
    return report


def run(quick: bool = False) -> Report:
    """Run the end-to-end benchmark in a fresh event loop."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return asyncio.run(_run(quick))


def main() -> None:
    cli(run, __doc__)


if __name__ == "__main__":
    main()
