"""The register before and after the role is known: a greeting that tutoies nobody, the role
question asked once at a natural moment, and the topics' names in a teacher's words.

A pupil is tutoyé, an adult vouvoyé (README); before the role is known the words are neutral.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.desks.phrases import NO_FEEDBACK_TOPICS, ROLE_LABELS, SMALL_TALK_TOPICS
from bot.messages import Choice, Reply, State, by_role, voice
from bot.understanding.knowledge import KnowledgeBase
from bot.understanding.topics import Topic

GREETING = (
    "Bonjour ! Je suis l'assistant des stages et de la découverte des métiers, avec les "
    "Ingénieurs pour l'école. Une question en quelques mots suffit (par exemple « c'est quoi le "
    "stage de 3e ? »).\n\nPour adapter mes réponses : élève, parent ou enseignant·e ?"
)
GREETED_AGAIN = (  # a hello just after the greeting: not the same text twice (no tu, no vous)
    "Bonjour 👋 Une question en quelques mots suffit. Et pour adapter mes réponses : élève, "
    "parent ou enseignant·e ?"
)
ROLE_QUESTION = "\n\nPour adapter mes réponses : élève, parent ou enseignant·e ?"
# a message that only says who writes (normalised words): "élève", "jsuis lyceenne en 1ere",
# "prof", "I'm a student". "je suis prof de techno" is a teacher's introduction (desks.teacher).
_PUPIL = (
    r"eleve|collegien|collegienne|lyceen|lyceenne|apprenti|apprentie|etudiant|etudiante"
    r"|stagiaire|student|pupil"
)
_STATED_ROLE = re.compile(
    r"^(?:moi )?(?:(?:je suis|suis|chui|c est|i am|i m|im) )?(?:(?:un|une|a|an) )?"
    rf"(?:(?P<pupil>{_PUPIL})(?: (?:en|de|d|au|a la|in) [a-z0-9]+(?: [a-z0-9]+)?)?"
    r"|(?P<teacher>prof|professeur|professeure|enseignant|enseignante|teacher))"
    r"(?: (?:en fait|enfait|finalement|pas eleve|pas un eleve|pas une eleve|actually))?$"
)
# "je suis professeur" said by someone who pressed « Élève »: an adult after all
_SAYS_TEACHER = re.compile(
    r"\b(?:je suis|jsuis|suis) (?:un |une )?(?:prof|professeur|professeure|enseignant|enseignante"
    r"|cpe|professeur principal|professeure principale)\b"
)
_WANTS_VOUS = re.compile(r"\b(vouvoie|vouvoies|vouvoyer|vouvoyez|vouvoiement)\b")
ASK_ROLE_FROM = 2  # the role question comes after a real answer, from the 2nd text on, once
# topics whose title speaks as or to a pupil: a teacher sees these names instead
TEACHER_TITLES = {
    "droits-stagiaire": "Les droits des stagiaires",
    "pas-de-stage": "Un·e élève sans stage",
    "discrimination": "Discrimination envers un·e élève",
    "donnees-personnelles": "Vos données et /oublier",
}


def role_choices() -> list[Choice]:
    pupil, teacher = (Choice(label, f"r:{role}") for role, label in ROLE_LABELS.items())
    return [pupil, Choice("Parent", "r:parent"), teacher]  # a parent: vous (desks.parents)


def title(topic: Topic, role: str | None) -> str:
    """The topic's name in the words of this role."""
    adult = role in ("teacher", "parent")
    return TEACHER_TITLES.get(topic.id, topic.title) if adult else topic.title


def topic_choices(kb: KnowledgeBase, ids: Iterable[str], role: str | None) -> list[Choice]:
    """Buttons to these topics, named for the role; a topic not for this role is left out."""
    topics = (kb.topics[i] for i in ids if i in kb.topics)
    served = None if role == "parent" else role  # a parent: every topic, in adults' words
    return [Choice(title(t, role), f"t:{t.id}") for t in topics if t.serves(served)]


def reader(state: State) -> str | None:
    """Whose names for the topics: "parent" for a parent (an adult who may read them all)."""
    return "parent" if state.parent and state.role != "pupil" else state.role


def says_teacher(state: State, said: str) -> bool:
    """A "pupil" who says they teach: the role was pressed by mistake."""
    return state.role == "pupil" and not state.staff and _SAYS_TEACHER.search(said) is not None


def stated_role(said: str) -> str | None:
    """ "pupil" or "teacher" when the message (normalised words) only says who writes."""
    if _WANTS_VOUS.search(said):  # "merci de me vouvoyer": an adult, whatever was pressed
        return "teacher"
    found = _STATED_ROLE.match(said)
    if found is None:
        return None
    return "pupil" if found.group("pupil") else "teacher"


def ask_role_once(state: State, reply: Reply) -> Reply:
    """Still no role after a few texts: ask it once, under a real answer, with its two buttons
    alone (the answer's "En savoir plus" comes back once the role is chosen)."""
    if state.role is not None or state.form is not None or state.role_asked or state.parent:
        return reply
    state.turns += 1
    if state.turns < ASK_ROLE_FROM or reply.kind != "answer" or reply.topic in NO_FEEDBACK_TOPICS:
        return reply
    if any(c.id.startswith(("esc", "tq", "pl:")) for c in reply.choices):
        return reply  # an answer that offers an action keeps its button: asked another time
    if reply.safety is not None or reply.suggestions:
        return reply  # helplines in the footer, or « (bouton ci-dessous) »: not now
    state.role_asked = True
    reply.text += ROLE_QUESTION
    reply.choices = role_choices()
    state.choices = list(reply.choices)
    return reply


def after_role_choice(state: State) -> list[Choice]:
    """Under « C'est noté »: the last answer's rest, when the role question came under it."""
    if not state.role_asked or state.last_topic in (None, *NO_FEEDBACK_TOPICS):
        return []
    return [Choice("📖 En savoir plus", f"more:{state.last_topic}")]


MENU_PAGE = 8  # topics per page of a theme's menu


def theme_menu(kb: KnowledgeBase, state: State, theme_id: str, page: int = 0) -> Reply:
    """A theme's topics, MENU_PAGE at a time, with ➡️ Suite and ⬅️ Retour."""
    theme = next(t for t in kb.themes if t.id == theme_id)
    topics = [
        kb.topics[i]
        for i in theme.topic_ids
        if kb.topics[i].serves(state.role) and i not in SMALL_TALK_TOPICS
    ]
    pages = max(1, -(-len(topics) // MENU_PAGE))
    page = min(page, pages - 1)
    shown = topics[page * MENU_PAGE : (page + 1) * MENU_PAGE]
    choices = [Choice(title(t, reader(state)), f"t:{t.id}") for t in shown]
    if page + 1 < pages:
        choices.append(Choice("➡️ Suite", f"th:{theme.id}:{page + 1}"))
    choices.append(Choice("⬅️ Retour", f"th:{theme.id}:{page - 1}" if page else "m"))
    text = f"{theme.title} — " + by_role(
        voice(state), "choisis un sujet :", "choisissez un sujet :"
    )
    return Reply(text, choices, kind="menu")
