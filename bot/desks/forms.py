"""The pupil's request form: steps, validation with helpful re-asks, back, cancel, consent.

Pure logic over a dict kept in the user's State, so a half-filled form survives a restart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.cases.academies import AcademyDirectory, fold, of_academy
from bot.cases.details import (
    ADULT_CHOICES,
    CONTACT_CHOICES,
    FIELD_LABELS,
    LEVEL_CHOICES,
    MAX_ADULT_NAME,
    display_answers,
)
from bot.cases.urgency import read_deadline
from bot.desks import academy_step, form_checks, nobody
from bot.desks.academy_step import answer_academy
from bot.desks.class_words import other_class, parse_level, plain, pro_year
from bot.messages import by_role
from bot.understanding.privacy import scrub_contact

MAX_ANSWER = 300
FREE_TEXT = ("school", "period", "sectors", "place", "tried")  # steps that keep what is typed
STEPS = ("academy", "school", "level", "period", "sectors", "place", "tried", "contact", "consent")
# after "Par mon établissement" at the contact step: which adult, and optionally their name
CONTACT_STEPS = ("contact_adult", "contact_name")
_BEFORE = {"contact_adult": "contact", "contact_name": "contact_adult"}


@dataclass(frozen=True)
class FormPrompt:
    """What to say at a step: text, and buttons as (label, choice id)."""

    text: str
    choices: tuple[tuple[str, str], ...] = ()


def new_form() -> dict[str, Any]:
    return {"step": "academy", "answers": {}, "pending_academy": None}


NAV = (("⬅️ Retour", "f:back"), ("❌ Annuler", "f:cancel"))


def prompt(form: dict[str, Any], role: str | None, directory: AcademyDirectory) -> FormPrompt:
    """The question of the current step."""
    step = form["step"]
    shown = [s for s in STEPS if s not in form.get("given", ())]  # pre-filled: never asked
    n = shown.index("contact" if step in CONTACT_STEPS else step) + 1
    head = f"({n}/{len(shown) - 1}) " if step != "consent" else ""
    if step == "academy":
        return FormPrompt(*academy_step.prompt(form, role, directory, head, NAV[1]))
    if step == "school" and form.get("known_school"):
        return FormPrompt(
            head
            + by_role(
                role,
                f"Ton établissement est bien : {form['known_school']} ? Sinon, écris son nom et "
                "sa ville.",
                f"L'établissement est-il bien : {form['known_school']} ? Sinon, écrivez son nom "
                "et sa ville.",
            ),
            (("✅ Oui", "f:sc"), *NAV),
        )
    if step == "school":
        return FormPrompt(
            head
            + by_role(
                role,
                "Quel est le nom de ton collège ou lycée, et sa ville ?",
                "Quel est le nom de l'établissement, et sa ville ?",
            ),
            NAV,
        )
    if step == "level":
        choices = tuple((label, f"f:lv:{key}") for key, label in LEVEL_CHOICES.items())
        return FormPrompt(
            head + by_role(role, "En quelle classe es-tu ?", "En quelle classe est l'élève ?"),
            choices + NAV,
        )
    if step == "period":
        return FormPrompt(
            head
            + by_role(
                role,
                "Quand a lieu ton stage (dates, ou date limite pour rendre la convention) ? "
                "Par exemple « du 12 au 16 janvier » ou « avant les vacances de février ».",
                "Quand a lieu le stage (dates, ou date limite de la convention) ?",
            ),
            (("Je ne sais pas", "f:skip"), *NAV),
        )
    if step == "sectors":
        return FormPrompt(
            head
            + by_role(
                role,
                "Dans quels métiers ou secteurs aimerais-tu faire ton stage ? (par exemple « boulangerie, informatique »)",
                "Quels métiers ou secteurs intéressent l'élève ?",
            ),
            (("Peu importe", "f:skip"), *NAV),
        )
    if step == "place":
        return FormPrompt(
            head
            + by_role(
                role,
                "Dans quelle ville peux-tu faire ton stage, et jusqu'où peux-tu aller (en km ou "
                "en temps de trajet) ? Par exemple « Créteil, 30 minutes en bus ».",
                "Dans quelle ville, et jusqu'à quelle distance l'élève peut-il se déplacer ?",
            ),
            NAV,
        )
    if step == "tried":
        return FormPrompt(
            head
            + by_role(
                role,
                "Qu'as-tu déjà essayé ? (entreprises contactées, réponses reçues…)",
                "Qu'a déjà essayé l'élève ? (entreprises contactées, réponses…)",
            ),
            (("Rien encore", "f:skip"), *NAV),
        )
    if step == "contact":
        choices = tuple((label, f"f:ct:{key}") for key, label in CONTACT_CHOICES.items())
        return FormPrompt(
            head
            + by_role(
                role,
                "Par où préfères-tu recevoir la réponse de l'ingénieur pour l'école ?",
                "Par où préférez-vous recevoir la réponse de l'ingénieur pour l'école ?",
            ),
            choices + NAV,
        )
    if step == "contact_adult":
        choices = tuple((label, f"f:ad:{key}") for key, label in ADULT_CHOICES.items())
        return FormPrompt(
            head
            + by_role(
                role,
                "Quel adulte de ton établissement l'ingénieur pour l'école doit-il contacter ?",
                "Quel adulte de l'établissement l'ingénieur pour l'école doit-il contacter ?",
            ),
            choices + NAV,
        )
    if step == "contact_name":
        return FormPrompt(
            head
            + by_role(
                role,
                "Si tu veux, écris son nom (par exemple « Mme Martin ») : ça aide l'ingénieur "
                "à le joindre. Sinon, appuie sur « Passer ».",
                "Si vous le souhaitez, indiquez son nom (par exemple « Mme Martin »). Sinon, "
                "« Passer ».",
            ),
            (("Passer", "f:skip"), *NAV),
        )
    consent = by_role(
        role,
        "En appuyant sur « J'accepte », tu acceptes que ces informations soient transmises à "
        "un ingénieur pour l'école de ton académie, pour t'aider à trouver un stage. "
        "Rien n'est envoyé sans ton accord, et tu peux tout effacer avec /oublier.",
        "En appuyant sur « J'accepte », vous acceptez que ces informations soient transmises "
        "à un ingénieur pour l'école de l'académie. Rien n'est envoyé sans votre accord ; "
        "/oublier efface tout.",
    )
    if form.get("nobody"):  # nobody registered for the académie (desks.pupil): no promise
        consent = by_role(
            role,
            "En appuyant sur « J'accepte », tu acceptes que ces informations soient enregistrées "
            "pour ton académie. Aucun ingénieur pour l'école n'y est encore inscrit : "
            f"{nobody.will_be_told(form['nobody'])} Tu peux tout effacer avec /oublier.",
            "En appuyant sur « J'accepte », vous acceptez que ces informations soient "
            "enregistrées pour l'académie. Aucun ingénieur pour l'école n'y est encore inscrit : "
            f"{nobody.will_be_told(form['nobody'])} /oublier efface tout.",
        )
    return FormPrompt(
        summary(form, directory, role) + "\n\n" + consent,
        (("✅ J'accepte, envoyer", "f:ok"), *NAV),
    )


def summary(form: dict[str, Any], directory: AcademyDirectory, role: str | None = "pupil") -> str:
    """The answers as the pupil will see them before consenting (plain text)."""
    lines = [by_role(role, "Récapitulatif de ta demande :", "Récapitulatif de la demande :")]
    for key, value in display_answers(form["answers"], directory).items():
        lines.append(f"• {FIELD_LABELS[key]} : {value}")
    return "\n".join(lines)


def next_unanswered(steps: tuple[str, ...], form: dict[str, Any]) -> str:
    """The step after the current one that is not answered yet (consent is always asked);
    shared with the teacher's form (`teacher_forms`)."""
    i = steps.index(form["step"]) + 1
    while steps[i] in form["answers"] and steps[i] != "consent":
        i += 1
    return steps[i]


_SCHOOL_WORDS = re.compile(r"\b(college|lycee|ecole|cfa|lp|lgt|institut|ensemble|campus|clg)\b")


_UNSURE = (
    r"jsp|jsais pas|je sais pas|je ne sais pas|sais pas|chai pas|aucune idee|idk|i don ?t know"
    r"|dunno|no idea|pas encore|pas sur|pas sure|on sait pas|je (?:ne )?sais pas encore"
)
_ANY = r"nimporte(?: quoi)?|n importe(?: quoi)?|peu importe|whatever|anything|tout|tout me va"
_AS_SKIP = {
    "period": re.compile(rf"^(?:{_UNSURE})$"),
    "sectors": re.compile(rf"^(?:{_ANY}|{_UNSURE})$"),
    "tried": re.compile(r"^(?:rien|rien encore|nothing|nothing yet|pas encore|aucune|aucun)$"),
    "place": re.compile(rf"^(?:{_UNSURE})$"),  # « jsp » is no town
}


def _date_not_school(text: str) -> bool:
    """« du 19 au 23 janvier » typed where the school is asked."""
    return read_deadline(text, date.today()) is not None and not _SCHOOL_WORDS.search(fold(text))


def _advance(form: dict[str, Any]) -> None:
    """The next step not already answered (an offer fills some in: desks.request)."""
    form["step"] = next_unanswered(STEPS, form)


def back(form: dict[str, Any]) -> None:
    step = form["step"]
    form["pending_academy"] = None
    if step == "consent" and form["answers"].get("contact") == "school":
        form["step"] = "contact_name"
    elif step in CONTACT_STEPS:
        form["step"] = _BEFORE[step]
    elif STEPS.index(step) > 0:
        i = STEPS.index(step) - 1
        while i > 0 and STEPS[i] in form.get("given", ()):  # the last question actually asked
            i -= 1
        form["step"] = STEPS[i]
    form["answers"].pop(form["step"], None)


def prefill(form: dict[str, Any], step: str, value: str) -> None:
    """An answer known before the form (the class said earlier, an offer's place): the step is
    not asked, not counted, and ⬅️ Retour passes over it."""
    form["answers"][step] = value
    form.setdefault("given", []).append(step)


def shortened(text: str) -> str:
    """The first MAX_ANSWER characters, cut between words, with « … »."""
    cut = text[: MAX_ANSWER - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[-40:] else cut) + "…"


def answer_text(
    form: dict[str, Any], text: str, role: str | None, directory: AcademyDirectory
) -> str | None:
    """Take a typed answer for the current step; return a re-ask message when it won't do."""
    step = form["step"]
    text = " ".join(text.split())
    if len(text) > MAX_ANSWER and step in FREE_TEXT:  # kept, cut: nothing to retype
        form["answers"][step] = scrub_contact(shortened(text))
        _advance(form)
        return by_role(
            role,
            f"C'était long : j'ai gardé le début ({MAX_ANSWER} caractères). Tout le reste, tu "
            "pourras l'écrire à l'ingénieur pour l'école dans vos messages ensuite.",
            f"C'était long : j'ai gardé le début ({MAX_ANSWER} caractères) ; le reste pourra "
            "être précisé à l'ingénieur pour l'école dans sa réponse.",
        )
    if len(text) > MAX_ANSWER:
        return by_role(
            role,
            f"C'est un peu long : écris-le en moins de {MAX_ANSWER} caractères, s'il te plaît.",
            f"C'est un peu long : moins de {MAX_ANSWER} caractères, s'il vous plaît.",
        )
    if step == "academy":
        problem = answer_academy(form, text, role, directory)
        if form["answers"].get("academy") and not form.get("pending_academy"):
            _advance(form)
            academy = directory.academies.get(form["answers"]["academy"])
            if problem is None and academy is not None:  # said, so a wrong guess can be undone
                name = of_academy(academy.name)  # the same words for tu and vous
                return f"C'est noté : académie {name} (⬅️ Retour si ce n'est pas la bonne)."
        return problem
    if step == "level":
        level = parse_level(text)
        other = None if level else other_class(text)  # « terminale »: Autre, as typed
        if level is None and other is None:
            return by_role(
                role,
                "Choisis ta classe avec les boutons, ou écris-la (par exemple « 3e », « CAP », « BTS »).",
                "Choisissez la classe avec les boutons.",
            )
        form["answers"]["level"] = level or "autre"
        year = other or pro_year(level or "autre", text)
        if year:
            form["answers"]["level_year"] = year
        else:
            form["answers"].pop("level_year", None)
        _advance(form)
        return None
    if step in _AS_SKIP and _AS_SKIP[step].match(plain(text)):
        form["answers"][step] = ""  # « I don't know », « nimporte »: the step's own button
        _advance(form)
        return None
    if step == "school" and _date_not_school(text):  # the next answer, typed too early
        if not form.get("known_school"):
            return by_role(
                role,
                "C'est une date : je te la demande juste après. D'abord, le nom de ton "
                "établissement et sa ville ?",
                "C'est une date : elle vient juste après. D'abord, le nom de l'établissement "
                "et sa ville ?",
            )
        form["answers"]["school"] = form["known_school"]  # the one offered, kept
        form["answers"].setdefault("period", scrub_contact(text))
        _advance(form)
        return None
    if step == "contact_name":
        if len(text) > MAX_ADULT_NAME:
            return by_role(
                role,
                f"Écris seulement son nom, en moins de {MAX_ADULT_NAME} caractères.",
                f"Son nom seulement, en moins de {MAX_ADULT_NAME} caractères.",
            )
        if len(fold(text)) >= 2:
            form["answers"]["contact_name"] = text
            form["step"] = "consent"
            return None
    if step == "contact_adult" and (adult := form_checks.typed_adult(text)) is not None:
        answer_choice(form, f"ad:{adult}", directory)  # as its button
        return None
    if step == "consent" and (fixed := form_checks.recap_fixed(form, text, role)):
        return fixed  # « non jsuis en 4e » under the recap
    if step == "consent":
        return by_role(
            role,
            "Pour envoyer, appuie sur « J'accepte » ; pour corriger, écris la bonne classe ou "
            "les bonnes dates, ou appuie sur ⬅️ Retour.",
            "Pour envoyer, appuyez sur « J'accepte » ; pour corriger, écrivez la bonne classe "
            "ou les bonnes dates, ou utilisez ⬅️ Retour.",
        )
    if step in ("contact", "contact_adult", "consent", "contact_name"):
        return by_role(
            role,
            "Réponds avec les boutons ci-dessous (❌ Annuler pour arrêter la demande).",
            "Répondez avec les boutons ci-dessous (❌ Annuler pour arrêter la demande).",
        )
    if len(fold(text)) < 2:
        return by_role(
            role,
            "Je n'ai pas compris : peux-tu écrire quelques mots ?",
            "Pouvez-vous préciser en quelques mots ?",
        )
    if step in FREE_TEXT and (doubt := form_checks.doubted(form, text, role)):
        return doubt  # « vannes » where the dates are asked
    form["answers"][step] = scrub_contact(text)  # a phone number or a name typed here is not kept
    _advance(form)
    return form_checks.health_note(text, role)  # kept, with a word on what is enough


def answer_choice(form: dict[str, Any], choice: str, directory: AcademyDirectory) -> str:
    """Apply a button of the form; returns "cancel", "back", "submit", "ok" or "invalid"."""
    step = form["step"]
    if choice == "cancel":
        return "cancel"
    if choice == "back":
        back(form)
        return "back"
    kind, _, arg = choice.partition(":")
    if step == "academy" and kind == "ac":
        outcome = academy_step.choose(form, arg, directory)
        if form["answers"].get("academy"):
            _advance(form)
        return outcome
    if step == "school" and kind == "sc" and form.get("known_school"):
        form["answers"]["school"] = form["known_school"]
        _advance(form)
        return "ok"
    if step == "level" and kind == "lv" and arg in LEVEL_CHOICES:
        form["answers"]["level"] = arg
        form["answers"].pop("level_year", None)
        _advance(form)
        return "ok"
    if step in ("period", "sectors", "tried") and kind == "skip":
        form["answers"][step] = ""
        _advance(form)
        return "ok"
    if step == "contact" and kind == "ct" and arg in CONTACT_CHOICES:
        form["answers"]["contact"] = arg
        form["answers"].pop("contact_adult", None)
        form["answers"].pop("contact_name", None)
        if arg == "school":  # which adult to contact there
            form["step"] = "contact_adult"
            return "ok"
        _advance(form)
        return "ok"
    if step == "contact_adult" and kind == "ad" and arg in ADULT_CHOICES:
        form["answers"]["contact_adult"] = arg
        form["step"] = "contact_name"
        return "ok"
    if step == "contact_name" and kind == "skip":
        form["step"] = "consent"
        return "ok"
    if step == "consent" and kind == "ok":
        return "submit"
    return "invalid"
