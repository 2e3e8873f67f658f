"""The request forms' académie step: a town, postcode or département read into an académie; a
guess confirmed with Oui / Non (typed too); several académies offered as buttons.

The form's dict carries `pending_academy` (a guess to confirm) and `academy_choices` (the
académies a name may mean: « St-Denis » is Créteil or La Réunion). Shared by the pupil's form
(`forms`) and the teacher's (`teacher_forms`, its commune step).
"""

from __future__ import annotations

import re
from typing import Any

from bot.cases.academies import AcademyDirectory, fold, of_academy
from bot.desks.phrases import NO, YES
from bot.messages import by_role

_DONT_KNOW = re.compile(
    r"^(?:je (?:ne )?sais pas|je sais plus|jsp|jsais pas|sais pas|chais pas|aucune idee|ne sais pas"
    r"|j en sais rien|c quoi une academie|c est quoi une academie|idk|i don t know|dunno)\b"
)
MAX_OFFERED = 6  # académies offered as buttons for an ambiguous name (all those named)


def prompt(
    form: dict[str, Any],
    role: str | None,
    directory: AcademyDirectory,
    head: str,
    cancel: tuple[str, str],
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The step's question and buttons: confirm a guess, pick among académies, or type."""
    pending = form.get("pending_academy")
    if pending and pending in directory.academies:
        name = directory.academies[pending].name
        return head + by_role(
            role,
            f"Tu es bien dans l'académie {of_academy(name)} ?",
            f"Il s'agit bien de l'académie {of_academy(name)} ?",
        ), (("Oui", f"f:ac:{pending}"), ("Non", "f:ac:no"), cancel)
    offered = [
        directory.academies[a] for a in form.get("academy_choices", ()) if a in directory.academies
    ]
    buttons = tuple((f"Académie {of_academy(a.name)}", f"f:ac:{a.id}") for a in offered)
    return head + by_role(
        role,
        "Dans quelle académie est ton établissement ? Tu peux écrire ta ville, ton code "
        "postal ou ton département (par exemple « Marseille », « 93 » ou « 69003 »).",
        "Dans quelle académie est l'établissement ? Ville, code postal ou département "
        "suffisent (par exemple « Marseille », « 93 » ou « 69003 »).",
    ), (*buttons, cancel)


def choose(form: dict[str, Any], arg: str, directory: AcademyDirectory) -> str:
    """Oui (f:ac:<guess>), Non (f:ac:no) or one of the offered académies: "ok" or "invalid".
    Sets answers["academy"] when chosen."""
    if arg == "no":
        form["pending_academy"] = None
        return "ok"
    allowed = {form.get("pending_academy"), *form.get("academy_choices", ())}
    if arg in directory.academies and arg in allowed:
        form["answers"]["academy"] = arg
        form["pending_academy"] = None
        form.pop("academy_choices", None)
        return "ok"
    return "invalid"


def answer_academy(
    form: dict[str, Any], text: str, role: str | None, directory: AcademyDirectory
) -> str | None:
    """A city, postcode or département: the académie when sure, a guess to confirm, several to
    choose from, or why not (the re-ask message; None when the step is answered or waits for
    Oui / Non). A guess waiting for Oui or Non also takes them typed ("yes", "ouais", "nan")."""
    pending = form.get("pending_academy")
    said = " ".join(fold(text).split())
    if pending in directory.academies and YES.match(said):
        form["answers"]["academy"], form["pending_academy"] = pending, None
        return None
    if pending and NO.match(said):
        form["pending_academy"] = None
        return by_role(
            role,
            "D'accord : écris ta ville, ton code postal ou ton numéro de département.",
            "Entendu : indiquez la ville, le code postal ou le département.",
        )
    result = directory.resolve(text)
    form.pop("academy_choices", None)
    if result.academy is not None and result.confident:
        form["answers"]["academy"] = result.academy.id
        form["pending_academy"] = None
        return None
    if result.academy is not None:
        form["pending_academy"] = result.academy.id
        return None
    if result.candidates:
        form["pending_academy"] = None
        form["academy_choices"] = [a.id for a in result.candidates[:MAX_OFFERED]]
        names = ", ".join(a.name for a in result.candidates[:MAX_OFFERED])
        names += "…" if len(result.candidates) > MAX_OFFERED else ""  # each one named is a button
        return by_role(
            role,
            f"Ça peut être plusieurs académies ({names}) : choisis la tienne ci-dessous, ou "
            "écris ton code postal.",
            f"Plusieurs académies possibles ({names}) : précisez le code postal ou le département.",
        )
    if _DONT_KNOW.match(said):  # « jsp », « aucune idée »: the town is enough
        return by_role(
            role,
            "Pas de souci : écris juste la ville de ton collège ou de ton lycée (ou son code "
            "postal), je trouve l'académie.",
            "Aucun souci : la ville de l'établissement (ou son code postal) suffit, je trouve "
            "l'académie.",
        )
    place = directory.outside(text)
    if place is not None:
        return by_role(
            role,
            f"Les écoles de {place} ne dépendent pas d'une académie mais d'un vice-rectorat, et "
            "aucun ingénieur pour l'école n'y est inscrit ici : je ne peux pas y transmettre ta "
            "demande. Parles-en à ton professeur principal ou au CPE. Si ton établissement est "
            "ailleurs, écris sa ville.",
            f"Les établissements de {place} relèvent d'un vice-rectorat, pas d'une académie, et "
            "aucun ingénieur pour l'école n'y est inscrit ici : je ne peux pas y transmettre la "
            "demande. Le vice-rectorat et le chef d'établissement sont les bons interlocuteurs. "
            "Si l'établissement est ailleurs, indiquez sa ville.",
        )
    if pending:
        says = by_role(role, "Réponds Oui ou Non, ou écris ta", "Oui ou Non ? Ou indiquez la")
        return f"{says} ville, le code postal ou le numéro du département."
    return by_role(
        role,
        "Je n'ai pas reconnu l'académie. Écris le nom de ta ville, ton code postal "
        "(5 chiffres) ou ton numéro de département.",
        "Je n'ai pas reconnu l'académie. Indiquez la ville, le code postal ou le département.",
    )
