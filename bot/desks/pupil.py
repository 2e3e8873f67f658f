"""The pupil's (and teacher's) desk: the dialogue engine's reply, with its effects carried out.

The engine decides what to say; this desk records the question for the authors' loop, files the
request when the pupil consents, records 👍/👎, and erases a chat's data on /oublier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import contacts as contact_repo
from bot.cases import insights
from bot.cases.details import STATUS_LABELS, last_request
from bot.cases.outbox import forget_recipient
from bot.cases.routing import OPEN_STATUSES
from bot.cases.service import EscalationService
from bot.desks import acks, case_offers, erasure, nobody, offers, process_questions, request, staff
from bot.desks import teacher as teacher_desk
from bot.desks.dialogue import DialogueEngine
from bot.desks.limits import allow
from bot.desks.offer_form import is_offer_form
from bot.desks.phrases import NO_REQUEST, NO_REQUEST_PARENT
from bot.desks.turn import Turn
from bot.messages import Choice, Incoming, Reply, State, by_role, voice
from bot.store.chats import forget_chat
from bot.store.models import Case
from bot.understanding.normalise import words

TOO_MANY_REQUESTS = (
    "Tu as déjà envoyé plusieurs demandes aujourd'hui : je ne peux pas en transmettre une autre "
    "avant demain. Ta demande en cours reste active ; tape /stage pour la voir."
)
STATUS_NEXT = {
    "new": (
        "Un ingénieur pour l'école va la prendre en charge : je te préviens ici dès que c'est "
        "fait.",
        "Un ingénieur pour l'école va la prendre en charge : vous serez prévenu·e ici.",
    ),
    "acknowledged": (
        "Un ingénieur pour l'école s'en occupe et te répond ici. Pour lui écrire, utilise le "
        "bouton ci-dessous.",
        "Un ingénieur pour l'école s'en occupe et vous répond ici. Pour lui écrire, utilisez "
        "le bouton ci-dessous.",
    ),
}


STAFF_HINT = (
    "Pour écrire à un élève ou à un·e enseignant·e : ouvrez sa demande avec /dossiers, puis "
    "« ✉️ Répondre ». Pour une question sur les stages, reformulez-la ou tapez /menu."
)
PASS_ON_WORDS = 8  # a status question this long says something more: offered to the IPE
# in a thread, an answer this sure is given (with ✉️ Transmettre), else « je transmets ? »; a
# question (« … elle peut déjà faire un stage ? ») is answered from a little lower
_STATUS = re.compile(
    r"\b(ma demande|mon dossier|ma requete)\b.{0,30}\b(ou|en est|avance|suivi|nouvelle)"
    r"|\b(ou|en est)\b.{0,20}\bma demande\b|\bdes nouvelles\b|\bdu nouveau\b|\bca avance\b"
    r"|\b(il|elle|l ingenieur|l ipe) va me (repondre|rep)\b|\b(repondre|rep) quand\b"
    r"|\btoujours pas de (reponse|rep)\b"
)
# waiting for an answer, said loosely ("c'est quand qu'on me répond ?", "l'ipe a répondu ?"):
# the status only when the chat has an open request (otherwise the words are a question)
_WAITING = re.compile(
    r"\b(quand|qd|kan|kand|toujours|encore|personne|pas|combien de temps)\b.{0,25}"
    r"\b(repond|repondu|repondra|reponse|rep"
    r"|nouvelles|rappele|rappelle|contacte)\b"
    r"|\b(ipe|ingenieur|ingenieure|il|elle|quelqu un|on)\b.{0,12}\b(a|ont|as|m a|me a)\b.{0,12}"
    r"\b(repondu|ecrit|rappele|contacte)\b"
    r"|\b(ingenieur|lingenieur|ipe|lipe|quelqu un|qqn)\b.{0,8}\b(me|m)\b.{0,4}"
    r"\b(repond|repondra|rep|ecrit|ecrira|contacte|contactera|rappelle|rappellera)\b"
    r"|^(et )?(mtn |maintenant |apres |now )?(il se passe quoi|que se passe t il|qu est ce qui se"
    r" passe|on fait quoi|je fais quoi|what now|what happens now)( mtn| maintenant| apres| now)?$"
    r"|^(ok |okay |d accord |dacc |bon |super |merci |cool )?(et |and )?(mtn|maintenant|now"
    r"|what next)$"
    r"|\bpas de nouvelles\b|\bdes news\b|\bca en est ou\b"
    r"|\b(qui|ki)\b.{0,12}\b(va|vas|peut|doit|se occupe|soccupe)\b.{0,12}\b(me repondre|me rep"
    r"|m aider|me contacter|m ecrire|lire ma demande|ma demande|de moi|me rappeler)\b"
    r"|^(c|ce|ca|elle|ma demande)( est)? (bon )?(c |ce |elle )?(est )?(envoye|envoyee|partie|parti"
    r"|transmise|transmis|arrive|arrivee|recu|recue)\b"
)
# cancelling a request already sent: « je veux annuler ma demande », « nous devons annuler la
# visite » (the form's own « annuler » is its button)
_CANCEL = re.compile(
    r"\b(annuler|annule|annulez|annulons|supprimer|retirer) (ma|la|notre|cette|mon) "
    r"(demande|visite|intervention|sortie|requete|dossier)\b"
    r"|\b(demande|visite|intervention|sortie) (est |a ete )?(annulee|annule)\b"
)
_REFERENCE = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{4}\b")
_ABOUT_OTHERS = re.compile(
    r"\b(entreprise|entreprises|patron|patrons|lettre|lettres|candidature"
    r"|candidatures|cv|mail|mails|magasin|boite|boites|employeur)\b"
)


def _starts_request(incoming: Incoming) -> bool:
    """A request begins here (one open request at a time, except a teacher's next one)."""
    if incoming.kind == "choice" and incoming.text == teacher_desk.ANOTHER:
        return False
    if incoming.kind == "command":
        return incoming.command in ("stage", "intervention")
    if incoming.kind != "choice":
        return False
    return incoming.text == "f:ok" or incoming.text.partition(":")[0] in ("esc", "tq")


def case_status(case: Case, role: str | None, routed: bool = True, who: str = nobody.TEAM) -> Reply:
    """Where the pupil's open request stands, and what happens next (routed: someone was sent
    the case; if not, the truth instead of a promise: who says who hears of it)."""
    if case.kind == "teacher":
        return teacher_desk.status(case, routed, who)
    status = STATUS_LABELS.get(case.status, case.status)
    pupil, teacher = STATUS_NEXT.get(case.status, ("", ""))
    if not routed and case.status == "new":
        pupil = teacher = nobody.not_yet(role, who)
    text = by_role(
        role,
        f"Ta demande {case.reference} est déjà envoyée (statut : {status}). {pupil}",
        f"La demande {case.reference} est déjà envoyée (statut : {status}). {teacher}",
    )
    choices = []
    if case.status == "acknowledged":
        choices = [Choice("↩️ Écrire à l'ingénieur", f"pr:{case.id}")]
    return Reply(text.strip(), choices, kind="status")


def engine_reply(engine: DialogueEngine, state: State, incoming: Incoming) -> Reply:
    """What the dialogue engine says to this action (no database involved)."""
    if incoming.kind == "choice":
        return engine.handle_choice(state, incoming.text)
    if incoming.kind == "command":
        return engine.command(state, incoming.command, incoming.text)
    if incoming.kind == "media":
        return engine.handle_media(state, incoming.text)
    return engine.handle_text(state, incoming.text)


DB_DOWN_NOTE = (
    "\n\n(Petit souci technique : je ne peux pas me souvenir de notre conversation pour "
    "l'instant, mais je réponds quand même.)"
)


def stateless_reply(engine: DialogueEngine, incoming: Incoming, routed_command: bool) -> Reply:
    """The answer while the database is down: questions yes, nothing that must be stored."""
    if incoming.kind == "command" and routed_command:
        return Reply(
            "Souci technique : je ne peux pas faire cela pour l'instant. Réessaie dans "
            "quelques minutes.",
            kind="info",
        )
    reply = engine_reply(engine, State(), incoming)
    if reply.effects or reply.kind in ("form", "submitted"):
        return Reply(
            "Souci technique : je ne peux pas enregistrer ta demande pour l'instant, et rien "
            "n'a été envoyé. Réessaie /stage dans quelques minutes.",
            kind="info",
        )
    if reply.kind != "safety":  # the helplines stand alone
        reply.text += DB_DOWN_NOTE
    return reply


@dataclass
class PupilDesk:
    engine: DialogueEngine
    escalation: EscalationService | None = None
    record_questions: bool = True  # the gaps inbox and statistics (no user identifier)

    async def _named_or_last(self, session: AsyncSession, incoming: Incoming) -> Case | None:
        """The requester's open case this text names (« BOR-2026-0001 »), else their last."""
        assert self.escalation is not None
        named = _REFERENCE.search(incoming.text.upper())
        if named is not None:
            case = await session.scalar(
                select(Case).where(
                    Case.reference == named.group(0), Case.pupil_chat_id == incoming.chat_id
                )
            )
            if case is not None and case.status in OPEN_STATUSES:
                return case
        return await self.escalation.open_case_of(session, incoming.chat_id)

    async def reply(self, turn: Turn) -> Reply:
        state, incoming, session = turn.state, turn.incoming, turn.session
        in_form = state.form is not None and not state.form.get("paused")
        if incoming.edited and incoming.kind == "text" and in_form:
            return request.edit_ignored(self.engine, state)
        if incoming.kind == "command" and (staff_said := await staff.command_reply(turn)):
            return staff_said
        cancels = incoming.kind == "command" and incoming.command == "annuler"
        if self.escalation is not None and state.form is None and cancels:  # a request sent
            case = await self.escalation.open_case_of(session, incoming.chat_id)
            if case is not None:
                return case_offers.offer_to_cancel(case, voice(state))
        if self.escalation is not None and state.form is None and _starts_request(incoming):
            case = await self.escalation.open_case_of(session, incoming.chat_id)
            if case is not None:  # one request at a time: show the open one
                return await self._status(session, case, voice(state))
            if incoming.text == "esc":  # the académie's offers first (issue #15)
                shown = await offers.before_request(turn, self.engine)
                if shown is not None:
                    return shown
        said = " ".join(words(incoming.text)) if incoming.kind == "text" else ""
        if said and acks.accepted_offer(state, said, ("del",)):
            return await self.forget(turn)  # « oui » under « 🗑️ Tout effacer »
        if incoming.kind == "text" and self.escalation is not None:
            # the companies' silence is a question ("ma demande de stage en entreprise" is not)
            about_others = _ABOUT_OTHERS.search(said) is not None and "demande" not in said
            if _STATUS.search(said) and not about_others:
                return await self._status_and_message(turn, said)
            if not in_form and state.role != "teacher" and not state.staff:
                case = await self.escalation.open_case_of(session, incoming.chat_id)
                asked = process_questions.answer(said, case, voice(state))  # « c gratuit ? »
                if asked is not None and case is not None and case.status != "new":
                    state.pending_text = case_offers.pending_with(state.pending_text, incoming.text)
                    asked.choices = [case_offers.offer_to_pass_on(case), *asked.choices]
                if asked is not None:
                    return asked
            if _CANCEL.search(said):  # « je veux annuler ma demande »
                case = await self._named_or_last(session, incoming)
                if case is not None:  # the one sent, not only a new one being filled in
                    return case_offers.offer_to_cancel(case, voice(state), state)
            if not in_form and request.says_found(said):  # "jai trouvé un stage finalement"
                case = await self.escalation.open_case_of(session, incoming.chat_id)
                if case is not None and case.kind != "teacher":
                    return case_offers.offer_to_close(case, voice(state))
            if not in_form and not about_others and _WAITING.search(said):
                case = await self.escalation.open_case_of(session, incoming.chat_id)
                if case is not None:
                    return await self._status(session, case, voice(state))
            threaded = await self._in_thread(turn) if state.academy else None
            if threaded is not None:
                return threaded
        searcher = self.escalation is not None and state.role != "teacher" and not state.staff
        if incoming.kind == "text" and searcher and not in_form:  # placements (issue #15)
            found = await offers.search_in_text(turn, self.engine)
            if found is not None:
                return found
        step_before = state.form.get("step") if state.form else None
        reply = engine_reply(self.engine, state, incoming)
        if (added := await case_offers.offer_to_add(self.escalation, turn, reply)) is not None:
            return added  # nobody took the request yet: « dis-lui c urgent »
        if (other := await self._one_at_a_time(turn, in_form)) is not None:
            return other  # « jveux refaire une demande » with one open: that one is shown
        if (again := await case_offers.offer_again(self.escalation, turn, reply)) is not None:
            return again  # « jai toujours pas de stage » after the request ended
        moved = state.form is not None and state.form.get("step") != step_before
        if step_before in ("academy", "commune") and moved and reply.kind == "form":
            reply.text = await self._nobody_ahead(session, state) + reply.text  # académie known
        if (
            incoming.kind == "text"
            and state.staff
            and (  # not a question to the FAQ
                reply.kind != "answer" or staff.to_someone(incoming.text)
            )
        ):
            return Reply(STAFF_HINT, kind="info")
        if incoming.kind == "text" and self.record_questions and reply.safety is None:
            await insights.record_reply(session, reply, state.role, incoming.text)
        case = None
        for effect, payload in reply.effects:
            kind = {"create_case": "pupil", "create_teacher_case": "teacher"}.get(effect)
            if kind is not None and self.escalation is not None:
                if not allow(state, "case"):
                    reply = Reply(TOO_MANY_REQUESTS, kind="info")
                    break
                case = await self.escalation.create_case(session, incoming.chat_id, payload, kind)
                if not await self.escalation.router.routed(session, case):
                    reply.text = nobody.unrouted("{reference}", voice(state), kind, self._who())
                reply.text = reply.text.format(reference=case.reference)
                reply.receipt = await self.escalation.confirm_to_pupil(session, case, reply.text)
            elif effect == "attach_placement" and case is not None and self.escalation:
                await offers.attach(session, self.escalation, case, payload)
            elif effect == "feedback" and self.record_questions:
                helpful, topic, question = payload
                await insights.record_feedback(session, helpful, topic, question, state.role)
            elif effect == "feedback_comment" and self.record_questions:
                await insights.record_comment(session, *payload, state.role)
        reply.effects = []
        return reply

    async def _nobody_ahead(self, session: AsyncSession, state: State) -> str:
        """The académie just given has nobody to receive a request: said now, not after the
        last question (the request can still be sent; the administrators are alerted)."""
        form = state.form or {}
        academy = form.get("answers", {}).get("academy")
        if self.escalation is None or not academy:
            return ""
        level, _ = await contact_repo.recipients(session, academy)
        form["nobody"] = self._who() if level == "none" else None  # for the consent (forms)
        return nobody.ahead(voice(state), self._who()) + "\n\n" if level == "none" else ""

    def _who(self) -> str:
        """Who hears of a request nobody registered can receive (desks.nobody)."""
        admins = self.escalation is not None and bool(self.escalation.router.admin_ids)
        return nobody.who_hears(admins)

    async def status(self, turn: Turn) -> Reply:
        """/demande, or "où en est ma demande ?": the open request and what happens next."""
        case = last = None
        if self.escalation is not None:
            case = await self.escalation.open_case_of(turn.session, turn.chat_id)
            last = case or await self.escalation.last_case_of(turn.session, turn.chat_id)
        form = turn.state.form
        if case is None and form is not None and not is_offer_form(form):  # begun, not sent
            teacher = request.is_teacher_form(turn.state)
            return Reply(
                by_role(
                    voice(turn.state),
                    "Ta demande n'est pas encore envoyée : elle t'attend à l'étape où tu l'as "
                    "laissée. Tape /stage pour la reprendre, ou /annuler.",
                    "La demande n'est pas encore envoyée : elle vous attend à l'étape où vous "
                    f"l'avez laissée. Tapez /{'intervention' if teacher else 'stage'} pour la "
                    "reprendre, ou /annuler.",
                ),
                kind="status",
            )
        if case is None:  # the last one resolved or closed is named, not forgotten
            said = (
                NO_REQUEST_PARENT if turn.state.parent else by_role(voice(turn.state), *NO_REQUEST)
            )
            return Reply(last_request(last, voice(turn.state)) + said, kind="status")
        return await self._status(turn.session, case, voice(turn.state))

    async def _status_and_message(self, turn: Turn, said: str) -> Reply:
        """« avez-vous des nouvelles ? Le car doit être réservé avant le 15 » : the status, and
        the rest of the message offered to the IPE (✉️ Transmettre), never silently dropped."""
        reply = await self.status(turn)
        if self.escalation is None or len(said.split()) < PASS_ON_WORDS:
            return reply
        case = await self.escalation.open_case_of(turn.session, turn.chat_id)
        if case is None or case.status not in ("acknowledged", "scheduled"):
            return reply
        turn.state.pending_text = case_offers.pending_with(
            turn.state.pending_text, turn.incoming.text
        )
        reply.text += by_role(
            voice(turn.state),
            "\n\nJe transmets aussi ton message à l'ingénieur pour l'école ?",
            "\n\nJe transmets aussi votre message à l'ingénieur pour l'école ?",
        )
        reply.choices = [case_offers.offer_to_pass_on(case), *reply.choices]
        return reply

    async def _one_at_a_time(self, turn: Turn, in_form: bool) -> Reply | None:
        """A pupil's request form just begun in words while one is open: dropped, the open one
        shown (as /stage does)."""
        state, form = turn.state, turn.state.form
        if self.escalation is None or in_form or not form or form.get("paused"):
            return None
        if request.is_teacher_form(state) or is_offer_form(form):
            return None
        case = await self.escalation.open_case_of(turn.session, turn.chat_id)
        if case is None:
            return None
        state.form = None
        return await self._status(turn.session, case, voice(state))

    async def _status(self, session: AsyncSession, case: Case, role: str | None) -> Reply:
        assert self.escalation is not None
        routed = case.status != "new" or await self.escalation.router.routed(session, case)
        return case_status(case, role, routed, self._who())

    async def _in_thread(self, turn: Turn) -> Reply | None:
        """A text from a pupil whose request an IPE has taken: an answer with a button to pass
        it on, or the question whether to pass it on. None: not in a thread."""
        state, text = turn.state, turn.incoming.text
        assert self.escalation is not None
        case = await self.escalation.open_case_of(turn.session, turn.chat_id)
        if case is None or case.status not in ("acknowledged", "scheduled"):
            return None
        reply = engine_reply(self.engine, state, turn.incoming)
        # the messages written since the last one passed on: ✉️ Transmettre sends them all
        these = case_offers.keep_aside(state, text)
        if reply.kind == "safety":  # the helplines first; the IPE may hear it too, if asked
            reply.text += (
                f"\n\nJe transmets aussi ce message à l'ingénieur pour l'école ({case.reference}) ?"
            )
            reply.choices = [case_offers.offer_to_pass_on(case), *reply.choices]
            return reply
        if case_offers.sure_answer(reply, text):
            reply.choices = [case_offers.offer_to_pass_on(case), *reply.choices[:4]]
            return reply
        return case_offers.ask_to_pass_on(
            case, f"Je transmets {these} à l'ingénieur pour l'école ({case.reference}) ?"
        )

    async def forget(self, turn: Turn) -> Reply:
        """/oublier: the chat's state, and the pupil's data in their cases; a request still
        open is asked about first (it will be closed, its IPE told), then « 🗑️ Tout effacer »."""
        staff = bool((await turn.scope()).contacts)
        if turn.incoming.kind == "command" and not staff and self.escalation is not None:
            case = await self.escalation.open_case_of(turn.session, turn.chat_id)
            if case is not None:
                routed = await self.escalation.router.routed(turn.session, case)
                return erasure.ask_first(case.reference, routed, voice(turn.state))
        await forget_chat(turn.session, turn.chat_id)
        if not staff:  # an IPE's case notices stay: the cases' history relies on them
            await forget_recipient(turn.session, turn.chat_id)
        erased = 0
        if self.escalation is not None:
            erased = await self.escalation.erase_pupil(turn.session, turn.chat_id)
        return erasure.done(erased, voice(turn.state), staff)
