"""Transactional outbox: messages written with the change they report, delivered by a worker.

A row is enqueued in the same transaction as the case change, so a crash can never lose a
notice. The worker claims due rows (SKIP LOCKED on PostgreSQL), sends them through a Sender,
and records the outcome: sent; retried with backoff on network errors and 5xx; retried after
Telegram's retry_after on 429; marked blocked on 403, its contact flagged unreachable; marked
failed at once, with the reason, on a permanent error (400).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Choice
from bot.store.database import Database
from bot.store.models import Contact, OutboxMessage, aware, utcnow

log = logging.getLogger(__name__)

CLAIM_SECONDS = 60
MAX_ATTEMPTS = 12
MAX_BACKOFF = 600.0


class DeliveryError(Exception):
    """A send that did not go through."""


class Blocked(DeliveryError):
    """The recipient blocked the bot (HTTP 403): stop sending to them."""


class RetryLater(DeliveryError):
    """Rate limited (HTTP 429): try again after `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Transient(DeliveryError):
    """Network error or 5xx: try again with backoff."""


class Permanent(DeliveryError):
    """The Bot API refused the message itself (HTTP 400): sending it again cannot help."""


class Sender(Protocol):
    """Delivers a message; returns its id in the chat when the channel has one (to edit it)."""

    async def send(self, chat_id: int, text: str, choices: list[Choice]) -> int | None: ...


class Editor(Protocol):
    """A Sender that can also replace a delivered message's text and buttons."""

    async def edit(
        self, chat_id: int, message_id: int, text: str, choices: list[Choice]
    ) -> None: ...


async def enqueue(
    session: AsyncSession,
    key: str,
    chat_id: int,
    text: str,
    choices: list[Choice] | None = None,
    *,
    case_id: int | None = None,
    contact_id: int | None = None,
    delay: timedelta = timedelta(0),
    edit_of: int | None = None,
    edit: bool = False,
) -> bool:
    """Add a message unless one with the same key exists; True when added.

    delay: a copy of a direct reply waits this long, so that it is only sent when the direct
    reply did not go out (`cancel_copy` marks it delivered).
    edit_of: the delivered message (its id in the chat) this row replaces: an "edit" row.
    edit: an edit of a notice still being sent (no id yet): the key names that notice's row,
    `…:edit:<row id>:…`, and delivery waits for its id."""
    existing = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key))
    if existing is not None:
        return False
    session.info["outbox_added"] = True  # the service wakes the delivery worker after commit
    session.add(
        OutboxMessage(
            dedupe_key=key[:80],
            chat_id=chat_id,
            text=text,
            choices=json.dumps([asdict(c) for c in choices or []], ensure_ascii=False),
            case_id=case_id,
            contact_id=contact_id,
            next_attempt_at=utcnow() + delay,
            kind="edit" if edit or edit_of is not None else "send",
            message_id=edit_of,
        )
    )
    return True


async def cancel_copy(db: Database, key: str) -> bool:
    """The direct reply went out: its outbox copy is not needed (unless already being sent)."""
    async with db.transaction() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
        if row is None or row.status != "pending" or row.claimed_until is not None:
            return False
        row.status, row.sent_at, row.last_error = "sent", utcnow(), "direct reply"
        return True


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, 0.5 * 2 ** max(0, attempts - 1))


async def _claim(db: Database, now: datetime, batch: int) -> list[OutboxMessage]:
    async with db.transaction() as session:
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(batch)
        )
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list((await session.scalars(query)).all())
        for row in rows:
            row.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
        return rows


async def deliver_due(
    db: Database,
    sender: Sender,
    *,
    now: datetime | None = None,
    batch: int = 20,
    on_blocked: Callable[[AsyncSession, OutboxMessage], Awaitable[None]] | None = None,
) -> int:
    """Send the due messages once; returns how many were sent."""
    now = now or utcnow()
    sent = 0
    for row in await _claim(db, now, batch):
        choices = [Choice(**c) for c in json.loads(row.choices or "[]")]
        outcome: str
        error = ""
        delay = 0.0
        message_id = None
        try:
            if row.kind == "edit":
                if row.message_id is None and not await _edit_target_known(db, row):
                    raise RetryLater(1.0)  # the notice it edits is still being sent
                edit = getattr(sender, "edit", None)
                if edit is not None and row.message_id is not None:
                    await edit(row.chat_id, row.message_id, row.text, choices)
            else:
                message_id = await sender.send(row.chat_id, row.text, choices)
            outcome = "sent"
        except Blocked:
            outcome = "blocked"
        except RetryLater as exc:
            outcome, delay = "later", exc.seconds
        except Transient as exc:
            outcome, error = "transient", str(exc)[:200]
        except Permanent as exc:
            outcome, error = "failed", str(exc)[:200]
        except Exception as exc:  # a bug or an unexpected answer: keep the row, retry slowly
            log.exception("outbox %s: unexpected error", row.id)
            outcome, error = "transient", type(exc).__name__
        async with db.transaction() as session:
            fresh = await session.get(OutboxMessage, row.id)
            if fresh is None:
                continue
            fresh.claimed_until = None
            if outcome == "sent":
                fresh.status, fresh.sent_at = "sent", utcnow()
                if isinstance(message_id, int) and not isinstance(message_id, bool):
                    fresh.message_id = message_id  # a notice can be edited as the case moves
                elif row.kind == "edit":
                    fresh.message_id = row.message_id
                sent += 1
            elif outcome == "later":
                fresh.next_attempt_at = utcnow() + timedelta(seconds=delay)
            elif outcome == "failed":
                fresh.status, fresh.last_error = "failed", error
                log.error("outbox %s: refused by the Bot API, not retried", row.id)
            elif outcome == "transient":
                fresh.attempts += 1
                fresh.last_error = error
                if fresh.attempts >= MAX_ATTEMPTS:
                    fresh.status = "failed"
                    log.error("outbox %s: giving up after %d attempts", row.id, fresh.attempts)
                else:
                    fresh.next_attempt_at = utcnow() + timedelta(seconds=backoff(fresh.attempts))
            else:
                fresh.status = "blocked"
                log.info("outbox %s: recipient blocked the bot", row.id)
                if fresh.contact_id is not None:
                    contact = await session.get(Contact, fresh.contact_id)
                    if contact is not None:
                        contact.unreachable = True
                if on_blocked is not None:
                    await on_blocked(session, fresh)
    return sent


_EDIT_OF_ROW = re.compile(r":edit:(\d+):")


async def _edit_target_known(db: Database, row: OutboxMessage) -> bool:
    """For an edit queued while its notice was in flight: sets row.message_id once the notice
    is out; False while it is still pending. A notice that never arrived has nothing to edit:
    True, with no id, and the edit is dropped."""
    found = _EDIT_OF_ROW.search(row.dedupe_key)
    if found is None:
        return True
    async with db.sessions() as session:
        notice = await session.get(OutboxMessage, int(found[1]))
    if notice is None or notice.status != "pending":
        row.message_id = notice.message_id if notice is not None else None
        return True
    return False


async def backlog(db: Database) -> int:
    async with db.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        )
        return count or 0


async def next_due_in(db: Database) -> float | None:
    """Seconds until the next pending message is due (0 when one is due now)."""
    async with db.sessions() as session:
        when = await session.scalar(
            select(OutboxMessage.next_attempt_at)
            .where(OutboxMessage.status == "pending")
            .order_by(OutboxMessage.next_attempt_at)
            .limit(1)
        )
    if when is None:
        return None
    return max(0.0, (aware(when) - utcnow()).total_seconds())


class OutboxWorker:
    """Delivers the outbox and runs periodic jobs until stopped; woken when rows are added."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        *,
        on_blocked: Callable[[AsyncSession, OutboxMessage], Awaitable[None]] | None = None,
        periodic: Callable[[], Awaitable[None]] | None = None,
        idle: float = 1.0,
    ) -> None:
        self.db = db
        self.sender = sender
        self.on_blocked = on_blocked
        self.periodic = periodic
        self.idle = idle
        self.wake = asyncio.Event()
        self._stopping = False

    async def run(self) -> None:
        while not self._stopping:
            try:
                if self.periodic is not None:
                    await self.periodic()
                while await deliver_due(self.db, self.sender, on_blocked=self.on_blocked):
                    pass
            except Exception as exc:  # database down: keep trying, nothing is lost
                log.warning("outbox worker: %s", type(exc).__name__)
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.idle)

    def stop(self) -> None:
        self._stopping = True
        self.wake.set()


async def forget_recipient(session: AsyncSession, chat_id: int) -> None:
    """/oublier: messages to this chat are deleted once sent; those not yet sent are dropped."""
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
