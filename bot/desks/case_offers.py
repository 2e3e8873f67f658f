"""What the bot offers a requester about their request already sent: pass a message on
(✉️ Transmettre), close it when they found a placement, cancel it, or reopen it when it ended
lately (cases.details.reopenable), the message kept aside meanwhile (`pending_with`)."""

from __future__ import annotations

import re

from bot.cases.details import recently_resolved, reopenable, status_label
from bot.cases.service import EscalationService
from bot.desks.offer_form import is_offer_form
from bot.desks.phrases import NO_FEEDBACK_TOPICS
from bot.desks.turn import Turn
from bot.messages import Choice, Reply, State, by_role, voice
from bot.store.models import Case
from bot.understanding.normalise import words

NOT_UNDERSTOOD = ("fallback", "did_you_mean")  # offered to whoever will read the request
REOPEN_TOPICS = frozenset({"pas-de-stage"})  # « jai toujours pas de stage »: reopen it?
PENDING_MAX_CHARS = 3000  # what one ✉️ Transmettre sends at most: the latest messages, whole
PENDING_JOIN = "\n\n"
# while a request is followed, only an answer this sure is given (a question: less sure)
SURE_ANSWER_AT, ASKED_BONUS = 80.0, 25.0


def pending_with(pending: str | None, text: str) -> str:
    """The messages kept for ✉️ Transmettre, this one added (the oldest dropped past the cap)."""
    parts = [*(pending.split(PENDING_JOIN) if pending else []), text]
    while len(parts) > 1 and len(PENDING_JOIN.join(parts)) > PENDING_MAX_CHARS:
        parts.pop(0)
    return PENDING_JOIN.join(parts)


def sure_answer(reply: Reply, text: str) -> bool:
    """An answer sure enough to give while a request is followed (else: pass it on?)."""
    sure = SURE_ANSWER_AT - (ASKED_BONUS if text.rstrip().endswith("?") else 0)
    return reply.kind == "answer" and reply.topic not in NO_FEEDBACK_TOPICS and reply.score >= sure


def offer_to_pass_on(case: Case) -> Choice:
    return Choice("✉️ Transmettre à l'ingénieur", f"tx:{case.id}")


NO_THANKS = Choice("Non, merci", "m")


def keep_aside(state: State, text: str) -> str:
    """Keep `text` for ✉️ Transmettre; « ce message » or « ces messages », as now kept."""
    state.pending_text = pending_with(state.pending_text, text)
    return "ce message" if state.pending_text == text else "ces messages"


def ask_to_pass_on(case: Case, text: str) -> Reply:
    """« Je transmets … ? » with ✉️ Transmettre and « Non, merci »."""
    return Reply(text, [offer_to_pass_on(case), NO_THANKS], kind="ask_relay")


def offer_to_close(case: Case, role: str | None) -> Reply:
    """ "j'ai trouvé un stage" while a request is open: close it, and tell its IPE?"""
    return Reply(
        by_role(
            role,
            f"Super, bravo pour ton stage 🎉 Ta demande {case.reference} est encore ouverte : "
            "je la ferme ? L'ingénieur pour l'école qui la suit saura qu'il n'y a plus à chercher.",
            f"Très bonne nouvelle 🎉 La demande {case.reference} est encore ouverte : je la "
            "ferme ? L'ingénieur pour l'école qui la suit en sera prévenu.",
        ),
        [Choice("✅ Oui, fermer la demande", f"pc:{case.id}"), Choice("Non, je la garde", "m")],
        kind="ask_close",
    )


def offer_to_cancel(case: Case, role: str | None, state: State | None = None) -> Reply:
    """/annuler or « je veux annuler ma demande » once it is sent: close it, and tell its IPE?
    A new request being filled in (`state`) is dropped first, and said so."""
    dropped = ""
    if state is not None and state.form is not None and not is_offer_form(state.form):
        state.form = None
        dropped = "Le nouveau formulaire est abandonné (rien n'a été envoyé). "
    return Reply(
        dropped
        + by_role(
            role,
            f"Ta demande {case.reference} est déjà envoyée ({status_label(case)}). Tu veux "
            "l'annuler ? L'ingénieur pour l'école qui la suit en sera prévenu.",
            f"La demande {case.reference} est déjà envoyée ({status_label(case)}). Voulez-vous "
            "l'annuler ? L'ingénieur pour l'école qui la suit en sera prévenu.",
        ),
        [Choice("✅ Oui, annuler la demande", f"pk:{case.id}"), Choice("Non, je la garde", "m")],
        kind="ask_close",
    )


def offer_to_reopen(case: Case, state: State, text: str) -> Reply:
    """A pupil writes after their request ended (details.reopenable): reopen it, and pass the
    message on? Kept aside meanwhile, never lost without a word."""
    state.pending_text = pending_with(state.pending_text, text)
    return Reply(
        by_role(
            voice(state),
            f"Ta demande {case.reference} est {status_label(case)}. Je la rouvre et je transmets "
            "ton message à l'ingénieur pour l'école ?",
            f"La demande {case.reference} est {status_label(case)}. Je la rouvre et je transmets "
            "votre message à l'ingénieur pour l'école ?",
        ),
        [Choice("🔁 Rouvrir et transmettre", f"ro:{case.id}"), NO_THANKS],
        kind="ask_relay",
    )


async def offer_again(
    escalation: EscalationService | None, turn: Turn, reply: Reply
) -> Reply | None:
    """What the bot could not answer, or « j'ai toujours pas de stage », from a pupil whose
    request ended lately: offered to reopen it (None otherwise)."""
    state = turn.state
    if escalation is None or turn.incoming.kind != "text" or state.form is not None:
        return None
    if state.staff or state.role == "teacher" or reply.safety is not None:
        return None
    if reply.kind not in NOT_UNDERSTOOD and reply.topic not in REOPEN_TOPICS:
        return None
    if await escalation.open_case_of(turn.session, turn.chat_id) is not None:
        return None
    case = await escalation.last_case_of(turn.session, turn.chat_id)
    if case is None or not reopenable(case):
        return None
    if recently_resolved(case) and reply.topic not in REOPEN_TOPICS:  # « merci, j'y suis allé »
        keep_aside(state, turn.incoming.text)
        return ask_to_pass_on(
            case,
            by_role(
                voice(state),
                f"Ta demande {case.reference} est résolue. Je transmets ce message à l'ingénieur "
                "pour l'école qui l'a suivie ?",
                f"La demande {case.reference} est résolue. Je transmets ce message à l'ingénieur "
                "pour l'école qui l'a suivie ?",
            ),
        )
    return offer_to_reopen(case, state, turn.incoming.text)


# what is plainly for whoever will read the request (« c urgent svp le stage c dans 1 semaine »)
_FOR_THEM = re.compile(
    r"\b(urgent|urgente|urgence|c est presse|ca presse|sa presse|au plus vite|vite svp"
    r"|dis lui|dites lui|dis leur|dites leur|previens le|previens la|prevenez le|prevenez la"
    r"|tu peux lui dire|pouvez vous lui dire|tu lui dis|vous lui dites|tell them|tell him|tell her"
    r"|asap|le stage (c|c est|est|commence|debute) (dans|demain|lundi|la semaine))\b"
)


async def offer_to_add(
    escalation: EscalationService | None, turn: Turn, reply: Reply
) -> Reply | None:
    """« tu peux lui dire que c urgent » before an IPE took the request: offered to those who
    will read it (✉️ Transmettre), with the request, not answered « pas compris »."""
    state = turn.state
    if escalation is None or state.staff or turn.incoming.kind != "text":
        return None
    text = turn.incoming.text
    said = " ".join(words(text))
    calm = reply.safety is None and reply.kind != "safety"
    for_them = _FOR_THEM.search(said) is not None and calm
    # a message kept aside already: what follows (« et aussi le garage a dit peut-être ») joins
    # it unless the bot is sure of its answer
    more = bool(state.pending_text) and calm and reply.topic not in NO_FEEDBACK_TOPICS
    if (reply.kind not in NOT_UNDERSTOOD and not for_them and not more) or state.form is not None:
        return None
    case = await escalation.open_case_of(turn.session, turn.chat_id)
    if case is None or case.status != "new":
        return None
    these = keep_aside(state, text)
    if more and not for_them and sure_answer(reply, text):
        reply.choices = [offer_to_pass_on(case), *reply.choices[:4]]
        return reply
    return ask_to_pass_on(
        case,
        by_role(
            voice(state),
            f"Ta demande {case.reference} n'est pas encore prise en charge. Je transmets {these} "
            "à l'ingénieur pour l'école de ton académie ? Il le lira avec ta demande.",
            f"La demande {case.reference} n'est pas encore prise en charge. Je transmets {these} "
            "à l'ingénieur pour l'école de l'académie ? Il le lira avec la demande.",
        ),
    )
