"""The safety message, and the question the same message may also ask.

A strong signal always answers with the safety message first, alone at the top. When the
message also asks a question ("?" or a question word) the knowledge base answers ("mon tuteur me frappe, je peux arrêter
mon stage ?", or a long harmless story the net misread), the reply says so and offers that
answer as a button: the pupil is never left without the answer they came for, and the helplines
stay the first thing they read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.desks import register
from bot.desks.context import ASKING
from bot.desks.phrases import NO_FEEDBACK_TOPICS
from bot.messages import Choice, Reply, State, by_role
from bot.understanding.knowledge import Topic
from bot.understanding.normalise import words
from bot.understanding.safety import SafetySignal

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine


def crisis_reply(
    engine: DialogueEngine, state: State, signal: SafetySignal, text: str | None = None
) -> Reply:
    """The safety message; a request being filled waits at its step; the question, if any,
    offered as a button."""
    safety = engine.kb.safety
    assert safety is not None
    body = safety.message(signal, state.role)
    if state.form is not None and not state.form.get("paused"):
        state.form["paused"] = True
        body += by_role(
            state.role,
            "\n\nTa demande de stage est en pause : tape /stage pour la reprendre là où tu "
            "en étais.",
            "\n\nLa demande est en pause : tapez /stage pour la reprendre là où vous en étiez.",
        )
        return Reply(body, kind="safety", safety=signal.level)
    topic = _question_topic(engine, state, text)
    if topic is None:
        body += by_role(
            state.role,
            "\n\nTu peux aussi continuer à m'écrire ici pour tes questions sur les stages.",
            "\n\nVous pouvez aussi continuer à m'écrire ici pour vos questions.",
        )
        return Reply(body, kind="safety", safety=signal.level)
    title = register.title(topic, state.role)
    body += by_role(
        state.role,
        f"\n\nTa question sur « {title} » : la réponse est sous ce bouton.",
        f"\n\nVotre question sur « {title} » : la réponse est sous ce bouton.",
    )
    choices = [Choice(title, f"t:{topic.id}")]
    return Reply(body, choices, kind="safety", safety=signal.level)


def _question_topic(engine: DialogueEngine, state: State, text: str | None) -> Topic | None:
    """The topic a message confidently asks about, besides distress (None if none): only a
    message that asks something ("?", "comment", "quand"...), so distress alone gets no topic."""
    if not text or ("?" not in text and not ASKING.search(" ".join(words(text)))):
        return None
    result = engine.matcher.match(text, calm=True)
    if result.topic is None or result.topic in NO_FEEDBACK_TOPICS:
        return None
    if result.score < engine.matcher.settings.answer_threshold:
        return None  # the classifier's weak guess: "que dois-je faire ?" is about the distress
    topic = engine.kb.topics[result.topic]
    return topic if topic.serves(state.role or "pupil") else None
