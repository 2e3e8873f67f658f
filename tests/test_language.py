"""English messages: understood through synonyms.yaml, answered in French with one English line."""

from __future__ import annotations

import pytest

from bot.desks.languages import ENGLISH_NOTE
from bot.messages import State
from bot.understanding.language import in_english


@pytest.mark.parametrize(
    "text",
    [
        "how do i find an internship in france",
        "is my work experience paid?",
        "what can you do",
        "I'm a teacher: are interns allowed to work on sundays?",
        "my supervisor yells at me all day",
        "what’s a cover letter for an internship",
    ],
)
def test_english_is_recognised(text):
    assert in_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "c'est quoi le stage de 3e",
        "jtrouve pas de stage",
        "je cherche un stage in London",  # franglais: mostly French
        "ok merci",
        "hi",  # one word says too little
        "a quelle heure on finit",
        "Bonjour, comment puis-je aider mes élèves à trouver un stage ?",
        "",
    ],
)
def test_french_and_franglais_are_not_english(text):
    assert not in_english(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("how do i find an internship", "trouver-stage"),
        ("will i be paid during my internship", "remuneration-stage"),
        ("can i do my internship abroad", "stage-etranger"),
        ("i missed two days of my placement because i was sick", "absence-stage"),
        ("what should i wear on my first day", "premier-jour"),
    ],
)
def test_english_questions_reach_the_french_topic(matcher, text, topic):
    assert matcher.match(text).topic == topic


def test_an_english_message_is_answered_in_french_with_one_english_line(engine):
    state = State(role="pupil")
    reply = engine.handle_text(state, "how do i find an internship")
    assert reply.topic == "trouver-stage"
    first, _, rest = reply.text.partition("\n")
    assert first == ENGLISH_NOTE
    assert rest.startswith(engine.kb.topics["trouver-stage"].answers["pupil"][:30])
    french = engine.handle_text(State(role="pupil"), "comment trouver un stage")
    assert french.topic == "trouver-stage" and ENGLISH_NOTE not in french.text
    # out of scope in English: the same note above the French fallback
    other = engine.handle_text(State(role="pupil"), "what is the capital of peru")
    assert other.topic is None and other.text.startswith(ENGLISH_NOTE)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("cb de semaines de stage en 3e", "stage-3e"),
        ("jai r trouvé pour mon stage", "pas-de-stage"),
        ("mon tel pdt le stage jpeux le garder ?", "premier-jour"),
    ],
)
def test_sms_spellings_reach_the_topic(matcher, text, topic):
    assert matcher.match(text).topic == topic


@pytest.mark.parametrize(
    "text",
    [
        "I don't speak French very well, is that a problem?",
        "tu parles anglais ?",
        "can you answer in english",
        "je parle pas bien le français",
    ],
)
def test_a_question_about_languages_is_answered(engine, text):
    reply = engine.handle_text(State(role="pupil"), text)
    assert "je réponds en français" in reply.text, reply.text
    english = "I don't" in text or "english" in text
    assert reply.text.startswith("No problem") == english, text  # asked in English: said so too
    assert "(I answer in French only.)" not in reply.text


def test_a_story_that_mentions_languages_is_a_question(engine):
    reply = engine.handle_text(
        State(role="pupil"), "je parle anglais et espagnol, stage à l'étranger ?"
    )
    assert reply.topic == "stage-etranger"


def test_the_english_line_is_said_once_in_a_while_not_on_every_reply(engine):
    state = State(role="pupil")
    first = engine.handle_text(state, "how do i find an internship")
    second = engine.handle_text(state, "is it paid?")
    assert first.text.startswith(ENGLISH_NOTE) and ENGLISH_NOTE not in second.text
    state.english_at -= 3600
    assert engine.handle_text(state, "what should i wear on my first day").text.startswith(
        ENGLISH_NOTE
    )


def test_a_question_beside_the_words_on_languages_is_answered(engine):
    state = State()
    reply = engine.handle_text(
        state, "hello i'm in 3e, how can i find a company for my internship? my french is bad"
    )
    assert reply.topic in ("trouver-stage", "pas-de-stage"), reply.text
    assert reply.text.startswith("(I answer in French only.)")


def test_an_english_pupil_without_a_placement_is_told_what_the_button_does(
    engine_with_academies,
):
    state = State()
    reply = engine_with_academies.handle_text(
        state,
        "Hello, I am in 3e in Strasbourg, I just arrived from Ireland and I need an internship",
    )
    assert reply.topic == "pas-de-stage" and "esc" in [c.id for c in reply.choices]
    assert reply.text.startswith("(I answer in French only. Can't find a placement? Press 🙋")
