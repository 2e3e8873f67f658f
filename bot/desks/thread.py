"""The pupil–IPE exchange through the bot, as a chat with a visible way out.

↩️ Répondre (pupil) or ✉️ Répondre (IPE) opens the thread of one case: every text that follows
goes to the other party, each confirmed with the case's reference, until any other command or
button. A pupil with a case in progress who writes without the button is asked whether to pass
the text on (the `tx` button), unless the bot can answer it, in which case the answer carries
the same button. Nothing ever reaches a pupil other than the case's.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.cases import colleagues
from bot.cases.details import adult_asks, reopenable, requester, status_label
from bot.cases.service import CaseNotOpen, EscalationService, NobodyToReach, PupilGone
from bot.desks import nobody
from bot.desks.case_offers import offer_to_pass_on, offer_to_reopen, pending_with
from bot.desks.crisis import KEEP_WRITING
from bot.desks.dialogue import DialogueEngine
from bot.desks.ipe import IPE_ONLY
from bot.desks.limits import allow
from bot.desks.turn import Turn
from bot.messages import Choice, Incoming, Reply, State, answer_voice, by_role, parse_id, voice
from bot.store.models import Case
from bot.understanding.privacy import asks_contact, contact_details

SHOWN_SECONDS = 600  # the helplines shown this recently are not repeated on ✉️ Transmettre
END = Choice("🔚 Terminer l'échange", "m")


def end_thread(state: State, incoming: Incoming) -> None:
    """Any command or button ends a thread (the buttons that open one open it again)."""
    if incoming.kind in ("command", "choice"):
        state.relay_case = None
        if not incoming.text.startswith(("tx:", "ix:", "ro:", "pr:")):
            state.pending_text = None
        if incoming.kind == "command" or not incoming.text.startswith(("cd:", "tf:")):
            state.case_input = None  # a date, company or number awaited (desks.followup)


@dataclass
class ThreadDesk:
    escalation: EscalationService
    engine: DialogueEngine  # its knowledge base holds the safety net (reloaded with it)

    async def pupil_reply(self, turn: Turn) -> Reply:
        """↩️ Répondre under an IPE's message: the pupil's texts now go to that case."""
        case = await self._pupils_case(turn)
        if case is None:
            return Reply("Ce bouton n'est pas valable.", kind="info")
        turn.state.relay_case = case.id
        if held := turn.state.pending_text:  # typed before ↩️ Répondre: sent now, not lost
            turn.state.pending_text = None
            return await self._from_pupil(turn, case, held)
        return Reply(
            by_role(
                voice(turn.state),
                f"Écris ton message pour l'ingénieur pour l'école ({case.reference}) : je lui "
                "transmets tout ce que tu écris ici, jusqu'à ce que tu appuies sur « Terminer » "
                "ou tapes une commande.",
                f"Écrivez votre message pour l'ingénieur pour l'école ({case.reference}) : je "
                "lui transmets tout ce que vous écrivez ici, jusqu'à « Terminer » ou une commande.",
            ),
            [END],
            kind="info",
        )

    async def close_found(self, turn: Turn) -> Reply:
        """✅ Oui, fermer la demande: the pupil found a placement (escalation.withdraw)."""
        case = await self._pupils_case(turn)
        if case is None:
            return Reply("Ce bouton n'est pas valable.", kind="info")
        try:
            told = await self.escalation.withdraw(turn.session, case)
        except CaseNotOpen:
            return Reply(f"La demande {case.reference} est déjà close.", kind="info")
        who = ", et l'ingénieur pour l'école est prévenu" if told else ""  # nobody to tell
        return Reply(
            by_role(
                voice(turn.state),
                f"C'est fait : ta demande {case.reference} est close{who}. Bon stage ! Si tu as "
                "encore besoin d'aide, écris-moi ou tape /stage.",
                f"C'est fait : la demande {case.reference} est close{who}.",
            ),
            kind="info",
        )

    async def cancel(self, turn: Turn) -> Reply:
        """✅ Oui, annuler la demande: the requester cancels a request already sent."""
        case = await self._pupils_case(turn)
        if case is None:
            return Reply("Ce bouton n'est pas valable.", kind="info")
        try:
            told = await self.escalation.withdraw(turn.session, case, cancelled=True)
        except CaseNotOpen:
            return Reply(f"La demande {case.reference} est déjà close.", kind="info")
        who = ", et l'ingénieur pour l'école est prévenu" if told else ""
        return Reply(
            by_role(
                voice(turn.state),
                f"C'est fait : ta demande {case.reference} est annulée{who}. Si tu as de nouveau "
                "besoin d'aide, écris-moi ou tape /stage.",
                f"C'est fait : la demande {case.reference} est annulée{who}.",
            ),
            kind="info",
        )

    async def reopen(self, turn: Turn) -> Reply:
        """🔁 Rouvrir et transmettre: the request that ended goes back to its IPE (else to the
        académie's), with the messages kept aside."""
        state = turn.state
        text, state.pending_text = state.pending_text, None
        case = await self._pupils_case(turn)
        if case is None:
            return Reply("Ce bouton n'est pas valable.", kind="info")
        try:
            await self.escalation.reopen(turn.session, case)
        except CaseNotOpen:
            return Reply(
                by_role(
                    voice(state),
                    f"La demande {case.reference} ne peut plus être rouverte : tape /stage pour "
                    "en faire une nouvelle.",
                    f"La demande {case.reference} ne peut plus être rouverte : une nouvelle "
                    "demande se fait avec /stage.",
                ),
                kind="info",
            )
        opened = by_role(
            voice(state),
            f"🔁 Ta demande {case.reference} est rouverte.",
            f"🔁 La demande {case.reference} est rouverte.",
        )
        if not text:
            return Reply(f"{opened} L'ingénieur pour l'école est prévenu.", kind="info")
        relayed = await self._from_pupil(turn, case, text, checked=True)
        relayed.text = f"{opened}\n\n{relayed.text}"
        return relayed

    async def pass_on(self, turn: Turn) -> Reply:
        """✉️ Transmettre: the pupil's last text, kept aside, goes to the case's IPE."""
        state = turn.state
        text, state.pending_text = state.pending_text, None
        case = await self._pupils_case(turn)
        if case is None or not text:
            return Reply("Ce bouton n'est plus valable : écris ton message à nouveau.", kind="info")
        return await self._from_pupil(turn, case, text, checked=True)

    async def relay(self, turn: Turn) -> Reply:
        """A text in thread mode, to the case's other party."""
        state, incoming = turn.state, turn.incoming
        assert state.relay_case is not None
        if incoming.edited:  # an edit of an earlier message is not a new message
            return Reply(
                by_role(
                    voice(state),
                    "Je ne transmets pas les messages modifiés : envoie ton message à nouveau.",
                    "Je ne transmets pas les messages modifiés : envoyez votre message à nouveau.",
                ),
                kind="info",
            )
        case = await turn.session.get(Case, state.relay_case)
        text = incoming.text.strip()
        if case is None or not text:
            state.relay_case = None
            return Reply("Message non transmis.", kind="info")
        if case.pupil_chat_id == incoming.chat_id:
            return await self._from_pupil(turn, case, text)
        return await self._from_ipe(turn, case, text)

    async def _pupils_case(self, turn: Turn) -> Case | None:
        _, _, arg = turn.incoming.text.partition(":")
        case_id = parse_id(arg)
        case = await turn.session.get(Case, case_id) if case_id is not None else None
        return case if case is not None and case.pupil_chat_id == turn.chat_id else None

    def _key(self, turn: Turn) -> str:
        return f"{turn.chat_id}:{turn.incoming.update_id or uuid.uuid4().hex}"

    async def _from_pupil(self, turn: Turn, case: Case, text: str, checked: bool = False) -> Reply:
        """Relay the pupil's text; a pupil in distress reads the helplines first, and their IPE
        is told the message is worrying; a pupil's own number, address or account is kept back
        until they confirm (`checked`: they did)."""
        state = turn.state
        safety = self.engine.kb.safety
        signal = safety.assess(text, state.role) if safety is not None else None
        strong = signal is not None and signal.level == "strong"
        if not (checked or strong or adult_asks(case)) and contact_details(text):
            state.pending_text = pending_with(state.pending_text, text)  # still in the thread
            return Reply(OWN_DETAILS, [offer_to_pass_on(case), KEEP_BACK], kind="info")
        if not allow(state, "relay"):
            state.relay_case = None
            reply = Reply(TOO_MANY, kind="info")
        else:
            try:
                concern = WORRYING if strong else None
                await self.escalation.relay_to_ipe(
                    turn.session, case, text, self._key(turn), concern
                )
                state.relay_case = case.id
                reply = Reply(
                    f"✉️ Transmis à l'ingénieur pour l'école ({case.reference}). "
                    + by_role(voice(state), "Tu peux continuer", "Vous pouvez continuer")
                    + " à écrire ici.",
                    [END],
                    kind="relayed",
                )
                if state.pending_text and not checked:  # never dropped without a word
                    reply.text += f"\n\n{STILL_HELD}"
                    reply.choices = [offer_to_pass_on(case), KEEP_BACK, END]
            except CaseNotOpen:
                state.relay_case = None
                reply = (
                    offer_to_reopen(case, state, text)
                    if reopenable(case)
                    else Reply(
                        f"Votre demande {case.reference} est {status_label(case)} : message non "
                        "transmis. /intervention pour en faire une nouvelle."
                        if case.kind == "teacher"
                        else f"Ta demande {case.reference} est {status_label(case)} : message non "
                        "transmis. Tape /stage pour en faire une nouvelle.",
                        kind="info",
                    )
                )
            except NobodyToReach:
                state.relay_case = None
                admins = bool(self.escalation.router.admin_ids)
                reply = Reply(
                    nobody.message_kept(voice(state), nobody.who_hears(admins)), kind="info"
                )
        if signal is not None and safety is not None:
            if signal.level == "strong":
                shown = checked and time.time() - state.crisis_at < SHOWN_SECONDS  # just now
                crisis = "" if shown else self.engine.crisis(state, signal).text
                crisis = crisis.removesuffix(by_role(voice(state), *KEEP_WRITING))
                told = (
                    f"\n\n{SCHOOL_MAY_KNOW}"
                    if reply.kind == "relayed" and not adult_asks(case)
                    else ""
                )
                reply.text = f"{crisis}\n\n{reply.text}{told}".strip()
                reply.kind = "safety"
            else:
                reply.text += "\n\n" + safety.footer(answer_voice(state))
            reply.safety = signal.level
        return reply

    async def ipe_send(self, turn: Turn) -> Reply:
        """The IPE chose which case the text kept aside was for (« ✉️ Pour … »)."""
        state = turn.state
        text, state.pending_text = state.pending_text, None
        case_id = parse_id(turn.incoming.text.partition(":")[2])
        case = await turn.session.get(Case, case_id) if case_id is not None else None
        if case is None or not text:
            return Reply("Ce bouton n'est plus valable : écrivez votre message à nouveau.")
        state.relay_case = case.id
        return await self._from_ipe(turn, case, text, checked=True)

    async def _from_ipe(self, turn: Turn, case: Case, text: str, checked: bool = False) -> Reply:
        """Relay the IPE's text to the case's requester; when another requester wrote to this
        IPE since they opened this thread (or last wrote in it), ask which case it is for:
        a reply meant for one pupil must never reach another."""
        state = turn.state
        scope = await turn.scope()
        if not scope.can_see(case):
            state.relay_case = None
            return Reply(IPE_ONLY, kind="info")
        if not allow(state, "relay"):
            state.relay_case = None
            return Reply(TOO_MANY_VOUS, kind="info")
        since = datetime.fromtimestamp(state.relay_at, UTC)
        other = (
            None
            if checked
            else await colleagues.newer_elsewhere(turn.session, turn.chat_id, case, since)
        )
        if other is not None and scope.can_see(other):
            state.pending_text, state.relay_case = text, None
            return Reply(
                f"⚠️ Le dernier message reçu vient de {other.reference} ({requester(other)}), "
                f"pas de {case.reference}. Pour quelle demande est votre message ?",
                [
                    Choice(f"✉️ Pour {case.reference}", f"ix:{case.id}"),
                    Choice(f"✉️ Pour {other.reference}", f"ix:{other.id}"),
                    Choice("Ne pas l'envoyer", "m"),
                ],
                kind="info",
            )
        state.relay_at = time.time()
        contact = next((c for c in scope.contacts if c.academy_id == case.academy_id), None)
        try:
            await self.escalation.relay_to_pupil(turn.session, case, contact, text, self._key(turn))
        except CaseNotOpen:
            state.relay_case = None
            return Reply(
                f"La demande {case.reference} est {status_label(case)} : message non envoyé.",
                kind="info",
            )
        except PupilGone:
            state.relay_case = None
            return Reply(
                f"{requester(case).capitalize()} a effacé ses données : plus joignable par le bot.",
                kind="info",
            )
        reminder = "" if adult_asks(case) or not asks_contact(text) else f"\n\n{CONTACT_RULE}"
        return Reply(
            f"✉️ Message transmis à {requester(case)} ({case.reference}). Vous pouvez continuer "
            f"à écrire ici ; tout autre bouton ou commande termine l'échange.{reminder}",
            [END],
            kind="relayed",
        )


# a pupil's own number, address or account, typed to the IPE: kept back, sent only if confirmed
OWN_DETAILS = (
    "Ton message contient un numéro, une adresse, un e-mail ou un compte. Tu n'as pas besoin de "
    "donner les tiens : l'ingénieur pour l'école te répond ici. Si c'est l'adresse d'une "
    "entreprise, ou si tu veux l'envoyer quand même, appuie sur ✉️ Transmettre."
)
KEEP_BACK = Choice("Non, je ne l'envoie pas", "m")
STILL_HELD = (
    "⚠️ Ton message d'avant (avec un numéro, une adresse ou un compte) n'est pas parti : "
    "✉️ Transmettre l'envoie quand même ; sinon, réécris-le sans ces coordonnées."
)
# the IPE asked a minor for a private way to reach them
CONTACT_RULE = (
    "Rappel : l'élève est mineur·e. Les échanges passent par cette conversation, son "
    "établissement ou ses parents, jamais par un numéro ou un réseau social personnel."
)
# what the pupil is told under that message: the IPE is asked to tell the school (WORRYING)
SCHOOL_MAY_KNOW = (
    "Pour te protéger, l'ingénieur pour l'école devra peut-être prévenir un adulte de ton "
    "établissement (CPE, chef d'établissement) : ce n'est pas pour te punir, c'est pour que tu "
    "sois aidé·e."
)
# a pupil's message the safety net found worrying: what the IPE reads above it
WORRYING = (
    "⚠️ Message préoccupant : l'élève a reçu les numéros d'aide (119, 3114…). S'il ou elle "
    "semble en danger, prévenez sans attendre le chef d'établissement et le CPE (information "
    "préoccupante, 119) ; en cas de danger immédiat, le 17 ou le 112."
)


TOO_MANY = (
    "Tu as envoyé beaucoup de messages en peu de temps : attends un peu avant d'en envoyer "
    "d'autres."
)
TOO_MANY_VOUS = (
    "Beaucoup de messages en peu de temps : merci d'attendre un peu avant d'en envoyer d'autres."
)
