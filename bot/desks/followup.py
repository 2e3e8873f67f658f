"""After an IPE takes a teacher's request: the agreed date and company (typed by the IPE after
📅 under the case), and the teacher's feedback after the date (buttons, then a number).

`State.case_input` says which typed value is awaited; any other command or button drops it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.cases.dates import (
    DATE_LIKE,
    Agreed,
    day_warning,
    french_date,
    parse_agreed,
    today_in_france,
)
from bot.cases.details import case_choices, is_teacher
from bot.cases.followup import (
    agreed_when,
    record_feedback,
    schedule,
    set_company,
    with_company,
)
from bot.cases.service import CaseNotOpen, EscalationService
from bot.cases.teacher_details import FEEDBACK_CHOICES, TEACHER_STATUS
from bot.desks.ipe import IPE_ONLY
from bot.desks.turn import Turn
from bot.messages import Choice, Reply, parse_id
from bot.store.models import Case

DATE_PROBLEMS = {
    "format": "Je n'ai pas reconnu la date. Écrivez-la comme « 12/03 », « 12 mars 2027 » ou "
    "« 12/03 de 9h à 12h ».",
    "hours": "Je n'ai pas reconnu l'heure : par exemple « 12/03 à 9h » ou « 12/03 de 9h à 12h ».",
    "invalid": "Cette date n'existe pas : vérifiez le jour et le mois.",
    "past": "Cette date est passée : indiquez la date à venir.",
    "far": "Cette date est à plus d'un an et demi : vérifiez l'année.",
}
MAX_PUPILS = 1000
_NUMBER = re.compile(r"\b(\d{1,4})\b")


def _not_open(case: Case) -> Reply:
    return Reply(f"La demande {case.reference} est {TEACHER_STATUS[case.status]}.", kind="info")


@dataclass
class FollowupDesk:
    escalation: EscalationService

    async def set_date(self, turn: Turn) -> Reply:
        """📅 under a teacher's case (cd:ID), or « Passer » at the company (cd:ID:-)."""
        _, _, rest = turn.incoming.text.partition(":")
        arg, _, extra = rest.partition(":")
        case = await self._ipe_case(turn, parse_id(arg))
        if case is None:
            return Reply(IPE_ONLY if not (await turn.scope()).staff else "Demande introuvable.")
        waiting = turn.state.case_input or {}
        if extra == "-" and waiting.get("case") == case.id and waiting.get("step") == "company":
            turn.state.case_input = None  # the date is saved; the company stays as it was
            return self._saved(case)
        if extra == "ok" and waiting.get("case") == case.id and waiting.get("step") == "confirm":
            day, hours = date.fromisoformat(waiting["date"]), waiting.get("hours", "")
            agreed = Agreed(day, hours, rest=waiting.get("company", ""))
            return await self._fix(turn, case, agreed)  # a weekend or holiday, confirmed
        if case.status not in ("acknowledged", "scheduled"):
            return _not_open(case)
        turn.state.case_input = {"case": case.id, "step": "date"}
        return Reply(
            f"Date convenue pour {case.reference} ? Par exemple « 12/03 », « 12 mars 2027 » ou "
            "« 12/03 de 9h à 12h ». /annuler pour renoncer.",
            kind="info",
        )

    async def typed(self, turn: Turn) -> Reply:
        """The value awaited: a date, a company (IPE), a number of pupils (teacher)."""
        waiting = turn.state.case_input or {}
        step, text = waiting.get("step"), " ".join(turn.incoming.text.split())
        if step == "pupils":
            return await self._pupils(turn, waiting, text)
        case = await self._ipe_case(turn, waiting.get("case"))
        if case is None:
            turn.state.case_input = None
            return Reply(IPE_ONLY, kind="info")
        agreed = parse_agreed(text, today_in_france())
        if step == "company" and agreed.problem == "format" and DATE_LIKE.search(text):
            return Reply(DATE_PROBLEMS["format"] + " (ou le nom de l'entreprise)", kind="info")
        if step == "company" and agreed.problem == "format":  # (a date typed here corrects it)
            turn.state.case_input = None
            contact = (await turn.scope()).contact_for(case)
            try:
                await set_company(turn.session, self.escalation.directory, case, contact, text)
            except CaseNotOpen:
                return _not_open(case)
            return self._saved(case)
        if agreed.problem == "weekday" and agreed.day is not None:
            return Reply(
                f"Le {french_date(agreed.day).split(' ', 1)[1]} est un "
                f"{french_date(agreed.day).split()[0]}, pas un {agreed.said_weekday} : retapez "
                "la date (sans le jour de la semaine si c'est bien le bon). /annuler pour renoncer.",
                kind="info",
            )
        if agreed.day is None:
            return Reply(DATE_PROBLEMS[agreed.problem] + " /annuler pour renoncer.", kind="info")
        warning = day_warning(agreed.day)
        if warning:  # a weekend or a public holiday: confirmed before the teacher hears of it
            turn.state.case_input = {
                "case": case.id,
                "step": "confirm",
                "date": agreed.day.isoformat(),
                "hours": agreed.hours,
                "company": agreed.rest,
            }
            return Reply(
                f"{warning} Le {french_date(agreed.day)}, c'est bien cela ? Sinon, retapez la "
                "date.",
                [Choice("✅ Oui, cette date", f"cd:{case.id}:ok")],
                kind="info",
            )
        return await self._fix(turn, case, agreed)

    async def _fix(self, turn: Turn, case: Case, agreed: Agreed) -> Reply:
        """The date saved at once and the teacher told; then the company is asked."""
        assert agreed.day is not None
        contact = (await turn.scope()).contact_for(case)
        try:  # saved at once: nothing is lost if the IPE does something else next
            await schedule(
                turn.session, self.escalation.directory, case, contact, agreed.day, agreed.hours
            )
            if agreed.rest:  # « le 14 avril à 10h, Mme Martin d'EDF »: not asked again
                await set_company(
                    turn.session, self.escalation.directory, case, contact, agreed.rest
                )
        except CaseNotOpen:
            turn.state.case_input = None
            return _not_open(case)
        if agreed.rest:
            turn.state.case_input = None
            return self._saved(case)
        turn.state.case_input = {"case": case.id, "step": "company"}
        keep = f"Garder « {case.company[:40]} »" if case.company else "Passer"
        return Reply(
            f"📅 {case.reference} : date fixée au {agreed_when(case)}. L'enseignant·e est "
            "prévenu·e. Quelle entreprise (ou quel organisme) intervient ?",
            [Choice(keep, f"cd:{case.id}:-")],
            kind="info",
        )

    async def feedback(self, turn: Turn) -> Reply:
        """The teacher's answer to « Cela s'est-il bien passé ? » (tf:ID:good|mixed|bad|none)."""
        _, _, rest = turn.incoming.text.partition(":")
        arg, _, rating = rest.partition(":")
        case = await self._teachers_case(turn, parse_id(arg))
        if case is None or (rating not in FEEDBACK_CHOICES and rating != "none"):
            return Reply("Ce bouton n'est pas valable.", kind="info")
        if case.status != "scheduled":
            return Reply(f"Merci, votre retour sur {case.reference} est déjà noté.", kind="info")
        if rating == "none":
            await record_feedback(turn.session, self.escalation.router, case, "none", None)
            return Reply(
                f"C'est noté : l'ingénieur pour l'école est prévenu et vous proposera une autre "
                f"date pour {case.reference}.",
                kind="info",
            )
        turn.state.case_input = {"case": case.id, "step": "pupils", "rating": rating}
        return Reply("Merci ! Combien d'élèves y ont participé ? (un nombre)", kind="info")

    async def _pupils(self, turn: Turn, waiting: dict, text: str) -> Reply:
        case = await self._teachers_case(turn, waiting.get("case"))
        if case is None:
            turn.state.case_input = None
            return Reply("Cette demande n'est plus disponible.", kind="info")
        number = _NUMBER.search(text)
        count = int(number[1]) if number else -1
        if not 0 <= count <= MAX_PUPILS:
            return Reply(f"Indiquez un nombre d'élèves, entre 0 et {MAX_PUPILS}.", kind="info")
        turn.state.case_input = None
        try:
            await record_feedback(
                turn.session, self.escalation.router, case, waiting["rating"], count
            )
        except CaseNotOpen:
            return Reply(f"Merci, votre retour sur {case.reference} est déjà noté.", kind="info")
        return Reply(
            f"Merci, c'est noté ({count} élève(s)) : la demande {case.reference} est close. "
            "Pour une nouvelle demande : /intervention.",
            kind="info",
        )

    def _saved(self, case: Case) -> Reply:
        when = agreed_when(case) if case.event_date is not None else "?"
        return Reply(
            f"📅 {case.reference} : date fixée au {when}{with_company(case)}. L'enseignant·e est "
            "prévenu·e ; je vous "
            "le rappellerai à tous deux quelques jours avant, puis je lui demanderai comment "
            "cela s'est passé.",
            case_choices(case),
            kind="info",
        )

    async def _ipe_case(self, turn: Turn, case_id: int | None) -> Case | None:
        if case_id is None:
            return None
        case = await self.escalation.visible_case(turn.session, await turn.scope(), case_id)
        return case if case is not None and is_teacher(case) else None

    async def _teachers_case(self, turn: Turn, case_id: int | None) -> Case | None:
        case = await turn.session.get(Case, case_id) if case_id is not None else None
        if case is None or not is_teacher(case) or case.pupil_chat_id != turn.chat_id:
            return None
        return case
