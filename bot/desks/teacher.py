"""A teacher's request to the académie's IPE: where it starts (menu, /intervention, a teacher's
words), and how its status reads. The form's steps are in `teacher_forms`.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from bot.cases.details import status_label
from bot.cases.followup import agreed_when, with_company
from bot.cases.teacher_details import ACTION_CHOICES, ACTION_SHORT
from bot.desks import nobody, register, request, teacher_forms
from bot.desks.phrases import HOW_TO_ASK
from bot.desks.teacher_draft import details_in
from bot.desks.teacher_words import guess_action
from bot.messages import Choice, Reply, State
from bot.store.models import Case

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

MENU_LABEL = "🏫 Un·e intervenant·e ou une visite pour ma classe"
_PERSON = (
    r"(intervenant|intervenante|intervenants|intervenantes|professionnel|professionnelle"
    r"|professionnels|pro|pros|ingenieur|ingenieure|ingenieurs|technicien|technicienne"
    r"|techniciens|chef d entreprise|chefs d entreprise|entrepreneur|entrepreneurs|parrain)"
)
# A teacher asking for someone to come, a visit, or time in a company (normalised words)
TEACHER_REQUEST = re.compile(
    # (« lycée professionnel », « bac pro » name no professional)
    rf"(?<!lycee )(?<!bac )(?<!voie )\b{_PERSON}\b.{{0,50}}\b(ma classe|mes classes|mes eleves"
    r"|nos eleves|aux eleves"
    r"|devant les eleves|mes \d+e|mes \d+eme|nos \d+e|en classe"
    r"|(?:mes|nos) (?:deux|trois|quatre|\d+) classes)\b"
    rf"|\b(faire venir|inviter|accueillir|recevoir)\b.{{0,30}}(?<!lycee )(?<!bac )(?<!voie )"
    rf"\b{_PERSON}\b"
    r"|\b(trouver|cherche|besoin de|besoin d)\b.{0,15}\b(intervenant|intervenante|intervenants"
    r"|intervenantes)\b"
    r"|\b(organiser|faire|prevoir|programmer|monter)\b.{0,25}\bvisite\b.{0,25}"
    r"\b(entreprise|usine|chantier|site|atelier|laboratoire)\b"
    r"|\bimmersion\b.{0,30}\b(enseignant|enseignants|enseignante|prof|profs|moi)\b"
    r"|\b(visiter|faire visiter)\b.{0,20}\b(entreprise|entreprises|usine|usines|site|chantier"
    r"|atelier|laboratoire)\b|\b(nous|me) mettre en relation\b"
    r"|\b(deuxieme|seconde|autre|nouvelle) demande\b.{0,30}\b(classe|groupe|intervention|visite)\b"
    r"|\b(engineer|speaker|professional|someone)\b.{0,40}\b(my class|my classes|my students"
    r"|my pupils)\b"
)
# a teacher asking to pass their request on to the IPE (not about a pupil's placement)
_TO_THE_IPE = re.compile(
    r"\b(transmettre|transmettez|envoyer|faire suivre|faire parvenir|adresser)\b.{0,25}"
    r"\b(ma|notre|cette|la) demande\b.{0,30}\b(ingenieur|ingenieurs|ipe)\b"
    r"|\b(contacter|joindre|solliciter|ecrire a|mettre en relation avec)\b.{0,6}"
    r"\b(l |un |une |votre )?(ingenieur|ipe)\b"
)
_PLACEMENT_WORDS = re.compile(r"\b(stage|stages|pfmp|sans stage|placement|alternance)\b")
# the referent teacher's visit to a placement is a rule to know, not a class visit to organise
_FOLLOW_UP_VISIT = re.compile(
    r"\bqui (?:doit |va |peut )?(?:faire|fait|effectue|assure) (?:la |les )?visites?\b"
    r"|\bvisites? (?:de stage|de suivi|du professeur|du prof|du referent|de l enseignant"
    r"|d evaluation|au stagiaire|a l eleve)\b|\bcombien de visites\b"
)
ANOTHER = "tq:new"  # a teacher may have several requests (one per class), a pupil one
# a question asking how to do it ("comment organiser…") wants advice first: a topic this close
ADVICE = re.compile(
    r"^(?:bonjour |bonsoir )?(?:comment (?:organiser|mettre en place|monter|preparer|construire"
    r"|integrer|faire decouvrir|travailler)|quelles? (?:idees|pistes|activites)|how (?:to|can))\b"
)
ADVICE_SCORE = 55.0
STRONG_SCORE = 75.0  # a topic this clear is offered beside the request (e.g. how to organise)
INTERVENTION_NOTE = "\n\nUn·e intervenant·e ou une visite pour votre classe : /intervention."
# "Bonjour, je suis professeur de technologie en collège.": who they are, no question yet
_INTRODUCTION = re.compile(
    r"\bje suis (?:un |une )?(?:prof|profs|professeur|professeure|enseignant|enseignante|cpe"
    r"|principal|principale|proviseur|proviseure|dde|documentaliste|psyen|psy en)\b"
)
_ASKING = re.compile(
    r"\b(qui|quand|combien|comment|pourquoi|quel|quelle|quels|quelles|quoi|est ce|pouvez|pourriez"
    r"|puis je|peut on|faut il|voudrais|aimerais|souhaite|cherche|besoin)\b"
)
MAX_INTRODUCTION_WORDS = 25
INTRODUCTION = (
    "Bonjour, et bienvenue ! Je suis l'assistant des stages et de la découverte des métiers, "
    "avec les Ingénieurs pour l'école (IPE). Pour vous, enseignant·e : les règles des stages de "
    "vos élèves (3e, seconde, PFMP, BTS), la découverte des métiers avec une classe, et une "
    "demande à l'IPE de votre académie pour un·e intervenant·e ou une visite (/intervention). "
    "Posez votre question, ou choisissez un thème :"
)


def bare_introduction(text: str, said: str) -> bool:
    """A short message that asks nothing ("Bonjour, je suis professeur de techno."): who writes."""
    return not ("?" in text or _ASKING.search(said) or len(said.split()) > MAX_INTRODUCTION_WORDS)


def introduction(engine: DialogueEngine, state: State, text: str, said: str) -> Reply | None:
    """A teacher who introduces themselves without a question: a greeting and what the bot does
    for teachers. None: a question or anything else."""
    if state.staff or state.role == "pupil" or not _INTRODUCTION.search(said):
        return None
    if not bare_introduction(text, said):
        return None
    state.role = "teacher"
    return Reply(INTRODUCTION, engine.theme_choices(state), kind="menu", topic="salutation")


def with_intervention(engine: DialogueEngine, state: State, text: str) -> str:
    """A teacher's answer that points to /stage (a pupil's request) names /intervention too."""
    if state.role != "teacher" or state.staff or not engine.escalation:
        return text
    if "/stage" not in text or "/intervention" in text:
        return text
    answer, source, rest = text.rpartition("\n\nSource : ")
    return f"{answer}{INTERVENTION_NOTE}{source}{rest}" if source else text + INTERVENTION_NOTE


def start(engine: DialogueEngine, state: State, action: str | None = None) -> Reply:
    """Start a teacher's request (or resume one being filled)."""
    assert engine.academies is not None
    state.role = state.role or "teacher"
    if request.is_teacher_form(state):
        assert state.form is not None
        state.form.pop("paused", None)
        return request._prompt(
            engine, state, "On reprend votre demande là où vous l'aviez laissée."
        )
    school, town = (state.draft or {}).get("school"), (state.draft or {}).get("commune")
    state.form = teacher_forms.new_form(action, state.draft)
    found = engine.academies.resolve(town) if town else None
    if found is not None and found.academy is not None and found.confident:  # "…, Villeurbanne"
        state.form["answers"].update(academy=found.academy.id, commune=town)
    noted = teacher_forms.noted(state.form)
    state.draft = None
    if state.academy in engine.academies.academies:
        state.form["pending_academy"] = state.academy  # from a poster's link: only confirm it
    if state.school or school:  # a poster's link, or the request's words: to confirm
        state.form["known_school"] = state.school or school
    intro = (
        "Je transmets votre demande à l'ingénieur pour l'école (IPE) de votre académie : "
        "quelques questions rapides (⬅️ Retour et ❌ Annuler à tout moment) ; rien n'est envoyé "
        "sans votre accord à la fin."
    )
    if noted:  # said in the request: not asked again
        intro += f"\n\nJ'ai déjà noté : {noted} (⬅️ Retour pour corriger)."
    return request._prompt(engine, state, intro)


def offer(engine: DialogueEngine, state: State, text: str, said: str) -> Reply | None:
    """A teacher's words asking for a speaker, a visit or an immersion: offer the request form
    (with the closest advice topic beside it). None: not such a message."""
    if not engine.escalation or state.role == "pupil" or state.staff:
        return None
    if state.parent:  # a parent's request is their child's (desks.parents)
        return None
    if state.role == "teacher" and HOW_TO_ASK.search(said):  # « comment je fais la demande ? »
        return start(engine, state)
    to_the_ipe = (
        state.role == "teacher" and _TO_THE_IPE.search(said) and not _PLACEMENT_WORDS.search(said)
    )
    if not (TEACHER_REQUEST.search(said) or to_the_ipe) or _FOLLOW_UP_VISIT.search(said):
        return None
    state.role = "teacher"
    state.draft = details_in(text) or None  # "ma 3e B, 28 élèves, en mars": not asked again
    action = guess_action(said)
    what = ACTION_SHORT.get(action or "", "") if action != "other" else ""
    choices = [Choice("📝 Faire la demande à l'IPE", f"tq:{action}" if action else "tq")]
    result = engine.matcher.match(text)
    if ADVICE.search(said) and result.topic is not None and result.score >= ADVICE_SCORE:
        # « comment organiser la découverte des métiers pour mes 4e ? »: the advice first, the
        # request to the IPE as its first button
        answer = engine.answer(state, engine.kb.topics[result.topic], result.score)
        body, marker, source = answer.text.partition("\n\nSource : ")
        also = "L'IPE de votre académie peut aussi vous aider (visite, intervenant·e) : bouton ci-dessous."
        answer.text = f"{body}\n\n{also}{marker}{source}"
        answer.choices = [choices[0], *answer.choices]
        return answer
    if result.topic is not None and result.score >= STRONG_SCORE:
        name = register.title(engine.kb.topics[result.topic], "teacher")
        choices.append(Choice(f"📖 {name}", f"t:{result.topic}"))
    choices.append(Choice("Non merci", "m"))
    return Reply(
        "Les ingénieurs pour l'école (IPE) aident les enseignant·es à faire venir des "
        "professionnel·les en classe, à organiser des visites d'entreprise et des projets. "
        + (f"Je transmets votre demande ({what}) à l'IPE de votre académie ?" if what else "")
        + ("" if what else "Je transmets votre demande à l'IPE de votre académie ?")
        + " Quelques questions, rien n'est envoyé sans votre accord.",
        choices,
        kind="offer",
    )


def on_choice(engine: DialogueEngine, state: State, arg: str) -> Reply:
    """The menu's or the offer's button (tq, tq:visit…)."""
    return start(engine, state, arg if arg in ACTION_CHOICES else None)


def status(case: Case, routed: bool = True, who: str = nobody.TEAM) -> Reply:
    """Where a teacher's open request stands, and what happens next (/demande); routed: an
    IPE, fallback or coordinator was sent it."""
    action = ACTION_SHORT.get(json.loads(case.details or "{}").get("action", ""), "")
    head = f"Votre demande {case.reference}" + (f" ({action})" if action else "")
    text = f"{head} : {status_label(case)}."
    if case.status == "new" and not routed:
        text += (
            " Aucun ingénieur pour l'école n'est encore inscrit pour votre académie. "
            f"{nobody.told(who, 'teacher')} 100 000 entrepreneurs, Elles bougent ou "
            "C.Génial mettent aussi des professionnel·les en relation avec les classes."
        )
    elif case.status == "new":
        text += " Un ingénieur pour l'école va la prendre en charge : vous serez prévenu·e ici."
    elif case.status == "acknowledged":
        text += " Un ingénieur pour l'école s'en occupe et vous écrira ici pour fixer une date."
    elif case.event_date is not None:
        text += f" Date : {agreed_when(case)}{with_company(case)}."
    choices = [] if case.status == "new" else [Choice("↩️ Écrire à l'ingénieur", f"pr:{case.id}")]
    choices.append(Choice("📝 Une autre demande (une autre classe…)", ANOTHER))
    return Reply(text, choices, kind="status")
