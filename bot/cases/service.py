"""Cases: a pupil's request handed to the IPE of their académie, followed up until closed."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import contacts as contact_repo
from bot.cases.academies import AcademyDirectory, of_academy
from bot.cases.outbox import enqueue
from bot.desks.forms import FIELD_LABELS, display_answers
from bot.desks.pupil import Choice
from bot.store.models import Case, CaseCounter, CaseEvent, Contact, OutboxMessage, aware, utcnow

log = logging.getLogger(__name__)

OPEN_STATUSES = ("new", "acknowledged")
STATUS_LABELS = {
    "new": "nouvelle",
    "acknowledged": "prise en charge",
    "resolved": "résolue",
    "closed": "close",
}
MAX_RELAY = 2000


@dataclass(frozen=True)
class EscalationSettings:
    remind_after: timedelta = timedelta(hours=24)
    max_reminders: int = 2


async def next_reference(session: AsyncSession, code: str, year: int) -> str:
    prefix = f"{code}-{year}"
    query = select(CaseCounter).where(CaseCounter.prefix == prefix)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    counter = await session.scalar(query)
    if counter is None:
        counter = CaseCounter(prefix=prefix, last=0)
        session.add(counter)
    counter.last += 1
    return f"{prefix}-{counter.last:04d}"


def _event(case: Case, kind: str, actor: str = "system", text: str | None = None) -> CaseEvent:
    return CaseEvent(case_id=case.id, kind=kind, actor=actor, text=text, at=utcnow())


class EscalationService:
    """Case life cycle; every message it sends goes through the outbox, in the same transaction."""

    def __init__(
        self, directory: AcademyDirectory, settings: EscalationSettings | None = None
    ) -> None:
        self.directory = directory
        self.settings = settings or EscalationSettings()

    # -- texts ------------------------------------------------------------------------------
    def academy_name(self, academy_id: str) -> str:
        academy = self.directory.academies.get(academy_id)
        return academy.name if academy else academy_id

    def case_text(self, case: Case, title: str) -> str:
        answers = json.loads(case.details or "{}")
        lines = [
            f"{title} {case.reference} — académie {of_academy(self.academy_name(case.academy_id))}"
        ]
        lines.append(f"Statut : {STATUS_LABELS.get(case.status, case.status)}")
        if case.erased:
            lines.append("(données personnelles effacées à la demande de l'élève)")
        for key, value in display_answers(answers, self.directory).items():
            if key != "academy":
                lines.append(f"• {FIELD_LABELS[key]} : {value}")
        return "\n".join(lines)

    @staticmethod
    def case_choices(case: Case) -> list[Choice]:
        if case.status == "new":
            return [
                Choice("✋ Je prends en charge", f"ca:{case.id}"),
                Choice("✉️ Répondre à l'élève", f"cr:{case.id}"),
            ]
        if case.status == "acknowledged":
            return [
                Choice("✉️ Répondre à l'élève", f"cr:{case.id}"),
                Choice("✅ Résolu", f"cx:{case.id}"),
                Choice("🗂 Clore sans suite", f"cc:{case.id}"),
            ]
        return []

    # -- creation and notification ------------------------------------------------------------
    async def create_case(
        self, session: AsyncSession, pupil_chat_id: int, answers: dict[str, str]
    ) -> Case:
        academy_id = answers["academy"]
        academy = self.directory.academies[academy_id]
        now = utcnow()
        case = Case(
            reference=await next_reference(session, academy.code, now.year),
            academy_id=academy_id,
            status="new",
            pupil_chat_id=pupil_chat_id,
            details=json.dumps(answers, ensure_ascii=False),
            level=answers.get("level", ""),
            created_at=now,
        )
        session.add(case)
        await session.flush()
        session.add(_event(case, "created", "pupil"))
        await self.notify(session, case, "new")
        return case

    async def notify(self, session: AsyncSession, case: Case, why: str) -> int:
        """Queue the notice to the case's recipients (IPE, else fallback, else coordinator)."""
        if why == "fallback":
            targets = await contact_repo.fallback_recipients(session, case.academy_id)
            level = "fallback"
        else:
            level, targets = await contact_repo.recipients(session, case.academy_id)
        title = {
            "new": "📌 Nouvelle demande d'aide",
            "reminder": "⏰ Rappel : demande toujours en attente",
            "fallback": "⚠️ Demande sans réponse de l'IPE",
            "reroute": "📌 Demande d'aide (transmise)",
        }[why]
        if level in ("fallback", "coordinator") and why != "fallback":
            title += " — aucun IPE joignable pour cette académie"
        text = self.case_text(case, title)
        count = 0
        suffix = f"{why}:{case.reminders}" if why == "reminder" else why
        for contact in targets:
            added = await enqueue(
                session,
                f"case:{case.id}:{suffix}:{contact.id}",
                contact.chat_id,
                text,
                self.case_choices(case),
                case_id=case.id,
                contact_id=contact.id,
            )
            count += added
        if count:
            session.add(_event(case, f"notified:{why}", "system", f"{count} destinataire(s)"))
        else:
            log.warning("case %s: nobody to notify (%s)", case.reference, why)
            session.add(_event(case, "nobody-to-notify", "system"))
        return count

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
        """Remind the IPE of cases nobody took; then hand them to the fallback chain."""
        now = now or utcnow()
        due = now - self.settings.remind_after
        rows = await session.scalars(select(Case).where(Case.status == "new"))
        done = 0
        for case in rows.all():
            last = aware(case.last_reminder_at) or aware(case.created_at)
            if last > due:
                continue
            if case.reminders < self.settings.max_reminders:
                case.reminders += 1
                case.last_reminder_at = now
                await self.notify(session, case, "reminder")
                done += 1
            elif not case.fallback_notified:
                case.fallback_notified = True
                case.last_reminder_at = now
                await self.notify(session, case, "fallback")
                done += 1
        return done

    # -- access -----------------------------------------------------------------------------
    async def visible_case(
        self, session: AsyncSession, chat_id: int, case_id: int, is_admin: bool = False
    ) -> tuple[Case | None, list[Contact]]:
        contacts = await contact_repo.contacts_of_chat(session, chat_id)
        case = await session.get(Case, case_id)
        if case is None:
            return None, contacts
        if is_admin or contact_repo.can_see(contacts, case.academy_id):
            return case, contacts
        return None, contacts

    async def open_cases(
        self, session: AsyncSession, chat_id: int, is_admin: bool = False
    ) -> list[Case]:
        contacts = await contact_repo.contacts_of_chat(session, chat_id)
        query = select(Case).where(Case.status.in_(OPEN_STATUSES)).order_by(Case.created_at)
        if not is_admin and not any(c.kind == "coordinator" for c in contacts):
            query = query.where(Case.academy_id.in_({c.academy_id for c in contacts}))
        return list((await session.scalars(query)).all())

    async def find_by_reference(self, session: AsyncSession, reference: str) -> Case | None:
        return await session.scalar(select(Case).where(Case.reference == reference.strip().upper()))

    async def history(self, session: AsyncSession, case: Case) -> list[CaseEvent]:
        rows = await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
        return list(rows.all())

    # -- actions ----------------------------------------------------------------------------
    async def take(self, session: AsyncSession, case: Case, contact: Contact | None) -> str:
        if case.status != "new":
            return f"La demande {case.reference} est déjà {STATUS_LABELS[case.status]}."
        case.status = "acknowledged"
        case.acknowledged_at = utcnow()
        case.assignee_id = contact.id if contact else None
        session.add(_event(case, "acknowledged", _actor(contact)))
        if case.pupil_chat_id is not None:
            await enqueue(
                session,
                f"case:{case.id}:pupil:acknowledged",
                case.pupil_chat_id,
                f"Bonne nouvelle : ta demande {case.reference} a été prise en charge par un "
                "ingénieur pour l'école. Il va te répondre ici même.",
                case_id=case.id,
            )
        return f"Vous avez pris en charge la demande {case.reference}."

    async def finish(
        self, session: AsyncSession, case: Case, contact: Contact | None, status: str
    ) -> str:
        if case.status not in OPEN_STATUSES:
            return f"La demande {case.reference} est déjà {STATUS_LABELS[case.status]}."
        case.status = status
        now = utcnow()
        if status == "resolved":
            case.resolved_at = now
        case.closed_at = now
        session.add(_event(case, status, _actor(contact)))
        if case.pupil_chat_id is not None:
            text = (
                f"Ta demande {case.reference} est marquée comme résolue. Bon stage ! "
                "Si tu as encore besoin d'aide, écris-moi ou tape /stage."
                if status == "resolved"
                else f"Ta demande {case.reference} a été close. Si tu as encore besoin d'aide, "
                "écris-moi ou tape /stage."
            )
            await enqueue(
                session, f"case:{case.id}:pupil:{status}", case.pupil_chat_id, text, case_id=case.id
            )
        return f"Demande {case.reference} : {STATUS_LABELS[status]}."

    async def relay_to_pupil(
        self, session: AsyncSession, case: Case, contact: Contact | None, text: str, key: str
    ) -> str:
        if case.status not in OPEN_STATUSES:
            return f"La demande {case.reference} est {STATUS_LABELS[case.status]} : message non envoyé."
        if case.pupil_chat_id is None:
            return "L'élève a effacé ses données : il n'est plus joignable par le bot."
        if case.status == "new":
            await self.take(session, case, contact)
        text = text[:MAX_RELAY]
        session.add(_event(case, "message-to-pupil", _actor(contact), text))
        await enqueue(
            session,
            f"msg:{key}",
            case.pupil_chat_id,
            f"✉️ Message de l'ingénieur pour l'école ({case.reference}) :\n\n{text}",
            [Choice("↩️ Répondre", f"pr:{case.id}")],
            case_id=case.id,
        )
        return f"Message transmis à l'élève ({case.reference})."

    async def relay_to_ipe(self, session: AsyncSession, case: Case, text: str, key: str) -> str:
        if case.status not in OPEN_STATUSES:
            return f"Ta demande {case.reference} est {STATUS_LABELS[case.status]} : tape /stage pour en faire une nouvelle."
        text = text[:MAX_RELAY]
        session.add(_event(case, "message-from-pupil", "pupil", text))
        targets: list[Contact] = []
        if case.assignee_id is not None:
            assignee = await session.get(Contact, case.assignee_id)
            if assignee is not None and assignee.active and not assignee.unreachable:
                targets = [assignee]
        if not targets:
            _, targets = await contact_repo.recipients(session, case.academy_id)
        for contact in targets:
            await enqueue(
                session,
                f"msg:{key}:{contact.id}",
                contact.chat_id,
                f"✉️ Message de l'élève ({case.reference}) :\n\n{text}",
                [Choice("✉️ Répondre à l'élève", f"cr:{case.id}")],
                case_id=case.id,
                contact_id=contact.id,
            )
        return f"Message transmis ({case.reference})."

    # -- privacy ----------------------------------------------------------------------------
    async def erase_pupil(self, session: AsyncSession, chat_id: int) -> int:
        """Remove the pupil's personal data from their cases; anonymous counts stay."""
        rows = await session.scalars(select(Case).where(Case.pupil_chat_id == chat_id))
        count = 0
        for case in rows.all():
            await _erase_case(session, case)
            count += 1
        return count

    async def purge(self, session: AsyncSession, older_than: timedelta) -> int:
        """Erase personal data of cases closed for longer than `older_than`."""
        limit = utcnow() - older_than
        rows = await session.scalars(
            select(Case).where(Case.status.in_(("resolved", "closed")), Case.erased.is_(False))
        )
        count = 0
        for case in rows.all():
            if aware(case.closed_at) is not None and aware(case.closed_at) < limit:
                await _erase_case(session, case)
                count += 1
        return count


async def _erase_case(session: AsyncSession, case: Case) -> None:
    case.pupil_chat_id = None
    case.details = "{}"
    case.erased = True
    events = await session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
    for event in events.all():
        event.text = None
    messages = await session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    for message in messages.all():
        if message.status == "pending":
            message.status = "cancelled"
        message.text = ""


def _actor(contact: Contact | None) -> str:
    return f"{contact.kind}:{contact.id}" if contact else "admin"
