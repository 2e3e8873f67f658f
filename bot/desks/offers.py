"""Placements in the chat (issue #15): a pupil's search, "Ça m'intéresse", the IPE's decision,
and the IPE's /offre form. The service is `bot.placements`; this desk chooses the words.

A pupil's interest reaches the IPE only after consent: with no open request, through the
request form (the offer's details filled in, consent at the end); with one open, after a yes.
The host's contact is shown to the IPE, never to the pupil.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import contacts as contact_repo
from bot.cases.outbox import enqueue
from bot.cases.routing import OPEN_STATUSES, event
from bot.cases.service import EscalationService
from bot.desks import offer_form, request
from bot.desks.dialogue import DialogueEngine
from bot.desks.parents import PARENT
from bot.desks.turn import Turn
from bot.messages import Choice, Reply, State, by_role, parse_id, voice
from bot.placements import repository
from bot.placements.demand import demand_lines, record_unmet, unmet_demand
from bot.placements.query import SearchQuery, looks_like_search, parse
from bot.placements.search import Found, search
from bot.store.models import Case, CasePlacement, Placement
from bot.understanding.normalise import words

IPE_ONLY = "Cette commande est réservée aux ingénieurs pour l'école."
GONE = (
    "Cette offre n'est plus disponible (complète, close ou terminée). Dis-moi ce que tu cherches "
    "et où, ou tape /stage pour demander l'aide d'un ingénieur pour l'école."
)
RESERVED = {
    "rep": "réservée à l'éducation prioritaire",
    "schools": "réservée à certains établissements",
}


def pupil_line(number: int, placement: Placement) -> str:
    """One offer as a pupil sees it: title, host, commune, dates, places left (no contact)."""
    dates = repository.dates_label(placement)
    left = placement.places_left
    line = (
        f"{number}. {placement.title} — {placement.employer}, {placement.commune}"
        + (f", {dates}" if dates else "")
        + f" ({left} place{'s' if left > 1 else ''} restante{'s' if left > 1 else ''})"
    )
    if placement.reserved in RESERVED:
        line += f" — {RESERVED[placement.reserved]}"
    return line


def ipe_lines(placement: Placement) -> list[str]:
    """The offer as the IPE sees it, with the host's contact."""
    dates = repository.dates_label(placement)
    return [
        f"« {placement.title} » — {placement.employer} ({placement.sector or 'secteur ?'}), "
        f"{placement.commune} {placement.postcode}",
        f"Classes : {repository.levels_label(placement)}" + (f" ; {dates}" if dates else ""),
        f"Places restantes : {placement.places_left}/{placement.places}",
        f"Contact de l'accueil : {placement.contact or '—'}",
    ]


async def search_in_text(turn: Turn, engine: DialogueEngine) -> Reply | None:
    """A pupil's sentence that looks for a stage: at most three offers, or (none) a kind word
    and the request form. None when the sentence is not a search (the FAQ answers it)."""
    state, text = turn.state, turn.incoming.text
    directory = engine.academies
    if directory is None or directory.communes is None or not looks_like_search(text):
        return None
    if state.parent or PARENT.search(" ".join(words(text))):  # "ma fille…": not Fillé (Sarthe)
        return None
    safety = engine.kb.safety
    if safety is not None and safety.assess(text, state.role) is not None:
        return None  # the safety net's answer comes first (the dialogue engine gives it)
    query = parse(text, directory.communes, date.today())
    if query.academy is None and query.sector is None:
        return None
    if query.academy is None:
        if state.academy not in directory.academies:
            return None  # no place: the FAQ's answer (and its 🙋 button) serves better
        query = replace(query, academy=state.academy)
    level = state.level or query.level
    found = await search(turn.session, query, level, date.today())
    if found:
        return _results(state, found)
    await record_unmet(turn.session, query, level)
    if query.sector is None:  # « jtrouve pa de stage, jsuis a Bordeaux »: the advice for the
        return None  # class and its 🙋 button, not the form straight away
    return _nothing(engine, state, query.academy)


async def before_request(turn: Turn, engine: DialogueEngine) -> Reply | None:
    """The pupil asks for an IPE's help (🙋): their académie's offers for their level first,
    when the académie is known and has some; None to go on to the request form."""
    state = turn.state
    if engine.academies is None or state.academy not in engine.academies.academies:
        return None
    query = SearchQuery(academy=state.academy)
    found = await search(turn.session, query, state.level, date.today())
    if not found:
        return None
    return _results(
        state,
        found,
        "Avant ta demande, regarde : voici des offres de stage de ton "
        "académie, négociées par l'ingénieur pour l'école :",
    )


def _results(state: State, found: list[Found], intro: str = "") -> Reply:
    lines = [pupil_line(i, f.placement) for i, f in enumerate(found, start=1)]
    text = (
        (
            intro
            or "Voici des offres de stage négociées par l'ingénieur pour l'école de ton académie :"
        )
        + "\n\n"
        + "\n".join(lines)
        + "\n\nUne offre t'intéresse ? Touche « Ça m'intéresse » : je te demanderai ton accord "
        "avant de transmettre quoi que ce soit."
    )
    choices = [
        Choice(f"Ça m'intéresse ({i})", f"pl:{f.placement.id}") for i, f in enumerate(found, 1)
    ]
    choices.append(Choice("🙋 Aucune ne me va : demander de l'aide", "esc:go"))
    state.choices = list(choices)
    return Reply(text, choices, kind="placements")


def _nothing(engine: DialogueEngine, state: State, academy: str | None) -> Reply:
    """No offer: say so kindly, then the request form (its académie already guessed)."""
    known = state.academy
    state.academy = known or academy
    form = request.start(engine, state)
    state.academy = known
    form.text = (
        by_role(
            voice(state),
            "Je n'ai pas encore d'offre publiée par un ingénieur pour l'école qui corresponde à "
            "ta recherche, désolé. Mais tu n'es pas seul·e : un ingénieur pour l'école de ton "
            "académie peut t'aider à trouver.",
            "Aucune offre publiée par un ingénieur pour l'école ne correspond pour l'instant. "
            "Un ingénieur pour l'école de l'académie peut aider.",
        )
        + "\n\n"
        + form.text
    )
    state.choices = list(form.choices)
    return form


async def attach(
    session: AsyncSession, escalation: EscalationService, case: Case, placement_id: int
) -> bool:
    """Link the offer to the pupil's case and send the IPE the Confirm / Decline notice;
    False when it was already linked (or is unknown)."""
    placement = await repository.get(session, placement_id)
    if placement is None:
        return False
    link, new = await repository.link(session, case.id, placement.id)
    if not new:
        return False
    session.add(event(case, "placement-proposed", "pupil"))
    assignee = await escalation.router.reachable_assignee(session, case)
    targets = [assignee] if assignee is not None else []
    if not targets:
        _, targets = await contact_repo.recipients(session, case.academy_id)
    text = "\n".join(
        [f"🎯 Offre demandée par l'élève — demande {case.reference}", *ipe_lines(placement)]
    )
    text += "\n\nConfirmez-vous une place pour cet élève ?"
    for contact in targets:
        await enqueue(
            session,
            f"placement:{link.id}:{contact.id}",
            contact.chat_id,
            text,
            decision_choices(link),
            case_id=case.id,
            contact_id=contact.id,
        )
    return True


def decision_choices(link: CasePlacement) -> list[Choice]:
    return [
        Choice("✅ Confirmer la place", f"po:{link.id}"),
        Choice("✖️ Refuser", f"pn:{link.id}"),
    ]


async def case_offers(session: AsyncSession, case: Case) -> tuple[list[str], list[Choice]]:
    """For the IPE's view of a case: its offers with their status, and the pending buttons."""
    lines: list[str] = []
    choices: list[Choice] = []
    labels = {"proposed": "à confirmer", "confirmed": "confirmée", "declined": "refusée"}
    for link, placement in await repository.links_of_case(session, case.id):
        lines.append(
            f"• n° {placement.id} « {placement.title} » — {placement.employer}, "
            f"{placement.commune} : {labels.get(link.status, link.status)} "
            f"({placement.places_left}/{placement.places} place(s))"
        )
        if link.status == "proposed" and case.status in OPEN_STATUSES:
            choices += decision_choices(link)
    return (["", "Offres demandées :", *lines] if lines else []), choices


async def stats_lines(session: AsyncSession, academies: set[str] | None) -> str:
    """The unmet searches of these académies, for /stats."""
    return "\n".join(demand_lines(await unmet_demand(session, academies)))


@dataclass
class OffersDesk:
    engine: DialogueEngine
    escalation: EscalationService

    # -- the pupil ------------------------------------------------------------------------
    async def interest(self, turn: Turn) -> Reply:
        """ "Ça m'intéresse": consent first (the request form, or a yes for the open one)."""
        placement_id = parse_id(turn.incoming.text.partition(":")[2])
        today = date.today()
        placement = (
            await repository.visible(turn.session, placement_id, today) if placement_id else None
        )
        if placement is None:
            return Reply(by_role(turn.state.role, GONE, GONE.replace("Dis-moi", "Dites-moi")))
        case = await self.escalation.open_case_of(turn.session, turn.chat_id)
        if case is not None:
            choices = [
                Choice("✅ Oui, transmettre", f"pj:{placement.id}"),
                Choice("Non, merci", "m"),
            ]
            turn.state.choices = list(choices)
            return Reply(
                by_role(
                    voice(turn.state),
                    f"Je transmets ton intérêt pour « {placement.title} » ({placement.employer}, "
                    f"{placement.commune}) à l'ingénieur pour l'école qui suit ta demande "
                    f"{case.reference} ?",
                    f"Je transmets l'intérêt pour « {placement.title} » à l'ingénieur pour "
                    f"l'école qui suit la demande {case.reference} ?",
                ),
                choices,
                kind="consent",
            )
        return request.start_for_placement(self.engine, turn.state, placement)

    async def join(self, turn: Turn) -> Reply:
        """The pupil's yes: the offer joins their open request."""
        placement_id = parse_id(turn.incoming.text.partition(":")[2])
        placement = (
            await repository.visible(turn.session, placement_id, date.today())
            if placement_id
            else None
        )
        if placement is None:
            return Reply(by_role(turn.state.role, GONE, GONE.replace("Dis-moi", "Dites-moi")))
        case = await self.escalation.open_case_of(turn.session, turn.chat_id)
        if case is None:
            return request.start_for_placement(self.engine, turn.state, placement)
        await attach(turn.session, self.escalation, case, placement.id)
        return Reply(
            by_role(
                voice(turn.state),
                f"C'est transmis ✅ L'ingénieur pour l'école qui suit ta demande {case.reference} "
                f"va regarder l'offre « {placement.title} » et te répondre ici.",
                f"C'est transmis ✅ (demande {case.reference}, offre « {placement.title} »).",
            ),
            kind="info",
        )

    # -- the IPE --------------------------------------------------------------------------
    async def decide(self, turn: Turn) -> Reply:
        """✅ Confirmer la place / ✖️ Refuser under an offer a pupil asked for."""
        kind, _, arg = turn.incoming.text.partition(":")
        link_id = parse_id(arg)
        scope = await turn.scope()
        if not scope.staff:
            return Reply(IPE_ONLY, kind="info")
        link = await turn.session.get(CasePlacement, link_id) if link_id else None
        case = (
            await self.escalation.visible_case(turn.session, scope, link.case_id) if link else None
        )
        if link is None or case is None:
            return Reply("Cette demande n'est pas dans vos académies.", kind="info")
        placement = await repository.get(turn.session, link.placement_id)
        assert placement is not None
        if case.status not in OPEN_STATUSES:
            return Reply(f"La demande {case.reference} n'est plus ouverte.", kind="info")
        outcome = await repository.decide(turn.session, link.id, kind == "po")
        if outcome == "already":
            return Reply("Cette offre a déjà été confirmée ou refusée pour cet élève.", kind="info")
        if outcome == "full":
            return Reply(
                f"Il ne reste plus de place pour « {placement.title} » : vous pouvez refuser, "
                "ou répondre à l'élève.",
                decision_choices(link)[1:],
                kind="info",
            )
        contact = scope.contact_for(case)
        if outcome == "confirmed" and case.status == "new":
            await self.escalation.take(turn.session, case, contact)
        actor = f"{contact.kind}:{contact.id}" if contact else "admin"
        turn.session.add(event(case, f"placement-{outcome}", actor))
        await turn.session.refresh(placement)
        if case.pupil_chat_id is not None:
            await enqueue(
                turn.session,
                f"placement:{link.id}:pupil:{outcome}",
                case.pupil_chat_id,
                _pupil_news(outcome, case, placement),
                case_id=case.id,
            )
        if outcome == "confirmed":
            text = (
                f"Place confirmée pour {case.reference} : « {placement.title} » "
                f"({placement.places_left} place(s) restante(s)). L'élève est prévenu. Pour "
                "lui donner le contact de l'accueil, écrivez-lui :"
            )
        else:
            text = f"Offre refusée pour {case.reference} ; l'élève est prévenu. Vous pouvez lui écrire :"
        return Reply(text, [Choice("✉️ Répondre à l'élève", f"cr:{case.id}")], kind="info")

    async def start_form(self, turn: Turn) -> Reply:
        """/offre: a new offer (or the paused one, resumed)."""
        scope = await turn.scope()
        if not scope.staff:
            return Reply(IPE_ONLY, kind="info")
        state = turn.state
        intro = "On reprend l'offre là où vous l'aviez laissée."
        if not offer_form.is_offer_form(state.form):
            state.form = offer_form.new_form()
            intro = (
                "Nouvelle offre de stage : quelques questions (⬅️ Retour ou ❌ Annuler à tout "
                "moment). Elle sera proposée aux élèves qui cherchent près de sa commune."
            )
        assert state.form is not None
        state.form.pop("paused", None)
        return self._prompt(state, intro)

    async def form_text(self, turn: Turn) -> Reply:
        state = turn.state
        assert state.form is not None
        if turn.incoming.text.strip().lower() in ("annuler", "stop", "/annuler"):
            state.form = None
            return Reply("L'offre n'est pas enregistrée.", kind="info")
        communes = self.engine.academies.communes if self.engine.academies else None
        if communes is None:
            return Reply("La liste des communes manque : impossible d'enregistrer une offre.")
        problem = offer_form.answer_text(
            state.form, turn.incoming.text, communes, (await turn.scope()).academies
        )
        return self._prompt(state, problem or "")

    async def form_choice(self, turn: Turn) -> Reply:
        state = turn.state
        if not offer_form.is_offer_form(state.form):
            return Reply("Ce bouton n'est plus valable. /offre pour une nouvelle offre.")
        assert state.form is not None
        state.form.pop("paused", None)
        outcome = offer_form.answer_choice(state.form, turn.incoming.text.partition(":")[2])
        if outcome == "cancel":
            state.form = None
            return Reply("L'offre n'est pas enregistrée.", kind="info")
        if outcome != "save":
            invalid = "Ce bouton n'est plus valable." if outcome == "invalid" else ""
            return self._prompt(state, invalid)
        scope = await turn.scope()
        fields = offer_form.placement_fields(state.form)
        if not scope.staff or (
            scope.academies is not None and fields["academy_id"] not in scope.academies
        ):
            return Reply(IPE_ONLY, kind="info")
        contact = next(iter(scope.contacts), None)
        fields["source"] = f"telegram:{contact.id}" if contact else "telegram:admin"
        placement = await repository.add(turn.session, **fields)
        state.form = None
        return Reply(
            f"Offre n° {placement.id} enregistrée ✅ Elle est proposée aux élèves qui cherchent "
            f"un stage près de {placement.commune}, jusqu'au {placement.last_day:%d/%m/%Y} et tant "
            "qu'il reste des places. Quand un élève est intéressé, vous recevez sa demande avec "
            "« Confirmer la place » ou « Refuser ».",
            kind="info",
        )

    def _prompt(self, state: State, intro: str) -> Reply:
        assert state.form is not None
        text, buttons = offer_form.prompt(state.form)
        choices = [Choice(label, choice_id) for label, choice_id in buttons]
        state.choices = list(choices)
        return Reply(f"{intro}\n\n{text}" if intro else text, choices, kind="form")


def _pupil_news(outcome: str, case: Case, placement: Placement) -> str:
    if outcome == "confirmed":
        return (
            f"Bonne nouvelle 🎉 L'ingénieur pour l'école a confirmé ta place pour « "
            f"{placement.title} » ({placement.employer}, {placement.commune}"
            + (f", {repository.dates_label(placement)}" if placement.first_day else "")
            + f"). Tu recevras ici son message pour la suite (demande {case.reference})."
        )
    return (
        f"L'ingénieur pour l'école n'a pas pu te réserver « {placement.title} ». Ta demande "
        f"{case.reference} reste ouverte : il continue à chercher avec toi."
    )
