"""A teacher's request form: steps, validation with helpful re-asks, back, cancel, consent.

The same machinery as the pupil's (`forms`): a dict in the State, `form["type"] == "teacher"`;
prompt / answer_text / answer_choice have the same contracts. Always "vous".
"""

from __future__ import annotations

import re
from typing import Any

from bot.cases.academies import AcademyDirectory, fold, of_academy
from bot.cases.teacher_details import (
    ACTION_CHOICES,
    ACTION_SHORT,
    FORMAT_CHOICES,
    TEACHER_CONTACT_CHOICES,
    TEACHER_FIELDS,
    TEACHER_LEVELS,
    TEACHER_SKIPPED,
    display_teacher_answers,
)
from bot.desks import nobody
from bot.desks.academy_step import answer_academy
from bot.desks.form_checks import MONTHS, RECAP_WORDS
from bot.desks.forms import MAX_ANSWER, NAV, FormPrompt, next_unanswered, shortened
from bot.desks.pupil_counts import MAX_PUPILS, PUPIL_WORDS, pupil_count
from bot.desks.teacher_draft import school_and_town
from bot.desks.teacher_words import (
    UNKNOWN_PERIOD,
    VAGUE_PERIOD,
    changed_action,
    constraint_kept,
    guess_action,
)
from bot.understanding.privacy import contact_details

STEPS = (
    "action",
    "school",
    "commune",
    "level",
    "pupils",
    "theme",
    "period",
    "format",
    "constraints",
    "contact",
    "consent",
)
OTHER_QUESTIONS = {
    "school": "Vous décrirez votre projet un peu plus loin. D'abord, quel est le nom de "
    "l'établissement ?",
    "theme": "Décrivez en quelques mots ce que vous souhaitez organiser (par exemple « un forum "
    "des métiers avec plusieurs entreprises ») :",
}
FREE_TEXT_STEPS = ("school", "theme", "period", "constraints")
TYPED_STEPS = ("commune", "level", "pupils")  # where a number typed is the answer, not a button
_COUNTED = re.compile(r"\b(eleves|classes? de \d+)\b")  # a class step's words that count pupils
QUESTIONS = {
    "action": "Que souhaitez-vous organiser ?",
    "school": "Quel est le nom de l'établissement ?",
    "commune": "Dans quelle commune est-il ? (ou son code postal)",
    "level": "Pour quelle classe ? (boutons, ou écrivez-la, par exemple « 3e B »)",
    "pupils": "Combien d'élèves environ ? (un nombre)",
    "theme": "Quel thème, quels métiers ou secteurs ? (par exemple « l'aéronautique, les "
    "métiers de l'ingénieur »)",
    "period": "Quelle période souhaitez-vous ? (par exemple « en mars », « avant les "
    "vacances de printemps »)",
    "format": "Sous quelle forme ?",
    "constraints": "Des contraintes à connaître ? (accessibilité, transport, budget…)",
    "contact": "Par où préférez-vous recevoir la réponse de l'ingénieur pour l'école ?",
}
_BUTTONS = {
    "action": ("ak", ACTION_CHOICES),
    "level": ("tl", TEACHER_LEVELS),
    "format": ("fm", FORMAT_CHOICES),
    "contact": ("ct", TEACHER_CONTACT_CHOICES),
}


def new_form(action: str | None = None, draft: dict[str, str] | None = None) -> dict[str, Any]:
    """A new request; `draft`: the level, pupils and period the request already said."""
    form: dict[str, Any] = {"type": "teacher", "step": "action", "answers": {}}
    form["pending_academy"] = None
    form["answers"].update({k: v for k, v in (draft or {}).items() if k in _DRAFTED})
    if action in ACTION_CHOICES:  # the teacher already said what (« une visite d'entreprise »)
        form["answers"]["action"] = action
        form["step"] = "school"
    form["given"] = list(form["answers"])  # said before the form: not counted in « (n/N) »
    return form


_DRAFTED = ("level", "pupils", "theme", "period", "format")


def noted(form: dict[str, Any]) -> str:
    """The answers a request said, as the teacher will read them ("3e, 28 élèves, en mars")."""
    shown = display_teacher_answers(form["answers"], None)
    parts = [shown["level"]] if "level" in shown else []
    parts += [f"{shown['pupils']} élèves"] if "pupils" in shown else []
    parts += [f"sur {shown['theme']}"] if "theme" in form["answers"] else []
    return ", ".join(parts + ([shown["period"]] if "period" in shown else []))


def prompt(form: dict[str, Any], role: str | None, directory: AcademyDirectory) -> FormPrompt:
    step = form["step"]
    shown = [s for s in STEPS if s not in {*form.get("given", ()), *form.get("implied", ())}]
    head = f"({shown.index(step) + 1}/{len(shown) - 1}) " if step in shown[:-1] else ""
    if step == "consent":
        where = (
            "enregistrées pour l'académie. Aucun ingénieur pour l'école n'y est encore inscrit : "
            + nobody.will_be_told(form["nobody"])
            if form.get("nobody")  # desks.pupil checked who would receive it
            else "transmises à un ingénieur pour l'école de l'académie. Rien n'est envoyé sans "
            "votre accord."
        )
        return FormPrompt(
            summary(form, directory)
            + "\n\nEn appuyant sur « J'accepte, envoyer », vous acceptez que ces "
            f"informations soient {where} /oublier efface tout.",
            (("✅ J'accepte, envoyer", "f:ok"), *NAV),
        )
    pending = form.get("pending_academy")
    if step == "commune" and pending in directory.academies:
        name = directory.academies[pending].name
        return FormPrompt(
            head + f"L'établissement est bien dans l'académie {of_academy(name)} ?",
            (("Oui", f"f:ac:{pending}"), ("Non", "f:ac:no"), NAV[1]),
        )
    if step == "school" and form.get("known_school"):
        return FormPrompt(
            head + f"L'établissement est-il bien : {form['known_school']} ? Sinon, écrivez "
            "son nom.",
            (("✅ Oui", "f:sc"), *NAV),
        )
    choices: tuple[tuple[str, str], ...] = ()
    if step in _BUTTONS:
        prefix, labels = _BUTTONS[step]
        choices = tuple((label, f"f:{prefix}:{key}") for key, label in labels.items())
    if step in TEACHER_SKIPPED:
        choices += ((TEACHER_SKIPPED[step], "f:skip"),)
    navigation = (NAV[1],) if step == "action" else NAV
    question = QUESTIONS[step]
    if form["answers"].get("action") == "other":  # « Autre chose »: described at the theme step
        question = OTHER_QUESTIONS.get(step, question)
    return FormPrompt(head + question, choices + navigation)


def summary(form: dict[str, Any], directory: AcademyDirectory) -> str:
    academy = directory.academies.get(form["answers"].get("academy", ""))
    said = {k: v for k, v in form["answers"].items() if k not in form.get("implied", [])}
    shown = display_teacher_answers(said, academy.name if academy else None)
    lines = ["Récapitulatif de votre demande :"]
    lines += [f"• {TEACHER_FIELDS[key]} : {value}" for key, value in shown.items()]
    return "\n".join(lines)


# what an action makes pointless to ask: an immersion is the teacher's own, a visit is on site
IMPLIED = {
    "immersion": {"level": "", "pupils": "", "format": "company"},
    "visit": {"format": "company"},
}


def _advance(form: dict[str, Any]) -> None:
    """The next step not already answered (a request can say its class, pupils and period;
    its kind can make some pointless)."""
    _imply(form)
    form["step"] = next_unanswered(STEPS, form)


def _imply(form: dict[str, Any]) -> None:
    """Fill in what the kind of request makes pointless to ask, and remember it was implied."""
    implied = IMPLIED.get(form["answers"].get("action", ""), {})
    for key, value in implied.items():
        if key not in form["answers"]:
            form["answers"][key] = value
            form.setdefault("implied", []).append(key)


def back(form: dict[str, Any]) -> None:
    """One step back, over the steps the kind of request made pointless."""
    i = STEPS.index(form["step"])
    form["pending_academy"] = None
    implied = form.get("implied", [])
    while i > 1 and STEPS[i - 1] in implied:
        i -= 1
    if i > 0:
        form["step"] = STEPS[i - 1]
        form["answers"].pop(form["step"], None)
        if form["step"] == "commune":
            form["answers"].pop("academy", None)
        if form["step"] == "action":  # another kind of request: nothing implied any more
            for key in form.pop("implied", []):
                form["answers"].pop(key, None)


def answer_text(
    form: dict[str, Any], text: str, role: str | None, directory: AcademyDirectory
) -> str | None:
    """Take a typed answer for the current step; return a re-ask message when it won't do."""
    step, answers = form["step"], form["answers"]
    text = " ".join(text.split())
    if len(text) > MAX_ANSWER and step in FREE_TEXT_STEPS:  # kept, cut: nothing to retype
        answers[step] = shortened(text)
        _advance(form)
        return (
            f"C'était long : j'ai gardé le début ({MAX_ANSWER} caractères) ; le reste pourra "
            "être précisé à l'ingénieur pour l'école dans sa réponse."
        )
    if len(text) > MAX_ANSWER:
        return f"C'est un peu long : moins de {MAX_ANSWER} caractères, s'il vous plaît."
    if changed := action_changed(form, text):
        return changed  # « en fait non, je préfère un intervenant en classe »
    if step == "action":
        action = guess_action(" ".join(fold(text).split()))
        if action is None:  # « 28 élèves », « plutôt en mars »: kept for their step
            kept = _kept_for_its_step(form, text) or ""
            return f"{kept} Choisissez avec les boutons ce que vous souhaitez organiser.".strip()
        answers["action"] = action
    elif step == "commune" and (early := _kept_for_its_step(form, text)):
        return early  # « ah non pardon, 26 élèves », « plutôt en mars »: kept for their step
    elif step == "commune":
        confirming = bool(form.get("pending_academy"))  # "oui" is not the commune's name
        problem = answer_academy(form, text, "teacher", directory)
        if not confirming or form.get("pending_academy"):
            answers["commune"] = text
        if problem is not None or form.get("pending_academy"):
            return problem
    elif step == "pupils":
        count, groups = pupil_count(text)
        if count is None and groups:
            return "Combien d'élèves en tout ? (un nombre, par exemple « 50 » pour deux classes)"
        if not 1 <= (count or 0) <= MAX_PUPILS:
            return f"Indiquez un nombre d'élèves entre 1 et {MAX_PUPILS} (par exemple « 28 »)."
        answers["pupils"] = str(count)
    elif step == "period" and VAGUE_PERIOD.match(" ".join(fold(text).split())):
        return (
            "Pouvez-vous donner un mois ou une période (par exemple « en mars », « avant les "
            "vacances de printemps ») ? Sinon, « Pas encore fixée »."
        )
    elif step == "period" and UNKNOWN_PERIOD.match(" ".join(fold(text).split())):
        answers["period"] = ""  # as « Pas encore fixée »
    elif step == "contact" and (typed := _typed_label(text, TEACHER_CONTACT_CHOICES)):
        answers["contact"] = typed  # « par cette messagerie », typed as its button reads
    elif step == "contact" and _recap_fixed(answers, text):  # « ils sont 28 finalement »
        return "C'est corrigé. Choisissez maintenant avec les boutons ci-dessous :"
    elif step == "contact" and contact_details(text):  # not needed, not kept
        return (
            "Pas besoin de coordonnées : l'ingénieur pour l'école vous répond ici (recommandé) "
            "ou passe par l'établissement. Choisissez avec les boutons ci-dessous."
        )
    elif step == "contact":
        return "Choisissez avec les boutons ci-dessous, s'il vous plaît."
    elif step == "format" and (typed := _typed_label(text, FORMAT_CHOICES)) is not None:
        answers["format"] = typed  # « en classe », typed as its button reads
    elif step == "consent" and _recap_fixed(answers, text):  # « c'est une 3e pas une 4e »
        return "C'est corrigé. Voici le récapitulatif à jour (⬅️ Retour pour changer autre chose) :"
    elif step == "format" and (kept := constraint_kept(answers, text)):
        return kept  # « pas de budget pour le car »: the constraints' answer, not asked again
    elif step in ("format", "consent"):
        return "Utilisez les boutons ci-dessous, s'il vous plaît."
    elif len(fold(text)) < 2:
        return "Pouvez-vous préciser en quelques mots ?"
    elif step == "school" and (split := school_and_town(text, directory)) is not None:
        return _with_town(form, *split)  # « Collège Longchamp à Marseille », « Marseille »
    elif step == "level" and (count := _count_alone(text)):  # « vingt-huit élèves »
        answers["pupils"] = str(count)
        return f"C'est noté : {count} élèves ; il me faut aussi la classe."
    elif _FIXING.search(fold(text)) and (fixed := fixed_later(form, text)):
        return fixed
    else:  # school, level, theme, period, constraints
        answers[step] = text
        count, _ = pupil_count(text) if step == "level" else (None, False)
        if count and count <= MAX_PUPILS and _COUNTED.search(fold(text)):  # « 2 classes de 25 »
            answers.setdefault("pupils", str(count))
    _advance(form)
    return None


_CLASS = r"(?:[3-6] ?(?:e|eme|em)|seconde|2nde|2de|premiere|1re|1ere|terminale|tle|cap|bts)"
_A_CLASS = re.compile(rf"\b{_CLASS}(?: pro| gt| generale| techno)?(?: [a-h]\b)?\b")
_NOT_THIS_CLASS = re.compile(
    rf"\b(?:pas|non|not)(?: (?:une|un|en|la|le|les|des|pour|de))* {_CLASS}\b"
)


# steps after the class and count, where « ah non ils sont 26 » corrects them (not constraints)
_LATER_STEPS = ("theme", "period")
_FIXING = re.compile(
    r"^(?:ils|elles) sont\b|\b(?:en fait|enfait|pardon|correction|finalement|oups|ah non"
    rf"|je me suis trompee?|erreur)\b|{_NOT_THIS_CLASS.pattern}"  # « pour une 1re pas une 2de »
)


_MONTH = re.compile(rf"{MONTHS.pattern}|\b(?:vacances|trimestre|semestre)\b")


def _with_town(form: dict[str, Any], school: str, town: str, academy: str) -> str | None:
    """The school's town said with it (the commune is not asked), or alone (kept)."""
    form["answers"].update(commune=town, academy=academy)
    if not school:
        return f"C'est noté pour la commune : {town}."
    form["answers"]["school"] = school
    _advance(form)
    return None


def _kept_for_its_step(form: dict[str, Any], text: str) -> str | None:
    """A count of pupils or a period typed early (« 26 élèves » is not the Drôme, « en mars »
    not Mars in the Loire): kept for its own step; the commune or the kind asked again."""
    if form.get("pending_academy"):
        return None
    said = " ".join(fold(text).split())
    if (count := _count_alone(text)) is not None:
        form["answers"]["pupils"] = str(count)
        return f"C'est noté : {count} élèves."
    if _MONTH.search(said) and not re.search(r"\d{5}", said):
        form["answers"]["period"] = text
        return f"C'est noté pour la période : « {text} »."
    return None


def names_action(form: dict[str, Any] | None, said: str) -> bool:
    """« en fait non, je préfère une visite » where the kind is asked: an answer, not a leave."""
    if not form or form.get("type") != "teacher" or form["step"] != "action":
        return False
    return guess_action(said) is not None


def action_changed(form: dict[str, Any], text: str) -> str | None:
    """Another kind of request named with a change of mind at a later step: the kind changes
    (and what it implied), the step is asked again."""
    if form["step"] in ("action", "consent"):
        return None
    new = changed_action(" ".join(fold(text).split()))
    if new is None or new == form["answers"].get("action"):
        return None
    for key in form.pop("implied", []):
        form["answers"].pop(key, None)
    form["answers"]["action"] = new
    _imply(form)  # what the new kind makes pointless
    if form["step"] in form["answers"]:  # this very step is now pointless
        _advance(form)
    return f"C'est noté : {ACTION_SHORT[new]} plutôt."


def _count_alone(text: str) -> int | None:
    """A number of pupils typed where the class is asked, with no class in it."""
    said = " ".join(fold(text).split())
    count, _ = pupil_count(text)
    if _A_CLASS.search(said) or not set(PUPIL_WORDS) & set(said.split()):
        return None
    return count if count and count <= MAX_PUPILS else None


def fixed_later(form: dict[str, Any], text: str) -> str | None:
    """The class or the number of pupils corrected at a later step (« ah non pardon ils sont
    vingt-six », « en fait c'est une 4e pas une 3e »): what was changed, or None."""
    answers = form["answers"]
    before = (answers.get("level"), answers.get("pupils"))
    if form["step"] not in _LATER_STEPS or not _recap_fixed(answers, text):
        return None
    if answers.get("level") != before[0]:
        return f"C'est corrigé : classe {answers['level']}. Et pour cette question :"
    return f"C'est corrigé : {answers['pupils']} élèves. Et pour cette question :"


def _recap_fixed(answers: dict[str, str], text: str) -> bool:
    """A class or a number of pupils typed under the recap (« en fait c'est pour une 3e pas une
    4e », « ils sont 26 en fait »): changed there."""
    said = " ".join(fold(text).split())
    if "?" in text or len(said.split()) > RECAP_WORDS:
        return False
    if found := _A_CLASS.search(_NOT_THIS_CLASS.sub(" ", said)):
        level = found.group(0)  # « 4e b » is the 4e B
        answers["level"] = level[:-1] + level[-1].upper() if level[-2] == " " else level
        return True
    count, _ = pupil_count(text)
    if count and count <= MAX_PUPILS and {*PUPIL_WORDS, "sont"} & set(said.split()):
        answers["pupils"] = str(count)
        return True
    return False


def _typed_label(text: str, choices: dict[str, str]) -> str | None:
    """The key of the button whose label the text is (accents and case aside)."""
    said = " ".join(fold(text).split())
    bare = {key: fold(label.split(" (")[0]) for key, label in choices.items()}  # « (recommandé) »
    return next((key for key, label in choices.items() if said in (fold(label), bare[key])), None)


def answer_choice(form: dict[str, Any], choice: str, directory: AcademyDirectory) -> str:
    """Apply a button of the form; returns "cancel", "back", "submit", "ok" or "invalid"."""
    step, answers = form["step"], form["answers"]
    if choice in ("cancel", "back"):
        if choice == "back":
            back(form)
        return choice
    kind, _, arg = choice.partition(":")
    if step in _BUTTONS and kind == _BUTTONS[step][0] and arg in _BUTTONS[step][1]:
        answers[step] = arg
    elif step == "commune" and kind == "ac" and arg == "no":
        form["pending_academy"] = None
        answers.pop("commune", None)
        return "ok"
    elif step == "commune" and kind == "ac" and arg == form.get("pending_academy"):
        answers["academy"] = arg
        form["pending_academy"] = None
    elif step == "school" and kind == "sc" and form.get("known_school"):
        answers["school"] = form["known_school"]
    elif step in TEACHER_SKIPPED and kind == "skip":
        answers[step] = ""
    elif step == "consent" and kind == "ok":
        return "submit"
    else:
        return "invalid"
    _advance(form)
    return "ok"
