"""Answers for the pupil's class: `by_level` variants in the YAML, asked once when unknown."""

from __future__ import annotations

import pytest
from support.harness import running_bot, until
from test_knowledge import topic, write_theme

from bot.messages import State
from bot.understanding.knowledge import load_knowledge

PUPIL = 2101
PAID = "remuneration-stage"


def test_variants_are_validated_with_file_entry_and_field(tmp_path):
    write_theme(
        tmp_path,
        "a.yaml",
        topic("alpha", by_level={"3e": "Non.", "cm2": "Oui."}),
        topic("beta", by_level={"bts": ""}),
        topic("gamma", audience="teacher", by_level={"pro": "Oui."}),
        topic("delta", by_level={"2de": "x" * 600 + "\n\nLa suite."}),
        topic("epsilon", by_level=["3e"]),
    )
    errors = [str(e) for e in load_knowledge(tmp_path).errors]
    expected = [
        ("alpha", "by_level.cm2", "classe inconnue"),
        ("beta", "by_level.bts", "réponse vide"),
        ("gamma", "by_level", "élèves"),
        ("delta", "by_level.2de", "premier paragraphe"),
        ("epsilon", "by_level", "classe"),
    ]
    for entry, field, words in expected:
        assert any("a.yaml" in e and entry in e and field in e and words in e for e in errors), (
            entry,
            errors,
        )


def test_a_valid_variant_is_loaded_and_chosen_for_the_pupil_only(tmp_path):
    write_theme(tmp_path, "a.yaml", topic("alpha", by_level={"3e": "Non, pas en 3e."}))
    result = load_knowledge(tmp_path)
    assert result.errors == []
    alpha = result.kb.topics["alpha"]
    assert alpha.answer_for("pupil", "3e") == "Non, pas en 3e."
    assert alpha.answer_for("pupil", "bts") == alpha.answer_for("pupil") == "Une réponse."
    assert alpha.answer_for("teacher", "3e") == "Une réponse."


def test_the_shipped_variants_keep_the_first_message_short(kb):
    with_variants = [t for t in kb.topics.values() if t.by_level]
    assert {PAID, "duree-stage"} <= {t.id for t in with_variants}
    for t in with_variants:
        assert set(t.by_level) == {"3e", "2de", "pro", "bts"}, t.id
        for text in t.by_level.values():
            assert len(text.split("\n\n")[0]) <= 500, t.id


def test_a_3e_pupil_asking_if_it_is_paid_gets_the_3e_answer(engine):
    state = State(role="pupil", level="3e")
    reply = engine.handle_text(state, "c'est payé ?")
    assert reply.kind == "answer" and reply.topic == PAID
    assert reply.text.startswith("Non : en 4e et en 3e")
    assert "50 €" not in reply.text and "15 %" not in reply.text  # no CAP, bac pro, BTS rules
    head, rest = reply.text.split("\n\nSource")[0], engine.kb.topics[PAID].by_level["3e"]
    more = engine.handle_choice(state, f"more:{PAID}")
    assert rest.replace(head, "").strip().split("\n")[0] in more.text  # the same variant's rest


def test_the_class_is_asked_once_then_remembered(engine):
    state = State(role="pupil")
    asked = engine.handle_text(state, "le stage c'est payé ?")
    assert asked.kind == "level" and asked.topic == PAID
    labels = [c.label for c in asked.choices]
    assert labels == [
        "4e / 3e",
        "2de générale et techno",
        "Lycée pro / CAP",
        "BTS",
        "Je ne sais pas / autre",
    ]
    assert not any(c.id.startswith("fb:") for c in asked.choices)  # no 👍/👎 under a question
    answer = engine.handle_choice(state, asked.choices[2].id)  # lycée pro
    assert answer.kind == "answer" and answer.topic == PAID
    assert "allocation" in answer.text and "50 €" in answer.text
    assert "gratification obligatoire si" not in answer.text  # not the BTS rule
    assert state.level == "pro"
    assert answer.choices[-1].id == f"fb:-:{PAID}"
    again = engine.handle_text(state, "le stage dure combien de temps ?")
    assert again.kind == "answer" and again.topic == "duree-stage"
    assert "PFMP" in again.text and "obligatoires" in again.text
    assert "niveau lycée pro / CAP" in engine.profile(state).text


def test_i_do_not_know_gives_the_general_answer_and_is_not_asked_again(engine):
    state = State(role="pupil")
    asked = engine.handle_text(state, "c'est payé ?")
    general = engine.handle_choice(state, asked.choices[-1].id)
    assert general.kind == "answer"
    assert general.text.startswith("Ça dépend de ta classe")
    assert state.level == "autre"
    assert engine.handle_text(state, "le stage dure combien de temps ?").kind == "answer"


def test_a_question_typed_under_the_class_question_gets_the_whole_answer(engine):
    state = State(role="pupil")
    asked = engine.handle_text(state, "ma convention dit rien sur l'argent, je serai payé ?")
    assert asked.kind == "level" and asked.topic == PAID
    # the pupil asks again in other words instead of pressing a class: the answer for every
    # class from its start (it was « Voici la suite de ma réponse », whose start was never sent)
    again = engine.handle_text(state, "ma cousine a touché une gratif pour son stage, et moi ?")
    assert again.kind == "answer" and again.topic == PAID
    assert again.text.startswith("Ça dépend de ta classe")
    assert state.level is None  # nothing stored in the profile
    assert engine.handle_text(state, "et en vrai combien on touche ?").kind == "answer"


def test_more_asked_under_the_class_question_gets_the_answer_from_its_start(engine):
    state = State(role="pupil")
    assert engine.handle_text(state, "le stage c'est payé ?").kind == "level"
    reply = engine.handle_text(state, "dis m'en plus")
    assert reply.kind == "answer" and reply.text.startswith("Ça dépend de ta classe"), reply.text


def test_teachers_and_the_form_are_not_asked(engine_with_academies):
    engine = engine_with_academies
    teacher = State(role="teacher")
    reply = engine.handle_text(teacher, "le stage est payé ?")
    assert reply.kind == "answer" and reply.text.startswith("Aucune rémunération")
    assert teacher.level is None
    pupil = State(role="pupil")  # the class given in the request form is used
    engine.command(pupil, "stage")
    pupil.form["answers"]["level"] = "bts"
    pupil.form["step"] = "period"
    during = engine.handle_text(pupil, "est-ce que le stage est payé ?")
    assert during.topic == PAID and "En BTS" in during.text
    assert pupil.form is not None  # the form goes on


async def test_the_class_question_through_telegram(api, kb, db_url):
    async with running_bot(api, kb, db_url):
        api.send_text(PUPIL, "/start")
        assert await until(lambda: api.sent[PUPIL])
        api.press_button(PUPIL, "Élève")
        assert await until(lambda: "je te tutoie" in api.texts(PUPIL)[-1])
        api.send_text(PUPIL, "c'est payé le stage ?")
        assert await until(lambda: "quelle classe" in api.texts(PUPIL)[-1])
        assert api.buttons(api.last(PUPIL))[0][0] == "4e / 3e"
        api.press_button(PUPIL, "4e / 3e")
        assert await until(lambda: "Non : en 4e et en 3e" in api.texts(PUPIL)[-1])
        count = len(api.sent[PUPIL])
        api.send_text(PUPIL, "le stage c'est obligatoire ?")
        assert await until(lambda: len(api.sent[PUPIL]) > count)
        assert await until(lambda: "5 jours" in api.texts(PUPIL)[-1])
        assert "quelle classe" not in api.texts(PUPIL)[-1]
        api.send_text(PUPIL, "/profil")
        assert await until(lambda: "niveau 3e" in api.texts(PUPIL)[-1])


@pytest.mark.parametrize(
    ("text", "level"),
    [("jsuis en 3e on est payé ?", "3e"), ("je suis en BTS, la gratification c combien ?", "bts")],
)
def test_a_class_said_in_the_question_is_not_asked_again(kb, text, level):
    from bot.desks.dialogue import DialogueEngine
    from bot.messages import State

    state = State()
    reply = DialogueEngine(kb).handle_text(state, text)
    assert state.level == level
    assert reply.kind == "answer" and reply.topic == "remuneration-stage"


@pytest.mark.parametrize(
    ("first", "topic_id", "starts"),
    [
        ("c koi le stage de 3e", "stage-3e", "Non : en 4e et en 3e"),
        ("stage de seconde c quand", "stage-seconde", "Non : le stage de seconde"),
        ("I'm in 3e", None, "Non : en 4e et en 3e"),
    ],
)
def test_the_class_the_talk_is_about_answers_the_next_question(engine, first, topic_id, starts):
    state = State(role="pupil")
    opened = engine.handle_text(state, first)
    assert topic_id is None or opened.topic == topic_id
    paid = engine.handle_text(state, "et c payé ?" if topic_id else "Do I get paid?")
    assert paid.kind == "answer" and paid.topic == PAID, paid.text
    assert paid.text.removeprefix("(I answer in French only.)\n").startswith(starts)
    assert "50 €" not in paid.text and "15 %" not in paid.text


def test_a_class_the_talk_was_about_is_not_the_pupils_own(engine):
    state = State(role="pupil")
    engine.handle_text(state, "c koi le stage de 3e")
    assert state.level is None and state.topic_level == "3e"
    engine.handle_text(state, "et en BTS c'est comment ?")
    state.last_at -= 3600  # back much later: a new question, the class is asked
    assert engine.handle_text(state, "le stage c'est payé ?").kind == "level"


@pytest.mark.parametrize(
    "message",
    [
        "mon fils est en 3e, doit-il être payé pendant son stage ?",
        "Bonjour, ma fille est en 3e, est-ce que le stage est rémunéré ?",
    ],
)
def test_a_parent_is_answered_in_vous_and_not_asked_the_class(engine, message):
    state = State()
    reply = engine.handle_text(state, message)
    assert reply.kind == "answer" and reply.topic == PAID, reply.text
    assert " tu " not in f" {reply.text} " and "ta classe" not in reply.text
    assert state.parent and state.topic_level == "3e" and state.role is None
    again = engine.handle_text(state, "et pour la convention, qui signe ?")
    assert again.topic == "convention-stage" and "Pour adapter mes réponses" not in again.text
    assert " ton " not in f" {again.text} " and " tu " not in f" {again.text} "


def test_a_parent_pressing_the_answers_buttons_stays_vouvoye(engine):
    state = State()
    engine.handle_text(
        state, "Bonjour, mon fils est en seconde générale, le stage est obligatoire ?"
    )
    reply = engine.handle_text(state, "Et s'il ne trouve pas, que se passe-t-il ?")
    assert state.parent and reply.topic == "pas-de-stage"
    for button in ("more:pas-de-stage", "t:trouver-stage"):
        pressed = engine.handle_choice(state, button)
        body = f" {pressed.text.partition('Source :')[0]} "
        assert " tu " not in body and " ta " not in body and " ton " not in body, pressed.text


@pytest.mark.parametrize(
    "message",
    [
        "Bonjour, je dirige une PME de 20 salariés en mécanique. Comment accueillir un stagiaire "
        "de 3e ?",
        "Je suis chef d'entreprise, pas élève. Quelles démarches pour accueillir un collégien ?",
    ],
)
def test_a_company_that_hosts_pupils_is_vouvoyee(engine, message):
    reply = engine.handle_text(State(), message)
    assert reply.topic == "accueil-entreprise" and " tu " not in f" {reply.text} "
    assert "tuteur" in reply.text and "convention" in reply.text  # the hosts' own page


def test_a_parent_who_introduces_themselves_is_greeted_as_a_parent(engine):
    state = State()
    reply = engine.handle_text(state, "Bonjour, je suis la maman d'une élève de 3e")
    assert reply.kind == "menu" and "parents" in reply.text and "votre enfant" in reply.text
    assert state.parent and state.topic_level == "3e"


def test_seconde_pro_is_a_vocational_class():
    from bot.desks.class_words import parse_level

    assert parse_level("seconde pro") == parse_level("2nde pro") == "bacpro"
    assert parse_level("1ere pro") == "bacpro" and parse_level("seconde") == "2de"


def test_a_parent_asking_for_the_ipe_is_told_the_child_makes_the_request(engine_with_academies):
    state = State()
    engine_with_academies.handle_text(state, "mon fils est en 3e et ne trouve pas de stage")
    reply = engine_with_academies.handle_text(state, "comment on fait la demande à l'ingénieur ?")
    assert state.form is None and "/stage" in reply.text and "votre enfant" in reply.text
    intro = engine_with_academies.handle_text(State(), "je suis la maman d'une élève")
    assert "tq" not in [c.id for c in intro.choices]  # not the teachers' request button


def test_the_child_who_takes_the_phone_from_a_parent_is_tutoye(engine):
    state = State()
    engine.handle_text(state, "bonjour, je suis le papa de Lucas")
    reply = engine.handle_text(state, "je vous passe mon fils")
    assert reply.kind == "menu" and reply.text.startswith("Salut 👋 Pose-moi ta question")
    assert not state.parent and state.role == "pupil"
    answer = engine.handle_text(state, "c koi le stage de 3e")
    assert " tu " in f" {answer.text} " and "Pour adapter mes réponses" not in answer.text
    for handed in ("Je vous passe Lucas.", "C'est mon fils qui écrit maintenant"):
        third = State()
        engine.handle_text(third, "bonjour, je suis la maman de Lucas")
        greeted = engine.handle_text(third, handed)
        assert third.role == "pupil" and greeted.text.startswith("Salut 👋"), handed
    pupil = State(role="pupil")  # a pupil's age is no handover
    assert "Salut" not in engine.handle_text(pupil, "jai 16 ans").text
    other = State()
    engine.handle_text(other, "ma fille est en 3e, le stage est payé ?")
    engine.handle_text(other, "salut c moi lea jai 14 ans, c obligatoire ?")
    assert other.role == "pupil" and not other.parent


def test_a_parent_gets_the_form_in_vous_and_no_teachers_button(engine_with_academies):
    state = State()
    reply = engine_with_academies.handle_text(
        state, "bonjour je suis la maman de Lucas, il est en 3e et il trouve pas de stage"
    )
    assert reply.kind == "answer" and reply.topic == "pas-de-stage"  # a question, not a hello
    assert "tq" not in [c.id for c in reply.choices]
    form = engine_with_academies.command(state, "stage")
    assert "ton " not in form.text and "l'établissement" in form.text
    step = engine_with_academies.handle_text(state, "13")
    assert " ton " not in f" {step.text} " and " tu " not in f" {step.text} "


def test_a_pupil_who_says_their_class_is_not_asked_the_role(engine):
    state = State()
    engine.handle_text(state, "jsuis en 3e, c koi le stage")
    assert state.role == "pupil"
    reply = engine.handle_text(state, "et c payé ?")
    assert "Pour adapter mes réponses" not in reply.text


def test_a_class_named_in_the_question_is_not_asked(engine):
    state = State(role="pupil")
    reply = engine.handle_text(state, "c payé le stage de 3e ?")
    assert reply.kind == "answer" and "quelle classe" not in reply.text
    assert state.topic_level == "3e" and state.level is None  # the question's, not the pupil's
    bts = State(role="pupil")
    reply = engine.handle_text(bts, "c combien par mois la gratification en bts")
    assert reply.topic == "remuneration-stage" and "quelle classe" not in reply.text
    assert "4,50 €" in reply.text and bts.topic_level == "bts"  # the figure, in the first message


def test_the_class_said_after_an_answer_refines_it(engine):
    state = State(role="pupil")
    asked = engine.handle_text(state, "c payé un stage ?")
    assert asked.kind == "level"
    reply = engine.handle_text(state, "jsuis en bac pro")
    assert reply.topic == "remuneration-stage" and "allocation" in reply.text
    worried = State(role="pupil")
    engine.handle_text(
        worried, "mon tuteur ma demandé de faire le ménage tte la journée c normal ?"
    )
    noted = engine.handle_text(worried, "jsuis en 3e")
    assert "C'est noté (3e)" in noted.text and "5 jours" not in noted.text  # not the 3e page


def test_a_hello_with_the_class_is_greeted_with_that_class_s_stage(engine):
    state = State()
    reply = engine.handle_text(state, "Salut moi c Yanis jsuis en 3e")
    assert reply.text.startswith("Salut 👋 C'est noté (3e)") and state.role == "pupil"
    assert reply.choices[0].id == "t:stage-3e" and state.level == "3e"


def test_the_class_typed_under_the_class_question_is_its_button(engine):
    state = State(role="pupil")
    assert engine.handle_text(state, "le stage c payé ?").kind == "level"
    reply = engine.handle_text(state, "bts")
    assert reply.topic == "remuneration-stage" and state.level == "bts"


def test_a_pupil_who_corrects_their_class_is_answered_for_the_new_one(engine):
    state = State(role="pupil")
    engine.handle_text(state, "jsuis en 3e")
    fixed = engine.handle_text(state, "en fait non jsui en cap cuisine, jme suis trompé")
    assert fixed.text.startswith("C'est noté (CAP)") and state.level == "cap"
    assert fixed.choices[0].id == "t:pfmp"
    weeks = engine.handle_text(state, "jai combien de semaines de stage")
    assert "CAP" in weeks.text and "5 jours" not in weeks.text
    # after the 3e stage's page, another class gets its own stage, not « vaut aussi pour toi »
    other = State(role="pupil")
    engine.handle_text(other, "c koi le stage de 3e")
    engine.handle_text(other, "jsuis en 3e")
    moved = engine.handle_text(other, "non en fait jsui en cap")
    assert moved.topic == "pfmp" and moved.text.startswith("C'est noté (CAP). ")
    # the correction said last (« jsuis en cap en fait »)
    late = State(role="pupil")
    engine.handle_text(late, "jsuis en bac pro, le patron me crie dessus")
    engine.handle_text(late, "jsuis en cap en fait")
    assert late.level == "cap"
    # next year's class is not a correction
    engine.handle_text(other, "non je passe en seconde l an prochain")
    assert other.level == "cap"


def test_a_pupil_who_writes_in_vous_and_says_their_class_is_a_pupil(engine):
    state = State()
    reply = engine.handle_text(
        state, "Bonjour, pouvez-vous m aider ? Je suis en 3e et je ne trouve pas de stage."
    )
    assert state.role == "pupil" and state.level == "3e"
    assert "ton collège" in reply.text  # the pupil's answer, not the school's


def test_a_class_variant_names_its_own_source(kb):
    """« Je ne trouve pas de stage » in lycée pro rests on the PFMP's texts, not the 3e's."""
    topic = kb.topics["pas-de-stage"]
    assert topic.source_for("pupil", "pro").startswith("Code de l'éducation, art. D.124-1")
    assert topic.source_for("pupil", "bts").startswith("Code de l'éducation, art. L.124-1")
    assert topic.source_for("teacher", "pro") == topic.source  # adults: the general answer's
    assert topic.source_for("pupil", None) == topic.source
    other = kb.topics["stage-3e"]
    assert other.source_for("pupil", "pro") == other.source  # no variant: the topic's own
    # every topic with class variants names each variant's source (a BTS pupil asking about
    # the stage's length was shown « art. D.332-14 (stage de 3e) »)
    for varied in (t for t in kb.topics.values() if t.by_level):
        for level in varied.by_level:
            assert level in varied.level_sources, (varied.id, level)
    assert "D.332-14" not in kb.topics["duree-stage"].source_for("pupil", "bts")


def test_a_source_by_level_with_an_unknown_class_is_named(tmp_path):
    from bot.understanding.level_answers import parse_level_sources

    errors: list = []
    assert parse_level_sources({"cm2": "x", "pro": "D.124-1"}, "f.yaml", "t", errors) == {
        "pro": "D.124-1"
    }
    assert [e.field for e in errors] == ["source_by_level.cm2"]


@pytest.mark.parametrize(
    ("message", "topic_id"),
    [
        ("jsuis en seconde pro commerce, c quand mon stage de seconde ?", "pfmp"),
        ("je suis en 2nde pro, il dure combien de temps le stage de seconde ?", "pfmp"),
        ("jsuis en seconde GT c quand mon stage de seconde", "stage-seconde"),
    ],
)
def test_a_2de_pro_pupil_asking_for_the_seconde_stage_gets_the_pfmp(engine, message, topic_id):
    reply = engine.handle_text(State(role="pupil"), message)
    assert reply.topic == topic_id, reply.text


def test_a_vocational_pupil_asking_about_the_2de_gt_stage_by_name_gets_it(engine):
    state = State(role="pupil", level="bacpro")
    assert engine.handle_text(state, "c'est quoi le stage de seconde GT ?").topic == "stage-seconde"


def test_a_pupil_who_says_they_were_wrong_about_their_class_gets_their_own_stage(engine):
    state = State(role="pupil")
    assert engine.handle_text(state, "c quand le stage de seconde").topic == "stage-seconde"
    fixed = engine.handle_text(state, "ah nn dsl jme suis trompé jsuis en 3e pas en seconde")
    assert fixed.topic == "stage-3e" and fixed.text.startswith("C'est noté (3e)"), fixed.text
    assert state.level == "3e"
