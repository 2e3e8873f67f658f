"""👍 / 👎 under an answer; after 👎, the next message says what was missing (kept without any
user identifier for the knowledge authors' gaps inbox, `ipe-bot admin report`), unless it is a
new question, which is answered as usual."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.desks.context import ASKING
from bot.desks.phrases import FEEDBACK_THANKS
from bot.messages import Reply, State, by_role, voice
from bot.understanding.normalise import words

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

WHAT_WAS_MISSING = (
    " Qu'est-ce qui manquait ? Écris-le en une phrase : je le note, sans ton nom, pour améliorer "
    "mes réponses. Ou pose une autre question.",
    " Qu'est-ce qui manquait ? Une phrase suffit : je la note, sans votre nom, pour améliorer mes "
    "réponses. Ou posez une autre question.",
)
NOTED = ("Merci, c'est noté 🙏 Autre chose ?", "Merci, c'est noté. Autre chose ?")
QUESTION_SCORE = 90.0  # a message this clearly about a topic is a new question, not a comment


def on_choice(engine: DialogueEngine, state: State, arg: str) -> Reply | None:
    """`fb:+:<topic>` or `fb:-:<topic>`; None when not valid."""
    sign, _, topic_id = arg.partition(":")
    if sign not in ("+", "-") or topic_id not in engine.kb.topics:
        return None
    helpful = sign == "+"
    text = by_role(voice(state), *FEEDBACK_THANKS[helpful])
    if not helpful:
        text += by_role(voice(state), *WHAT_WAS_MISSING)
        state.comment_for = topic_id
    question = state.last_question if state.last_topic == topic_id else None
    return Reply(text, kind="feedback", effects=[("feedback", (helpful, topic_id, question))])


def comment(engine: DialogueEngine, state: State, text: str) -> Reply | None:
    """The message after 👎: what was missing; None when it is a question of its own."""
    topic_id, state.comment_for = state.comment_for, None
    if topic_id is None or not text:
        return None
    result = engine.matcher.match(text)
    asks = text.rstrip().endswith("?") or ASKING.search(" ".join(words(text))) is not None
    if asks or result.score >= QUESTION_SCORE:  # "combien exactement par semaine": a question
        return None
    return Reply(
        by_role(voice(state), *NOTED),
        kind="feedback",
        effects=[("feedback_comment", (topic_id, text))],
    )
