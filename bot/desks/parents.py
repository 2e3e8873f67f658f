"""Parents: someone who writes about their child is answered in vous, for the whole talk, and
a parent who only introduces themselves gets a greeting that says what the bot does for them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.desks.phrases import HELP_REQUEST, HOW_TO_ASK
from bot.desks.teacher import bare_introduction
from bot.messages import Choice, Reply, State

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

# normalised words: "je suis la maman de…", "mon fils est en 3e", "parent d'élève", "my son…"
PARENT = re.compile(
    r"\b(mon fils|ma fille|mon enfant|mes enfants|notre fils|notre fille|notre enfant"
    r"|je suis (?:le |la |un |une )?(?:papa|maman|pere|mere|parent)|parents? de? (?:un |une )?eleve"
    r"|my son|my daughter|my child|my kid)\b"
)
_INTRODUCTION = re.compile(
    r"\b(je suis (?:le |la |un |une )?(?:papa|maman|pere|mere|parent)|parents? de? (?:un |une )?eleve)"
)
_SUBJECT = re.compile(
    r"\b(stage|stages|stg|pfmp|convention|trouve|cherche|probleme|souci|refuse|refusee|tuteur"
    r"|tutrice|patron|entreprise|alternance|apprentissage|harcele|harcelee|orientation)\b"
)
INTRODUCTION = (
    "Bonjour, et bienvenue ! Je réponds aussi aux parents : les règles du stage de votre enfant "
    "(3e, seconde, lycée pro, BTS), la convention, les horaires, le premier jour… Posez votre "
    "question, ou choisissez un thème. Votre enfant peut aussi m'écrire lui-même : s'il ne "
    "trouve pas de stage, il peut demander de l'aide avec /stage."
)


# the child takes the phone: "je vous passe mon fils", "salut c moi lucas j'ai 14 ans"
PHONE_PASSED = re.compile(
    r"^(?:bon |ok |d accord )?je vous (?:le |la )?passe (?!le |la |les |un |une )[a-z]+$"
    r"|\b(?:ce est|c est|cest) (?:mon fils|ma fille|mon enfant) qui (?:ecrit|parle|tape)\b"
    r"|\b(?:je vous (?:le |la )?passe|je (?:lui )?passe le telephone a|voici) (?:mon fils|ma fille"
    r"|mon enfant|mon garcon|mon ado)\b|\bje (?:lui|leur) passe le telephone\b"
    r"|\b(?:ma mere|mon pere|ma mere me|mon pere me|ma maman|mon papa) (?:m a|me a|ma) passe\b"
    r"|^(?:(?:salut|slt|coucou|wesh|yo|bjr|bonjour|re) )?(?:c|cest|c est|ce est|moi c est) moi\b"
)
HANDOVER = re.compile(rf"{PHONE_PASSED.pattern}|\b(?:j ai|jai|g) 1[0-9] ans\b")
CHILD_GREETING = (
    "Salut 👋 Pose-moi ta question (ton stage, ta "
    "recherche, tes droits…) ; si tu ne trouves pas de stage, tape /stage et je t'aide à "
    "demander l'aide d'un ingénieur pour l'école."
)


def speaks_as_parent(state: State, said: str) -> bool:
    """True for a parent (said now, or earlier in the talk): the answer is in vous. The child
    who takes the phone is tutoyé from then on."""
    if state.role == "teacher" or state.staff:
        return False
    if state.parent and HANDOVER.search(said):
        state.parent, state.role = False, "pupil"
        return False
    if PARENT.search(said):
        state.parent = True
    return state.parent


PARENT_ASKS = (
    "Vous pouvez faire la demande ici pour votre enfant : quelques questions (son établissement, "
    "sa classe, ses dates), et rien n'est envoyé sans votre accord ; l'ingénieur pour l'école vous "
    "répondra dans cette conversation. Votre enfant peut aussi la faire lui-même avec /stage. En "
    "attendant, son professeur principal doit aussi l'aider à trouver."
)
PARENT_ASK_LABEL = "🙋 Faire la demande pour mon enfant"


def help_request(engine: DialogueEngine, state: State, said: str) -> Reply | None:
    """A parent asking for the IPE's help: the request, which they may file for their child."""
    asks = HELP_REQUEST.search(said) or HOW_TO_ASK.search(said)
    if not (state.parent and asks and engine.escalation):
        return None
    ask = [Choice(PARENT_ASK_LABEL, "esc")]
    return Reply(PARENT_ASKS, ask, kind="answer", topic="ipe", score=100.0)


def chosen(engine: DialogueEngine, state: State) -> Reply:
    """The « Parent » button: vous from now on, and what the bot does for parents."""
    state.parent, state.role = True, None
    return Reply(INTRODUCTION, menu(engine, state), kind="menu")


def menu(engine: DialogueEngine, state: State) -> list[Choice]:
    """The themes, without the teachers' request button."""
    return [c for c in engine.theme_choices(state) if c.id != "tq"]


def introduction(engine: DialogueEngine, state: State, text: str, said: str) -> Reply | None:
    """A parent who introduces themselves without a question, or the child who takes the phone
    from them; None for anything else."""
    if (
        state.role == "pupil"
        and PHONE_PASSED.search(said)
        and "?" not in text
        and len(said.split()) <= 8
    ):
        return Reply(CHILD_GREETING, menu(engine, state), kind="menu", topic="salutation")
    if not state.parent or not _INTRODUCTION.search(said) or not bare_introduction(text, said):
        return None
    if _SUBJECT.search(said):  # "…il est en 3e et il trouve pas de stage": a question told
        return None
    return Reply(INTRODUCTION, menu(engine, state), kind="menu", topic="salutation")
