"""Conversation service: load a chat's state, run the dialogue engine or the case actions, save.

Every channel calls `handle(incoming)`; one database transaction per update holds the state,
the case changes and the outbox rows they cause, so nothing is half done after a crash.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.cases import contacts as contact_repo
from bot.cases import insights
from bot.cases.academies import of_academy
from bot.cases.service import STATUS_LABELS, EscalationService
from bot.desks.pupil import Choice, DialogueEngine, Reply, State
from bot.store.models import (
    Case,
    Database,
    delete_state,
    load_state,
    mark_processed,
    save_state,
)
from bot.understanding.knowledge import load_knowledge
from bot.understanding.matching import Matcher

log = logging.getLogger(__name__)

DB_DOWN_NOTE = (
    "\n\n(Petit souci technique : je ne peux pas me souvenir de notre conversation pour "
    "l'instant, mais je réponds quand même.)"
)
IPE_ONLY = "Cette commande est réservée aux ingénieurs pour l'école."
REGISTRATION_PROBLEMS = {
    "unknown": "Ce code n'existe pas. Vérifiez-le, ou demandez-en un nouveau à l'administrateur.",
    "used": "Ce code a déjà été utilisé. Demandez-en un nouveau à l'administrateur.",
    "expired": "Ce code a expiré. Demandez-en un nouveau à l'administrateur.",
    "revoked": "Ce code a été révoqué. Demandez-en un nouveau à l'administrateur.",
}
CASE_ACTIONS = {"ca", "cr", "cx", "cc", "cv"}


@dataclass(frozen=True)
class Incoming:
    """One user action, whatever the channel."""

    chat_id: int
    kind: str  # text | choice | command | media
    text: str = ""  # message text, choice id, command arguments or media kind
    command: str = ""
    update_id: int | None = None
    user_name: str = ""


class ChatLocks:
    """One asyncio.Lock per chat so that a chat's updates are handled one at a time."""

    def __init__(self, size: int = 10_000) -> None:
        self._locks: OrderedDict[int, asyncio.Lock] = OrderedDict()
        self._size = size

    def get(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.pop(chat_id, None) or asyncio.Lock()
        self._locks[chat_id] = lock
        while len(self._locks) > self._size:
            oldest, old_lock = next(iter(self._locks.items()))
            if old_lock.locked():
                break
            self._locks.pop(oldest)
        return lock


@dataclass
class ConversationService:
    """What every channel calls: handle(incoming) -> Reply, with state kept in the database."""

    engine: DialogueEngine
    db: Database
    escalation: EscalationService | None = None
    admin_ids: frozenset[int] = frozenset()
    on_outbox: Callable[[], None] | None = None  # wakes the outbox worker
    record_questions: bool = True  # the gaps inbox and statistics (no user identifier)
    locks: ChatLocks = field(default_factory=ChatLocks)

    async def handle(self, incoming: Incoming) -> Reply | None:
        """The reply to send, or None when this update was already handled."""
        started = time.perf_counter()
        metrics.UPDATES.labels(incoming.kind).inc()
        async with self.locks.get(incoming.chat_id):
            try:
                reply = await self._handle_stored(incoming)
            except _AlreadyHandled:
                metrics.DUPLICATES.inc()
                return None
            except (SQLAlchemyError, OSError) as exc:
                log.warning("database unavailable, answering without state: %s", type(exc).__name__)
                metrics.DB_ERRORS.inc()
                reply = self._stateless(incoming)
        metrics.ANSWERS.labels(reply.kind).inc()
        metrics.LATENCY.observe(time.perf_counter() - started)
        return reply

    def _stateless(self, incoming: Incoming) -> Reply:
        state = State()
        if incoming.kind == "command" and incoming.command in (
            "oublier",
            "ipe",
            "dossiers",
            "dossier",
        ):
            return Reply(
                "Souci technique : je ne peux pas faire cela pour l'instant. Réessaie dans "
                "quelques minutes.",
                kind="info",
            )
        reply = self._engine_reply(state, incoming)
        if reply.effects or reply.kind in ("form", "submitted"):
            return Reply(
                "Souci technique : je ne peux pas enregistrer ta demande pour l'instant, et rien "
                "n'a été envoyé. Réessaie /stage dans quelques minutes.",
                kind="info",
            )
        reply.text += DB_DOWN_NOTE
        return reply

    async def _handle_stored(self, incoming: Incoming) -> Reply:
        await self.db.ensure_ready()
        async with self.db.transaction() as session:
            if self.db.engine.dialect.name == "postgresql":
                # replicas: one chat's updates are handled one at a time, whatever the process
                await session.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": incoming.chat_id}
                )
            if incoming.update_id is not None:
                try:
                    await mark_processed(session, incoming.update_id, incoming.chat_id)
                except IntegrityError:
                    raise _AlreadyHandled from None
            state = await load_state(session, incoming.chat_id)
            reply = await self._dispatch(session, state, incoming)
            if reply.kind != "forgotten":
                await save_state(session, incoming.chat_id, state)
            queued = session.info.get("outbox_added", False)
        if queued and self.on_outbox is not None:
            self.on_outbox()  # committed: the worker may send it now
        return reply

    async def _dispatch(self, session: AsyncSession, state: State, incoming: Incoming) -> Reply:
        if incoming.kind == "command":
            name = incoming.command
            if name == "oublier":
                return await self._forget(session, incoming.chat_id)
            if name in ("ipe", "dossiers", "dossier"):
                return await self._ipe_command(session, state, incoming)
            if name == "stats":
                return await self._stats(session, incoming.chat_id)
            if name == "reload":
                return self._reload(incoming.chat_id)
        elif incoming.kind == "choice":
            kind, _, arg = incoming.text.partition(":")
            if kind in CASE_ACTIONS and self.escalation is not None:
                return await self._case_action(session, state, incoming.chat_id, kind, arg)
            if kind == "pr" and self.escalation is not None:
                return await self._pupil_reply(session, state, incoming.chat_id, arg)
        elif incoming.kind == "text" and state.relay_case is not None and self.escalation:
            return await self._relay(session, state, incoming)
        reply = self._engine_reply(state, incoming)
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

    def _engine_reply(self, state: State, incoming: Incoming) -> Reply:
        """What the dialogue engine says to this action (no database involved)."""
        if incoming.kind == "choice":
            return self.engine.handle_choice(state, incoming.text)
        if incoming.kind == "command":
            return self.engine.command(state, incoming.command, incoming.text)
        if incoming.kind == "media":
            return self.engine.handle_media(state, incoming.text)
        return self.engine.handle_text(state, incoming.text)

    # -- privacy ----------------------------------------------------------------------------
    async def _forget(self, session: AsyncSession, chat_id: int) -> Reply:
        await delete_state(session, chat_id)
        erased = 0
        if self.escalation is not None:
            erased = await self.escalation.erase_pupil(session, chat_id)
        text = "C'est fait : j'ai effacé ton profil et notre conversation"
        if erased:
            text += f", ainsi que tes informations dans {erased} demande(s) d'aide"
        text += ". Tu peux recommencer quand tu veux avec /start."
        return Reply(text, kind="forgotten")

    # -- IPE side ---------------------------------------------------------------------------
    def is_admin(self, chat_id: int) -> bool:
        return chat_id in self.admin_ids

    async def _ipe_command(self, session: AsyncSession, state: State, incoming: Incoming) -> Reply:
        if self.escalation is None:
            return Reply("Les demandes d'aide ne sont pas activées sur ce bot.", kind="info")
        chat_id = incoming.chat_id
        if incoming.command == "ipe":
            code = incoming.text.strip()
            if not code:
                return Reply(
                    "Pour vous enregistrer comme ingénieur pour l'école : /ipe CODE, avec le code "
                    "reçu de l'administrateur.",
                    kind="info",
                )
            result = await contact_repo.redeem(session, code, chat_id, incoming.user_name)
            if result.contact is None:
                return Reply(REGISTRATION_PROBLEMS[result.problem or "unknown"], kind="info")
            contact = result.contact
            where = (
                "toutes les académies (coordination nationale)"
                if contact.academy_id == contact_repo.NATIONAL
                else f"l'académie {of_academy(self.escalation.academy_name(contact.academy_id))}"
            )
            state.role = "teacher"
            return Reply(
                f"C'est fait : vous recevrez ici les demandes d'aide des élèves de {where}. "
                "/dossiers liste les demandes ouvertes.",
                kind="info",
            )
        contacts = await contact_repo.contacts_of_chat(session, chat_id)
        admin = self.is_admin(chat_id)
        if not contacts and not admin:
            return Reply(IPE_ONLY, kind="info")
        if incoming.command == "dossiers":
            cases = await self.escalation.open_cases(session, chat_id, admin)
            if not cases:
                return Reply("Aucune demande ouverte pour vos académies.", kind="info")
            lines = ["Demandes ouvertes :"]
            choices = []
            for case in cases[:30]:
                status = STATUS_LABELS.get(case.status, case.status)
                lines.append(f"• {case.reference} ({status})")
                if len(choices) < 8:
                    choices.append(Choice(f"{case.reference} ({status})", f"cv:{case.id}"))
            return Reply("\n".join(lines), choices, kind="cases")
        reference = incoming.text.strip()
        case = await self.escalation.find_by_reference(session, reference) if reference else None
        if case is not None:
            case, _ = await self.escalation.visible_case(session, chat_id, case.id, admin)
        if case is None:
            return Reply(
                "Demande introuvable dans vos académies. Usage : /dossier REFERENCE "
                "(par exemple /dossier NAN-2026-0042).",
                kind="info",
            )
        return await self._case_view(session, case)

    async def _case_view(self, session: AsyncSession, case: Case) -> Reply:
        assert self.escalation is not None
        text = self.escalation.case_text(case, "📁 Demande")
        events = await self.escalation.history(session, case)
        if events:
            text += "\n\nHistorique :"
            for event in events[-10:]:
                text += f"\n• {event.at:%d/%m %H:%M} {event.kind}"
        return Reply(text, self.escalation.case_choices(case), kind="case")

    async def _case_action(
        self, session: AsyncSession, state: State, chat_id: int, kind: str, arg: str
    ) -> Reply:
        assert self.escalation is not None
        if not arg.isdigit():
            return Reply("Ce bouton n'est pas valable.", kind="info")
        admin = self.is_admin(chat_id)
        case, contacts = await self.escalation.visible_case(session, chat_id, int(arg), admin)
        if case is None:
            return Reply(
                IPE_ONLY
                if not contacts and not admin
                else "Cette demande n'est pas dans vos académies.",
                kind="info",
            )
        contact = next((c for c in contacts if c.academy_id == case.academy_id), None) or (
            contacts[0] if contacts else None
        )
        if kind == "cv":
            return await self._case_view(session, case)
        if kind == "ca":
            return Reply(await self.escalation.take(session, case, contact), kind="info")
        if kind == "cx":
            return Reply(
                await self.escalation.finish(session, case, contact, "resolved"), kind="info"
            )
        if kind == "cc":
            return Reply(
                await self.escalation.finish(session, case, contact, "closed"), kind="info"
            )
        state.relay_case = case.id
        return Reply(
            f"Écrivez votre message pour l'élève ({case.reference}) : je le lui transmets. "
            "/annuler pour renoncer.",
            kind="info",
        )

    async def _pupil_reply(
        self, session: AsyncSession, state: State, chat_id: int, arg: str
    ) -> Reply:
        assert self.escalation is not None
        case = await session.get(Case, int(arg)) if arg.isdigit() else None
        if case is None or case.pupil_chat_id != chat_id:
            return Reply("Ce bouton n'est pas valable.", kind="info")
        state.relay_case = case.id
        return Reply(
            f"Écris ton message pour l'ingénieur pour l'école ({case.reference}), je le lui "
            "transmets. /annuler pour renoncer.",
            kind="info",
        )

    async def _relay(self, session: AsyncSession, state: State, incoming: Incoming) -> Reply:
        assert self.escalation is not None and state.relay_case is not None
        case = await session.get(Case, state.relay_case)
        state.relay_case = None
        text = incoming.text.strip()
        if case is None or not text:
            return Reply("Message non transmis.", kind="info")
        key = f"{incoming.chat_id}:{incoming.update_id or uuid.uuid4().hex}"
        if case.pupil_chat_id == incoming.chat_id:
            return Reply(await self.escalation.relay_to_ipe(session, case, text, key), kind="info")
        admin = self.is_admin(incoming.chat_id)
        visible, contacts = await self.escalation.visible_case(
            session, incoming.chat_id, case.id, admin
        )
        if visible is None:
            return Reply(IPE_ONLY, kind="info")
        contact = next((c for c in contacts if c.academy_id == case.academy_id), None)
        text_out = await self.escalation.relay_to_pupil(session, case, contact, text, key)
        return Reply(text_out, kind="info")

    # -- authors and academies -------------------------------------------------------------------
    async def _stats(self, session: AsyncSession, chat_id: int) -> Reply:
        contacts = await contact_repo.contacts_of_chat(session, chat_id)
        if not contacts and not self.is_admin(chat_id):
            return Reply("Cette commande est réservée aux IPE et aux administrateurs.", kind="info")
        national = self.is_admin(chat_id) or any(c.kind == "coordinator" for c in contacts)
        scope = None if national else {c.academy_id for c in contacts}
        stats = await insights.compute_stats(session, academies=scope)
        titles = {t.id: t.title for t in self.engine.kb.topics.values()}
        return Reply(insights.format_stats(stats, titles), kind="info")

    def _reload(self, chat_id: int) -> Reply:
        if not self.is_admin(chat_id):
            return Reply("Cette commande est réservée aux administrateurs.", kind="info")
        errors = self.reload_knowledge()
        if errors:
            listed = "\n".join(f"• {e}" for e in errors[:15])
            return Reply(
                f"Base de connaissances NON rechargée : {len(errors)} erreur(s). "
                f"L'ancienne version reste en service.\n{listed}",
                kind="info",
            )
        kb = self.engine.kb
        return Reply(f"Base de connaissances rechargée : {len(kb.topics)} sujets.", kind="info")

    def reload_knowledge(self) -> list[str]:
        """Load knowledge/ again; on any error keep the current knowledge and return the errors."""
        directory = self.engine.kb.directory
        result = load_knowledge(directory)
        if result.errors or not result.kb.topics:
            return [str(e) for e in result.errors] or ["aucun sujet chargé"]
        self.engine.kb = result.kb
        self.engine.matcher = Matcher(result.kb, self.engine.matcher.settings)
        gc.freeze()  # long-lived, like the first one (see telegram_bot.post_init)
        log.info("knowledge reloaded: %d topics", len(result.kb.topics))
        return []

    async def state_of(self, chat_id: int) -> State:
        async with self.db.sessions() as session:
            return await load_state(session, chat_id)


class _AlreadyHandled(Exception):
    pass


class Periodic:
    """Call a coroutine function at most every `every` seconds (for the worker's loop)."""

    def __init__(self, every: float, job: Callable[[], Awaitable[object]]) -> None:
        self.every = every
        self.job = job
        self._last = float("-inf")

    async def __call__(self) -> None:
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            await self.job()


async def run_reminders(service: ConversationService) -> int:
    """Reminders and fallbacks for cases nobody took (one transaction)."""
    if service.escalation is None:
        return 0
    async with service.db.transaction() as session:
        return await service.escalation.reminders(session)
