"""Escalation: cases created per second, notices delivered per second, against plain inserts.

    python -m bench.escalation_bench [--quick]

On SQLite in a temporary directory, with two IPE registered in the académie of Aix-Marseille
(so every case queues two notices):
- cases through `ConversationService.handle`, the request form answered as in
  tests/test_escalation.py `fill_form` (/stage, seven answers, contact choice, consent);
- cases through `EscalationService.create_case`, one transaction each, as the consent does;
- notices delivered by `bot.cases.service.outbox.deliver_due` to an in-memory Sender until the outbox is empty.
Baseline: plain INSERTs of one row per transaction into a table of the same database, through
the same engine, run before and after the bot's work (the mean is used).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import func, select, text

from bench.common import KNOWLEDGE_DIR, Report, cli, load_kb, ratio, support_cases
from bot.cases import contacts as contact_repo
from bot.cases.outbox import deliver_due
from bot.config import Config
from bot.conversation import ConversationService, Incoming
from bot.messages import Choice, Reply
from bot.runner import build_service
from bot.store.database import Database
from bot.store.models import Case, OutboxMessage

FORM_ANSWERS = support_cases().FORM_ANSWERS  # the request form as the tests fill it
ACADEMY = "aix-marseille"
IPE_CHATS = (3001, 3002)
FULL = {"form_cases": 60, "direct_cases": 600, "baseline_rows": 1000}
QUICK = {"form_cases": 8, "direct_cases": 60, "baseline_rows": 100}


class MemorySender:
    """A Sender that keeps what it is given."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, int]] = []

    async def send(self, chat_id: int, text: str, choices: list[Choice]) -> None:
        self.sent.append((chat_id, text, len(choices)))


class Form:
    """Drives one pupil through the request form, as a Telegram user would."""

    def __init__(self, service: ConversationService) -> None:
        self.service = service
        self.update_ids = itertools.count(1)

    async def _send(self, chat_id: int, kind: str, text: str, command: str = "") -> Reply:
        incoming = Incoming(chat_id, kind, text, command=command, update_id=next(self.update_ids))
        reply = await self.service.handle(incoming)
        assert reply is not None
        return reply

    async def fill(self, chat_id: int) -> Reply:
        """/stage, the answers, the contact choice and the consent: 10 updates, one case."""
        reply = await self._send(chat_id, "command", "", command="stage")
        for answer in FORM_ANSWERS:
            reply = await self._send(chat_id, "text", answer)
            if reply.kind != "form":
                raise RuntimeError(f"form stopped at {answer!r}: {reply.text[:80]}")
        await self._send(chat_id, "choice", "f:ct:bot")
        reply = await self._send(chat_id, "choice", "f:ok")
        if "AIX-" not in reply.text:
            raise RuntimeError(f"no case reference in {reply.text[:80]!r}")
        return reply


async def register_ipes(service: ConversationService) -> None:
    """Two IPE for the académie, registered with invite codes as /ipe CODE does."""
    async with service.db.sessions() as session, session.begin():
        for chat_id in IPE_CHATS:
            code = await contact_repo.create_invite(session, ACADEMY)
            result = await contact_repo.redeem(session, code, chat_id, f"IPE {chat_id}")
            assert result.contact is not None, result.problem


async def plain_inserts(db: Database, rows: int, per_transaction: bool = True) -> float:
    """Rows per second for plain INSERTs into bench_plain (one transaction each, or one)."""
    insert = text("INSERT INTO bench_plain (chat_id, body) VALUES (:chat_id, :body)")
    body = "📌 Nouvelle demande d'aide " + "x" * 400  # about a notice's size
    start = time.perf_counter()
    if per_transaction:
        for i in range(rows):
            async with db.sessions() as session, session.begin():
                await session.execute(insert, {"chat_id": i, "body": body})
    else:
        async with db.sessions() as session, session.begin():
            for i in range(rows):
                await session.execute(insert, {"chat_id": i, "body": body})
    return rows / (time.perf_counter() - start)


async def timed(job: Callable[[], Awaitable[int]]) -> tuple[int, float]:
    """(count returned by job, seconds)."""
    start = time.perf_counter()
    count = await job()
    return count, time.perf_counter() - start


async def count_rows(db: Database, model: type, **where: str) -> int:
    async with db.sessions() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(await session.scalar(query) or 0)


async def _run(quick: bool) -> Report:
    sizes = QUICK if quick else FULL
    report = Report("Escalation: cases and outbox notices vs plain inserts (SQLite)")
    kb = load_kb()
    with tempfile.TemporaryDirectory(prefix="ipe-bench-") as tmp:
        config = Config(
            database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'bot.sqlite3'}",
            knowledge_dir=KNOWLEDGE_DIR,
        )
        service = build_service(config, kb)
        db, escalation = service.db, service.escalation
        assert escalation is not None, "knowledge/academies.yaml is needed"
        await db.create_schema()
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql(
                "CREATE TABLE bench_plain (id INTEGER PRIMARY KEY, chat_id BIGINT NOT NULL, "
                "body TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
            )
        await register_ipes(service)
        n_base = sizes["baseline_rows"]
        print(f"escalation: {sizes}", flush=True)

        await plain_inserts(db, n_base // 10)  # warm-up: file growth, first connections
        before = await plain_inserts(db, n_base)

        # 1. through the conversation: the form answered, 10 updates per case
        form = Form(service)
        await form.fill(900_000)  # warm-up: first queries, academy lookup
        pupils = range(20_000, 20_000 + sizes["form_cases"])

        async def fill_all() -> int:
            for chat_id in pupils:
                await form.fill(chat_id)
            return len(pupils)

        form_cases, form_seconds = await timed(fill_all)

        # 2. directly: EscalationService.create_case, one transaction per case
        async with db.sessions() as session:
            details = (await session.scalars(select(Case.details).limit(1))).one()
        answers = json.loads(details)

        async def create_all() -> int:
            for i in range(sizes["direct_cases"]):
                async with db.sessions() as session, session.begin():
                    await escalation.create_case(session, 30_000 + i, answers)
            return sizes["direct_cases"]

        direct_cases, direct_seconds = await timed(create_all)

        # 3. the outbox: every pending notice delivered to memory
        pending = await count_rows(db, OutboxMessage, status="pending")
        sender = MemorySender()

        async def deliver_all() -> int:
            total = 0
            while sent := await deliver_due(db, sender):
                total += sent
            return total

        delivered, deliver_seconds = await timed(deliver_all)
        left = await count_rows(db, OutboxMessage, status="pending")

        pool = type(db.engine.pool).__name__
        after = await plain_inserts(db, n_base)
        batched = await plain_inserts(db, n_base, per_transaction=False)
        await db.dispose()

    base = statistics.mean((before, after))
    form_rate = form_cases / form_seconds
    direct_rate = direct_cases / direct_seconds
    deliver_rate = delivered / deliver_seconds
    report.add(
        "baseline: plain INSERT, one transaction per row (before; after)",
        f"{before:.0f}; {after:.0f} rows/s",
    )
    report.add("baseline: plain INSERT, all rows in one transaction", f"{batched:.0f} rows/s")
    report.add(
        "cases via ConversationService.handle (form filled, 10 updates each)",
        f"{form_rate:.1f} cases/s ({form_cases * 10 / form_seconds:.0f} updates/s)",
    )
    report.add("  ratio cases/s / plain inserts/s", ratio(form_rate, base))
    report.add("  ratio updates/s / plain inserts/s", ratio(form_cases * 10 / form_seconds, base))
    report.add(
        "cases via EscalationService.create_case (one transaction each)",
        f"{direct_rate:.0f} cases/s ({direct_cases} cases, 2 notices each)",
    )
    report.add("  ratio cases/s / plain inserts/s", ratio(direct_rate, base))
    report.add(
        "notices delivered by deliver_due (in-memory Sender)",
        f"{deliver_rate:.0f} notices/s ({delivered} of {pending}; {left} left pending)",
    )
    report.add("  ratio notices/s / plain inserts/s", ratio(deliver_rate, base))
    report.note(
        "Every step runs one at a time (no concurrency), through the bot's own Database "
        f"(SQLAlchemy async engine on aiosqlite, {pool}), as the bot does."
    )
    return report


def run(quick: bool = False) -> Report:
    """Run the escalation benchmark in a fresh event loop."""
    return asyncio.run(_run(quick))


def main() -> None:
    cli(run, __doc__)


if __name__ == "__main__":
    main()
