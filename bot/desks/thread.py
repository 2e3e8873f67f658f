"""The pupil–IPE exchange through the bot: the pupil's ↩️ Répondre, and relaying the next text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from bot.cases.details import STATUS_LABELS
from bot.cases.service import CaseNotOpen, EscalationService, PupilGone
from bot.desks.dialogue import DialogueEngine
from bot.desks.ipe import IPE_ONLY
from bot.desks.limits import allow
from bot.desks.turn import Turn
from bot.messages import Reply, by_role, parse_id
from bot.store.models import Case


@dataclass
class ThreadDesk:
    escalation: EscalationService
    engine: DialogueEngine  # its knowledge base holds the safety net (reloaded with it)

    async def pupil_reply(self, turn: Turn) -> Reply:
        """↩️ Répondre under an IPE's message: the pupil's next text goes to that case."""
        _, _, arg = turn.incoming.text.partition(":")
        case_id = parse_id(arg)
        case = await turn.session.get(Case, case_id) if case_id is not None else None
        if case is None or case.pupil_chat_id != turn.chat_id:
            return Reply("Ce bouton n'est pas valable.", kind="info")
        turn.state.relay_case = case.id
        return Reply(
            f"Écris ton message pour l'ingénieur pour l'école ({case.reference}), je le lui "
            "transmets. /annuler pour renoncer.",
            kind="info",
        )

    async def relay(self, turn: Turn) -> Reply:
        """The text after a Répondre button, to the case's other party."""
        state, incoming = turn.state, turn.incoming
        assert state.relay_case is not None
        if incoming.edited:  # an edit of an earlier message is not a new message
            return Reply(
                by_role(
                    state.role,
                    "Je ne transmets pas les messages modifiés : envoie ton message à nouveau.",
                    "Je ne transmets pas les messages modifiés : envoyez votre message à nouveau.",
                ),
                kind="info",
            )
        if not allow(state, "relay"):
            state.relay_case = None
            return Reply(
                by_role(
                    state.role,
                    "Tu as envoyé beaucoup de messages en peu de temps : attends un peu avant "
                    "d'en envoyer d'autres.",
                    "Beaucoup de messages en peu de temps : merci d'attendre un peu avant d'en "
                    "envoyer d'autres.",
                ),
                kind="info",
            )
        case = await turn.session.get(Case, state.relay_case)
        state.relay_case = None
        text = incoming.text.strip()
        if case is None or not text:
            return Reply("Message non transmis.", kind="info")
        key = f"{incoming.chat_id}:{incoming.update_id or uuid.uuid4().hex}"
        if case.pupil_chat_id == incoming.chat_id:
            return await self._from_pupil(turn, case, text, key)
        scope = await turn.scope()
        if not scope.can_see(case):
            return Reply(IPE_ONLY, kind="info")
        contact = next((c for c in scope.contacts if c.academy_id == case.academy_id), None)
        try:
            await self.escalation.relay_to_pupil(turn.session, case, contact, text, key)
        except CaseNotOpen:
            return Reply(
                f"La demande {case.reference} est {STATUS_LABELS[case.status]} : message non "
                "envoyé.",
                kind="info",
            )
        except PupilGone:
            return Reply(
                "L'élève a effacé ses données : il n'est plus joignable par le bot.", kind="info"
            )
        return Reply(f"Message transmis à l'élève ({case.reference}).", kind="info")

    async def _from_pupil(self, turn: Turn, case: Case, text: str, key: str) -> Reply:
        """Relay the pupil's text; a pupil in distress reads the helplines first."""
        safety = self.engine.kb.safety
        signal = safety.assess(text, turn.state.role) if safety is not None else None
        try:
            await self.escalation.relay_to_ipe(turn.session, case, text, key)
            reply = Reply(f"Message transmis ({case.reference}).", kind="info")
        except CaseNotOpen:
            reply = Reply(
                f"Ta demande {case.reference} est {STATUS_LABELS[case.status]} : tape /stage "
                "pour en faire une nouvelle.",
                kind="info",
            )
        if signal is not None and safety is not None:
            if signal.level == "strong":
                crisis = self.engine.crisis(turn.state, signal)
                reply.text = f"{crisis.text}\n\n{reply.text}"
                reply.kind = "safety"
            else:
                reply.text += "\n\n" + safety.footer(turn.state.role)
            reply.safety = signal.level
        return reply
