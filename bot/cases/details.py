"""How a case reads: its fields, statuses and the text of its notices, in French."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.cases.academies import AcademyDirectory, of_academy
from bot.cases.dates import in_france
from bot.cases.teacher_details import (
    ACTION_SHORT,
    FEEDBACK_LABELS,
    TEACHER_FIELDS,
    TEACHER_STATUS,
    display_teacher_answers,
)
from bot.messages import Choice
from bot.store.models import Case, aware, utcnow

STATUS_LABELS = {
    "new": "nouvelle",
    "acknowledged": "prise en charge",
    "scheduled": "date fixée",
    "resolved": "résolue",
    "closed": "close",
}
LEVEL_CHOICES = {
    "4e": "4e",
    "3e": "3e",
    "2de": "2de générale et techno",
    "cap": "CAP",
    "bacpro": "Bac pro",
    "bts": "BTS",
    "autre": "Autre",
}
CONTACT_CHOICES = {
    "bot": "Par cette messagerie (recommandé)",
    "school": "Par mon établissement",
}
# "Par mon établissement": the adult the IPE should contact (a role; a name only if typed)
ADULT_CHOICES = {
    "pp": "Professeur principal",
    "cpe": "CPE",
    "prof": "Un professeur de la classe",
    "ddfpt": "Bureau des entreprises / DDFPT",
    "other": "Un autre adulte",
}
MAX_ADULT_NAME = 80
# a step passed with its button says so in the summary, rather than "—"
SKIPPED = {
    "period": "Je ne sais pas",
    "sectors": "Peu importe",
    "place": "Je ne sais pas",
    "tried": "Rien encore",
}
FIELD_LABELS = {
    "academy": "Académie",
    "school": "Établissement",
    "level": "Classe",
    "period": "Période ou date limite",
    "sectors": "Secteurs souhaités",
    "place": "Ville et distance possible",
    "tried": "Déjà essayé",
    "contact": "Réponse",
}


def display_answers(answers: dict[str, str], directory: AcademyDirectory) -> dict[str, str]:
    out = {}
    for key in FIELD_LABELS:
        if key not in answers:
            continue
        value = answers[key]
        if key == "academy":
            academy = directory.academies.get(value)
            value = academy.name if academy else value
        elif key == "level":
            value = LEVEL_CHOICES.get(value, value)
            year = answers.get("level_year")  # « Bac pro, 2de », « CAP, 1re année »
            value += f", {year}" if year else ""
        elif key == "contact":
            value = CONTACT_CHOICES.get(value, value).removesuffix(" (recommandé)")
            adult = ADULT_CHOICES.get(answers.get("contact_adult", ""))
            if adult:  # whom the IPE should contact at the school
                name = answers.get("contact_name")
                value += f" — à contacter : {adult.lower()}" + (f" ({name})" if name else "")
        out[key] = value or SKIPPED.get(key, "—")
    return out


EVENT_LABELS = {
    "created": "demande envoyée par l'élève",
    "acknowledged": "prise en charge",
    "resolved": "marquée résolue",
    "closed": "close sans suite",
    "reopened": "rouverte par l'élève",
    "notified:reopened": "avis de réouverture envoyé",
    "message-to-pupil": "message à l'élève",
    "message-from-pupil": "message de l'élève",
    "message-from-pupil:concern": "⚠️ message préoccupant de l'élève (numéros d'aide donnés)",
    "notified:new": "avis envoyé",
    "notified:reminder": "rappel envoyé",
    "notified:silent": "rappel : l'élève attend une réponse",
    "notified:fallback": "transmise au relais de l'académie",
    "notified:reroute": "transmise à un autre contact",
    "nobody-to-notify": "personne à prévenir : administrateurs alertés",
    "scheduled": "date fixée",
    "company": "entreprise notée",
    "feedback": "retour de l'enseignant·e",
    "not-held": "n'a pas eu lieu : à reprogrammer",
    "notified:soon": "rappel avant la date",
    "notified:feedback": "question de bilan envoyée",
}


def event_label(kind: str, case: Case | None = None) -> str:
    label = EVENT_LABELS.get(kind, kind)
    if is_teacher(case):
        return label.replace("l'élève", "l'enseignant·e")
    return label.replace("l'élève", "la famille") if by_family(case) else label


def is_teacher(case: Case | None) -> bool:
    return case is not None and case.kind == "teacher"


def status_label(case: Case) -> str:
    """The status as the case's requester reads it (a teacher's: reçue … réalisée)."""
    labels = TEACHER_STATUS if is_teacher(case) else STATUS_LABELS
    return labels.get(case.status, case.status)


def last_request(case: Case | None, role: str | None) -> str:
    """« Ta demande LYO-2026-0001 est résolue (le 03/12). », said before « no request open »
    when the requester's latest one was resolved or closed: not forgotten."""
    if case is None or case.status not in ("resolved", "closed"):
        return ""
    when = case.resolved_at if case.status == "resolved" else case.closed_at
    day = f" (le {in_france(when):%d/%m})" if when else ""
    own = "Votre" if role == "teacher" or adult_asks(case) else "Ta"
    return f"{own} dernière demande, {case.reference}, est {status_label(case)}{day}. "


def by_family(case: Case | None) -> bool:
    """A pupil's request filed by a parent (desks.parents): answered in vous."""
    if case is None or is_teacher(case) or not case.details:
        return False
    return json.loads(case.details).get("by") == "parent"


def adult_asks(case: Case) -> bool:
    """A teacher's request or one a parent filed: an adult writes, so their own phone number
    or e-mail is theirs to give (no hold, no reminder to the IPE)."""
    return is_teacher(case) or by_family(case)


def via_school(case: Case) -> bool:
    """The pupil asked to be reached through their school (« Par mon établissement »)."""
    return not is_teacher(case) and json.loads(case.details or "{}").get("contact") == "school"


def requester(case: Case) -> str:
    """ "l'élève", "la famille de l'élève" or "l'enseignant·e": who made the request, in the
    IPE's texts."""
    if is_teacher(case):
        return "l'enseignant·e"
    return "la famille de l'élève" if by_family(case) else "l'élève"


def academy_name(directory: AcademyDirectory, academy_id: str) -> str:
    academy = directory.academies.get(academy_id)
    return academy.name if academy else academy_id


def case_text(case: Case, title: str, directory: AcademyDirectory) -> str:
    """The notice or view of a case: reference, académie, status and the pupil's answers."""
    answers = json.loads(case.details or "{}")
    academy = academy_name(directory, case.academy_id)
    lines = [f"{title} {case.reference} — académie {of_academy(academy)}"]
    lines.append(f"Statut : {status_label(case)}")
    if case.erased:
        lines.append(f"(données personnelles effacées à la demande de {requester(case)})")
    if by_family(case):
        lines.append("Demande faite par un parent, pour son enfant")
    if is_teacher(case):
        shown, labels = display_teacher_answers(answers, academy), TEACHER_FIELDS
    else:
        shown, labels = display_answers(answers, directory), FIELD_LABELS
    for key, value in shown.items():
        if key != "academy":
            lines.append(f"• {labels[key]} : {value}")
    lines.extend(followup_lines(case))
    return "\n".join(lines)


def followup_lines(case: Case) -> list[str]:
    """A teacher's request once scheduled: the date, the company, the feedback."""
    lines = []
    if case.event_date is not None:
        hours = f" {case.event_hours}" if case.event_hours else ""
        lines.append(f"📅 Date convenue : {case.event_date:%d/%m/%Y}{hours}")
    if case.company:
        lines.append(f"🏢 Entreprise : {case.company}")
    if case.feedback:
        reached = f", {case.pupils_reached} élève(s)" if case.pupils_reached else ""
        lines.append(f"Bilan : {FEEDBACK_LABELS.get(case.feedback, case.feedback)}{reached}")
    return lines


def short_kind(case: Case) -> str:
    """ "visite d'entreprise"…, or "" for a pupil's request (for the IPE's lists)."""
    if not is_teacher(case):
        return ""
    return ACTION_SHORT.get(json.loads(case.details or "{}").get("action", ""), "")


def case_choices(case: Case) -> list[Choice]:
    """The IPE's buttons under a case, by status (a teacher's: the date, not « Résolu »)."""
    reply = Choice(f"✉️ Répondre à {requester(case)}", f"cr:{case.id}")
    if case.status == "new":
        return [Choice("✋ Je prends en charge", f"ca:{case.id}"), reply]
    if is_teacher(case) and case.status in ("acknowledged", "scheduled"):
        label = "📅 Changer la date" if case.event_date else "📅 Fixer la date et l'entreprise"
        return [reply, Choice(label, f"cd:{case.id}"), Choice("🗂 Clore", f"cc:{case.id}")]
    if case.status == "acknowledged":
        return [
            reply,
            Choice("✅ Résolu", f"cx:{case.id}"),
            Choice("🗂 Clore sans suite", f"cc:{case.id}"),
        ]
    return [reply] if recently_resolved(case) else []


TALK_AFTER_RESOLVED = timedelta(days=7)  # « merci ! », the address: still passed on


def recently_resolved(case: Case) -> bool:
    """Resolved (not closed) within TALK_AFTER_RESOLVED: pupil and IPE may still write."""
    if case.status != "resolved" or case.resolved_at is None or case.pupil_chat_id is None:
        return False
    return utcnow() - aware(case.resolved_at) < TALK_AFTER_RESOLVED


REOPEN_WITHIN = timedelta(days=30)  # « j'ai toujours pas de stage » after the request ended


def reopenable(case: Case | None) -> bool:
    """A pupil's or a family's request resolved or closed within REOPEN_WITHIN, not erased:
    its requester may reopen it rather than lose what they write (service.reopen)."""
    if case is None or is_teacher(case) or case.erased or case.pupil_chat_id is None:
        return False
    if case.status not in ("resolved", "closed") or case.closed_at is None:
        return False
    return utcnow() - aware(case.closed_at) < REOPEN_WITHIN
