"""The routing tables: which desk action answers each command and each button prefix.

Everything not listed here (free text, media, other commands) goes to the pupil desk, except a
text that follows a ↩️ Répondre button, which goes to the thread desk. Every `Choice` id the bot
makes starts with a prefix listed in CHOICE_ROUTES (tests/test_architecture.py checks it).
"""

from __future__ import annotations

from bot.desks.ipe import CASE_ACTIONS

COMMAND_ROUTES: dict[str, tuple[str, str]] = {
    "oublier": ("pupil", "forget"),
    "ipe": ("ipe", "register"),
    "dossiers": ("ipe", "list_cases"),
    "dossier": ("ipe", "show_case"),
    "stats": ("admin", "stats"),
    "reload": ("admin", "reload"),
}
# r: role, t: topic, m: menu, th: theme, lv: level, f: form step, esc: ask an IPE, fb: 👍/👎
PUPIL_PREFIXES = ("r", "t", "m", "th", "lv", "f", "esc", "fb")
CHOICE_ROUTES: dict[str, tuple[str, str]] = {
    **{prefix: ("pupil", "reply") for prefix in PUPIL_PREFIXES},
    **{prefix: ("ipe", "case_action") for prefix in CASE_ACTIONS},  # view, take, reply, done
    "pr": ("thread", "pupil_reply"),  # the pupil's ↩️ Répondre under an IPE's message
}
