"""Cases: a pupil's request handed to the IPE of their académie, followed up until closed."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import colleagues
from bot.cases import contacts as contact_repo
from bot.cases.academies import AcademyDirectory
from bot.cases.closing import finished_text, taken_text, unsent_text
from bot.cases.details import is_teacher, recently_resolved, reopenable, requester
from bot.cases.notices import refresh_notices
from bot.cases.outbox import enqueue
from bot.cases.routing import OPEN_STATUSES, Router, event
from bot.cases.urgency import by_urgency
from bot.messages import Choice
from bot.store.chats import load_state
from bot.store.models import Case, CaseCounter, CaseEvent, Contact, OutboxMessage, aware, utcnow

log = logging.getLogger(__name__)

CONFIRM_GRACE = timedelta(seconds=30)  # the direct reply's head start on its durable copy


class CaseNotOpen(Exception):
    """The case is resolved or closed (or, for taking it, no longer new): nothing was done."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


class PupilGone(Exception):
    """The pupil erased their data: the case cannot reach them any more."""


class NobodyToReach(Exception):
    """No IPE, fallback or coordinator can receive the case's messages."""


@dataclass(frozen=True)
class Scope:
    """Which cases one chat may act on, resolved once per update from the IPE directory."""

    chat_id: int
    contacts: tuple[Contact, ...] = ()
    admin: bool = False

    @property
    def staff(self) -> bool:
        return self.admin or bool(self.contacts)

    @property
    def national(self) -> bool:
        return self.admin or any(c.kind == "coordinator" for c in self.contacts)

    @property
    def academies(self) -> set[str] | None:
        """The académies this chat acts on; None means all of them."""
        return None if self.national else {c.academy_id for c in self.contacts}

    def can_see(self, case: Case) -> bool:
        return self.admin or contact_repo.can_see(list(self.contacts), case.academy_id)

    def contact_for(self, case: Case) -> Contact | None:
        """The contact this chat acts as on the case (its académie's first, else any)."""
        same = next((c for c in self.contacts if c.academy_id == case.academy_id), None)
        return same or (self.contacts[0] if self.contacts else None)


async def resolve_scope(session: AsyncSession, chat_id: int, admin_ids: frozenset[int]) -> Scope:
    contacts = await contact_repo.contacts_of_chat(session, chat_id)
    return Scope(chat_id, tuple(contacts), chat_id in admin_ids)


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


class EscalationService:
    """Case life cycle; every message it sends goes through the outbox, in the same transaction."""

    def __init__(
        self,
        directory: AcademyDirectory,
        settings: EscalationSettings | None = None,
        admin_ids: frozenset[int] = frozenset(),
    ) -> None:
        self.directory = directory
        self.settings = settings or EscalationSettings()
        self.router = Router(directory, self.settings, admin_ids)

    # -- creation and notification ------------------------------------------------------------
    async def create_case(
        self,
        session: AsyncSession,
        pupil_chat_id: int,
        answers: dict[str, str],
        kind: str = "pupil",
    ) -> Case:
        """A pupil's or a teacher's (kind) request, notified to the académie's IPE."""
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
            kind=kind,
        )
        session.add(case)
        await session.flush()
        session.add(event(case, "created", kind))
        await self.notify(session, case, "new")
        return case

    async def confirm_to_pupil(self, session: AsyncSession, case: Case, text: str) -> str:
        """A durable copy of the pupil's confirmation (with the reference), sent only if the
        direct reply has not gone out after CONFIRM_GRACE; returns the copy's key."""
        key = f"case:{case.id}:pupil:created"
        if case.pupil_chat_id is not None:
            await enqueue(
                session, key, case.pupil_chat_id, text, case_id=case.id, delay=CONFIRM_GRACE
            )
        return key

    async def open_case_of(self, session: AsyncSession, pupil_chat_id: int) -> Case | None:
        """The pupil's most recent open case, if any."""
        return await session.scalar(
            select(Case)
            .where(Case.pupil_chat_id == pupil_chat_id, Case.status.in_(OPEN_STATUSES))
            .order_by(Case.id.desc())
            .limit(1)
        )

    async def last_case_of(self, session: AsyncSession, chat_id: int) -> Case | None:
        """The requester's most recent case, whatever its status."""
        query = select(Case).where(Case.pupil_chat_id == chat_id).order_by(Case.id.desc())
        return await session.scalar(query.limit(1))

    async def notify(self, session: AsyncSession, case: Case, why: str) -> int:
        return await self.router.notify(session, case, why)

    async def on_blocked(self, session: AsyncSession, row: OutboxMessage) -> None:
        await self.router.on_blocked(session, row)

    async def reminders(self, session: AsyncSession, now: datetime | None = None) -> int:
        return await self.router.reminders(session, now)

    # -- access -----------------------------------------------------------------------------
    async def visible_case(self, session: AsyncSession, scope: Scope, case_id: int) -> Case | None:
        case = await session.get(Case, case_id)
        return case if case is not None and scope.can_see(case) else None

    async def open_cases(self, session: AsyncSession, scope: Scope) -> list[Case]:
        """The open cases this scope sees, most urgent first (cases.urgency)."""
        query = select(Case).where(Case.status.in_(OPEN_STATUSES)).order_by(Case.created_at)
        if scope.academies is not None:
            query = query.where(Case.academy_id.in_(scope.academies))
        return by_urgency(list((await session.scalars(query)).all()))

    async def find_by_reference(self, session: AsyncSession, reference: str) -> Case | None:
        return await session.scalar(select(Case).where(Case.reference == reference.strip().upper()))

    async def history(self, session: AsyncSession, case: Case) -> list[CaseEvent]:
        rows = await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
        return list(rows.all())

    # -- actions ----------------------------------------------------------------------------
    async def take(self, session: AsyncSession, case: Case, contact: Contact | None) -> None:
        """Acknowledge a new case; CaseNotOpen when it is no longer new."""
        if case.status != "new":
            raise CaseNotOpen(case)
        case.status = "acknowledged"
        case.acknowledged_at = utcnow()
        case.assignee_id = contact.id if contact else None
        case.reminders, case.last_reminder_at = 0, case.acknowledged_at  # the silence clock
        session.add(event(case, "acknowledged", _actor(contact)))
        if case.pupil_chat_id is not None:
            await enqueue(
                session,
                f"case:{case.id}:pupil:acknowledged",
                case.pupil_chat_id,
                taken_text(case),
                case_id=case.id,
            )
        await refresh_notices(session, case, self.directory)

    async def finish(
        self, session: AsyncSession, case: Case, contact: Contact | None, status: str
    ) -> None:
        """Mark an open case resolved or closed and tell the pupil; CaseNotOpen otherwise."""
        if case.status not in OPEN_STATUSES:
            raise CaseNotOpen(case)
        case.status = status
        now = utcnow()
        if status == "resolved":
            case.resolved_at = now
        case.closed_at = now
        session.add(event(case, status, _actor(contact)))
        if case.assignee_id is not None and (contact is None or contact.id != case.assignee_id):
            assignee = await session.get(Contact, case.assignee_id)  # told when someone else did
            if assignee is not None and assignee.active:
                label = "résolue" if status == "resolved" else "close"
                await enqueue(
                    session,
                    f"case:{case.id}:assignee:{status}",
                    assignee.chat_id,
                    f"La demande {case.reference}, que vous suiviez, a été marquée {label} par "
                    f"{'un collègue' if contact else 'un administrateur'}.",
                    case_id=case.id,
                )
        if case.pupil_chat_id is not None:
            text, choices = finished_text(case, status), None
            if (await load_state(session, case.pupil_chat_id)).pending_text:  # kept aside
                text += f"\n\n{unsent_text(case)}"
                choices = [Choice("🔁 Rouvrir et transmettre", f"ro:{case.id}")]
            await enqueue(
                session,
                f"case:{case.id}:pupil:{status}",
                case.pupil_chat_id,
                text,
                choices,
                case_id=case.id,
            )
        await refresh_notices(session, case, self.directory)

    async def _followers(
        self, session: AsyncSession, case: Case, academy: bool = True
    ) -> list[Contact]:
        """Who follows the case: its IPE while reachable, else (`academy`) the académie's
        recipients (its IPE, fallback or the national coordinators)."""
        assignee = await self.router.reachable_assignee(session, case)
        if assignee is not None or not academy:
            return [assignee] if assignee is not None else []
        _, targets = await contact_repo.recipients(session, case.academy_id)
        return targets

    async def withdraw(self, session: AsyncSession, case: Case, cancelled: bool = False) -> int:
        """The pupil found a placement (the case is resolved by them), or the requester
        cancelled the request (closed); whoever follows it (its IPE, else the académie's) is
        told; returns how many were told. CaseNotOpen when it was already closed."""
        if case.status not in OPEN_STATUSES:
            raise CaseNotOpen(case)
        case.status = "closed" if cancelled else "resolved"
        case.resolved_at = None if cancelled else utcnow()
        case.closed_at = utcnow()
        session.add(event(case, "closed" if cancelled else "resolved", "requester"))
        # a case nobody took is the académie's; one taken, only its IPE's
        targets = await self._followers(session, case, academy=case.acknowledged_at is None)
        for contact in targets:
            await enqueue(
                session,
                f"found:{case.id}:{contact.id}",  # not "case:…", which names the notices
                contact.chat_id,
                f"La demande {case.reference} est annulée par {requester(case)} ; rien d'autre "
                "à faire."
                if cancelled
                else f"Bonne nouvelle : l'élève de la demande {case.reference} a trouvé un "
                "stage. La demande est close à sa demande ; rien d'autre à faire.",
                case_id=case.id,
                contact_id=contact.id,
            )
        await refresh_notices(session, case, self.directory)
        return len(targets)

    async def reopen(self, session: AsyncSession, case: Case) -> int:
        """The requester reopens a request that ended lately (details.reopenable): its IPE
        follows it again if still reachable, else it is new for the académie's; those are told.
        Returns how many; CaseNotOpen when it cannot be reopened."""
        if not reopenable(case):
            raise CaseNotOpen(case)
        assignee = await self.router.reachable_assignee(session, case)
        case.status = "acknowledged" if assignee is not None else "new"
        case.assignee_id = assignee.id if assignee is not None else None
        case.resolved_at = case.closed_at = None
        case.reminders, case.last_reminder_at = 0, utcnow()  # the silence clock restarts
        session.add(event(case, "reopened", "requester"))
        await refresh_notices(session, case, self.directory)
        return await self.router.notify(session, case, "reopened")

    async def relay_to_pupil(
        self, session: AsyncSession, case: Case, contact: Contact | None, text: str, key: str
    ) -> None:
        """Queue the IPE's message for the pupil (taking a new case); CaseNotOpen, PupilGone.
        A request resolved a few days ago still carries messages (the placement's address)."""
        if case.status not in OPEN_STATUSES and not recently_resolved(case):
            raise CaseNotOpen(case)
        if case.pupil_chat_id is None:
            raise PupilGone(case.reference)
        if case.status == "new":
            await self.take(session, case, contact)
        case.reminders, case.last_reminder_at = 0, utcnow()  # the IPE spoke: the clock restarts
        session.add(event(case, "message-to-pupil", _actor(contact), text))
        await colleagues.copy_to_colleagues(session, case, contact, text, key)
        await enqueue(
            session,
            f"msg:{key}",
            case.pupil_chat_id,
            f"✉️ Message de l'ingénieur pour l'école ({case.reference}) :\n\n{text}",
            [Choice("↩️ Répondre", f"pr:{case.id}")],
            case_id=case.id,
        )

    async def relay_to_ipe(
        self, session: AsyncSession, case: Case, text: str, key: str, concern: str | None = None
    ) -> None:
        """Queue the pupil's message for the case's IPE (else the académie's), under `concern`
        when the safety net found it worrying; CaseNotOpen."""
        if case.status not in OPEN_STATUSES and not recently_resolved(case):
            raise CaseNotOpen(case)
        kind = "message-from-pupil" + (":concern" if concern else "")  # marked in the history
        session.add(event(case, kind, case.kind, text))
        targets = await self._followers(session, case)
        targets += [c for c in await colleagues.writers(session, case) if c not in targets]
        if not targets:  # say so, and tell the administrators; the message stays in the history
            await self.router.alert_admins(session, case, "message")
            raise NobodyToReach(case.reference)
        for contact in targets:
            await enqueue(
                session,
                f"msg:{key}:{contact.id}",
                contact.chat_id,
                (f"{concern}\n\n" if concern else "")
                + f"✉️ Message de {requester(case)} ({case.reference}) :\n\n{text}",
                [Choice(f"✉️ Répondre à {requester(case)}", f"cr:{case.id}")],
                case_id=case.id,
                contact_id=contact.id,
            )

    # -- privacy ----------------------------------------------------------------------------
    async def erase_pupil(self, session: AsyncSession, chat_id: int) -> int:
        """Remove the pupil's personal data from their cases; anonymous counts stay."""
        rows = await session.scalars(select(Case).where(Case.pupil_chat_id == chat_id))
        count = 0
        for case in rows.all():
            still_open = case.status in OPEN_STATUSES
            who = requester(case)
            followers = await self._followers(session, case) if still_open else []
            await _erase_case(session, case)
            if still_open:  # nobody left to help: closed, and its IPE told so
                case.status, case.closed_at = "closed", utcnow()
                session.add(event(case, "closed", "erased"))
                await refresh_notices(session, case, self.directory)  # its notices: « close »
                for contact in followers:
                    await enqueue(
                        session,
                        f"case:{case.id}:erased:{contact.id}",
                        contact.chat_id,
                        f"La demande {case.reference} est close : {who} a effacé ses données "
                        "(/oublier). Vous n'avez plus à la suivre.",
                        case_id=case.id,
                        contact_id=contact.id,
                    )
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
    # a teacher's request keeps its kind of action (a visit…): anonymous, for the figures
    action = json.loads(case.details or "{}").get("action") if is_teacher(case) else None
    case.details = json.dumps({"action": action}) if action else "{}"
    case.erased = True
    events = await session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
    for row in events.all():
        row.text = None
    messages = await session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    for message in messages.all():
        if message.status == "pending":
            message.status = "cancelled"
        message.text = ""


def _actor(contact: Contact | None) -> str:
    return f"{contact.kind}:{contact.id}" if contact else "admin"
