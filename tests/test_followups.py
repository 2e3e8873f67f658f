"""The two-turn dialogue set (tests/data/followups.tsv): a follow-up read in its context."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import follow_up_topic, main
from bot.messages import State
from bot.understanding.evaluation import evaluate_followups, read_followups

FOLLOWUPS = Path(__file__).parent / "data" / "followups.tsv"
# measured 71.2 % (37/52) when the set was written, 90.4 % once short questions without
# "c"/"et" were read in context too (the set is not blind: its author wrote that rule)
FLOOR = 0.87


def test_the_follow_up_set_is_understood_in_context(engine):
    items = read_followups(FOLLOWUPS)
    assert len(items) >= 50
    report = evaluate_followups(lambda a, b: follow_up_topic(engine, a, b), items)
    alone = evaluate_followups(lambda _a, b: follow_up_topic(engine, None, b), items)
    assert report.accuracy >= FLOOR, report.misses
    assert report.in_scope_right > alone.in_scope_right  # the context helps
    assert report.out_scope_rejected == report.out_scope  # and does not stick


def test_a_malformed_line_is_named(tmp_path):
    bad = tmp_path / "f.tsv"
    bad.write_text("# comment\nstage 3e\tc obligatoire ?\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"f\.tsv:2"):
        read_followups(bad)


def test_the_eval_command_reports_both_figures(capsys):
    assert main(["eval", "--followups", str(FOLLOWUPS)]) == 0
    out = capsys.readouterr().out
    assert "follow-ups alone, without the first message" in out
    assert "in-scope accuracy" in out and "→" in out


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("c'est quoi l'attestation de stage", "qui la remplit ?", "attestation-stage"),
        ("je fais mon rapport de stage", "c'est noté ?", "rapport-stage"),
        ("mon maître de stage me crie dessus", "je dois le dire à qui", "probleme-stage"),
    ],
)
def test_a_short_question_is_read_with_the_last_topic(engine, first, follow_up, expected):
    assert follow_up_topic(engine, None, follow_up) != expected  # alone, it says too little
    assert follow_up_topic(engine, first, follow_up) == expected


@pytest.mark.parametrize(
    "follow_up", ["la recette des crêpes", "il fait beau aujourd'hui", "et le cv ?"]
)
def test_a_short_message_on_something_else_is_not_pulled_into_the_last_topic(engine, follow_up):
    got = follow_up_topic(engine, "c'est quoi l'attestation de stage", follow_up)
    assert got != "attestation-stage"
    assert got == follow_up_topic(engine, None, follow_up)


def test_a_short_message_naming_its_own_subject_keeps_it(engine):
    assert follow_up_topic(engine, "comment faire un cv", "c'est quoi une pfmp") == "pfmp"
    assert follow_up_topic(engine, "c'est quoi le stage de 3e", "et la convention ?") == (
        "convention-stage"
    )


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("jtrouve pa de stage", "et c payé ?", "remuneration-stage"),
        ("je trouve pas de stage", "et c'est payé ?", "remuneration-stage"),
        # a rare word of its own ("oncle") that the last topic never uses
        ("c koi le stage de 3e", "je peux le faire chez mon oncle ?", "stage-famille"),
        ("c'est quoi le stage de 3e ?", "jpeux le faire chez ma tante ?", "stage-famille"),
        # no word of the last topic at all: a new question, not the rest of the last answer
        ("slt jsui en 3e c koi les horaires de stage", "jdois mhabiller comment", "premier-jour"),
    ],
)
def test_a_clear_question_on_another_subject_is_not_pulled_back(engine, first, follow_up, expected):
    """The last answer does not speak of pay: « et c payé ? » is a new question."""
    assert follow_up_topic(engine, None, follow_up) == expected
    assert follow_up_topic(engine, first, follow_up) == expected


def test_is_it_normal_is_read_with_the_last_answer(engine):
    state = State(role="pupil")
    engine.handle_text(state, "mon maitre de stage me fait faire que du menage et du cafe")
    reply = engine.handle_text(state, "cest normal")
    assert reply.topic == "probleme-stage", reply.text


def test_a_question_of_money_after_another_topic_is_about_the_pay(engine):
    """« cb par mois » after the working hours: the pay, not the rest of the hours."""
    from bot.messages import State

    state = State(role="pupil")
    engine.handle_text(state, "c normal que mon stage commence a 5h ?")
    reply = engine.handle_text(state, "cb par mois")
    assert reply.topic == "remuneration-stage"


def test_sous_is_money_only_as_a_noun(engine):
    """« cb de sous » is the pay; « c sous contrat ? » (under) stays on the topic."""
    from bot.messages import State

    state = State(role="pupil")
    engine.handle_text(state, "c normal que mon stage commence a 5h ?")
    assert engine.handle_text(state, "cb de sous").topic == "remuneration-stage"
    state = State(role="pupil")
    engine.handle_text(state, "c normal que mon stage commence a 5h ?")
    assert engine.handle_text(state, "c sous la responsabilite de qui").topic == "horaires-mineurs"


@pytest.mark.parametrize(
    "asked", ["dis m'en plus", "dis-moi en plus stp", "jpeux avoir plus dinfos", "tell me more"]
)
def test_more_typed_after_an_answer_is_its_more_button(engine, asked):
    state = State(role="pupil")
    first = engine.handle_text(state, "c'est quoi la convention de stage ?")
    assert first.kind == "answer" and any(c.id.startswith("more:") for c in first.choices)
    more = engine.handle_text(state, asked)
    assert more.kind == "more" and more.topic == first.topic, more.text
    assert more.text not in first.text and "Source :" in more.text
    assert "3114" not in more.text  # no helpline footer: « en plus » is no distress
    again = engine.handle_text(state, "encore")
    assert again.text.startswith("Je t'ai déjà dit tout ce que je sais"), again.text
    assert again.choices  # the nearby topics


def test_more_typed_with_no_answer_before_is_not_an_answer(engine):
    reply = engine.handle_text(State(role="pupil"), "dis m'en plus")
    assert reply.kind != "more"
    assert "3114" not in reply.text
