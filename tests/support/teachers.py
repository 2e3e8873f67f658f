"""Helpers of the tests of a teacher's request: its answers, and the form filled through the
conversation service."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.cases.dates import today_in_france
from bot.store.models import Case
from support.cases import press, say

TEACHER, TEACHER2 = 2101, 2102
# typed answers after the kind (a button): school, commune, class, pupils, theme, period
TEACHER_ANSWERS = [
    "Collège <b>Jean Moulin</b>",
    "Marseille",
    "3e B",
    "28",
    "l'aéronautique, les métiers d'ingénieur",
    "en mars",
]


async def fill_teacher_form(service, chat_id: int, commune: str = "Marseille"):
    """/intervention, every step, consent: the reply to « J'accepte »."""
    reply = await say(service, chat_id, "/intervention")
    assert reply.kind == "form" and "organiser" in reply.text, reply.text
    reply = await press(service, chat_id, "f:ak:talk")
    for answer in TEACHER_ANSWERS:
        reply = await say(service, chat_id, commune if answer == "Marseille" else answer)
        assert reply.kind == "form", (answer, reply.text)
    reply = await press(service, chat_id, "f:fm:class")
    reply = await press(service, chat_id, "f:skip")  # no constraints
    reply = await press(service, chat_id, "f:ct:bot")
    assert "Récapitulatif de votre demande" in reply.text, reply.text
    return await press(service, chat_id, "f:ok")


def in_days(days: int) -> date:
    return today_in_france() + timedelta(days=days)


def workday(days: int) -> date:
    """The first weekday that is no public holiday, `days` from today or later."""
    from bot.cases.dates import day_warning

    day = in_days(days)
    while day_warning(day):
        day += timedelta(days=1)
    return day


async def the_case(service, chat_id: int) -> Case:
    async with service.db.sessions() as session:
        return await session.scalar(
            select(Case).where(Case.pupil_chat_id == chat_id).order_by(Case.id.desc()).limit(1)
        )


async def move_date(service, case_id: int, day: date) -> None:
    """Time passes: the agreed date is now `day`."""
    async with service.db.transaction() as session:
        case = await session.get(Case, case_id)
        case.event_date = day
