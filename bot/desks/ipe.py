"""The IPE's desk: registration, the list of open cases, one case, and the actions on it.

Access is the update's `Scope` (resolved once); the case service does the work and raises
`CaseNotOpen` when there is nothing to do; this desk chooses the words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.cases import contacts as contact_repo
from bot.cases.academies import of_academy
from bot.cases.dates import in_france
from bot.cases.details import (
    STATUS_LABELS,
    academy_name,
    by_family,
    case_choices,
    case_text,
    event_label,
    requester,
    short_kind,
    status_label,
)
from bot.cases.service import CaseNotOpen, EscalationService
from bot.cases.urgency import urgency_reason
from bot.desks.limits import allow
from bot.desks.offers import case_offers
from bot.desks.turn import Turn
from bot.messages import Choice, Reply, parse_id
from bot.store.models import Case, Contact

IPE_ONLY = "Cette commande est réservée aux ingénieurs pour l'école."
NOT_ENABLED = "Les demandes d'aide ne sont pas activées sur ce bot."
REGISTRATION_PROBLEMS = {
    "unknown": "Ce code n'existe pas. Vérifiez-le, ou demandez-en un nouveau à l'administrateur.",
    "used": "Ce code a déjà été utilisé. Demandez-en un nouveau à l'administrateur.",
    "expired": "Ce code a expiré. Demandez-en un nouveau à l'administrateur.",
    "revoked": "Ce code a été révoqué. Demandez-en un nouveau à l'administrateur.",
}
CASE_ACTIONS = ("ca", "cr", "cx", "cc", "cv")


def not_open(case: Case, who: str = "") -> str:
    by = f" (suivie par {who})" if who and case.status == "acknowledged" else ""
    return f"La demande {case.reference} est déjà {STATUS_LABELS[case.status]}{by}."


async def followed_by(turn: Turn, case: Case, reader: Contact | None) -> str:
    """Who follows the case, as this IPE reads it: « vous », a colleague's name, or ""."""
    if case.assignee_id is None:
        return ""
    if reader is not None and reader.id == case.assignee_id:
        return "vous"
    other = await turn.session.get(Contact, case.assignee_id)
    return other.name if other is not None and other.name else "un·e collègue"


@dataclass
class IpeDesk:
    escalation: EscalationService

    async def register(self, turn: Turn) -> Reply:
        """/ipe CODE: this chat becomes the contact the invitation was made for."""
        code = turn.incoming.text.strip()
        if not code:
            return Reply(
                "Pour vous enregistrer comme ingénieur pour l'école : /ipe CODE, avec le code "
                "reçu de l'administrateur.",
                kind="info",
            )
        if not allow(turn.state, "register"):
            return Reply(
                "Trop d'essais de code en peu de temps : réessayez dans une heure.", kind="info"
            )
        result = await contact_repo.redeem(
            turn.session, code, turn.user_id, turn.incoming.user_name
        )
        if result.contact is None:
            return Reply(REGISTRATION_PROBLEMS[result.problem or "unknown"], kind="info")
        contact = result.contact
        where = (
            "toutes les académies (coordination nationale)"
            if contact.academy_id == contact_repo.NATIONAL
            else f"l'académie {of_academy(academy_name(self.escalation.directory, contact.academy_id))}"
        )
        turn.state.role = "teacher"
        turn.state.staff = True
        return Reply(
            f"C'est fait : vous recevrez ici les demandes des élèves et des enseignant·es de "
            f"{where}. "
            "/dossiers liste les demandes ouvertes.",
            kind="info",
        )

    async def list_cases(self, turn: Turn) -> Reply:
        """/dossiers: the open cases of this chat's académies, most urgent first, with why."""
        scope = await turn.scope()
        if not scope.staff:
            return Reply(IPE_ONLY, kind="info")
        cases = await self.escalation.open_cases(turn.session, scope)
        if not cases:
            return Reply("Aucune demande ouverte pour vos académies.", kind="info")
        lines = ["Demandes ouvertes, les plus urgentes d'abord :"]
        choices = []
        for case in cases[:30]:
            status = status_label(case)
            if short_kind(case):
                status = f"{short_kind(case)}, {status}"
            lines.append(f"• {case.reference} ({status}) — {urgency_reason(case)}")
            if len(choices) < 8:
                choices.append(Choice(f"{case.reference} ({status})", f"cv:{case.id}"))
        return Reply("\n".join(lines), choices, kind="cases")

    async def show_case(self, turn: Turn) -> Reply:
        """/dossier REFERENCE."""
        scope = await turn.scope()
        if not scope.staff:
            return Reply(IPE_ONLY, kind="info")
        reference = turn.incoming.text.strip()
        case = (
            await self.escalation.find_by_reference(turn.session, reference) if reference else None
        )
        if case is not None:
            case = await self.escalation.visible_case(turn.session, scope, case.id)
        if case is None:
            return Reply(
                "Demande introuvable dans vos académies. Usage : /dossier REFERENCE "
                "(par exemple /dossier NAN-2026-0042).",
                kind="info",
            )
        return await self._view(turn, case)

    async def case_action(self, turn: Turn) -> Reply:
        """A button under a case: view, take, reply, resolved, closed."""
        kind, _, arg = turn.incoming.text.partition(":")
        case_id = parse_id(arg)
        if case_id is None:
            return Reply("Ce bouton n'est pas valable.", kind="info")
        scope = await turn.scope()
        case = await self.escalation.visible_case(turn.session, scope, case_id)
        if case is None:
            text = "Cette demande n'est pas dans vos académies." if scope.staff else IPE_ONLY
            return Reply(text, kind="info")
        contact = scope.contact_for(case)
        if kind == "cv":
            return await self._view(turn, case)
        if kind == "cr":
            turn.state.relay_case, turn.state.relay_at = case.id, time.time()
            return Reply(
                f"Écrivez votre message pour {requester(case)} ({case.reference}) : je le lui "
                "transmets. "
                "/annuler pour renoncer.",
                kind="info",
            )
        try:
            if kind == "ca":
                await self.escalation.take(turn.session, case, contact)
                return Reply(
                    f"Vous avez pris en charge la demande {case.reference} ; {requester(case)} "
                    f"en est {'prévenue' if by_family(case) else 'prévenu·e'}. Répondez-lui ici"
                    + (
                        ", puis fixez la date :"
                        if case.kind == "teacher"
                        else ", ou marquez-la résolue ou close :"
                    ),
                    case_choices(case),
                    kind="info",
                )
            status = "resolved" if kind == "cx" else "closed"
            await self.escalation.finish(turn.session, case, contact, status)
        except CaseNotOpen:
            return Reply(not_open(case, await followed_by(turn, case, contact)), kind="info")
        return Reply(f"Demande {case.reference} : {STATUS_LABELS[status]}.", kind="info")

    async def _view(self, turn: Turn, case: Case) -> Reply:
        text = case_text(case, "📁 Demande", self.escalation.directory)
        who = await followed_by(turn, case, (await turn.scope()).contact_for(case))
        text += f"\nSuivie par : {who}" if who else ""
        events = await self.escalation.history(turn.session, case)
        if events:
            text += "\n\nHistorique :"
            for event in events[-10:]:
                at = in_france(event.at)
                text += f"\n• {at:%d/%m %H:%M} {event_label(event.kind, case)}"
        offer_lines, offer_choices = await case_offers(turn.session, case)  # issue #15
        text += "\n".join(["", *offer_lines]) if offer_lines else ""
        return Reply(text, [*offer_choices, *case_choices(case)], kind="case")
