"""How a teacher's request reads: its kinds, formats, fields and statuses, in French (vous)."""

from __future__ import annotations

ACTION_CHOICES = {
    "talk": "Un·e professionnel·le qui intervient en classe",
    "visit": "Une visite d'entreprise",
    "project": "De l'aide pour un projet de classe",
    "immersion": "Une immersion en entreprise pour moi",
    "other": "Autre chose",
}
ACTION_SHORT = {  # the report's and the notices' short names
    "talk": "intervention en classe",
    "visit": "visite d'entreprise",
    "project": "projet de classe",
    "immersion": "immersion d'enseignant·e",
    "other": "autre",
}
FORMAT_CHOICES = {
    "class": "En classe",
    "company": "Dans l'entreprise",
    "video": "En visio",
    "any": "Peu importe",
}
TEACHER_LEVELS = {
    "college": "Collège (6e-4e)",
    "3e": "3e",
    "lycee": "Lycée général et techno",
    "lp": "Lycée pro / CAP",
    "bts": "BTS / post-bac",
    "autre": "Autre",
}
TEACHER_CONTACT_CHOICES = {
    "bot": "Par cette messagerie (recommandé)",
    "school": "Par l'établissement",
}
TEACHER_FIELDS = {
    "action": "Demande",
    "academy": "Académie",
    "school": "Établissement",
    "commune": "Commune",
    "level": "Classe",
    "pupils": "Nombre d'élèves",
    "theme": "Thème ou secteurs",
    "period": "Période souhaitée",
    "format": "Format",
    "constraints": "Contraintes",
    "contact": "Réponse",
}
TEACHER_STATUS = {
    "new": "reçue",
    "acknowledged": "prise en charge",
    "scheduled": "date fixée",
    "resolved": "réalisée",
    "closed": "close",
}
FEEDBACK_CHOICES = {"good": "👍 Très bien", "mixed": "😐 Moyennement", "bad": "👎 Mal"}
FEEDBACK_LABELS = {
    "good": "très bien",
    "mixed": "moyennement",
    "bad": "mal",
    "none": "n'a pas eu lieu",
}
# the buttons that pass a step, and what the summary then says
TEACHER_SKIPPED = {
    "theme": "À voir avec l'IPE",
    "period": "Pas encore fixée",
    "constraints": "Aucune",
}
_VALUES = {
    "action": ACTION_CHOICES,
    "format": FORMAT_CHOICES,
    "level": TEACHER_LEVELS,
    "contact": TEACHER_CONTACT_CHOICES,
}


def display_teacher_answers(answers: dict[str, str], academy_name: str | None) -> dict[str, str]:
    """The answers as labelled values (the académie by its name), in the form's order."""
    out = {}
    for key in TEACHER_FIELDS:
        if key not in answers:
            continue
        value = answers[key]
        if key == "academy":
            value = academy_name or value
        elif key in _VALUES:
            value = _VALUES[key].get(value, value)
        out[key] = value or TEACHER_SKIPPED.get(key, "—")  # a step passed by its button says so
    return out
