"""The periodic upkeep: reminders and fallbacks, a teacher's date coming and its feedback, and
forgetting what is kept only for a while."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.dates import today_in_france
from bot.cases.followup import followups
from bot.cases.insights import prune_unanswered
from bot.cases.service import EscalationService
from bot.store.chats import prune_processed
from bot.store.models import utcnow

PROCESSED_KEPT = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours
KEPT = timedelta(days=180)  # unanswered questions; personal data of closed cases (privacy topic)
# PostgreSQL: one replica at a time runs the upkeep (a namespace of ours, like the chat locks);
# the others skip this round. The outbox's keys make each message once per case and date anyway.
_UPKEEP_LOCK = text("SELECT pg_try_advisory_xact_lock(7302, 0)")


async def upkeep(session: AsyncSession, escalation: EscalationService | None) -> int:
    """Forget old update ids, unanswered questions and closed cases' personal data; send the
    reminders that are due. Returns how many reminders, fallbacks or questions were queued."""
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    if postgres and not await session.scalar(_UPKEEP_LOCK):
        return 0
    now = utcnow()
    await prune_processed(session, now - PROCESSED_KEPT)
    await prune_unanswered(session, now - KEPT)
    if escalation is None:
        return 0
    await escalation.purge(session, KEPT)
    done = await escalation.reminders(session)
    return done + await followups(session, escalation.router, today_in_france())
