"""Answers for the pupil's class: a topic's variant for the level in the State, and the one
question that asks the level when it matters (the topic has variants) and is still unknown.

The question's buttons carry the topic (`lv:<level>:<topic>`): the answer follows at once, and
the level is remembered, so it is never asked again ("je ne sais pas" is remembered too, and
gets the general answer).
"""

from __future__ import annotations

import dataclasses
import re
import time
from typing import TYPE_CHECKING

from bot.desks import register
from bot.desks.class_words import parse_level
from bot.desks.phrases import LEVELS
from bot.messages import Choice, Reply, State, answer_voice, voice
from bot.understanding.matching import MatchResult
from bot.understanding.topics import Topic

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

# the State's level -> the variant key of the YAML (understanding.topics.LEVEL_KEYS)
VARIANT_OF = {
    "4e": "3e",
    "3e": "3e",
    "2de": "2de",
    "cap": "pro",
    "bacpro": "pro",
    "pro": "pro",
    "bts": "bts",
}
ASKED = (
    ("4e / 3e", "3e"),
    ("2de générale et techno", "2de"),
    ("Lycée pro / CAP", "pro"),
    ("BTS", "bts"),
    ("Je ne sais pas / autre", "autre"),
)
# a topic that names a class: until the pupil's own class is known, the talk is about that one
# ("le stage de 3e" then "et c payé ?": the answer for 3e, not the class question)
TOPIC_LEVEL = {
    "stage-3e": "3e",
    "stage-seconde": "2de",
    "pfmp": "pro",
    "allocation-pfmp": "pro",
    "travaux-reglementes": "pro",
    "stage-bts": "bts",
}
# levels the question can store besides the profile's (desks.phrases.LEVELS)
EXTRA_NAMES = {"pro": "lycée pro / CAP", "autre": "autre"}
QUESTION = (
    "La réponse dépend de ta classe. Tu es en quelle classe ? (je m'en souviendrai, et tu peux "
    "la changer avec /profil)"
)


# "jsuis en 3e", "je suis en bac pro": the pupil says their class in the question itself
_SAYS_CLASS = re.compile(
    r"\b(?:(?:je suis|jsuis|jsui|chui|suis|je passe|j entre)(?: (?:un|une) eleve| eleve)? en"
    r"|(?:i m|im|i am) in)"
    r" ([a-z0-9 ]{2,16})"
)


# "mon fils est en 3e", "my daughter is in 2de": a parent's child, the class the talk is about
_CHILD_CLASS = re.compile(
    r"\b(?:(?:mon fils|ma fille|mon enfant|notre fils|notre fille|my son|my daughter|my child)"
    r" (?:est|is|va|rentre|entre|passe)(?: en| in)?"
    r"|(?:papa|maman|pere|mere|parents?) d[e]? (?:un |une )?(?:eleve|enfant|collegien|collegienne"
    r"|lyceen|lyceenne|ado)(?: de| en)?) ([a-z0-9 ]{2,16})"
)


# "c payé le stage de 3e ?", "la gratification en bts": the class the question is about
_NAMES_CLASS = re.compile(
    r"\b(?:(?:stage|stages|stg|eleve|eleves|eleve de|classe|classes|pfmp) (?:de |d |en |du )?"
    r"|en |in )(3e|3eme|troisieme|4e|4eme|seconde|2nde|2de|bts|cap|bac pro)\b"
)


# a pupil's own stage, said in vous to the bot (« vs pouvez me trouver un stage svp »)
_PUPIL_OWN = re.compile(
    r"\b(?:mon stage|mon stg|ma pfmp|ma periode en entreprise|me trouver un stage"
    r"|je cherche (?:un |mon )?(?:stage|stg|pfmp)|jcherche|je suis eleve|je suis une eleve"
    r"|(?:pour |pr )?ma (?:seconde|2nde|2de|3e|3eme|troisieme|premiere|1re|terminale)"
    r"|je (?:ne )?trouve (?:pas|pa|rien)|j trouve|jtrouve|mon tuteur|ma tutrice|mon maitre de stage"
    r"|mon prof principal|ma prof principale|mes parents)\b"
)


# « jtrouve pas de stage de 3e », « mon stage de seconde »: the pupil's own class
_OWN_STAGE_CLASS = re.compile(
    r"\b(?:mon|ma|je|j|jtrouve|jcherche|jai|g|ai)\b(?: \w+){0,5} (?:stage|stg|pfmp|stages)"
    r" (?:de |d |en )(3e|3eme|troisieme|4e|4eme|seconde|2nde|2de|bts|cap|bac pro)\b"
)


def own_class(said: str) -> str | None:
    """The class of a pupil's own stage in their words (normalised), if they say it."""
    found = _OWN_STAGE_CLASS.search(said)
    level = parse_level(found.group(1)) if found else None
    return level if level in LEVELS else None


def says_class(said: str) -> bool:
    """ "je suis en 3e", « mon stage »: a pupil writes, even in vous (« pouvez-vous m'aider ? »)."""
    found = _SAYS_CLASS.search(said)
    if found is not None and parse_level(found.group(1)) in LEVELS:
        return True
    return _PUPIL_OWN.search(said) is not None


def remember_from(state: State, said: str) -> None:
    """A pupil who says their class in a message ("jsuis en 3e on est payé ?") is not asked it;
    a parent who gives their child's ("mon fils est en 3e") neither, for this conversation;
    a question that names one ("c payé le stage de 3e ?") is answered for that class."""
    named = _NAMES_CLASS.search(said)
    if named is not None and (level := parse_level(named.group(1))) in LEVELS:
        state.topic_level = level
    if state.level is not None:  # « en fait non jsuis en cap, jme suis trompé »: the new class
        fixed = _SAYS_CLASS.search(said) if _CORRECTED.search(said) else None
        if fixed is not None and not fixed.group(0).startswith(("je passe", "j entre")):
            level = parse_level(fixed.group(1))
            state.level = level if level in LEVELS else state.level
        return
    child = _CHILD_CLASS.search(said)
    if child is not None and (level := parse_level(child.group(1))) in LEVELS:
        state.topic_level = level
        return
    found = _SAYS_CLASS.search(said) if state.role != "teacher" else None
    level = parse_level(found.group(1)) if found else None  # "3e on est paye": a word of it
    if level in LEVELS:
        state.level = level
        if state.role is None and not state.parent:  # "jsuis en 3e": only a pupil says that
            state.role = "pupil"


# up to two more words of the class's name (« bac pro cuisine »), not a question (« bts c payé »)
_CLASS_TAIL = (
    r"(?: (?!(?:c|ce|est|cest|paye|payee|quoi|koi|combien|comment|quand|ou|obligatoire|dure|faut"
    r"|on|je|j|tu|stage|stages|pfmp|aide|help)\b)[a-z0-9]+){0,2}$"
)


# the whole message says the class ("jsuis en 3e", "moi jsui en bac pro cuisine")
_ONLY_CLASS = re.compile(
    r"^(?:(?:mais|moi|bah|ben|euh|et) )?(?:je suis|jsuis|jsui|chui|suis|j suis|i m|im|i am)"
    r" (?:en|in) [a-z0-9]+" + _CLASS_TAIL
)


# a correction around the class (« en fait non jsuis en cap, jme suis trompé »)
_CORRECTED = re.compile(
    r"^(?:(?:en fait|enfaite|enfait|non|nan|nn|pardon|dsl|desole|desolee|oups|oops|plutot|sorry"
    r"|actually|correction|euh|ah|oh|mais|attends|attend|(?:je me suis|jme suis|me suis)"
    r" (?:trompe|trompee))\s+)+"
    r"|\s+(?:je me suis|jme suis|me suis|i was) (?:trompe|trompee|wrong)$"
    r"|\s+(?:pardon|dsl|desole|desolee|sorry|en fait|enfait|enfaite|finalement|plutot)$"
    r"|\s+(?:et )?(?:pas|not) (?:en|in) (?!stage)[a-z0-9]+(?: (?:gt|pro|general|generale))?$"  # 2de
)


def _only_class(said: str) -> bool:
    return _ONLY_CLASS.match(_CORRECTED.sub("", said).strip()) is not None


# a hello with the class ("salut moi c yanis jsuis en 3e"): who writes, no question yet
_INTRO_CLASS = re.compile(
    r"^(?:(?:salut|slt|bonjour|bjr|coucou|hello|hey|wesh|yo|re)\s+)?(?:(?:moi c est|moi c|moi ce est"
    r"|c est|ce est|je m appelle|jm appelle|moi cest) [a-z]+\s+)?(?:et )?(?:je suis|jsuis|jsui|chui"
    r"|suis) en [a-z0-9]+" + _CLASS_TAIL
)


def restated(engine: DialogueEngine, state: State, said: str) -> Reply | None:
    """The class said alone after an answer: that answer for the class when it has one,
    else a word that the answer stands (not the general page of that class); with a hello
    and no answer before, a greeting that offers the class's stage."""
    asked = next(
        (c.id for c in state.choices if c.id.startswith("lv:") and c.id.count(":") == 2), ""
    )
    typed = parse_level(said) if asked and len(said.split()) <= 4 else None
    if typed in LEVELS:  # « Tu es en quelle classe ? » answered in words: the button
        return on_choice(engine, state, f"{typed}:{asked.rsplit(':', 1)[1]}")
    last = engine.kb.topics.get(state.last_topic or "")
    if state.level is None:
        return None
    name = level_name(state.level)
    # the class's own stage topic (TOPIC_LEVEL read backwards: 3e → stage-3e, CAP → pfmp)
    own = [t for t, v in TOPIC_LEVEL.items() if v == VARIANT_OF.get(state.level)][:1]
    hello, only = _INTRO_CLASS.match(said) is not None, _only_class(said)
    if (hello and (last is None or not only)) or (last is None and only):
        ids = dict.fromkeys([*own, "trouver-stage", "pas-de-stage"])
        choices = register.topic_choices(engine.kb, ids, register.reader(state))
        return Reply(
            f"{'Salut 👋 ' if hello else ''}C'est noté ({name}). Pose-moi ta question, ou choisis :",
            choices,
            kind="menu",
            topic="salutation",
        )
    if last is None or not only:
        return None
    if last.id in TOPIC_LEVEL and own and own[0] != last.id:  # the 3e stage, then « jsuis en cap »
        reply = engine.answer(state, engine.kb.topics[own[0]])
        reply.text = f"C'est noté ({name}). " + reply.text
        return reply
    if last.by_level:
        reply = engine.answer(state, last)
        reply.text = f"C'est noté ({name}). " + reply.text
        return reply
    title = last.title
    return Reply(
        f"C'est noté ({name}). Ma réponse sur « {title} » vaut aussi pour toi. Autre question ?",
        [Choice("📖 En savoir plus", f"more:{last.id}")],
        kind="info",
    )


def note_topic(state: State, topic: Topic) -> None:
    """Answering a topic that names a class makes it the class the talk is about."""
    if topic.id in TOPIC_LEVEL:
        state.topic_level = TOPIC_LEVEL[topic.id]


def level_name(level: str | None) -> str:
    return LEVELS.get(level or "") or EXTRA_NAMES.get(level or "", "non précisé")


def variant(state: State) -> str | None:
    """The variant key for this user's class, or None (a teacher, or the class unknown)."""
    if state.role == "teacher":
        return None
    level = state.level
    if level is None and state.form is not None:  # a class already given in the request form
        level = state.form.get("answers", {}).get("level")
    return VARIANT_OF.get(level or state.topic_level or "")


def told(state: State, topic: Topic) -> tuple[str, str]:
    """The answer this reader gets (their class's variant, if any) and that answer's source."""
    reader, level = answer_voice(state), variant(state)
    return topic.answer_for(reader, level), topic.source_for(reader, level)


def needs_level(state: State, topic: Topic) -> bool:
    """True when the class changes this topic's answer and this pupil's class is unknown (not
    under an offer of help: « jtrouve pa de stage » gets its 🙋 button at once, the form asks
    the class)."""
    in_form = state.form is not None and not state.form.get("paused")
    if not topic.by_level or voice(state) == "teacher" or state.staff or in_form:
        return False
    if topic.action == "escalate":
        return False
    return state.level is None and state.topic_level is None


_GENERAL_SECONDE = re.compile(r"\b(?:gt|generale?|techno|technologique|general)\b")


def own_stage(state: State, said: str, result: MatchResult) -> MatchResult:
    """« c quand mon stage de seconde ? » from a pupil in 2de pro: their stage is a PFMP, not
    the two weeks of June of the 2de GT."""
    vocational = VARIANT_OF.get(state.level or state.topic_level or "") == "pro"
    if result.topic != "stage-seconde" or not vocational or _GENERAL_SECONDE.search(said):
        return result
    return dataclasses.replace(result, topic="pfmp")


def passed_over(state: State, topic_id: str) -> bool:
    """The class question for this topic is on screen and the pupil asked again instead (« ma
    convention dit rien sur l'argent » then « ma sœur a touché une gratif, et moi ? »): they
    get the answer for every class, and are not asked again in this conversation."""
    if not any(c.id.startswith("lv:") and c.id.endswith(f":{topic_id}") for c in state.choices):
        return False
    state.topic_level = "autre"
    return True


def ask(state: State, topic: Topic, score: float) -> Reply:
    """The level question, once; its buttons answer the topic."""
    state.last_topic, state.last_at = topic.id, time.time()
    choices = [Choice(label, f"lv:{key}:{topic.id}") for label, key in ASKED]
    return Reply(QUESTION, choices, kind="level", topic=topic.id, score=score)


def on_choice(engine: DialogueEngine, state: State, arg: str) -> Reply | None:
    """`lv:<level>` (the profile) or `lv:<level>:<topic>` (the question); None: not valid."""
    level, _, topic_id = arg.partition(":")
    if level not in LEVELS and level not in EXTRA_NAMES:
        return None
    state.level = level
    topic = engine.kb.topics.get(topic_id) if topic_id else None
    if topic is None:
        return Reply(f"Niveau enregistré : {level_name(level)}.", kind="info")
    reply = engine.answer(state, topic)
    reply.choices = [
        *reply.choices[:10],
        Choice("👍 Utile", f"fb:+:{topic.id}"),
        Choice("👎 Pas utile", f"fb:-:{topic.id}"),
    ]
    return reply
