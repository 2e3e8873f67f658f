"""A paused request resumed by words, not only by its ▶️ button: « ok on continue », or, just
after the safety message paused it, the answer to the step it waited at (« Lyon » at the
académie step): the pupil carries on where they were, as they meant to."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from bot.desks.class_words import parse_level
from bot.desks.request import is_teacher_form, on_text, resume_choices
from bot.messages import Reply, State, by_role, voice

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

CRISIS_PAUSE = "crisis"  # form["paused"] when the safety message paused it
AFTER_CRISIS_SECONDS = 30 * 60  # what follows the safety message this soon answers it
ANSWER_WORDS = 4  # « Lyon », « 69003 », « en 3e »: a longer message is something else
RESUMED = ("On reprend ta demande.", "On reprend la demande.")

_RESUME = re.compile(
    r"^(ok |bon |allez |vas y |d accord |dacc )?(on |je |j )?(continue|continuer|reprend|reprends"
    r"|reprendre|reprenons|poursuit|poursuis|recommence)( la| ma| notre)?( demande)?"
    r"( la| maintenant| mtn)?( stp| svp| please)?$"
    r"|^(on en etait ou|ou on en etait|on en etait ou deja|on finit la demande|finir la demande"
    r"|reprendre ma demande|reprendre la demande)$"
)


def resumed(engine: DialogueEngine, state: State, text: str, said: str) -> Reply | None:
    """A paused request resumed by words: « ok on continue », or, after the safety message, the
    answer to the step it waited at (« Lyon » at the académie step, « 3e » at the class step)."""
    resume = resume_choices(state)
    if not resume:
        return None
    if _RESUME.match(said):
        return engine.handle_choice(state, resume[0].id)
    assert state.form is not None
    step = state.form.get("step")
    if state.form["paused"] != CRISIS_PAUSE or is_teacher_form(state):
        return None
    if len(said.split()) > ANSWER_WORDS:
        return None
    if time.time() - state.crisis_at >= AFTER_CRISIS_SECONDS or engine.academies is None:
        return None
    fits = (step == "level" and parse_level(text) is not None) or (
        step == "academy" and engine.academies.resolve(text).confident
    )
    if not fits:
        return None
    state.form.pop("paused")
    reply = on_text(engine, state, text)
    reply.text = f"{by_role(voice(state), *RESUMED)}\n\n{reply.text}"
    return reply
