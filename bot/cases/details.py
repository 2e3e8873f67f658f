"""How a case reads: its fields, statuses and the text of its notices, in French."""

from __future__ import annotations

import json

from bot.cases.academies import AcademyDirectory, of_academy
from bot.messages import Choice
from bot.store.models import Case

STATUS_LABELS = {
    "new": "nouvelle",
    "acknowledged": "prise en charge",
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
        elif key == "contact":
            value = CONTACT_CHOICES.get(value, value)
            adult = ADULT_CHOICES.get(answers.get("contact_adult", ""))
            if adult:  # whom the IPE should contact at the school
                name = answers.get("contact_name")
                value += f" — à contacter : {adult.lower()}" + (f" ({name})" if name else "")
        out[key] = value or "—"
    return out


EVENT_LABELS = {
    "created": "demande envoyée par l'élève",
    "acknowledged": "prise en charge",
    "resolved": "marquée résolue",
    "closed": "close sans suite",
    "message-to-pupil": "message à l'élève",
    "message-from-pupil": "message de l'élève",
    "notified:new": "avis envoyé",
    "notified:reminder": "rappel envoyé",
    "notified:silent": "rappel : l'élève attend une réponse",
    "notified:fallback": "transmise au relais de l'académie",
    "notified:reroute": "transmise à un autre contact",
    "nobody-to-notify": "personne à prévenir : administrateurs alertés",
}


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind)


def academy_name(directory: AcademyDirectory, academy_id: str) -> str:
    academy = directory.academies.get(academy_id)
    return academy.name if academy else academy_id


def case_text(case: Case, title: str, directory: AcademyDirectory) -> str:
    """The notice or view of a case: reference, académie, status and the pupil's answers."""
    answers = json.loads(case.details or "{}")
    lines = [
        f"{title} {case.reference} — académie {of_academy(academy_name(directory, case.academy_id))}"
    ]
    lines.append(f"Statut : {STATUS_LABELS.get(case.status, case.status)}")
    if case.erased:
        lines.append("(données personnelles effacées à la demande de l'élève)")
    for key, value in display_answers(answers, directory).items():
        if key != "academy":
            lines.append(f"• {FIELD_LABELS[key]} : {value}")
    return "\n".join(lines)


def case_choices(case: Case) -> list[Choice]:
    """The IPE's buttons under a case, by status."""
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
