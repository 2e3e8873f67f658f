"""Free answers that do not fit their step, caught before they are kept: a correction of an
earlier answer (« nan attend jsuis a amiens en fait »: the académie changed), a place or dates
already past typed where the dates are asked (« vannes », « du 3 au 14 mars 2025 »:
questioned once, kept when typed again), dates typed where the sectors are asked (kept as the
dates when none were given, else questioned once), a class typed where the school is asked
(« 3e »: noted as the class, the school asked again), a class or dates typed under the recap
(« non jsuis en 4e »: changed there)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.cases.academies import AcademyDirectory, fold, of_academy
from bot.cases.details import LEVEL_CHOICES
from bot.cases.urgency import dates_in
from bot.desks.class_words import only_level, parse_level, plain, set_level
from bot.messages import by_role
from bot.understanding.privacy import only_contact, scrub_contact

# a correction of an earlier answer, typed at the next step (normalised words): not this
# step's answer. « non … » needs a second sign (« non rien » answers « qu'as-tu essayé ? »)
CORRECTS = re.compile(
    r"^(?:oups|oops|pardon|correction|erreur|attends?|att|wait|sorry)\b"
    r"|^(?:non|nan|nn|no|nope)\b.*\b(?:attends?|pardon|plutot|je suis|j habite|je veux dire)\b"
    r"|^en fait\b|\ben fait$|\b(?:je me suis|me suis) trompee?\b|\b(?:je|j) voulais dire\b"
)
MONTHS = re.compile(
    r"\b(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b"
)
_SCHOOL = re.compile(r"\b(?:college|lycee|ecole|cfa|lp|lgt|institut|clg)\b")
# something a period is made of: a figure, a month, a season, holidays, « semaine », « avant »…
PERIOD_WORDS = re.compile(
    r"\d|\b(?:janv\w*|fevr?\w*|mars|avr\w*|mai|juin|juil\w*|aout|sept\w*|oct\w*|nov\w*|dec\w*"
    r"|jan|feb|march|april|may|june|july|august|september|october|november|december"
    r"|semaines?|sem|weeks?|mois|months?|jours?|days?|vacances|holidays?|toussaint|noel|christmas"
    r"|paques|easter|hiver|printemps|ete|automne|winter|spring|summer|autumn|rentree|trimestre"
    r"|semestre|annee|year|bientot|soon|demain|tomorrow|prochaine?|next|fin|debut|mi|avant|apres"
    r"|before|after|deadline|dates?|periode|ajd|aujourd|asap|lundi|mardi|mercredi|jeudi|vendredi"
    r"|monday|tuesday|wednesday|thursday|friday|tard|tot|pfmp|stage|convention)\b"
)


def corrected(
    form: dict[str, Any], text: str, role: str | None, directory: AcademyDirectory
) -> str | None:
    """What to say to a correction: the académie, the class or the period changed when it names
    another one (« nan attend jsuis a amiens en fait », « nan attend jsuis en 4e », « c pas en
    juin c en mars »), else how to go back; None when it is the step's answer after all."""
    pupils = form.get("type") != "teacher"  # a teacher's académie follows the commune typed
    # a month is no town (« en fait j'ai demandé en avril » is not Avril, Meurthe-et-Moselle)
    place = MONTHS.sub(" ", fold(text))
    found = None if _SCHOOL.search(place) or not pupils else directory.resolve(place)
    academy = found.academy if found is not None and found.confident else None
    if academy is not None and academy.id != form["answers"].get("academy"):
        form["answers"]["academy"] = academy.id
        return f"Pas de souci, c'est corrigé : académie {of_academy(academy.name)}."
    answers = form["answers"]
    if pupils and (period := _corrected_period(form, text)) is not None:
        answers["period"] = period  # « attends en fait c pas en juin c en mars », at a later step
        return f"Pas de souci, c'est corrigé : période « {period} »."
    level = (
        parse_level(text)
        if pupils and "level" in answers and not dates_in(text, date.today())
        else None
    )
    if level is not None and level != answers["level"]:  # « nan attend jsuis en 4e »
        set_level(answers, level, text)
        return f"Pas de souci, c'est corrigé : {LEVEL_CHOICES[level]}."
    if form["step"] == "tried" and _TRIED.search(plain(text)):
        return None  # « en fait j'ai demandé à carrefour »: what was tried, the step's answer
    return by_role(
        role,
        "Pour corriger une réponse précédente, appuie sur ⬅️ Retour.",
        "Pour corriger une réponse précédente, utilisez ⬅️ Retour.",
    )


# where a corrected period begins: after the last « c'est », « plutôt », « mais » (« c pas en juin
# c en mars »), else at its first date word (`_without_excuse`)
_PERIOD_TAIL = re.compile(r"(?i)\b(?:c'?\s?est|c|cest|plut[oô]t|mais|ce sera|ça sera|ca sera)\s+")
_TRAILING_EXCUSE = re.compile(
    r"(?i)[\s,]+(?:en fait|enfait|plut[oô]t|pardon|dsl|d[ée]sol[ée]e?)[\s.!]*$"
)
_TRIED = re.compile(
    r"\b(?:demande\w*|contacte\w*|appele\w*|envoye\w*|essaye\w*|postule\w*|refus\w*|mails?|cv"
    r"|lettres?|repon\w*|depose\w*|passe|alle|vu)\b"
)
_ABOUT_STAGE = re.compile(r"\b(?:stage|pfmp|dates?|periode|convention)\b")


def _corrected_period(form: dict[str, Any], text: str) -> str | None:
    """The period typed again after it was given, as a correction at a later step; None when
    the text names no date to come, or (at « qu'as-tu essayé ? ») does not say it is the stage's."""
    if "period" not in form["answers"] or form["step"] not in ("sectors", "place", "tried"):
        return None
    days = [d.day for d in dates_in(text, date.today())]
    if not days or max(days) < date.today():
        return None
    said = plain(text)
    if form["step"] == "tried" and (
        _TRIED.search(said) or not (_ABOUT_STAGE.search(said) or CORRECTS.match(said))
    ):
        return None  # « en fait j'ai demandé en avril à carrefour » is what was tried
    tails = [m.end() for m in _PERIOD_TAIL.finditer(text)]
    tail = text[tails[-1] :] if tails else ""
    period = tail if tail and dates_in(tail, date.today()) else _without_excuse(text)
    return scrub_contact(_TRAILING_EXCUSE.sub("", period).strip(" .!"))


# a pupil's health told in a free answer (« je suis diabétique et épileptique ») : kept, since it
# is theirs to tell, but they learn that what they need is enough (data about minors' health)
_HEALTH = re.compile(
    r"\b(diabete|diabetique|epilepsie|epileptique|asthme|asthmatique|handicap|handicape|handicapee"
    r"|maladie|malade|enceinte|depression|depressif|depressive|tdah|autisme|autiste"
    r"|medicaments|cancer|hospitalise|hospitalisee|mdph|pps|pap|aesh|dyslexique|dyspraxique)\b"
)
HEALTH_NOTE = (
    "C'est noté. Pas besoin de détails sur ta santé : l'ingénieur pour l'école a seulement "
    "besoin de savoir ce qu'il te faut (« pas de machines », « accessible en fauteuil »). Tu peux "
    "corriger avec ⬅️ Retour.",
    "C'est noté. Pas besoin de détails de santé : ce qu'il faut à l'élève (« pas de machines », "
    "« accessible en fauteuil ») suffit à l'ingénieur pour l'école. ⬅️ Retour pour corriger.",
)


def health_note(text: str, role: str | None) -> str | None:
    """The note for a free answer that tells the pupil's health (None otherwise)."""
    return by_role(role, *HEALTH_NOTE) if _HEALTH.search(plain(text)) else None


def doubted(form: dict[str, Any], text: str, role: str | None) -> str | None:
    """What to say instead of keeping `text` at the dates step when it names no time at all
    (« vannes ») or only days gone by, once; None to keep it (typed again, it is kept as it is).
    A class alone at the school step is kept as the class, and the school asked again; a number,
    an e-mail or a name alone, at any free step, is not kept at all."""
    step, said = form["step"], plain(text)
    if only_contact(text):  # « 06 12 34 56 78 » where the sectors are asked: not kept at all
        return by_role(
            role,
            "Pas besoin de ton nom ni de ton numéro : l'ingénieur pour l'école te répondra ici, "
            "dans cette conversation. Je ne les garde pas.",
            "Pas besoin de nom ni de coordonnées ici : la réponse arrivera dans cette "
            "conversation. Je ne les garde pas.",
        )
    if step == "school" and (level := only_level(text)) is not None:
        set_level(form["answers"], level, text)
        return by_role(
            role,
            "C'est noté pour ta classe ; il me faut aussi ton établissement.",
            "C'est noté pour la classe ; il me faut aussi l'établissement.",
        )
    if form.pop("doubted", None) == step or step not in ("period", "sectors"):
        return None
    if step == "sectors":
        return _dates_as_sectors(form, text, said, role)
    days = [d.day for d in dates_in(text, date.today())]
    if days and max(days) < date.today():  # « du 3 au 14 mars 2025 »: over already
        form["doubted"] = step
        return by_role(
            role,
            "Ces dates sont déjà passées : écris les dates de ton prochain stage, ou appuie "
            "sur « Je ne sais pas » (si c'est bien ça, réécris-le).",
            "Ces dates sont déjà passées : indiquez les dates du prochain stage, ou « Je ne "
            "sais pas » (si c'est bien cela, réécrivez-le).",
        )
    if any(not _real_day(m) for m in _NUMERIC_DAY.finditer(text)):  # « 32/13/2026 »
        form["doubted"] = step
        return by_role(
            role,
            f"« {text} » n'est pas une date qui existe : écris les dates de ton stage (par "
            "exemple « du 12 au 16 janvier »), ou appuie sur « Je ne sais pas ».",
            f"« {text} » n'est pas une date qui existe : indiquez les dates du stage (par "
            "exemple « du 12 au 16 janvier »), ou « Je ne sais pas ».",
        )
    if PERIOD_WORDS.search(said):
        return None
    form["doubted"] = step
    return by_role(
        role,
        f"Je ne vois pas de date dans « {text} » : écris les dates de ton stage, ou appuie "
        "sur « Je ne sais pas » (si c'est bien ça, réécris-le).",
        f"Je ne vois pas de date dans « {text} » : indiquez les dates du stage, ou « Je ne "
        "sais pas » (si c'est bien cela, réécrivez-le).",
    )


# what a period says besides its dates (« du 3 au 14 mars », « semaine du 12 »)
_DATE_FILLER = re.compile(r"\b(?:du|au|le|la|les|de|des|en|et|a|entre|from|to|the|jusqu\w*|on)\b")


def _dates_as_sectors(form: dict[str, Any], text: str, said: str, role: str | None) -> str | None:
    """Dates typed where the sectors are asked (« du 3 au 14 mars »): kept as the period when
    none was given, else questioned once; None for sectors."""
    if (
        not dates_in(text, date.today())
        or _DATE_FILLER.sub(" ", PERIOD_WORDS.sub(" ", said)).strip()
    ):
        return None
    if not form["answers"].get("period"):
        form["answers"]["period"] = scrub_contact(text)
        return by_role(
            role,
            "C'est noté pour les dates. Et dans quels métiers ou secteurs aimerais-tu faire ton "
            "stage ? (ou « Peu importe »)",
            "C'est noté pour les dates. Et quels métiers ou secteurs intéressent l'élève ? (ou "
            "« Peu importe »)",
        )
    form["doubted"] = "sectors"
    return by_role(
        role,
        "Ça ressemble à des dates : dans quels métiers ou secteurs aimerais-tu faire ton stage ? "
        "(ou « Peu importe » ; si c'est bien ça, réécris-le)",
        "Cela ressemble à des dates : quels métiers ou secteurs intéressent l'élève ? (ou « Peu "
        "importe » ; si c'est bien cela, réécrivez-le)",
    )


RECAP_WORDS = 16  # « attends je me suis trompé c'était du 3 au 28 mars »: still a correction
_NUMERIC_DAY = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{2,4}))?(?![\d/])")


def _real_day(found: re.Match[str]) -> bool:
    """« 12/03 », « 29/02/2028 »: a day of the calendar (« 32/13 » is not)."""
    year = int(found[3] or 2028)  # a leap year when none is said
    try:
        date(year + 2000 if year < 100 else year, int(found[2]), int(found[1]))
    except ValueError:
        return False
    return True


_DATES_START = re.compile(r"\b(?:du|entre|from|le|semaine)\b|\d", re.IGNORECASE)
_EXCUSE = re.compile(
    r"\b(?:attends?|att|tromp\w*|pardon|oups|erreur|correction|en fait|c etait"
    r"|c est|plutot|non|nan|sorry|wait|finalement)\b"
)


def _without_excuse(text: str) -> str:
    """« attends je me suis trompé c'était du 3 au 28 mars » keeps « du 3 au 28 mars »."""
    start = _DATES_START.search(text)
    if start is None or not _EXCUSE.search(plain(text[: start.start()].replace(":", " "))):
        return text
    return text[start.start() :]


_QUESTION = re.compile(r"\b(?:quoi|koi|comment|pourquoi|est ce|combien|quel|quelle|what|how|why)\b")


def recap_fixed(form: dict[str, Any], text: str, role: str | None) -> str | None:
    """A correction typed under the recap: dates to come (« c'est du 15 au 19 février ») replace
    the period, a class (« non jsuis en 4e ») the class; None when it names neither."""
    said = plain(text)
    if "?" in text or len(said.split()) > RECAP_WORDS or _QUESTION.search(said):
        return None  # « c quoi un bts » asks, it does not correct
    answers = form["answers"]
    days = [d.day for d in dates_in(text, date.today())]
    if days and max(days) >= date.today():
        answers["period"] = scrub_contact(_without_excuse(text))
    elif not days and not text.strip().isdigit() and (level := parse_level(text)) is not None:
        set_level(answers, level, text)
    else:
        return None
    return by_role(
        role,
        "C'est corrigé. Vérifie le récapitulatif à jour (⬅️ Retour pour changer autre chose) :",
        "C'est corrigé. Voici le récapitulatif à jour (⬅️ Retour pour changer autre chose) :",
    )


_ADULTS = {  # the adult to contact, typed (« prof principal », « la cpe »)
    "pp": ("prof principal", "professeur principal", "professeure principale", "pp", "prof princ"),
    "cpe": ("cpe",),
    "ddfpt": ("ddfpt", "bureau des entreprises", "chef de travaux", "chef des travaux"),
    "prof": ("un prof", "mon prof", "ma prof", "un professeur", "professeur", "prof"),
}


def typed_adult(text: str) -> str | None:
    """The adult to contact at school, typed instead of pressed (« prof principal », « la cpe »)."""
    said = f" {' '.join(fold(text).split())} "
    return next((k for k, names in _ADULTS.items() if any(f" {n} " in said for n in names)), None)
