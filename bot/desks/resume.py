"""A paused request resumed by words, not only by its ▶️ button: « ok on continue », or, just
after the safety message paused it, the answer to the step it waited at (« Lyon » at the
académie step, « juin » at the dates, « toulon 20 min en bus » at the place): the pupil carries
on where they were, as they meant to."""

from __future__ import annotations

import re
import time
from datetime import date
from typing import TYPE_CHECKING

from bot.cases.academies import fold
from bot.cases.urgency import dates_in
from bot.desks.class_words import parse_level
from bot.desks.form_checks import PERIOD_WORDS
from bot.desks.request import is_teacher_form, on_text, resume_choices
from bot.messages import Reply, State, by_role, voice

if TYPE_CHECKING:
    from bot.desks.dialogue import DialogueEngine

CRISIS_PAUSE = "crisis"  # form["paused"] when the safety message paused it
AFTER_CRISIS_SECONDS = 30 * 60  # what follows the safety message this soon answers it
ANSWER_WORDS = 4  # « Lyon », « 69003 », « en 3e »: a longer message is something else
FREE_ANSWER_WORDS = 8  # « du 12 au 16 janvier », « toulon 20 min en bus », « collège Jean Zay »
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
    if time.time() - state.crisis_at >= AFTER_CRISIS_SECONDS or engine.academies is None:
        return None
    if not _fits(engine, str(step), text, said):
        return None
    state.form.pop("paused")
    reply = on_text(engine, state, text)
    reply.text = f"{by_role(voice(state), *RESUMED)}\n\n{reply.text}"
    return reply


# a way to get to the placement: a time or a distance, a means of transport
_PLACE = re.compile(
    r"\b(?:\d+ ?(?:min|mn|minutes?|km|kms|h|heures?)|bus|tram|metro|train|ter|rer|velo|pied"
    r"|scooter|voiture|car|navette|trottinette|loin|proche|pres|autour|quartier|centre|ville)\b"
)
_SCHOOL_NAME = re.compile(r"\b(?:college|lycee|ecole|cfa|lp|lgt|clg|institut|ensemble scolaire)\b")
_ANSWER_STEPS = ("period", "place", "school")  # the free steps whose answers can be told apart


def _fits(engine: DialogueEngine, step: str, text: str, said: str) -> bool:
    """The message looks like the answer the step waited for (not a question, not a feeling)."""
    n = len(said.split())
    if step in ("level", "academy"):
        if n > ANSWER_WORDS or engine.academies is None:
            return False
        if step == "level":
            return parse_level(text) is not None
        return engine.academies.resolve(text).confident
    if step not in _ANSWER_STEPS or n > FREE_ANSWER_WORDS or "?" in text:
        return False
    folded = fold(text)
    if step == "period":
        return bool(dates_in(text, date.today())) or PERIOD_WORDS.search(folded) is not None
    if step == "place":
        return _PLACE.search(folded) is not None or (
            engine.academies is not None and engine.academies.resolve(text).confident
        )
    return _SCHOOL_NAME.search(folded) is not None
