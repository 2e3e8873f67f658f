"""The IPE's notices kept true: when a case moves (taken, resolved, closed), every notice already
sent for it is edited in place to show the new status, who follows it and what comes next.

Notices not delivered yet get the new text directly; delivered ones get an "edit" row in the
outbox (the channel replaces the message; a channel that cannot edit just skips it).
"""

from __future__ import annotations

import json
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.academies import AcademyDirectory
from bot.cases.details import case_choices, case_text, is_teacher, requester
from bot.cases.outbox import enqueue
from bot.store.models import Case, Contact, OutboxMessage, utcnow

NEXT_STEP = {
    "new": "À faire : la prendre en charge, ou répondre à {who}.",
    "acknowledged": "Prochaine étape : répondre à {who}, puis marquer la demande résolue ou close.",
    "scheduled": "Date fixée : un rappel partira 3 jours avant, puis une question à {who}.",
    "resolved": "Demande résolue : vous pouvez encore écrire à {who} pendant 7 jours.",
    "closed": "Demande close : plus rien à faire.",
}


def notice_text(
    case: Case, directory: AcademyDirectory, assignee: Contact | None, reader_id: int | None
) -> str:
    """The notice as it stands: status, who follows the case (for this reader) and next step."""
    title = "📌 Demande d'un·e enseignant·e" if is_teacher(case) else "📌 Demande d'aide"
    text = case_text(case, title, directory)
    if case.assignee_id is not None:
        if reader_id is not None and reader_id == case.assignee_id:
            who = "vous"
        else:
            who = (assignee.name if assignee is not None and assignee.name else None) or (
                "un ingénieur pour l'école"
            )
        text += f"\nSuivie par : {who}"
    step = NEXT_STEP.get(case.status, "").format(who=requester(case))
    return f"{text}\n\n{step}".rstrip()


async def refresh_notices(session: AsyncSession, case: Case, directory: AcademyDirectory) -> int:
    """Bring every notice of the case up to date; returns how many edits were queued."""
    await session.flush()
    rows = await session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.contact_id.is_not(None),
            OutboxMessage.dedupe_key.like(f"case:{case.id}:%"),  # notices, not relayed messages
            OutboxMessage.kind == "send",
            OutboxMessage.status.in_(("pending", "sent")),
        )
    )
    assignee = await session.get(Contact, case.assignee_id) if case.assignee_id else None
    stamp = int(utcnow().timestamp() * 1_000_000)
    queued = 0
    for row in rows.all():
        text = notice_text(case, directory, assignee, row.contact_id)
        if row.status == "pending" and row.claimed_until is None:  # not out yet: the new text
            row.text = text
            row.choices = _choices_json(case)
        elif row.status == "pending" or row.message_id is not None:  # in flight, or out
            queued += await enqueue(
                session,
                f"case:{case.id}:edit:{row.id}:{stamp}",
                row.chat_id,
                text,
                case_choices(case),
                case_id=case.id,
                edit_of=row.message_id,
                edit=True,
            )
    return queued


def _choices_json(case: Case) -> str:
    return json.dumps([asdict(c) for c in case_choices(case)], ensure_ascii=False)
