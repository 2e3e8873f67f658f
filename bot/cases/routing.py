"""Who receives a case, and when: notices, reminders, fallbacks, reroutes, administrators' alerts.

The chain is the académie's IPE, else its fallback contact (pôle de stages), else a national
coordinator. A case nobody can receive is never silent: the administrators (ADMIN_IDS) get an
alert and the case is marked unrouted in its history.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import contacts as contact_repo
from bot.cases.academies import AcademyDirectory
from bot.cases.details import case_choices, case_text, is_teacher, requester
from bot.cases.outbox import enqueue
from bot.store.models import Case, CaseEvent, Contact, OutboxMessage, aware, utcnow

log = logging.getLogger(__name__)
OPEN_STATUSES = ("new", "acknowledged", "scheduled")  # scheduled: a teacher's, date set
CHASED_STATUSES = ("new", "acknowledged")  # reminded when nobody acts


def event(case: Case, kind: str, actor: str = "system", text: str | None = None) -> CaseEvent:
    return CaseEvent(case_id=case.id, kind=kind, actor=actor, text=text, at=utcnow())


class Router:
    def __init__(self, directory: AcademyDirectory, settings, admin_ids: frozenset[int]) -> None:
        self.directory = directory
        self.settings = settings
        self.admin_ids = admin_ids

    async def notify(self, session: AsyncSession, case: Case, why: str) -> int:
        """Queue the notice to the case's recipients (IPE, else fallback, else coordinator)."""
        if why == "fallback":
            targets = await contact_repo.fallback_recipients(session, case.academy_id)
            level = "fallback"
        elif why in ("silent", "reopened"):  # the assignee first
            level, targets = await contact_repo.recipients(session, case.academy_id)
            assignee = await self.reachable_assignee(session, case)
            if assignee is not None:
                targets = [assignee]
        else:
            level, targets = await contact_repo.recipients(session, case.academy_id)
        title = {
            "new": "📌 Nouvelle demande d'aide",
            "reminder": "⏰ Rappel : demande toujours en attente",
            "silent": f"⏰ Rappel : {requester(case)} attend votre réponse",
            "fallback": "⚠️ Demande sans réponse de l'IPE",
            "reroute": "📌 Demande d'aide (transmise)",
            "reopened": "🔁 Demande d'aide rouverte",
        }[why]
        if is_teacher(case):
            title = title.replace("Demande d'aide", "Demande d'un·e enseignant·e").replace(
                "demande d'aide", "demande d'un·e enseignant·e"
            )
        if level in ("fallback", "coordinator") and why != "fallback":
            title += " — aucun IPE joignable pour cette académie"
        text = case_text(case, title, self.directory)
        count = 0
        suffix = f"{why}:{case.reminders}" if why in ("reminder", "silent") else why
        if why == "reopened":  # once per reopening
            suffix = f"{why}:{int(utcnow().timestamp())}"
        for contact in targets:
            added = await enqueue(
                session,
                f"case:{case.id}:{suffix}:{contact.id}",
                contact.chat_id,
                text,
                case_choices(case),
                case_id=case.id,
                contact_id=contact.id,
            )
            count += added
        if count:
            session.add(event(case, f"notified:{why}", "system", f"{count} destinataire(s)"))
        else:
            log.warning("case %s: nobody to notify (%s)", case.reference, why)
            session.add(event(case, "nobody-to-notify", "system"))
            await self.alert_admins(session, case, why)
        return count

    async def reachable_assignee(self, session: AsyncSession, case: Case) -> Contact | None:
        """The IPE who took the case, if they are still registered and reachable."""
        if case.assignee_id is None:
            return None
        assignee = await session.get(Contact, case.assignee_id)
        if assignee is None or not assignee.active or assignee.unreachable:
            return None
        return assignee

    async def alert_admins(self, session: AsyncSession, case: Case, why: str) -> int:
        """Nobody can receive this case: the administrators are told (once per reason)."""
        text = case_text(
            case,
            "🚨 Demande que personne ne peut recevoir (aucun IPE, relais ni coordinateur)",
            self.directory,
        )
        text += "\nInscrivez un contact : ipe-bot admin invite --academy … (ou --kind coordinator)."
        count = 0
        for admin in sorted(self.admin_ids):
            count += await enqueue(
                session, f"case:{case.id}:unrouted:{why}:{admin}", admin, text, case_id=case.id
            )
        return count

    async def routed(self, session: AsyncSession, case: Case) -> bool:
        """True when someone (an IPE, a fallback or a coordinator) was sent the case."""
        row = await session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.case_id == case.id, OutboxMessage.contact_id.is_not(None)
            )
        )
        return row is not None

    async def on_blocked(self, session: AsyncSession, row: OutboxMessage) -> None:
        """A contact blocked the bot: send the notice of an open case to the next in line."""
        if row.case_id is None or row.contact_id is None:
            return
        case = await session.get(Case, row.case_id)
        if case is None or case.status not in OPEN_STATUSES:
            return
        await session.flush()
        others = await session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.case_id == case.id,
                OutboxMessage.contact_id.is_not(None),
                OutboxMessage.contact_id != row.contact_id,
                OutboxMessage.status.in_(("pending", "sent")),
            )
        )
        if others is None:  # nobody else has it: hand it to the next in line
            await self.notify(session, case, "reroute")

    async def reminders(self, session: AsyncSession, now: datetime | None = None) -> int:
        """Remind the IPE of cases nobody took, and of taken cases where the IPE has been silent
        (no message to the pupil) past the delay; then hand them to the fallback chain."""
        now = now or utcnow()
        due = now - self.settings.remind_after
        rows = await session.scalars(select(Case).where(Case.status.in_(CHASED_STATUSES)))
        done = 0
        for case in rows.all():
            since = case.created_at if case.status == "new" else case.acknowledged_at
            last = aware(case.last_reminder_at) or aware(since)
            if last is None or last > due:
                continue
            if case.reminders < self.settings.max_reminders:
                case.reminders += 1
                case.last_reminder_at = now
                why = "reminder" if case.status == "new" else "silent"
                await self.notify(session, case, why)
                done += 1
            elif not case.fallback_notified:
                case.fallback_notified = True
                case.last_reminder_at = now
                await self.notify(session, case, "fallback")
                done += 1
        return done
