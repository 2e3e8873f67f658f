"""Who reads the answer (17th session's try-out): the school's other staff are answered as
teachers, and a parent gets a parent's version of an answer when the knowledge base has one,
else the adults' (vous), with the adults' topic names — never a pupil's « tu »."""

from __future__ import annotations

import re

import pytest

from bot.messages import State
from bot.understanding.knowledge import load_knowledge

TUTOIEMENT = re.compile(r"\b(tu|te|ton|ta|tes|toi|pose-moi|choisis|écris)\b|\bt'", re.IGNORECASE)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (
            "Bonjour, je suis DDFPT dans un lycée pro. Comment est versée l'allocation PFMP ?",
            "allocation-pfmp",
        ),
        (
            "Bonjour, je travaille au bureau des entreprises d'un LP, comment monter un "
            "partenariat avec une entreprise ?",
            "partenariat",
        ),
        ("je suis la documentaliste du collège, où trouver des fiches métiers ?", "info-metiers"),
    ],
)
def test_the_schools_other_staff_are_answered_as_teachers(engine, text, topic):
    state = State()
    reply = engine.handle_text(state, text)
    assert state.role == "teacher" and reply.topic == topic
    assert not TUTOIEMENT.search(reply.text), reply.text


def test_a_parent_gets_the_parents_version_and_the_adults_topic_names(engine_with_academies):
    engine = engine_with_academies
    state = State()
    engine.handle_choice(state, "r:parent")
    first = engine.handle_text(state, "mon fils est en 3e et ne trouve pas de stage")
    assert first.topic == "pas-de-stage" and "Votre enfant" in first.text
    assert first.choices[0].id == "esc"
    more = engine.handle_choice(state, "more:pas-de-stage")
    assert "Sollicitez" not in more.text and "Proposez-lui" not in more.text
    assert not TUTOIEMENT.search(more.text)
    labels = [c.label for c in more.choices]
    assert "Refusé à cause de qui je suis" not in labels
    assert "Discrimination envers un·e élève" in labels


def test_a_parent_without_a_parents_version_gets_the_adults_one(engine):
    state = State()
    engine.handle_choice(state, "r:parent")
    reply = engine.handle_text(state, "qui signe la convention de stage ?")
    assert reply.topic == "convention-stage" and not TUTOIEMENT.search(reply.text)


def test_a_parents_version_is_optional_and_a_wrong_key_is_named(tmp_path):
    def topic(topic_id: str, key: str) -> str:
        questions = ", ".join(f"question {topic_id} numéro {n}" for n in range(10))
        return (
            f"  - id: {topic_id}\n    title: Sujet {topic_id}\n    audience: both\n"
            f"    questions: [{questions}]\n"
            f"    answer: {{pupil: Tu., teacher: Vous., {key}: Votre enfant.}}\n    source: S\n"
        )

    head = "theme: t\ntitle: T\norder: 1\ntopics:\n"
    (tmp_path / "t.yaml").write_text(head + topic("a", "parent"), encoding="utf-8")
    loaded = load_knowledge(tmp_path)
    assert loaded.kb.topics["a"].answer_for("parent") == "Votre enfant."
    assert loaded.kb.topics["a"].answer_for("teacher") == "Vous."
    (tmp_path / "t.yaml").write_text(head + topic("b", "parents"), encoding="utf-8")
    errors = [str(e) for e in load_knowledge(tmp_path).errors]
    assert any("« b »" in e and "['parents']" in e and "parent)" in e for e in errors), errors
