"""The IPE's short form for a new offer (/offre), in vous: pure steps over a dict kept in
State.form (with "kind": "offer"), so a half-filled offer survives a restart."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.cases.communes import CommuneIndex
from bot.placements.vocabulary import LEVEL_LABELS, parse_levels, stored_levels

KIND = "offer"
STEPS = (
    "title",
    "employer",
    "sector",
    "commune",
    "levels",
    "dates",
    "places",
    "description",
    "contact",
    "confirm",
)
QUESTIONS = {
    "title": "Intitulé de l'offre ? (par exemple « Découverte du fournil »)",
    "employer": "Nom de l'entreprise ou de la structure d'accueil ?",
    "sector": "Secteur ou métier ? (par exemple « boulangerie », « informatique »)",
    "commune": "Commune du stage ? (nom ou code postal)",
    "levels": "Pour quelles classes ? Touchez les niveaux puis « Valider », ou écrivez-les "
    "(« 3e;2de »).",
    "dates": "Dates du stage ? Premier et dernier jour, par exemple « 11/01/2027 15/01/2027 ».",
    "places": "Combien de places ?",
    "description": "Une courte description pour les élèves (ou « Passer ») ?",
    "contact": "Contact de l'accueil (nom, téléphone ou e-mail) ? Il n'est jamais montré aux "
    "élèves.",
}
MAX_TEXT = {"title": 200, "employer": 200, "sector": 120, "description": 500, "contact": 300}
NAV = (("⬅️ Retour", "of:back"), ("❌ Annuler", "of:cancel"))
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def new_form() -> dict[str, Any]:
    return {"kind": KIND, "step": "title", "answers": {}}


def is_offer_form(form: dict[str, Any] | None) -> bool:
    return form is not None and form.get("kind") == KIND


def prompt(form: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """The question of the current step and its buttons (label, id)."""
    step = form["step"]
    if step == "confirm":
        return summary(form) + "\n\nEnregistrer cette offre ?", [
            ("✅ Enregistrer l'offre", "of:ok"),
            *NAV,
        ]
    head = f"({STEPS.index(step) + 1}/{len(STEPS) - 1}) "
    buttons: list[tuple[str, str]] = []
    if step == "levels":
        chosen = form.get("levels", [])
        buttons = [
            (("✅ " if key in chosen else "") + label, f"of:lv:{key}")
            for key, label in LEVEL_LABELS.items()
        ]
        buttons.append(("Valider", "of:lv:ok"))
    if step == "description":
        buttons.append(("Passer", "of:skip"))
    return head + QUESTIONS[step], [*buttons, *NAV]


def summary(form: dict[str, Any]) -> str:
    a = form["answers"]
    levels = ", ".join(LEVEL_LABELS[k] for k in a.get("levels", "").split())
    first, last = a.get("first_day", ""), a.get("last_day", "")
    lines = [
        "Récapitulatif de l'offre :",
        f"• Intitulé : {a.get('title', '')}",
        f"• Accueil : {a.get('employer', '')} ({a.get('sector', '')})",
        f"• Lieu : {a.get('commune', '')} ({a.get('postcode', '')}), académie {a.get('academy_id', '')}",
        f"• Classes : {levels}",
        f"• Dates : du {first} au {last}",
        f"• Places : {a.get('places', '')}",
        f"• Description : {a.get('description') or '—'}",
        f"• Contact (caché aux élèves) : {a.get('contact', '')}",
    ]
    return "\n".join(lines)


def _advance(form: dict[str, Any]) -> None:
    form["step"] = STEPS[STEPS.index(form["step"]) + 1]


def back(form: dict[str, Any]) -> None:
    i = STEPS.index(form["step"])
    if i > 0:
        form["step"] = STEPS[i - 1]


def answer_text(
    form: dict[str, Any], text: str, communes: CommuneIndex, allowed: set[str] | None
) -> str | None:
    """Take a typed answer; a re-ask message when it won't do (None: accepted)."""
    step, answers = form["step"], form["answers"]
    text = " ".join(text.split())
    if step in MAX_TEXT:
        if len(text) < 2:
            return "Pouvez-vous préciser en quelques mots ?"
        if len(text) > MAX_TEXT[step]:
            return f"C'est un peu long : moins de {MAX_TEXT[step]} caractères, s'il vous plaît."
        answers[step] = text
    elif step == "commune":
        found = [c for c in communes.resolve(text, limit=3) if c.score >= 95]
        if not found or found[0].academy is None:
            return "Je n'ai pas trouvé cette commune : écrivez son nom ou son code postal."
        commune = found[0]
        if allowed is not None and commune.academy not in allowed:
            return (
                f"{commune.commune} n'est pas dans votre académie : choisissez une autre commune."
            )
        answers.update(
            commune=commune.commune,
            insee=commune.insee,
            postcode=commune.postcode,
            departement=commune.departement,
            academy_id=commune.academy,
        )
    elif step == "levels":
        keys, bad = parse_levels(text)
        if bad or not keys:
            return "Niveaux possibles : 4e, 3e, 2de, CAP, bac pro, BTS (séparés par « ; »)."
        form["levels"] = keys
        answers["levels"] = stored_levels(keys)
    elif step == "dates":
        days = parse_days(text)
        if not days:
            return "Je n'ai pas compris les dates : par exemple « 11/01/2027 15/01/2027 »."
        first, last = days[0], days[-1]
        if last < first:
            return "Le dernier jour est avant le premier : pouvez-vous corriger ?"
        if last < date.today():
            return "Ces dates sont passées : pouvez-vous corriger ?"
        answers.update(first_day=first.isoformat(), last_day=last.isoformat())
    elif step == "places":
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 500:
            return "Écrivez un nombre de places entre 1 et 500."
        answers["places"] = int(text)
    else:
        return "Utilisez les boutons ci-dessous, s'il vous plaît."
    _advance(form)
    return None


def answer_choice(form: dict[str, Any], choice: str) -> str:
    """A button: "cancel", "back", "save", "ok" or "invalid"."""
    if choice in ("cancel", "back"):
        if choice == "back":
            back(form)
        return choice
    kind, _, arg = choice.partition(":")
    step = form["step"]
    if step == "levels" and kind == "lv":
        chosen = form.setdefault("levels", [])
        if arg == "ok":
            if not chosen:
                return "invalid"
            form["answers"]["levels"] = stored_levels(chosen)
            _advance(form)
        elif arg in LEVEL_LABELS:
            chosen.remove(arg) if arg in chosen else chosen.append(arg)
        else:
            return "invalid"
        return "ok"
    if step == "description" and kind == "skip":
        form["answers"]["description"] = ""
        _advance(form)
        return "ok"
    if step == "confirm" and kind == "ok":
        return "save"
    return "invalid"


def parse_days(text: str) -> list[date]:
    days = []
    for match in _DATE.finditer(text):
        y, m, d = match.group(1, 2, 3) if match.group(1) else (match[6], match[5], match[4])
        try:
            days.append(date(int(y), int(m), int(d)))
        except ValueError:
            return []
    return days


def placement_fields(form: dict[str, Any]) -> dict[str, Any]:
    """The answers as repository.add takes them."""
    a = dict(form["answers"])
    a["first_day"] = date.fromisoformat(a["first_day"])
    a["last_day"] = date.fromisoformat(a["last_day"])
    a.setdefault("description", "")
    return a
