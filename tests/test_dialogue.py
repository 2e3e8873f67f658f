"""The dialogue engine, channel-independent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.desks import levels
from bot.messages import State

VARIANTS = (("pupil", "3e"), ("pupil", "2de"), ("pupil", "cap"), ("pupil", "bts"))  # by_level


def test_start_offers_roles(engine):
    state = State()
    reply = engine.start(state)
    assert reply.kind == "role"
    assert [c.id for c in reply.choices] == ["r:pupil", "r:parent", "r:teacher"]
    assert state.choices == reply.choices


def test_role_changes_the_register(engine):
    pupil, teacher = State(role="pupil"), State(role="teacher")
    a = engine.handle_text(pupil, "c'est quoi le stage de 3e")
    b = engine.handle_text(teacher, "c'est quoi le stage de 3e")
    assert a.topic == b.topic == "stage-3e"
    topic = engine.kb.topics["stage-3e"]
    assert a.text.startswith(topic.answers["pupil"].split("\n\n")[0])
    assert b.text.startswith(topic.answers["teacher"].split("\n\n")[0])


def test_the_first_message_fits_a_phone_and_the_rest_comes_on_request(engine, kb):
    for topic in kb.topics.values():
        if topic.id in ("salutation", "merci", "detresse"):
            continue
        for role, level in (("pupil", "autre"), ("teacher", None), *VARIANTS):
            state = State(role=role, level=level)
            first = engine.answer(state, topic)
            assert len(first.text) <= 650, (topic.id, role, level, len(first.text))
            assert "Source : " in first.text
            more = engine.handle_choice(state, f"more:{topic.id}")
            _, source = levels.told(state, topic)  # a class's variant may have its own
            assert more.kind == "more" and source in more.text
            assert first.choices[0].id == f"more:{topic.id}"


def test_answer_names_its_source_and_offers_related_topics(engine, kb):
    reply = engine.handle_text(State(role="pupil"), "convention de stage")
    assert reply.kind == "answer"
    assert "Source : " in reply.text
    topics = [c for c in reply.choices if c.id.startswith("t:")]
    assert topics and all(c.id[2:] in kb.topics for c in topics)
    assert [c.id for c in reply.choices[-2:]] == ["fb:+:convention-stage", "fb:-:convention-stage"]


def test_choosing_a_related_topic_by_number(engine):
    state = State(role="pupil")
    first = engine.handle_text(state, "convention de stage")
    assert first.choices[0].id == "more:convention-stage"  # 1: 📖 En savoir plus
    second = engine.handle_text(state, "2")
    assert second.kind == "answer"
    assert second.topic == first.choices[1].id[2:]
    assert state.last_topic == second.topic


def test_menu_navigation(engine, kb):
    state = State(role="teacher")
    menu = engine.command(state, "menu")
    assert menu.kind == "menu" and menu.choices
    theme = engine.handle_choice(state, menu.choices[0].id)
    assert theme.kind == "menu"
    assert theme.choices[-1].id == "m"
    topic_choice = theme.choices[0]
    answer = engine.handle_choice(state, topic_choice.id)
    assert answer.kind == "answer"
    back = engine.handle_choice(state, "m")
    assert [c.id for c in back.choices] == [c.id for c in menu.choices]


def test_menus_follow_the_role(engine, kb):
    for role in ("pupil", "teacher"):
        state = State(role=role)
        for theme_choice in engine.menu(state).choices:
            seen, choice_id = [], theme_choice.id
            while choice_id:  # every page, through ➡️ Suite
                reply = engine.handle_choice(state, choice_id)
                assert len(reply.choices) <= 10 and reply.choices[-1].label == "⬅️ Retour"
                seen += [c.id[2:] for c in reply.choices if c.id.startswith("t:")]
                choice_id = next((c.id for c in reply.choices if c.label == "➡️ Suite"), None)
            theme = next(t for t in kb.themes if f"th:{t.id}" == theme_choice.id)
            expected = [i for i in theme.topic_ids if kb.topics[i].serves(role)]
            assert set(seen) == set(expected) - {"salutation", "merci"}


def test_fallback_offers_the_theme_menu(engine):
    reply = engine.handle_text(State(role="pupil"), "quelle est la recette des crêpes")
    assert reply.kind == "fallback"
    assert reply.choices and all(c.id.startswith("th:") for c in reply.choices)


def test_sports_stage_gets_an_explanation(engine):
    reply = engine.handle_text(State(role="pupil"), "un stage de foot cet été ?")
    assert reply.kind == "fallback"
    assert "sport" in reply.text


def test_forged_or_stale_choice_is_refused_politely(engine):
    for forged in ["t:does-not-exist", "th:nope", "zzz", "", "r:admin", "lv:phd"]:
        reply = engine.handle_choice(State(), forged)
        assert reply.kind == "menu"
        assert "plus valable" in reply.text


def test_teacher_is_recognised_from_their_words(engine):
    state = State()
    reply = engine.handle_text(
        state, "Je suis professeure principale, comment aider mes élèves à trouver un stage ?"
    )
    assert state.role == "teacher"
    assert reply.kind in {"answer", "did_you_mean"}


def test_bad_input_always_gets_a_clear_answer(engine):
    for text in [
        "",
        "   ",
        "😀😀😀",
        "<b>stage</b><script>x</script>",
        "x" * 10_000,
        "stage " * 3000,
    ]:
        reply = engine.handle_text(State(), text)
        assert reply.text and len(reply.text) < 4096


def test_distress_is_answered(engine):
    reply = engine.handle_text(State(role="pupil"), "je veux mourir")
    assert reply.kind == "safety" and reply.safety == "strong"
    assert "3114" in reply.text and not reply.choices  # no 👍/👎 under a crisis answer


def test_a_weak_signal_adds_a_footer_to_the_answer(engine):
    reply = engine.handle_text(State(role="pupil"), "mon tuteur me crie dessus tout le temps")
    assert reply.safety == "weak" and reply.kind == "answer"
    assert reply.text.endswith(engine.kb.safety.footer("pupil"))


def test_a_family_stage_is_not_a_crisis(engine):
    reply = engine.handle_text(State(role="pupil"), "je peux faire mon stage chez mon père ?")
    assert reply.safety is None and reply.topic == "stage-famille"


def test_state_round_trips_through_a_dict(engine):
    state = State(role="pupil")
    engine.handle_text(state, "convention de stage")
    copy = State.from_dict(state.to_dict())
    assert copy == state
    assert State.from_dict({"role": "teacher", "unknown": 1}).role == "teacher"


def test_commands(engine):
    state = State()
    assert engine.command(state, "aide").topic == "aide"
    assert engine.command(state, "profil").kind == "role"
    assert "commande" in engine.command(state, "nimportequoi").text
    assert engine.command(state, "menu@ipe_bot").kind == "menu"


def test_feedback_buttons_record_an_opinion_and_keep_the_choices(engine):
    state = State(role="pupil")
    answer = engine.handle_text(state, "convention de stage")
    reply = engine.handle_choice(state, "fb:-:convention-stage")
    assert reply.kind == "feedback"
    assert reply.effects == [("feedback", (False, "convention-stage", "convention de stage"))]
    assert state.choices == answer.choices
    question = engine.handle_text(state, "et qui signe la convention ?")  # a question: answered
    assert question.kind == "answer" and state.comment_for is None
    engine.handle_choice(state, "fb:-:convention-stage")
    asked = engine.handle_text(state, "combien exactement par semaine")  # no "?", still asked
    assert asked.kind != "feedback"


@pytest.mark.parametrize(
    "text", ["annuler", "laisse tomber la demande", "non c'est pas pour ça", "stop"]
)
def test_the_form_lets_go_when_asked(engine_with_academies, text):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "Marseille")
    reply = engine_with_academies.handle_text(state, text)
    assert state.form is None and "annulée" in reply.text


def test_laisse_tomber_at_a_step_asks_whether_the_whole_request_is_meant(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "Marseille")
    reply = engine_with_academies.handle_text(state, "laisse tomber")
    assert state.form is not None and "❌ Annuler" in reply.text
    assert "f:cancel" in [c.id for c in reply.choices]


@pytest.mark.parametrize("text", ["en fait c bon jai trouvé", "g trouvé un stage !!"])
def test_a_pupil_who_found_a_placement_meanwhile_leaves_the_form(engine_with_academies, text):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "Marseille")
    reply = engine_with_academies.handle_text(state, text)
    assert state.form is None and "annulée" in reply.text and "bravo" in reply.text


def test_a_placement_not_found_is_an_answer_to_the_form(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "Marseille")
    engine_with_academies.handle_text(state, "collège Jean Moulin")
    state.form["step"] = "tried"
    engine_with_academies.handle_text(state, "j'ai trouvé une entreprise mais elle a refusé")
    assert state.form is not None


def test_a_question_during_the_form_is_answered_and_the_form_resumes(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "Marseille")
    reply = engine_with_academies.handle_text(state, "c'est quoi une convention de stage ?")
    assert reply.topic == "convention-stage" and "On reprend ta demande" in reply.text
    assert state.form is not None and state.form["step"] == "school"
    assert "school" not in state.form["answers"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("c'est quoi une convention de stage ?", "convention-stage"),
        ("attend c quoi un ipe deja", "ipe"),  # no "?": a "c quoi" asks too
    ],
)
def test_a_clear_question_at_the_academy_step_is_answered_too(
    engine_with_academies, question, topic
):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    reply = engine_with_academies.handle_text(state, question)
    assert reply.topic == topic and "On reprend ta demande" in reply.text
    assert state.form is not None and state.form["step"] == "academy"
    engine_with_academies.handle_text(state, "Lyon ?")  # short: still an answer
    assert state.form["answers"] == {"academy": "lyon"} and state.form["step"] == "school"


def test_a_follow_up_is_read_with_the_last_topic(engine):
    state = State(role="pupil")
    assert engine.handle_text(state, "c'est quoi le stage de 3e").topic == "stage-3e"
    assert engine.handle_text(state, "c obligatoire ?").topic == "stage-3e"
    assert engine.handle_text(state, "la recette des crêpes").kind == "fallback"


def test_vous_from_an_unknown_user_is_answered_in_vous(engine):
    state = State()
    reply = engine.handle_text(state, "Pourriez-vous m'expliquer la convention de stage ?")
    assert reply.text.startswith(engine.kb.topics["convention-stage"].answers["teacher"][:40])
    assert state.role is None  # the register, not the role


def test_the_role_question_comes_once_under_a_real_answer_with_its_own_buttons(engine):
    state = State()
    asked = ["stage de 3e", "merci", "ok", "cv", "convention de stage", "rapport de stage"]
    replies = [engine.handle_text(state, q) for q in asked]
    with_question = [q for q, r in zip(asked, replies, strict=True) if "enseignant·e ?" in r.text]
    assert with_question == ["cv"]  # not on the first text, not after small talk, never twice
    cv = replies[asked.index("cv")]
    assert [c.id for c in cv.choices] == [
        "r:pupil",
        "r:parent",
        "r:teacher",
    ]  # not mixed with 6 others
    assert " tu " not in cv.text.rsplit("\n\n", 1)[1]  # nobody is tutoyé before the role

    state = State()
    hello = engine.handle_text(state, "bonjour")
    assert hello.text == engine.start(State()).text  # the greeting that tutoies nobody
    assert "Pose-moi" not in hello.text and [c.id for c in hello.choices] == [
        "r:pupil",
        "r:parent",
        "r:teacher",
    ]
    engine.handle_text(state, "c'est quoi un cv ?")
    chosen = engine.handle_choice(state, "r:teacher")  # the answer's rest comes back
    assert chosen.choices[0].id == "more:cv-lettre" and "Posez votre question" in chosen.text


def test_an_ipe_is_greeted_as_one(engine):
    reply = engine.start(State(role="teacher", staff=True))
    assert "/dossiers" in reply.text and "Élève" not in [c.label for c in reply.choices]
    assert "/dossiers" in engine.help(State(role="teacher", staff=True)).text
    assert "/offre" in engine.help(State(role="teacher", staff=True)).text


def test_help_tells_each_role_what_it_can_do(engine):
    teacher = engine.help(State(role="teacher")).text
    assert "/intervention" in teacher and "/dossiers" not in teacher
    pupil = engine.help(State(role="pupil")).text
    assert "/intervention" not in pupil and "/dossiers" not in pupil


def test_personal_details_are_scrubbed_before_they_are_kept():
    from bot.understanding.privacy import scrub

    text = "je m'appelle Lina Benali, 06 12 34 56 78, lina.b@gmail.com, 12 rue des Lilas"
    kept = scrub(text)
    for detail in ("Lina", "Benali", "06 12", "gmail", "Lilas"):
        assert detail not in kept
    assert scrub("je cherche un stage de 3e en 2026") == "je cherche un stage de 3e en 2026"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (
            "j habite au 12 rue des Lilas à Aubagne, 20 min à pied max",
            "j habite au [adresse] à Aubagne, 20 min à pied max",
        ),
        (
            "mon adresse : 14 chemin des Vignes 13400 Aubagne",
            "mon adresse : [adresse] 13400 Aubagne",
        ),
        ("I live at 4 rue Victor Hugo in Nantes", "I live at [adresse] in Nantes"),
        # the place's address is what the engineer needs: kept
        (
            "la boulangerie est au 12 rue de la Paix à Lyon",
            "la boulangerie est au 12 rue de la Paix à Lyon",
        ),
    ],
)
def test_a_form_answer_keeps_the_town_but_not_the_pupils_street(typed, kept):
    from bot.understanding.privacy import scrub_contact

    assert scrub_contact(typed) == kept


def test_health_told_in_a_free_answer_gets_a_word_on_what_is_enough(engine_with_academies):
    state = State(role="pupil")
    engine = engine_with_academies
    engine.command(state, "stage")
    for answer in ("Marseille", "collège Jean Moulin, Marseille", "3e", "du 12 au 16 janvier"):
        engine.handle_text(state, answer)
    told = engine.handle_text(state, "boulangerie mais je suis épileptique donc pas de machines")
    assert told.text.startswith("C'est noté. Pas besoin de détails sur ta santé")
    assert state.form["step"] == "place"  # kept, and on to the next step
    plain = engine.handle_text(state, "informatique, traitement de texte")  # not health
    assert "santé" not in plain.text


def test_numbers_pick_the_choices_at_the_forms_button_steps(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "Marseille")
    engine_with_academies.handle_text(state, "Collège Jean Moulin")
    reply = engine_with_academies.handle_text(state, "3")  # the level step: "3" is the 3e
    assert state.form["answers"]["level"] == "3e"
    assert reply.choices[0].label == "Je ne sais pas"  # the period step
    engine_with_academies.handle_text(state, "1")  # 1. Je ne sais pas
    assert state.form["step"] == "sectors"


@pytest.mark.parametrize(
    "text", ["le stage sert a rien jvais me tuer de rire", "mort de rire ce stage c trop long"]
)
def test_a_figure_of_speech_does_not_get_the_distress_topic(engine, text):
    from bot.messages import State

    reply = engine.handle_text(State(), text)
    assert reply.kind != "safety" and reply.topic != "detresse"


def test_a_teacher_asking_how_to_make_the_request_is_given_the_form(engine_with_academies):
    engine = engine_with_academies
    state = State(role="teacher")
    engine.handle_text(state, "Je voudrais faire venir un ingénieur dans ma classe de 3e")
    reply = engine.handle_text(state, "Comment je fais la demande concrètement ?")
    assert state.form is not None and state.form.get("type") == "teacher", reply.text
    # a request for something else is still a question
    other = State(role="teacher")
    engine.handle_text(
        other, "comment faire une demande de dérogation pour les travaux réglementés"
    )
    assert other.form is None


def test_a_pupil_asking_how_to_make_the_request_after_it_was_offered(engine_with_academies):
    engine = engine_with_academies
    state = State(role="pupil")
    offered = engine.handle_text(state, "jtrouve pa de stage")
    assert "esc" in [c.id for c in offered.choices]
    engine.handle_text(state, "comment je fais la demande ?")
    assert state.form is not None
    fresh = State(role="pupil")  # without the offer, "la demande" may be to a company
    engine.handle_text(fresh, "comment je fais la demande ?")
    assert fresh.form is None


@pytest.mark.parametrize("yes", ["oui", "oui stp", "ouais je veux bien"])
def test_a_yes_under_the_offer_of_help_starts_the_request(engine_with_academies, yes):
    state = State(role="pupil")
    offered = engine_with_academies.handle_text(state, "jtrouve pa de stage")
    assert "esc" in [c.id for c in offered.choices]
    reply = engine_with_academies.handle_text(state, yes)
    assert reply.kind == "form" and state.form is not None
    calm = State(role="pupil")  # "merci" or "ok" there is not a yes to the request
    engine_with_academies.handle_text(calm, "jtrouve pa de stage")
    assert engine_with_academies.handle_text(calm, "merci").kind != "form"


def test_the_bot_says_it_has_no_phone(engine):
    reply = engine.handle_text(
        State(role="teacher"), "Est-il possible de vous joindre par téléphone ?"
    )
    assert reply.topic == "robot" and "pas de téléphone" in reply.text


def test_the_academie_found_from_a_town_is_named_so_a_wrong_guess_can_be_undone(
    engine_with_academies,
):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    reply = engine_with_academies.handle_text(state, "montreuil")
    assert "académie de Créteil" in reply.text and "Retour" in reply.text
    assert state.form["answers"]["academy"] == "creteil"
    back = engine_with_academies.handle_choice(state, "f:back")
    assert back.kind == "form" and state.form["step"] == "academy"


@pytest.mark.parametrize(("typed", "academy"), [("yes", "limoges"), ("ouais c ca", "limoges")])
def test_a_guessed_academie_takes_a_typed_yes(engine_with_academies, typed, academy):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "limojes")
    assert state.form["pending_academy"] == "limoges"
    lost = engine_with_academies.handle_text(state, "??")  # not "académie not recognised"
    assert "Oui ou Non" in lost.text and state.form["pending_academy"] == "limoges"
    engine_with_academies.handle_text(state, typed)
    assert state.form["answers"]["academy"] == academy and state.form["step"] == "school"


def test_a_guessed_academie_takes_a_typed_no_and_asks_again(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "limojes")
    reply = engine_with_academies.handle_text(state, "nan")
    assert state.form["pending_academy"] is None and "academy" not in state.form["answers"]
    assert "ta ville" in reply.text
    engine_with_academies.handle_text(state, "Guéret dans la Creuse")
    assert state.form["answers"]["academy"] == "limoges"


@pytest.mark.parametrize(("typed", "level"), [("1", "4e"), ("3", "3e"), ("6", "bts")])
def test_a_number_at_the_class_step_is_a_class_or_a_button(engine_with_academies, typed, level):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "13")
    engine_with_academies.handle_text(state, "collège Jean Moulin, Marseille")
    assert state.form["step"] == "level"
    engine_with_academies.handle_text(state, typed)
    assert state.form["answers"].get("level") == level


def test_the_line_a_question_points_to_joins_the_first_answer(engine):
    state = State(role="teacher")
    reply = engine.handle_text(
        state,
        "Une grande entreprise refuse notre convention de PFMP et veut que nous signions la sienne",
    )
    assert reply.topic == "convention-stage"
    answer = reply.text.split("\n\nSource")[0]
    assert "sa propre convention" in answer and len(answer) <= 700


def test_a_phone_number_typed_in_the_request_form_is_not_kept(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "13")
    reply = engine_with_academies.handle_text(
        state, "Collège Jean Jaurès, 12 rue des Lilas Marseille, moi c'est Yanis 06 12 34 56 78"
    )
    school = state.form["answers"]["school"]
    assert "06 12" not in school and "Yanis" not in school and "rue des Lilas" in school
    assert reply.kind == "form"


def test_a_teachers_request_fills_in_what_it_already_said(engine_with_academies):
    state = State(role="teacher")
    offered = engine_with_academies.handle_text(
        state, "Je voudrais faire venir un ingénieur dans ma classe de 3e B (28 élèves) en mars"
    )
    button = next(c.id for c in offered.choices if c.id.startswith("tq"))
    form = engine_with_academies.handle_choice(state, button)
    assert "J'ai déjà noté : 3e B, 28 élèves, en mars" in form.text  # the class as said
    engine_with_academies.handle_text(state, "Collège Jean Moulin")
    step = engine_with_academies.handle_text(state, "Marseille")
    assert state.form["step"] == "theme" and "Quel thème" in step.text  # not the class again
    assert state.form["answers"]["pupils"] == "28" and state.draft is None
    back = engine_with_academies.handle_choice(state, "f:back")  # the drafted answer, to correct
    assert state.form["step"] == "pupils" and "Combien d'élèves" in back.text


def test_a_teachers_exact_day_hours_and_classes_are_kept_as_written(engine_with_academies):
    state = State(role="teacher")
    offered = engine_with_academies.handle_text(
        state,
        "Je cherche un intervenant de l'aéronautique pour mes 2 classes de 1re (60 élèves), "
        "le jeudi 12 février de 10h à 12h",
    )
    button = next(c.id for c in offered.choices if c.id.startswith("tq"))
    form = engine_with_academies.handle_choice(state, button)
    assert "2 classes de 1re, 60 élèves, le jeudi 12 février de 10h à 12h" in form.text
    answers = state.form["answers"]
    assert (answers["level"], answers["period"]) == (
        "2 classes de 1re",
        "le jeudi 12 février de 10h à 12h",
    )


def test_the_role_question_never_hides_the_offer_of_help(engine_with_academies):
    state = State()
    engine_with_academies.handle_text(state, "c koi le stage de 3e")
    reply = engine_with_academies.handle_text(state, "jtrouve pa de stage")
    assert "esc" in [c.id for c in reply.choices] and "Pour adapter mes réponses" not in reply.text
    assert not state.role_asked  # asked under a later answer
    later = engine_with_academies.handle_text(state, "c quoi une convention de stage")
    assert "Pour adapter mes réponses" in later.text


@pytest.mark.parametrize(("typed", "academy"), [("1", "aix-marseille"), ("2", None)])
def test_a_digit_at_the_academie_check_is_a_button(engine_with_academies, typed, academy):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "marseil")
    assert state.form["pending_academy"] == "aix-marseille"
    engine_with_academies.handle_text(state, typed)  # not the départements 01 or 02
    assert state.form["answers"].get("academy") == academy


def test_a_pupil_who_found_a_stage_hears_the_next_steps(engine):
    state = State(role="pupil")
    reply = engine.handle_text(state, "jai trouvé mon stage !!! dans une boulangerie")
    assert (
        "Bravo" in reply.text and "convention" in reply.text and "Pas de panique" not in reply.text
    )
    assert "t:convention-stage" in [c.id for c in reply.choices]
    still = engine.handle_text(State(role="pupil"), "jai pas trouvé de stage")
    assert still.topic == "pas-de-stage"


def test_the_parent_button_switches_to_vous(engine):
    state = State()
    engine.handle_text(state, "bonjour")
    reply = engine.handle_choice(state, "r:parent")
    assert state.parent and state.role is None and "votre enfant" in reply.text
    answer = engine.handle_text(state, "le stage de 3e c'est combien de jours ?")
    assert " tu " not in f" {answer.text} " and "tq" not in [c.id for c in answer.choices]
    assert "Parent" in engine.command(state, "profil").text
    engine.handle_choice(state, "r:pupil")  # pressed by the child later
    assert not state.parent and state.role == "pupil"


def test_a_teachers_immersion_is_not_asked_a_class_and_a_visit_not_its_format(
    engine_with_academies,
):
    state = State(role="teacher")
    engine_with_academies.command(state, "intervention")
    engine_with_academies.handle_choice(state, "f:ak:immersion")
    engine_with_academies.handle_text(state, "Lycée Ampère")
    engine_with_academies.handle_text(state, "69003")
    assert state.form["step"] == "theme"  # no class, no number of pupils
    engine_with_academies.handle_choice(state, "f:back")
    assert state.form["step"] == "commune"  # back over what the immersion made pointless
    engine_with_academies.handle_text(state, "69003")
    engine_with_academies.handle_text(state, "l'aéronautique")
    engine_with_academies.handle_text(state, "en mars")
    assert state.form["step"] == "constraints"  # no « Sous quelle forme ? »
    visit = State(role="teacher")
    engine_with_academies.command(visit, "intervention")
    engine_with_academies.handle_choice(visit, "f:ak:visit")
    for answer in ("Lycée Ampère", "69003", "5e", "28", "l'aéronautique", "en mars"):
        engine_with_academies.handle_text(visit, answer)
    assert visit.form["step"] == "constraints" and visit.form["answers"]["format"] == "company"


def test_what_an_academie_is_is_answered_at_the_academie_step(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    reply = engine_with_academies.handle_text(state, "c koi une academie ?")
    assert reply.topic == "academie" and "On reprend ta demande" in reply.text
    assert state.form["step"] == "academy"


def test_a_stray_digit_is_not_a_question(engine):
    assert engine.handle_text(State(role="pupil"), "6").topic != "dp6"
    state = State(role="pupil")
    menu = engine.command(state, "menu")
    reply = engine.handle_text(state, "9")
    assert f"entre 1 et {len(menu.choices)}" in reply.text and reply.choices == menu.choices


def test_the_form_does_not_store_a_yes_a_correction_or_a_question(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    engine_with_academies.handle_text(state, "13")
    reply = engine_with_academies.handle_text(state, "oui")  # a step late: not a school
    assert state.form["step"] == "school" and "school" not in state.form["answers"]
    assert reply.text.startswith("Je n'ai pas compris ta réponse")
    data = engine_with_academies.handle_text(state, "et mes donnees vous en faites quoi")
    assert data.text.startswith("Seules les réponses du récapitulatif sont envoyées")
    assert "school" not in state.form["answers"] and "180 jours" in data.text
    engine_with_academies.handle_text(state, "Collège Jean Moulin, Marseille")
    engine_with_academies.handle_text(state, "3e")
    oops = engine_with_academies.handle_text(state, "oups je voulais dire lycée Jean Moulin")
    assert "⬅️ Retour" in oops.text and "period" not in state.form["answers"]


def test_an_answer_found_too_long_is_said_in_short(engine):
    state = State(role="pupil")
    engine.handle_text(state, "c'est quoi le stage de 3e ?")
    reply = engine.handle_text(state, "c trop long ton msg jcomprend rien")
    assert reply.text.startswith("En bref : En 3e") and len(reply.text) < 400
    assert reply.choices[0].id == "more:stage-3e"


def test_a_name_of_several_academies_offers_them_as_buttons(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.command(state, "stage")
    reply = engine_with_academies.handle_text(state, "st denis")
    ids = [c.id for c in reply.choices]
    assert {"f:ac:creteil", "f:ac:la-reunion"} <= set(ids) and "choisis la tienne" in reply.text
    engine_with_academies.handle_text(state, str(ids.index("f:ac:la-reunion") + 1))  # typed
    assert state.form["answers"]["academy"] == "la-reunion" and state.form["step"] == "school"
    other = State(role="pupil")
    engine_with_academies.command(other, "stage")
    engine_with_academies.handle_text(other, "st denis")
    assert engine_with_academies.handle_choice(other, "f:ac:lyon").kind == "form"  # not offered
    assert "academy" not in other.form["answers"]


def test_places_without_an_academie_and_a_typed_no_after_a_guess(engine_with_academies):
    engine = engine_with_academies
    state = State(role="pupil")
    engine.command(state, "stage")
    reply = engine.handle_text(state, "nouméa")
    assert "vice-rectorat" in reply.text and "pas reconnu" not in reply.text
    assert state.form["step"] == "academy" and "academy" not in state.form["answers"]
    reply = engine.handle_text(state, "st barth")
    assert "Guadeloupe" in reply.text and state.form["step"] == "school"
    reply = engine.handle_text(state, "non")  # not the right académie: asked again
    assert state.form["step"] == "academy" and "academy" not in state.form["answers"]
    assert "corrige" in reply.text and "(1/" in reply.text
    reply = engine.handle_text(state, "outre-mer")
    assert {"f:ac:martinique", "f:ac:mayotte"} <= {c.id for c in reply.choices}
    reply = engine.handle_text(state, "jsp")
    assert "écris juste la ville" in reply.text and state.form["step"] == "academy"


def test_privacy_questions_are_not_answered_twice_the_same_and_erasing_says_how(engine):
    state = State(role="pupil")
    first = engine.handle_text(state, "tu garde mes donnees ?")
    second = engine.handle_text(state, "c qui qui lit mes messages")
    assert first.topic == second.topic == "donnees-personnelles" and first.text != second.text
    erase = engine.handle_text(state, "jveux tout supprimer")
    assert "/oublier" in erase.text and erase.text.startswith("Pour tout effacer")


@pytest.mark.parametrize(
    "text",
    [
        "Nous aimerions visiter une entreprise industrielle avec mes 4e. Pouvez-vous nous mettre "
        "en relation ?",
        "Je voudrais faire une deuxième demande pour une autre classe",
    ],
)
def test_a_teachers_visit_or_second_request_is_offered_the_form(engine_with_academies, text):
    reply = engine_with_academies.handle_text(State(role="teacher"), text)
    assert reply.kind == "offer" and any(c.id.startswith("tq") for c in reply.choices)


def test_a_teachers_request_that_names_the_school_offers_it_and_skips_the_commune(
    engine_with_academies,
):
    state = State(role="teacher")
    offered = engine_with_academies.handle_text(
        state,
        "Je voudrais un intervenant pour ma classe de 3e au collège Jean Jaurès, Villeurbanne, "
        "28 élèves, en mars",
    )
    button = next(c.id for c in offered.choices if c.id.startswith("tq"))
    form = engine_with_academies.handle_choice(state, button)
    assert "collège Jean Jaurès, Villeurbanne" in form.text and "f:sc" in [
        c.id for c in form.choices
    ]
    engine_with_academies.handle_choice(state, "f:sc")
    assert state.form["answers"]["academy"] == "lyon" and state.form["step"] == "theme"


def test_what_is_no_answer_is_not_stored_and_an_early_answer_is_kept(engine_with_academies):
    engine, state = engine_with_academies, State(role="pupil")
    engine.command(state, "stage")
    engine.handle_text(state, "Marseille")
    for noise in ("mdrrr", "asdfghjkl"):
        reply = engine.handle_text(state, noise)
        assert "pas compris ta réponse" in reply.text and state.form["step"] == "school", noise
    asked = engine.handle_text(state, "du 2 au 6 fevrier")  # the period, before the school
    assert "C'est une date" in asked.text and "school" not in state.form["answers"]
    state = State(role="pupil")
    engine.handle_text(state, "jsui en 3e a marseille jtrouve pas de stage")
    engine.handle_choice(state, "esc")
    engine.handle_text(state, "college lakanal aubagne")  # the school, where the académie is asked
    engine.handle_text(state, "du 19 au 23 janvier")  # under « Ton établissement est bien … ? »
    answers = state.form["answers"]
    assert answers["school"] == "college lakanal aubagne"
    assert answers["period"] == "du 19 au 23 janvier"
    sent = engine.handle_text(state, "jveux annuler ma demande")
    assert state.form is None and "annulée" in sent.text


def test_a_class_typed_where_the_school_is_asked_is_kept_as_the_class(engine_with_academies):
    engine, state = engine_with_academies, State(role="pupil")
    engine.command(state, "stage")
    engine.handle_text(state, "Marseille")
    asked = engine.handle_text(state, "jsuis en 2nde pro")  # the class, not the school's name
    assert "ta classe" in asked.text and state.form["step"] == "school"
    assert state.form["answers"]["level"] == "bacpro"
    assert state.form["answers"]["level_year"] == "2de"
    engine.handle_text(state, "lycée Brochier, Marseille")
    assert state.form["answers"]["school"] == "lycée Brochier, Marseille"
    assert state.form["step"] == "period"  # the class is not asked again
    state = State(role="pupil")
    engine.command(state, "stage")
    engine.handle_text(state, "Marseille")
    engine.handle_text(state, "Jean Moulin 3e")  # a name beside the class: the school
    assert state.form["answers"]["school"] == "Jean Moulin 3e" and state.form["step"] == "level"


def test_the_class_or_the_dates_typed_under_the_recap_correct_it(engine_with_academies):
    engine, state = engine_with_academies, State(role="pupil")
    engine.command(state, "stage")
    for said in ("Marseille", "collège Lakanal, Aubagne", "3e", "du 8 au 12 février 2099"):
        engine.handle_text(state, said)
    for said in ("informatique", "Aubagne, 20 min", "3 cv envoyés"):
        engine.handle_text(state, said)
    engine.handle_choice(state, "f:ct:bot")
    assert state.form["step"] == "consent"
    fixed = engine.handle_text(state, "non en fait jsuis en 4e")
    assert "C'est corrigé" in fixed.text and "Classe : 4e" in fixed.text
    fixed = engine.handle_text(state, "c'est du 15 au 19 février 2099 pardon")
    assert state.form["answers"]["period"] == "du 15 au 19 février 2099 pardon"  # « c'est » cut
    assert "du 15 au 19 février 2099" in fixed.text and state.form["step"] == "consent"
    asked = engine.handle_text(state, "c quoi un bts")  # a question changes nothing
    assert state.form["answers"]["level"] == "4e" and "C'est corrigé" not in asked.text
    other = engine.handle_text(state, "informatique et commerce")
    assert "écris la bonne classe ou les bonnes dates" in other.text
    assert state.form["answers"]["sectors"] == "informatique"


def test_cancelling_a_sent_request_from_a_new_form_is_explained(engine_with_academies):
    state = State(role="teacher")
    engine_with_academies.command(state, "stage")
    reply = engine_with_academies.handle_text(
        state, "Bonjour, finalement je voudrais annuler ma première demande"
    )
    assert state.form is not None and "/annuler" in reply.text and "tapez" in reply.text


def test_menu_in_the_middle_of_a_request_pauses_it_and_offers_to_resume(engine_with_academies):
    engine = engine_with_academies
    state = State(role="pupil")
    engine.command(state, "stage")
    engine.handle_text(state, "reims")
    menu = engine.command(state, "menu")
    assert "en pause" in menu.text and menu.choices[0].id == "esc"
    lost = engine.handle_text(state, "blablabla xyz")  # not stored as the school
    assert lost.kind == "fallback" and lost.choices[0].id == "esc"
    assert "school" not in state.form["answers"]
    back = engine.handle_choice(state, "esc")
    assert back.kind == "form" and state.form["step"] == "school"


def test_a_follow_up_on_a_labelled_line_says_that_line_again(engine):
    state = State(role="pupil")
    engine.handle_text(state, "c quoi une convention de stage")
    reply = engine.handle_text(state, "ki la signe")
    assert "Sur ce point" in reply.text and "• Qui signe :" in reply.text
    assert "Voici la suite" not in reply.text
    rest = engine.handle_text(state, "et apres ?")
    assert rest.text.startswith("Voici la suite")  # the rest is still there when asked


@pytest.mark.parametrize(
    "text", ["vs pouvez me trouver un stage svp", "pouvez vous m'aider je trouve pas de stage"]
)
def test_a_pupil_who_says_vous_about_their_own_stage_is_answered_as_a_pupil(engine, text):
    state = State()
    reply = engine.handle_text(state, text)
    assert state.role != "teacher" and "tu " in reply.text and "les familles" not in reply.text


def test_the_class_of_the_pupils_own_stage_is_not_asked_again(engine_with_academies):
    engine = engine_with_academies
    state = State()
    engine.handle_text(state, "jtrouve pas de stage de 3e, jsuis a lyon")
    engine.handle_choice(state, "esc")
    assert state.form["answers"].get("level") == "3e"
    other = State()  # a question about another class says nothing of the pupil's
    engine.handle_text(other, "c quoi le stage de seconde")
    engine.handle_text(other, "jtrouve pas de stage")
    engine.handle_choice(other, "esc")
    assert "level" not in other.form["answers"]


def test_a_new_thing_to_define_after_an_answer_is_read_alone(engine):
    state = State(role="pupil")
    engine.handle_text(state, "jtrouve pas de stage")
    reply = engine.handle_text(state, "c quoi le brevet")
    assert "Voici la suite" not in reply.text and reply.topic != "pas-de-stage"


def _at_the_dates(engine) -> State:
    """A pupil's request at its dates step: académie, school and class answered."""
    state = State(role="pupil")
    engine.command(state, "stage")
    for answer in ("lille", "Collège Jean Moulin, Lille", "3e"):
        engine.handle_text(state, answer)
    return state


def test_dates_already_past_are_questioned_once(engine_with_academies):
    engine = engine_with_academies
    state = _at_the_dates(engine)
    last_year = date.today().year - 1
    doubt = engine.handle_text(state, f"du 3 au 14 mars {last_year}")
    assert "déjà passées" in doubt.text and "period" not in state.form["answers"]
    engine.handle_text(state, f"du 3 au 14 mars {last_year}")  # typed again: kept
    assert state.form["step"] == "sectors"
    state = _at_the_dates(engine)
    soon = date.today() + timedelta(days=20)
    engine.handle_text(state, f"à partir du {soon:%d/%m/%Y}")  # to come: kept at once
    assert state.form["step"] == "sectors"


def test_a_correction_of_the_academie_and_a_town_as_the_dates_are_not_kept(engine_with_academies):
    engine = engine_with_academies
    state = State(role="pupil")
    engine.command(state, "stage")
    engine.handle_text(state, "lille")
    fixed = engine.handle_text(state, "nan attend jsuis a amiens en fait")  # at the school step
    assert (
        "corrigé : académie d'Amiens" in fixed.text and state.form["answers"]["academy"] == "amiens"
    )
    assert state.form["step"] == "school" and "school" not in state.form["answers"]
    engine.handle_text(state, "Collège Jean Moulin, Amiens")
    engine.handle_text(state, "3e")
    doubt = engine.handle_text(state, "vannes")  # a town where the dates are asked
    assert "Je ne vois pas de date" in doubt.text and "period" not in state.form["answers"]
    engine.handle_text(state, "vannes")  # typed again: kept as it is
    assert state.form["answers"]["period"] == "vannes" and state.form["step"] == "sectors"
    engine.handle_text(state, "informatique")
    engine.handle_text(state, "Amiens, 30 minutes")
    engine.handle_text(state, "non rien")  # « non » alone is no correction
    assert state.form["answers"]["tried"] == "non rien"


def test_a_pro_class_said_before_the_request_keeps_its_year(engine_with_academies):
    state = State(role="pupil")
    engine_with_academies.handle_text(state, "je suis en 2nde pro commerce et jtrouve pas de stage")
    engine_with_academies.handle_choice(state, "esc")
    assert state.form["answers"]["level"] == "bacpro"
    assert state.form["answers"]["level_year"] == "2de"  # the IPE reads « Bac pro, 2de »


def test_a_follow_up_on_a_labelled_line_gets_that_line_not_the_rest(engine):
    state = State(role="pupil")
    engine.handle_text(state, "c quoi les horaires en stage")
    night = engine.handle_text(state, "jai 15 ans jpeu travailler la nuit en boulangerie ?")
    assert "Jamais la nuit" in night.text and "interdit à 15 ans" in night.text
    assert "Voici la suite" not in night.text  # the 16-18 exceptions read alone mislead


def test_dates_said_before_the_request_are_not_asked_again(engine_with_academies):
    state = State(role="pupil", parent=True)
    engine_with_academies.handle_text(
        state, "Mon fils est en 3e, son stage est du 9 au 13 février et il n'a rien trouvé"
    )
    engine_with_academies.handle_choice(state, "esc")
    assert state.form["answers"]["period"] == "du 9 au 13 février"
    assert "period" in state.form["given"] and state.form["answers"]["level"] == "3e"


def test_a_teachers_theme_and_a_count_in_words_are_not_asked_again(engine_with_academies):
    state = State(role="teacher")
    offered = engine_with_academies.handle_text(
        state,
        "Bonjour, je souhaiterais qu'un ingénieur intervienne devant ma classe de 3e (une "
        "trentaine d'élèves) sur les métiers du numérique, en mars si possible.",
    )
    button = next(c.id for c in offered.choices if c.id.startswith("tq"))
    form = engine_with_academies.handle_choice(state, button)
    assert "3e, 30 élèves, sur les métiers du numérique, en mars" in form.text
    answers = state.form["answers"]
    assert (answers["pupils"], answers["theme"]) == ("30", "les métiers du numérique")
    assert answers["action"] == "talk" and state.form["step"] == "school"  # « intervienne »


def test_dates_typed_as_sectors_and_jsp_as_the_town(engine_with_academies):
    engine = engine_with_academies
    state = _at_the_dates(engine)
    engine.handle_choice(state, "f:skip")  # the dates: « Je ne sais pas »
    soon = date.today() + timedelta(days=30)
    kept = engine.handle_text(state, f"du {soon:%d/%m/%Y}")  # the dates after all, one step late
    assert "noté pour les dates" in kept.text and state.form["step"] == "sectors"
    assert state.form["answers"]["period"] == f"du {soon:%d/%m/%Y}"
    doubt = engine.handle_text(state, f"le {soon:%d/%m}")  # dates again: questioned once
    assert "ressemble à des dates" in doubt.text and "sectors" not in state.form["answers"]
    engine.handle_text(state, "la mécanique auto")
    assert state.form["answers"]["sectors"] == "la mécanique auto"
    engine.handle_text(state, "jsp")  # the town: « I don't know » is no town
    assert state.form["answers"]["place"] == "" and state.form["step"] == "tried"


def test_sectors_with_a_month_in_them_are_sectors(engine_with_academies):
    engine = engine_with_academies
    state = _at_the_dates(engine)
    engine.handle_text(state, "en mars")
    engine.handle_text(state, "boulangerie ou coiffure, en mars si possible")
    assert state.form["answers"]["sectors"].startswith("boulangerie")


def test_a_class_corrected_at_a_later_step_is_changed(engine_with_academies):
    engine = engine_with_academies
    state = _at_the_dates(engine)
    fixed = engine.handle_text(state, "nan attend jsuis en 4e")  # at the dates step
    assert "corrigé : 4e" in fixed.text and state.form["answers"]["level"] == "4e"
    assert state.form["step"] == "period" and "period" not in state.form["answers"]


@pytest.mark.parametrize(
    ("said", "level"),
    [
        ("nan attend jsuis en 2nde pas en 3e", "2de"),
        ("pas en 3e mais en 2nde", "2de"),
        ("je suis en 3e pas en 4e", "3e"),
        ("jtrouve pas de stage de 3e", "3e"),
        ("je suis pas en 3e", None),
    ],
)
def test_a_class_denied_is_not_the_class(said, level):
    from bot.desks.class_words import parse_level

    assert parse_level(said) == level


def test_a_story_ending_in_can_you_help_is_about_the_story(engine):
    story = (
        "Bonjour, je suis très inquiète pour mon fils qui est en 3e. Il doit faire son stage en "
        "décembre et malgré nos démarches, aucune entreprise n'accepte de le prendre. Nous avons "
        "envoyé vingt lettres. Pouvez-vous nous aider ?"
    )
    assert engine.handle_text(State(), story).topic == "pas-de-stage"


def test_a_name_typed_in_sms_is_not_kept():
    from bot.understanding.privacy import scrub_contact

    kept = scrub_contact("jmapel lina benali jsui au college jean moulin")
    assert "lina" not in kept and "benali" not in kept and "college jean moulin" in kept
    assert scrub_contact("moi c'est en boulangerie que je cherche") == (
        "moi c'est en boulangerie que je cherche"
    )
