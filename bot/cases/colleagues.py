"""Several IPE on one case, or one IPE on several: who hears what.

A colleague who writes to a requester in a case another IPE took is told the answer too, and
the IPE who took it and the colleagues who wrote in it see what each of them wrote; an IPE who types in one thread after
another requester wrote to them is asked which case the text is for (desks.thread).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.details import requester
from bot.cases.outbox import enqueue
from bot.messages import Choice
from bot.store.models import Case, CaseEvent, Contact, OutboxMessage


def _reachable(contact: Contact | None, case: Case) -> bool:
    return (
        contact is not None
        and contact.active
        and not contact.unreachable
        and contact.academy_id in (case.academy_id, "*")
    )


async def writers(session: AsyncSession, case: Case) -> list[Contact]:
    """The reachable IPE who wrote to the requester in this case."""
    actors = await session.scalars(
        select(CaseEvent.actor).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "message-to-pupil"
        )
    )
    ids = {int(a.partition(":")[2]) for a in actors if a.partition(":")[2].isdigit()}
    found = [await session.get(Contact, i) for i in sorted(ids)]
    return [c for c in found if c is not None and _reachable(c, case)]


async def copy_to_colleagues(
    session: AsyncSession, case: Case, writer: Contact | None, text: str, key: str
) -> None:
    """An IPE wrote in a case: the IPE who took it and the colleagues who also wrote in it read
    it too, whoever of them wrote (so two IPE in one thread never talk past each other)."""
    if writer is None:
        return
    assignee = await session.get(Contact, case.assignee_id) if case.assignee_id else None
    others = [c for c in await writers(session, case) if c.id != writer.id]
    if assignee is not None and _reachable(assignee, case) and assignee.id != writer.id:
        others = [assignee, *(c for c in others if c.id != assignee.id)]
    for colleague in others:
        who = f"{writer.name}, un·e collègue," if writer.name else "Un·e collègue"
        await enqueue(
            session,
            f"msg:{key}:copy:{colleague.id}",
            colleague.chat_id,
            f"👥 {who} a écrit à {requester(case)} ({case.reference}) :\n\n{text}",
            [Choice(f"✉️ Répondre à {requester(case)}", f"cr:{case.id}")],
            case_id=case.id,
            contact_id=colleague.id,
        )


async def newer_elsewhere(
    session: AsyncSession, chat_id: int, case: Case, since: datetime
) -> Case | None:
    """The case of the latest requester's message this IPE chat was sent after `since`, when it
    is another case than `case` (the IPE may be answering that one instead)."""
    latest = await session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.dedupe_key.like("msg:%"),
            OutboxMessage.dedupe_key.not_like("%:copy:%"),
            OutboxMessage.created_at > since,
            OutboxMessage.case_id.is_not(None),
        )
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    )
    if latest is None or latest.case_id == case.id:
        return None
    return await session.get(Case, latest.case_id)
