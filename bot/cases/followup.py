"""A teacher's request after an IPE takes it: the agreed date, a reminder a few days before,
and after it one question to the teacher whose answer closes the case (for the figures).

Every message goes through the outbox with a key naming the case and the date, so the upkeep
can run on every replica and every minute: a reminder or a question is queued once per date.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import contacts as contact_repo
from bot.cases.academies import AcademyDirectory
from bot.cases.dates import french_date
from bot.cases.details import case_choices, is_teacher
from bot.cases.notices import refresh_notices
from bot.cases.outbox import enqueue
from bot.cases.routing import Router, event
from bot.cases.service import CaseNotOpen, _actor
from bot.cases.teacher_details import FEEDBACK_CHOICES, FEEDBACK_LABELS
from bot.messages import Choice
from bot.store.models import Case, Contact, utcnow

REMIND_BEFORE = timedelta(days=3)
MAX_COMPANY = 120


def with_company(case: Case) -> str:
    """« , avec Airbus » when the company is known, else ""."""
    return f", avec {case.company}" if case.company else ""


def agreed_when(case: Case) -> str:
    """« mercredi 14 avril 2027 de 9 h à 12 h » (the date must be set)."""
    assert case.event_date is not None
    hours = f" {case.event_hours}" if case.event_hours else ""
    return f"{french_date(case.event_date)}{hours}"


async def schedule(
    session: AsyncSession,
    directory: AcademyDirectory,
    case: Case,
    contact: Contact | None,
    when: date,
    hours: str = "",
) -> None:
    """Record the agreed date and hours (the company is kept), tell the teacher — a new date
    says which one it replaces — and update the notices."""
    if not is_teacher(case) or case.status not in ("acknowledged", "scheduled"):
        raise CaseNotOpen(case)
    before = agreed_when(case) if case.event_date is not None else ""
    case.event_date, case.event_hours, case.status = when, hours or None, "scheduled"
    now = agreed_when(case)
    session.add(event(case, "scheduled", _actor(contact), f"{when.isoformat()} {hours}".strip()))
    await refresh_notices(session, case, directory)
    if case.pupil_chat_id is None or now == before:
        return
    text = (
        f"📅 Nouvelle date pour votre demande {case.reference} : {now}{with_company(case)} "
        f"(au lieu du {before})."
        if before
        else f"📅 Votre demande {case.reference} : date fixée au {now}{with_company(case)}."
    )
    await enqueue(
        session,
        f"case:{case.id}:teacher:scheduled:{when.isoformat()}:{hours}"[:80],
        case.pupil_chat_id,
        f"{text} Je vous le rappellerai quelques jours avant.",
        [Choice("↩️ Écrire à l'ingénieur", f"pr:{case.id}")],
        case_id=case.id,
    )


async def set_company(
    session: AsyncSession,
    directory: AcademyDirectory,
    case: Case,
    contact: Contact | None,
    company: str,
) -> None:
    """The company (or organisation) that comes, typed after the date; the teacher is told."""
    if not is_teacher(case) or case.status != "scheduled":
        raise CaseNotOpen(case)
    company = company.strip()[:MAX_COMPANY]
    if not company or company == case.company:
        return
    case.company = company
    session.add(event(case, "company", _actor(contact)))
    await refresh_notices(session, case, directory)
    if case.pupil_chat_id is None:
        return
    await enqueue(
        session,
        f"case:{case.id}:teacher:company:{company}"[:80],
        case.pupil_chat_id,
        f"🏢 Votre demande {case.reference} ({agreed_when(case)}) : l'intervention se fera "
        f"avec {company}.",
        [Choice("↩️ Écrire à l'ingénieur", f"pr:{case.id}")],
        case_id=case.id,
    )


async def record_feedback(
    session: AsyncSession, router: Router, case: Case, rating: str, pupils: int | None
) -> None:
    """The teacher's answer after the date: closes the case (or, "none", back to the IPE)."""
    if not is_teacher(case) or case.status != "scheduled":
        raise CaseNotOpen(case)
    now = utcnow()
    if rating == "none":  # it did not take place: the IPE sets another date
        case.status, case.event_date, case.event_hours = "acknowledged", None, None
        case.reminders, case.last_reminder_at = 0, now
        session.add(event(case, "not-held", case.kind))
        await refresh_notices(session, case, router.directory)
        head = f"⚠️ {case.reference} : selon l'enseignant·e, l'action n'a pas eu lieu."
        await _tell_ipe(session, router, case, f"{head} Fixez une autre date :", "not-held")
        return
    case.feedback, case.pupils_reached = rating, pupils
    case.status, case.resolved_at, case.closed_at = "resolved", now, now
    session.add(event(case, "feedback", case.kind, f"{rating}:{pupils or 0}"))
    await refresh_notices(session, case, router.directory)
    reached = f", {pupils} élève(s)" if pupils else ""
    await _tell_ipe(
        session,
        router,
        case,
        f"✅ Bilan de {case.reference} : {FEEDBACK_LABELS[rating]}{reached}. La demande est "
        "close. Merci !",
        "feedback",
    )


async def _tell_ipe(session: AsyncSession, router: Router, case: Case, text: str, why: str) -> None:
    assignee = await router.reachable_assignee(session, case)
    targets = [assignee] if assignee is not None else []
    if not targets:
        _, targets = await contact_repo.recipients(session, case.academy_id)
    for contact in targets:
        await enqueue(
            session,
            f"case:{case.id}:{why}:{utcnow():%Y%m%d%H%M%S}:{contact.id}",
            contact.chat_id,
            text,
            case_choices(case),
            case_id=case.id,
            contact_id=contact.id,
        )


async def followups(session: AsyncSession, router: Router, today: date) -> int:
    """Reminders before the agreed dates, feedback questions after them; how many queued."""
    rows = await session.scalars(
        select(Case).where(
            Case.kind == "teacher", Case.status == "scheduled", Case.event_date.is_not(None)
        )
    )
    queued = 0
    for case in rows.all():
        when = case.event_date
        assert when is not None
        if today < when <= today + REMIND_BEFORE:
            queued += await _remind(session, router, case, when)
        elif when < today and case.pupil_chat_id is not None:
            added = await enqueue(
                session,
                f"case:{case.id}:feedback:{when.isoformat()}",
                case.pupil_chat_id,
                f"Votre demande {case.reference} ({agreed_when(case)}{with_company(case)}). "
                "Cela s'est-il bien passé ? Combien d'élèves ?",
                [Choice(label, f"tf:{case.id}:{key}") for key, label in FEEDBACK_CHOICES.items()]
                + [Choice("Ça n'a pas eu lieu", f"tf:{case.id}:none")],
                case_id=case.id,
            )
            if added:
                session.add(event(case, "notified:feedback"))
                queued += 1
    return queued


async def _remind(session: AsyncSession, router: Router, case: Case, when: date) -> int:
    day = agreed_when(case)
    queued = 0
    if case.pupil_chat_id is not None:
        queued += await enqueue(
            session,
            f"case:{case.id}:soon:{when.isoformat()}:teacher",
            case.pupil_chat_id,
            f"⏰ Rappel : {case.reference} a lieu le {day}{with_company(case)}. Un bon moment "
            "pour préparer avec les élèves leurs questions. Un imprévu ? Écrivez à l'ingénieur.",
            [Choice("↩️ Écrire à l'ingénieur", f"pr:{case.id}")],
            case_id=case.id,
        )
    assignee = await router.reachable_assignee(session, case)
    if assignee is not None:
        queued += await enqueue(
            session,
            f"case:{case.id}:soon:{when.isoformat()}:{assignee.id}",
            assignee.chat_id,
            f"⏰ Rappel : {case.reference} a lieu le {day}{with_company(case)}. Pensez à "
            "confirmer avec l'enseignant·e et l'intervenant·e.",
            case_choices(case),
            case_id=case.id,
            contact_id=assignee.id,
        )
    if queued:
        session.add(event(case, "notified:soon"))
    return queued
