"""A follow-up that lands on the answer just sent ("c obligatoire ?" after the 3e stage): the
answer's next part, or an honest word and the closest other topics — never the same text twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.desks import register
from bot.messages import Choice, Reply, State, by_role
from bot.understanding.matching import MatchResult

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

NEXT_PART = "Ma réponse sur « {name} » en parle ; voici la suite, avec plus de détails :\n\n"
OTHERS = 3  # other topics offered when the answer above already says everything


def follow_on(engine: DialogueEngine, state: State, result: MatchResult) -> Reply:
    """The reply to a message read as the topic of the last answer (`state.last_topic`)."""
    assert result.topic is not None
    topic = engine.kb.topics[result.topic]
    name = register.title(topic, state.role)
    if state.told_rest != topic.id:
        more = engine.handle_choice(state, f"more:{topic.id}")  # the rest and the full source
        state.told_rest = topic.id
        if not more.text.startswith("Source : "):  # there is a rest to tell
            more.text = NEXT_PART.format(name=name) + more.text
            more.kind, more.topic, more.score = "answer", topic.id, result.score
            more.source = topic.source
            return more
    nearby = [c.topic_id for c in result.candidates if c.topic_id != topic.id]
    choices = register.topic_choices(engine.kb, [*nearby, *topic.related], state.role)
    unique = list({c.id: c for c in choices if c.id != f"t:{topic.id}"}.values())[:OTHERS]
    text = by_role(
        state.role,
        f"Ma réponse sur « {name} » dit tout ce que je sais là-dessus. Si ta question "
        "portait sur autre chose, reformule-la, ou regarde ces sujets proches :",
        f"Ma réponse sur « {name} » dit tout ce que je sais là-dessus. Si votre question "
        "portait sur autre chose, reformulez-la, ou voyez ces sujets proches :",
    )
    return Reply(
        text,
        [*unique, Choice("Autre chose", "m")],
        kind="answer",
        topic=topic.id,
        score=result.score,
        source=topic.source,
    )
