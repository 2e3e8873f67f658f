"""What a pupil asks about the request itself before trusting it, or while waiting: is it free,
will my parents know, will the engineer call my school, will they phone me. Short true
answers about what this system does (it tells nobody but the académie's IPE), asked before the
form or with a request open; not a question for the knowledge base. A teacher's request has
its own answer to « is it free? » (`FREE_TEACHER`).
"""

from __future__ import annotations

import re

from bot.cases.details import via_school
from bot.messages import Choice, Reply, by_role
from bot.store.models import Case

_ABOUT_HELP = re.compile(
    r"\b(ingenieur|ingenieure|lingenieur|ipe|lipe|demande|aide|il|elle|vous)\b"
)
_FREE = re.compile(
    r"\b(gratuit|gratuite|payant|payante|ca coute|sa coute|coute combien|faut payer)\b"
)
_PARENTS = re.compile(
    r"\b(parents|parent|daron|darons|daronne|reum|reup|mere|pere|famille)\b.{0,30}"
    r"\b(au courant|sauront|savoir|saura|prevenu|prevenus|prevenir|informes|informe|appeler"
    r"|appelle|contacter|dire)\b"
)
_SCHOOL = re.compile(
    r"\b(appeler|appelle|appelez|contacter|contactez|prevenir|prevenez|ecrire|dire)\b.{0,12}"
    r"\b(mon|ma|mes|au|le|la) ?(lycee|college|ecole|prof|profs|cpe|etablissement|bahut|principal"
    r"|proviseur)\b"
)
_PHONE = re.compile(
    r"\b(me appeler|m appeler|mappeler|me telephoner|mon tel|mon telephone|mon portable"
    r"|mon numero|par telephone|au telephone|sur mon tel)\b"
)
# « c quoi les infos envoyées et à qui ? », « vous en faites quoi de mes infos ? »
_WHAT_SENT = re.compile(
    r"\b((envoye|envoyee|envoyes|envoyees|transmis|transmise|va|vont|part|partent) a qui"
    r"|a qui (c est|c|ca|sa|tu|vous|on|elle|il) ?(envoie|envoies|envoyez|transmet|transmets"
    r"|transmettez|donne|donnes|donnez|va|envoye|envoyee|transmis|transmise)"
    r"|qui va (la |le |les )?(lire|voir|recevoir|avoir)|qui (la |le |les )?(lit|recoit|voit)"
    r"|quelles (infos|informations|donnees)|c (est )?quoi les (infos|informations|donnees)"
    r"|en faire quoi|en faites quoi|en fais quoi|(mes|ces|les) (infos|informations|donnees)"
    r" (vont|va) ou|(garde|gardees|gardez|conserve|conservees)\b.{0,20}"
    r"\b(infos|informations|donnees|demande) ?(combien|longtemps))"
)
# « c quoi mon numéro de dossier ? » (not a phone number), « si personne me répond ? »
_REFERENCE = re.compile(
    r"\b(?:numero|num|reference|ref) (?:de )?(?:mon |ma |la |du |de la )?(?:dossier|demande)\b"
    r"|\bma (?:reference|ref)\b"
)
_NOBODY = re.compile(
    r"\bsi (?:personne|l ingenieur|lingenieur|l ipe|lipe|il|elle|on) (?:ne )?(?:me |m |nous )?"
    r"(?:repond|reponds|repondra|rep|lit|la lit|prend|la prend|contacte)\b"
    r"|\bpersonne (?:ne )?(?:me |m )?(?:repond|reponds)\b"
)
NOBODY = (
    "Si personne ne la prend en charge, l'ingénieur pour l'école reçoit des rappels ; sans "
    "réponse, ta demande est signalée à d'autres contacts de l'académie ou à l'équipe du "
    "service. En attendant, continue à chercher et parles-en à ton professeur principal.",
    "Si personne ne la prend en charge, l'ingénieur pour l'école reçoit des rappels ; sans "
    "réponse, la demande est signalée à d'autres contacts de l'académie ou à l'équipe du "
    "service.",
)
# « je peux modifier ma demande ? » (the request to the IPE, not « ma demande de stage »)
_CHANGE = re.compile(
    r"\b(modifier|modifie|changer|change|corriger|rectifier|completer|ajouter|rajouter"
    r"|mettre a jour|edit)\b.{0,20}\b(ma demande|la demande|my request)\b"
    r"(?! (de|d|pour|a|aupres|du|des|dans)\b)"
)

FREE = (
    "C'est gratuit : l'aide de l'ingénieur pour l'école ne coûte rien, ni à toi ni à ta famille.",
    "C'est gratuit : l'aide de l'ingénieur pour l'école ne coûte rien aux familles.",
)
PARENTS = (
    "Le bot ne prévient pas tes parents : ta demande va seulement à l'ingénieur pour l'école de "
    "ton académie. Pour ton stage, ils signeront de toute façon ta convention : leur en parler "
    "peut t'aider.",
    "Le bot ne prévient personne d'autre : la demande va seulement à l'ingénieur pour l'école de "
    "l'académie.",
)
SCHOOL_YES = (
    "Oui : tu as choisi « Par mon établissement », l'ingénieur pour l'école passera par l'adulte "
    "que tu as indiqué.",
    "Oui : vous avez choisi « Par mon établissement », l'ingénieur pour l'école passera par "
    "l'adulte indiqué.",
)
SCHOOL_NO = (
    "L'ingénieur pour l'école te répond ici. Le bot ne contacte ton établissement que si tu "
    "choisis « Par mon établissement » dans ta demande.",
    "L'ingénieur pour l'école répond ici. Le bot ne contacte l'établissement que si « Par mon "
    "établissement » est choisi dans la demande.",
)
PHONE = (
    "L'ingénieur pour l'école te répond ici, dans cette conversation : tu n'as pas besoin de "
    "donner ton numéro.",
    "L'ingénieur pour l'école répond ici, dans cette conversation : pas besoin de donner un "
    "numéro.",
)

WHAT_SENT = (
    "Seules les réponses du récapitulatif sont envoyées, et seulement à l'ingénieur pour "
    "l'école de ton académie, pour t'aider à trouver un stage : ni à tes parents, ni à ton "
    "établissement (sauf si tu choisis « Par mon établissement »). Ta demande est gardée "
    "pendant son suivi, ses détails effacés 180 jours après sa clôture, et /oublier efface "
    "tout quand tu veux.",
    "Seules les réponses du récapitulatif sont envoyées, et seulement à l'ingénieur pour "
    "l'école de l'académie, pour aider à trouver un stage : ni aux parents, ni à "
    "l'établissement (sauf avec « Par mon établissement »). La demande est gardée pendant son "
    "suivi, ses détails effacés 180 jours après sa clôture, et /oublier efface tout.",
)
CHANGE_IN_FORM = (
    "Oui : avant l'envoi, je te montre un récapitulatif où tu peux corriger chaque réponse, et "
    "⬅️ Retour revient à l'étape d'avant.",
    "Oui : avant l'envoi, un récapitulatif permet de corriger chaque réponse, et ⬅️ Retour "
    "revient à l'étape d'avant.",
)
CHANGE_NONE = (
    "Tu n'as pas de demande en cours. Quand tu en fais une (/stage), tu peux corriger chaque "
    "réponse au récapitulatif, avant l'envoi.",
    "Vous n'avez pas de demande en cours. Quand vous en faites une, un récapitulatif permet de "
    "corriger chaque réponse avant l'envoi.",
)
CHANGE_WAITING = (
    "Ta demande est envoyée : tu ne peux plus la modifier toi-même. Dès qu'un ingénieur pour "
    "l'école l'aura prise en charge, ce que tu m'écris ici pourra lui être transmis (bouton ✉️). "
    "Si elle ne te convient plus, /annuler puis refais-en une avec /stage.",
    "La demande est envoyée : elle ne se modifie plus. Dès qu'un ingénieur pour l'école l'aura "
    "prise en charge, ce que vous m'écrivez ici pourra lui être transmis (bouton ✉️). Si elle ne "
    "convient plus, /annuler puis faites-en une nouvelle.",
)
CHANGE_TAKEN = (
    "Écris-moi ici ce qui change (dates, lieu, métier…) : je te proposerai de le transmettre à "
    "l'ingénieur pour l'école qui suit ta demande (bouton ✉️).",
    "Écrivez-moi ici ce qui change : je vous proposerai de le transmettre à l'ingénieur pour "
    "l'école qui suit la demande (bouton ✉️).",
)


def _change(case: Case | None, in_form: bool) -> tuple[str, str]:
    if in_form:
        return CHANGE_IN_FORM
    if case is None:
        return CHANGE_NONE
    return CHANGE_TAKEN if case.status in ("acknowledged", "scheduled") else CHANGE_WAITING


def answer(said: str, case: Case | None, role: str | None, in_form: bool = False) -> Reply | None:
    """The answer to a question about the request (folded words), or None. Without a request
    open, only when the words name the help or the engineer (« c gratuit le bus ? » is a
    question about the stage's costs), or inside the request's form (« c gratuit ? » there is
    about the request)."""
    if case is None and not in_form and not _ABOUT_HELP.search(said):
        return None
    if len(said.split()) > 20:  # a story, not a question about the request
        return None
    if _REFERENCE.search(said):
        return Reply(
            by_role(
                role,
                f"Ta demande porte la référence {case.reference}.",
                f"Référence de la demande : {case.reference}.",
            )
            if case is not None
            else by_role(role, *CHANGE_NONE),
            kind="info",
        )
    if _CHANGE.search(said):
        text = _change(case, in_form)
    elif _NOBODY.search(said):
        text = NOBODY
    elif _WHAT_SENT.search(said) and (case is not None or in_form):
        text = WHAT_SENT
    elif _PARENTS.search(said):
        text = PARENTS
    elif _SCHOOL.search(said):
        text = SCHOOL_YES if case is not None and via_school(case) else SCHOOL_NO
    elif _PHONE.search(said):
        text = PHONE
    elif _FREE.search(said) and (case is not None or len(said.split()) <= 12):
        text = FREE
    else:
        return None
    reply = Reply(by_role(role, *text), kind="info")
    if text is CHANGE_NONE:
        reply.choices = [Choice("🙋 Demander l'aide d'un ingénieur pour l'école", "esc")]
    elif text in (CHANGE_WAITING, CHANGE_TAKEN):
        return reply
    elif case is None:
        reply.choices = [Choice("🙋 Demander l'aide d'un ingénieur pour l'école", "esc")]
    else:
        reply.text += (
            f" (Ta demande : {case.reference}, /demande pour la suivre.)"
            if role != "teacher"
            else ""
        )
    return reply


# a teacher asking inside the request for a speaker or a visit (rapport IPE 2008: the engineers
# are « mis à disposition de l'éducation nationale » by their companies; transport is the cost)
FREE_TEACHER = (
    "C'est gratuit : la demande et l'aide de l'ingénieur pour l'école ne coûtent rien à "
    "l'établissement "
    "(les IPE sont mis à disposition de l'Éducation nationale par leur entreprise). Pour une "
    "visite, le transport de la classe reste à prévoir par l'établissement."
)


def in_form(said: str, role: str | None, teacher: bool = False) -> str | None:
    """The answer to a question about the request asked inside its form, or None. In a
    teacher's request only « is it free? » and « can I change it? » are about the request."""
    if teacher:
        if len(said.split()) > 12:
            return None
        if _CHANGE.search(said):
            return CHANGE_IN_FORM[1]
        return FREE_TEACHER if _FREE.search(said) else None
    asked = answer(said, None, role, in_form=True)
    return asked.text if asked is not None else None
