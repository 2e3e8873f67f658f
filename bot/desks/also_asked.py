"""Beside an answer, the other topics the message may be about: a close runner-up (« Tu
cherchais peut-être plutôt… ») and the second question of a two-part message (« combien de temps
dure le stage et est-ce que c'est payé ? »: the answer to one, the other's button first)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.desks import register
from bot.desks.phrases import NO_FEEDBACK_TOPICS
from bot.messages import Reply, State, by_role, voice
from bot.understanding.matching import MatchResult

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

# where a message asks a second thing: a question mark, a sentence's end, or « et » / « aussi »
# before a question word
_PARTS = re.compile(
    r"\?+\s*|[.!;]\s+|\s+(?:et aussi|et puis|et|aussi|sinon)\s+(?=(?:est ce|est-ce|comment|cmt"
    r"|combien|cb|c quoi|c koi|c'est quoi|cest quoi|qui|ki|quand|pourquoi|quel|quelle|quels"
    r"|quelles|je peux|je dois|on peut|on doit|il faut|faut|c'est|c est|ça|ca|how|what|can)\b)",
    re.IGNORECASE,
)
PART_WORDS = 3  # a part this short asks nothing of its own
MAX_CHARS = 300  # longer: a story, whose last question leads (matching.final_question)
SECOND_AT = 60.0  # a part's own topic this sure, or it is not offered


def runner_up(engine: DialogueEngine, state: State, reply: Reply, result: MatchResult) -> None:
    """A topic close behind the answer's: named under it, its button first."""
    if not result.suggestions or reply.kind != "answer":
        return
    who = register.reader(state)
    names = " ou ".join(
        f"« {register.title(engine.kb.topics[t], who)} »" for t in result.suggestions
    )
    reply.text += by_role(
        voice(state),
        f"\n\nTu cherchais peut-être plutôt : {names} (bouton ci-dessous).",
        f"\n\nVous cherchiez peut-être plutôt : {names} (bouton ci-dessous).",
    )
    _first(engine, reply, list(result.suggestions), who)


def second_question(engine: DialogueEngine, state: State, text: str, reply: Reply) -> None:
    """A two-part message: the part the answer did not cover, named with its button first."""
    if reply.kind != "answer" or reply.topic is None or len(text) > MAX_CHARS:
        return
    parts = [p for p in _PARTS.split(text) if p and len(p.split()) >= PART_WORDS]
    if len(parts) < 2:
        return
    shown = {reply.topic, *reply.suggestions}
    others: list[str] = []
    for part in parts:
        found = engine.matcher.match(part)
        topic = found.topic
        if topic is None or topic in shown or topic in others or topic in NO_FEEDBACK_TOPICS:
            continue
        if found.score >= SECOND_AT:
            others.append(topic)
    if not others:
        return
    who = register.reader(state)
    names = " et ".join(f"« {register.title(engine.kb.topics[t], who)} »" for t in others[:2])
    reply.text += by_role(
        voice(state),
        f"\n\nTa question portait aussi sur {names} : c'est le bouton ci-dessous.",
        f"\n\nVotre question portait aussi sur {names} : c'est le bouton ci-dessous.",
    )
    _first(engine, reply, others[:2], who)


def _first(engine: DialogueEngine, reply: Reply, topics: list[str], who: str) -> None:
    extra = register.topic_choices(engine.kb, topics, who)  # first, even if already there
    ids = {c.id for c in extra}
    reply.choices = [*extra, *(c for c in reply.choices if c.id not in ids)]
