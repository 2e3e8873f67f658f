"""The routing tables: which desk action answers each command and each button prefix.

Everything not listed here (free text, media, other commands) goes to the pupil desk, except a
text that follows a ↩️ Répondre button, which goes to the thread desk. Every `Choice` id the bot
makes starts with a prefix listed in CHOICE_ROUTES (tests/test_architecture.py checks it).
"""

from __future__ import annotations

from bot.desks.ipe import CASE_ACTIONS, NOT_ENABLED
from bot.desks.offer_form import is_offer_form
from bot.desks.turn import Turn
from bot.messages import Reply, State

COMMAND_ROUTES: dict[str, tuple[str, str]] = {
    "oublier": ("pupil", "forget"),
    "ipe": ("ipe", "register"),
    "dossiers": ("ipe", "list_cases"),
    "dossier": ("ipe", "show_case"),
    "stats": ("admin", "stats"),
    "reload": ("admin", "reload"),
    "demande": ("pupil", "status"),
    "statut": ("pupil", "status"),  # what people guess for /demande
    "suivi": ("pupil", "status"),
    "offre": ("offers", "start_form"),  # placements (issue #15)
}
# r: role, t: topic, m: menu, th: theme, lv: level, f: form step, esc: ask an IPE, fb: 👍/👎,
# more: the rest of an answer
# tq: a teacher's request (menu, offer)
PUPIL_PREFIXES = ("r", "t", "m", "th", "lv", "f", "esc", "fb", "more", "tq")
CHOICE_ROUTES: dict[str, tuple[str, str]] = {
    **{prefix: ("pupil", "reply") for prefix in PUPIL_PREFIXES},
    **{prefix: ("ipe", "case_action") for prefix in CASE_ACTIONS},  # view, take, reply, done
    "pr": ("thread", "pupil_reply"),  # the pupil's ↩️ Répondre under an IPE's message
    "tx": ("thread", "pass_on"),  # "✉️ Transmettre à l'ingénieur" for the text just written
    "ix": ("thread", "ipe_send"),  # the IPE's « ✉️ Pour … »: which case a kept text is for
    "pc": ("thread", "close_found"),  # « ✅ Oui, fermer la demande »: the pupil found a stage
    "pk": ("thread", "cancel"),  # « ✅ Oui, annuler la demande »: a request already sent
    "ro": ("thread", "reopen"),  # « 🔁 Rouvrir et transmettre »: a request that ended lately
    "del": ("pupil", "forget"),  # « 🗑️ Tout effacer », the same as /oublier
    # placements (issue #15): pl "Ça m'intéresse", pj yes to joining the open request,
    # po/pn the IPE confirms/declines, of the IPE's /offre form
    "pl": ("offers", "interest"),
    "pj": ("offers", "join"),
    "po": ("offers", "decide"),
    "pn": ("offers", "decide"),
    "of": ("offers", "form_choice"),
    "cd": ("followup", "set_date"),  # 📅 the agreed date of a teacher's request (IPE)
    "tf": ("followup", "feedback"),  # the teacher's « Cela s'est-il bien passé ? »
}

# Only in a one-to-one chat with the bot: what shows or changes a pupil's request (personal
# data) and every IPE or administrator action. A group gets a polite refusal instead.
PRIVATE_DESKS = frozenset({"ipe", "thread", "admin", "offers", "followup"})
PRIVATE_COMMANDS = frozenset({"stage", "demande", "statut", "suivi", "intervention"})
PRIVATE_PREFIXES = frozenset({"f", "esc", "pr", "tx", "tq", "pc", "pk", "ro", "del"})


def text_route(state: State) -> tuple[str, str] | None:
    """The desk action for free text when the chat is in the middle of something."""
    if state.relay_case is not None:  # after ↩️ Répondre
        return "thread", "relay"
    if is_offer_form(state.form) and not state.form.get("paused"):  # an IPE's /offre form
        return "offers", "form_text"
    if state.case_input is not None:  # an IPE typing a teacher's agreed date or company
        return "followup", "typed"
    return None


def private_only(kind: str, name: str, desk: str) -> bool:
    """True when this command or button prefix may not be used outside a private chat."""
    if desk in PRIVATE_DESKS:
        return True
    return name in PRIVATE_COMMANDS if kind == "command" else name in PRIVATE_PREFIXES


PRIVATE_ONLY = (
    "Pour protéger les informations personnelles, cela se fait seulement en message privé avec "
    "moi : ouvrez une conversation privée avec le bot."
)


async def refuse_private(turn: Turn) -> Reply:
    return Reply(PRIVATE_ONLY, kind="info")


async def refuse_disabled(turn: Turn) -> Reply:
    return Reply(NOT_ENABLED, kind="info")
