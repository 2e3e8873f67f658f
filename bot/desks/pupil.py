"""The pupil's (and teacher's) desk: the dialogue engine's reply, with its effects carried out.

The engine decides what to say; this desk records the question for the authors' loop, files the
request when the pupil consents, records 👍/👎, and erases a chat's data on /oublier.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.cases import insights
from bot.cases.service import EscalationService
from bot.desks.dialogue import DialogueEngine
from bot.desks.turn import Turn
from bot.messages import Incoming, Reply, State
from bot.store.models import delete_state


def engine_reply(engine: DialogueEngine, state: State, incoming: Incoming) -> Reply:
    """What the dialogue engine says to this action (no database involved)."""
    if incoming.kind == "choice":
        return engine.handle_choice(state, incoming.text)
    if incoming.kind == "command":
        return engine.command(state, incoming.command, incoming.text)
    if incoming.kind == "media":
        return engine.handle_media(state, incoming.text)
    return engine.handle_text(state, incoming.text)


@dataclass
class PupilDesk:
    engine: DialogueEngine
    escalation: EscalationService | None = None
    record_questions: bool = True  # the gaps inbox and statistics (no user identifier)

    async def reply(self, turn: Turn) -> Reply:
        state, incoming, session = turn.state, turn.incoming, turn.session
        reply = engine_reply(self.engine, state, incoming)
        if incoming.kind == "text" and self.record_questions:
            await insights.record_reply(session, reply, state.role, incoming.text)
        for effect, payload in reply.effects:
            if effect == "create_case" and self.escalation is not None:
                case = await self.escalation.create_case(session, incoming.chat_id, payload)
                reply.text = reply.text.format(reference=case.reference)
            elif effect == "feedback" and self.record_questions:
                helpful, topic, question = payload
                await insights.record_feedback(session, helpful, topic, question, state.role)
        reply.effects = []
        return reply

    async def forget(self, turn: Turn) -> Reply:
        """/oublier: the chat's state, and the pupil's data in their cases."""
        await delete_state(turn.session, turn.chat_id)
        erased = 0
        if self.escalation is not None:
            erased = await self.escalation.erase_pupil(turn.session, turn.chat_id)
        text = "C'est fait : j'ai effacé ton profil et notre conversation"
        if erased:
            text += f", ainsi que tes informations dans {erased} demande(s) d'aide"
        text += ". Tu peux recommencer quand tu veux avec /start."
        return Reply(text, kind="forgotten")
