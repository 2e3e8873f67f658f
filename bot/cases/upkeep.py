"""The periodic upkeep: reminders and fallbacks, and forgetting what is kept only for a while."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.insights import prune_unanswered
from bot.cases.service import EscalationService
from bot.store.chats import prune_processed
from bot.store.models import utcnow

PROCESSED_KEPT = timedelta(days=2)  # Telegram keeps an unconfirmed update for 24 hours
KEPT = timedelta(days=180)  # unanswered questions; personal data of closed cases (privacy topic)


async def upkeep(session: AsyncSession, escalation: EscalationService | None) -> int:
    """Forget old update ids, unanswered questions and closed cases' personal data; send the
    reminders that are due. Returns how many reminders or fallbacks were queued."""
    now = utcnow()
    await prune_processed(session, now - PROCESSED_KEPT)
    await prune_unanswered(session, now - KEPT)
    if escalation is None:
        return 0
    await escalation.purge(session, KEPT)
    return await escalation.reminders(session)
