"""What a try-out as pupils and teachers found (issue #11 follow-up): the conversation must feel
right — statuses when a pupil is waiting, the register of an adult, no repeated answer."""

from __future__ import annotations

import logging
import re

import pytest
from support.cases import (
    FORM_ANSWERS,
    PUPIL,
    PUPIL2,
    fill_form,
    invite,
    make_service,
    press,
    say,
)
from support.teachers import TEACHER, TEACHER_ANSWERS

from bot.channels.console import quiet_logs
from bot.messages import State


async def test_a_pupil_waiting_for_an_answer_gets_the_requests_status(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, 3001, f"/ipe {code}")
    confirmation = await fill_form(service, PUPIL)
    reference = next(w for w in confirmation.text.split() if w.startswith("AIX-")).rstrip(".")
    for asked in (
        "c'est quand qu'on me répond ?",
        "toujours pas de nouvelles ?",
        "l'ipe a repondu ?",
        "il va me rep quand ?",
        "c bon c envoyé ?",
        "dans combien de temps aurai-je une réponse ?",
        "c qd ke lingenieur me repond",
        "et mtn il se passe quoi",
        "ok et mtn ?",
        "et maintenant ?",
        "c qui qui va me repondre alors ?",
        "qui s'occupe de ma demande ?",
    ):
        reply = await say(service, PUPIL, asked)
        assert reply.kind == "status", asked
        assert reference in reply.text and "va la prendre en charge" in reply.text, asked
        assert "esc" not in [c.id for c in reply.choices], asked
    # a question about the companies' silence is still a question, request or not
    reply = await say(service, PUPIL, "toujours pas de réponse des entreprises, je fais quoi ?")
    assert reply.kind != "status"
    # without a request, the same words are not answered with a status
    reply = await say(service, PUPIL2, "c'est quand qu'on me répond ?")
    assert reply.kind != "status" and "Tu n'as pas de demande" not in reply.text
    await service.db.dispose()


TUTOIEMENT = re.compile(r"\b(tu|te|ton|ta|tes|toi|pose-moi|choisis|écris)\b|\bt'", re.IGNORECASE)


def test_the_greeting_tutoies_nobody_before_the_role_is_known(engine):
    reply = engine.start(State())
    assert not TUTOIEMENT.search(reply.text), reply.text
    assert "Pour adapter mes réponses : élève, parent ou enseignant·e ?" in reply.text
    assert [c.id for c in reply.choices] == ["r:pupil", "r:parent", "r:teacher"]


def test_a_hello_just_after_the_greeting_is_not_answered_with_the_same_text(engine):
    state = State()
    first = engine.start(state)
    again = engine.handle_text(state, "salut")
    assert again.text != first.text and len(again.text) < len(first.text)
    assert not TUTOIEMENT.search(again.text), again.text
    assert [c.id for c in again.choices] == ["r:pupil", "r:parent", "r:teacher"]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("eleve", "pupil"),
        ("Élève", "pupil"),
        ("je suis élève", "pupil"),
        ("jsuis une eleve en 3e", "pupil"),
        ("moi je suis lycéenne", "pupil"),
        ("I'm a student", "pupil"),
        ("prof", "teacher"),
        ("enseignante", "teacher"),
    ],
)
def test_the_role_typed_instead_of_its_button_is_the_button(engine, text, role):
    state = State()
    engine.start(state)
    reply = engine.handle_text(state, text)
    assert state.role == role, reply.text
    assert reply.text.startswith("C'est noté") and reply.safety is None, reply.text


@pytest.mark.parametrize(
    "text",
    [
        "je suis prof en fait",
        "Merci de me vouvoyer",
        "Pardon, j'ai appuyé sur Élève par erreur, je suis professeur.",
    ],
)
def test_an_adult_who_pressed_eleve_by_mistake_is_vouvoye_again(engine, text):
    state = State()
    engine.handle_choice(state, "r:pupil")
    reply = engine.handle_text(state, text)
    assert state.role == "teacher" and " tu " not in f" {reply.text} "


@pytest.mark.parametrize(
    "text, teacher",
    [
        ("Prof de 3e. Comment organiser la semaine de stage d'observation ?", True),
        ("Enseignante en lycée pro : qui signe la convention de PFMP ?", True),
        ("prof de maths il veut pas signer ma convention", False),
        ("prof de techno c koi son role pour le stage", False),
    ],
)
def test_who_writes_said_first_sets_the_role(engine, text, teacher):
    state = State()
    engine.handle_text(state, text)
    assert (state.role == "teacher") is teacher


def test_a_question_that_names_a_role_is_still_a_question(engine):
    state = State()
    reply = engine.handle_text(state, "je suis eleve en 3e c koi le stage")
    assert reply.topic == "stage-3e", reply.text


def test_a_teachers_buttons_use_a_teachers_words(engine, kb):
    state = State(role="teacher")
    reply = engine.handle_text(state, "comment fonctionne la convention de stage ?")
    assert reply.topic == "convention-stage"
    labels = [c.label for c in reply.choices]
    assert "Tes droits en stage" not in labels and "Les droits des stagiaires" in labels
    for topic in kb.topics.values():
        if not topic.serves("teacher"):
            continue
        shown = engine.answer(State(role="teacher"), topic).choices
        shown += engine.handle_choice(State(role="teacher"), f"more:{topic.id}").choices
        for choice in shown:
            assert not TUTOIEMENT.search(choice.label), (topic.id, choice.label)
            target = choice.id.removeprefix("t:")
            if choice.id.startswith("t:"):
                assert kb.topics[target].serves("teacher"), (topic.id, target)
    for theme in kb.themes_for("teacher"):
        menu = engine.handle_choice(State(role="teacher"), f"th:{theme.id}")
        assert not [c.label for c in menu.choices if TUTOIEMENT.search(c.label)], theme.id


def test_menu_typed_is_the_menu_and_a_dropped_question_is_not_met_with_parfait(engine):
    state = State(role="pupil")
    engine.handle_text(state, "c koi le stage de 3e")
    menu = engine.handle_text(state, "menu")
    assert menu.kind == "menu" and any(c.id.startswith("th:") for c in menu.choices)
    for said in ("laisse tomber", "bon tant pis", "never mind"):
        dropped = engine.handle_text(state, said)
        assert dropped.text.startswith("Pas de souci") and dropped.topic == "merci", said
    assert "Autre chose ?" in engine.handle_text(state, "mdr ok").text


def test_ok_after_an_answer_gets_a_short_acknowledgement(engine):
    for role in ("pupil", "teacher"):
        state = State(role=role)
        first = engine.handle_text(state, "c'est quoi la convention de stage ?")
        assert first.topic == "convention-stage"
        for said in ("ok", "d'accord", "ça marche", "oki", "👍", "ah ok", "oui d'accord"):
            reply = engine.handle_text(state, said)
            assert "Autre chose ?" in reply.text, (role, said, reply.text)
            assert "pas compris" not in reply.text and reply.choices == []
            assert ("Posez" in reply.text) == (role == "teacher")
        assert state.last_topic == "convention-stage"  # a follow-up still reads in context
    thanks = engine.handle_text(State(), "ok merci")  # thanks keep their own answer
    assert thanks.topic == "merci" and "Avec plaisir" in thanks.text
    question = engine.handle_text(State(role="pupil"), "ok et qui signe la convention ?")
    assert question.topic == "convention-stage"


def test_a_follow_up_on_the_answer_just_sent_never_resends_it(engine, kb):
    state = State(role="pupil")
    first = engine.handle_text(state, "c koi le stage de 3eme")
    assert first.topic == "stage-3e"
    again = engine.handle_text(state, "c obligatoire ?")
    assert again.topic == "stage-3e" and again.text != first.text
    assert first.text.split("\n\n")[0] not in again.text  # not the same answer
    assert (
        "Voici la suite de ma réponse" in again.text and kb.topics["stage-3e"].source in again.text
    )
    assert "more:stage-3e" not in [c.id for c in again.choices]
    third = engine.handle_text(state, "c obligatoire ?")  # nothing more to tell: said honestly
    assert "dit tout ce que je sais" in third.text and third.text != again.text
    others = [c.id for c in third.choices if c.id.startswith("t:")]
    assert others and "t:stage-3e" not in others and "m" in [c.id for c in third.choices]
    # after "En savoir plus", the same question gets the honest word at once
    state = State(role="teacher")
    engine.handle_text(state, "c'est quoi la convention de stage")
    engine.handle_choice(state, "more:convention-stage")
    reply = engine.handle_text(state, "qui la signe ?")
    assert "dit tout ce que je sais" in reply.text and "votre question" in reply.text


async def test_st_denis_in_the_form_asks_which_one(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    reply = await say(service, PUPIL, "st denis")
    assert "Créteil" in reply.text and "La Réunion" in reply.text and "code postal" in reply.text
    state = await service.state_of(PUPIL)
    assert state.form["answers"].get("academy") is None and not state.form.get("pending_academy")
    reply = await say(service, PUPIL, "974")
    assert "collège ou lycée" in reply.text
    assert (await service.state_of(PUPIL)).form["answers"]["academy"] == "la-reunion"
    await service.db.dispose()


def test_an_aside_about_the_bot_is_answered_and_keeps_the_context(engine):
    state = State(role="pupil")
    engine.handle_text(state, "c'est quoi la convention de stage")
    aside = engine.handle_text(state, "t'es un robot ?")
    assert aside.topic == "robot"
    follow = engine.handle_text(state, "qui la signe ?")
    assert follow.topic == "convention-stage" and "ma réponse sur « La convention" in follow.text


async def test_a_teacher_introducing_themselves_is_greeted_and_told_what_the_bot_does(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    teacher = 4001
    reply = await say(service, teacher, "Bonjour, je suis professeur de technologie en collège.")
    assert reply.text.startswith("Bonjour") and "/intervention" in reply.text
    assert reply.kind == "menu" and "Visites, interventions" not in reply.text  # no topic text
    assert (await service.state_of(teacher)).role == "teacher"
    reply = await say(
        service, teacher, "Comment trouver un intervenant pour parler du métier de pilote ?"
    )
    assert reply.kind == "offer" and reply.choices[0].id.startswith("tq")
    reply = await say(service, teacher, "t'es un robot ?")
    assert reply.topic == "robot" and "/stage" in reply.text
    assert reply.text.index("/intervention") < reply.text.index("Source :")
    help_text = (await say(service, teacher, "/aide")).text
    assert help_text.count("/intervention") == 1
    # a question that starts with who they are is answered as a question
    reply = await say(
        service, 4002, "je suis prof de maths, comment aider mes élèves à trouver un stage ?"
    )
    assert reply.kind == "answer" and reply.topic == "trouver-stage"
    await service.db.dispose()


async def test_demande_while_the_form_waits_and_the_summary_says_what_was_chosen(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    await say(service, PUPIL, "93")
    await press(service, PUPIL, "m")  # the menu: the form waits
    reply = await say(service, PUPIL, "/demande")
    assert "pas encore envoyée" in reply.text and "/stage" in reply.text
    assert "Tu n'as pas de demande" not in reply.text
    reply = await say(service, PUPIL, "/stage")
    assert "collège ou lycée" in reply.text
    await say(service, PUPIL, "Lycée Voltaire, Bobigny")
    await say(service, PUPIL, "3e")
    for _ in ("period", "sectors"):
        await press(service, PUPIL, "f:skip")
    await say(service, PUPIL, "Bobigny, 30 minutes en bus")
    await press(service, PUPIL, "f:skip")  # tried: "Rien encore"
    summary = (await press(service, PUPIL, "f:ct:bot")).text
    for shown in ("Je ne sais pas", "Peu importe", "Rien encore", "Par cette messagerie"):
        assert shown in summary, (shown, summary)
    assert "(recommandé)" not in summary and "—" not in summary.split("Créteil", 1)[1]
    await service.db.dispose()


def test_the_console_keeps_the_operators_warnings_off_the_screen(monkeypatch):
    root = logging.getLogger()
    level = root.level
    monkeypatch.setattr(root, "handlers", [])  # a terminal chat: nothing configured yet
    try:
        quiet_logs()
        routing = logging.getLogger("bot.cases.routing")
        assert not routing.isEnabledFor(logging.WARNING)  # "case …: nobody to notify"
        assert routing.isEnabledFor(logging.ERROR)
    finally:
        root.setLevel(level)


def test_a_sad_pupil_is_not_told_i_did_not_understand(engine):
    state = State(role="pupil")
    reply = engine.handle_text(state, "jsuis triste")
    assert reply.safety == "weak"
    assert not reply.text.startswith("Je n'ai pas compris"), reply.text
    # the distress topic's first screen: who to talk to, 3114 and Fil Santé Jeunes
    assert reply.topic == "detresse" and reply.text.startswith("Merci de m'en parler")
    head = reply.text[:500]
    assert "3114" in head and "0 800 235 236" in head
    assert reply.choices  # related topics stay offered


def test_a_sad_follow_up_after_a_full_answer_gets_a_kind_word(engine):
    state = State(role="pupil")
    engine.handle_text(state, "jtrouve pa de stage")
    engine.handle_text(state, "et alors je fais comment ?")  # the rest of the answer
    reply = engine.handle_text(state, "je me sens nul personne veut de moi")
    assert "dit tout ce que je sais" not in reply.text, reply.text
    assert "3114" in reply.text


def test_a_teachers_weak_signal_keeps_the_plain_reply(engine):
    state = State(role="teacher")
    reply = engine.handle_text(state, "une élève semble triste en ce moment")
    assert not reply.text.startswith("Ça n'a pas l'air facile"), reply.text


def test_a_pupil_back_after_a_while_gets_the_answer_again(engine):
    state = State(role="pupil", level="3e")
    first = engine.handle_text(state, "c koi le stage de 3e")
    assert first.topic == "stage-3e"
    state.last_at -= 2 * 3600  # two hours later: a new question, not a follow-up
    again = engine.handle_text(state, "c koi le stage de 3e")
    assert again.topic == "stage-3e" and "dit tout ce que je sais" not in again.text
    assert again.text.split("\n\n")[0] == first.text.split("\n\n")[0]


def test_right_after_the_safety_message_a_hesitation_gets_a_kind_word(engine):
    state = State(role="pupil")
    crisis = engine.handle_text(state, "le patron il me touche et il me dit des trucs bizarres")
    assert crisis.kind == "safety"
    reply = engine.handle_text(state, "jsais pas si jdois le dire")
    assert not reply.text.startswith("Je n'ai pas compris"), reply.text
    assert "119" in reply.text and "3018" in reply.text


def test_the_distress_topic_is_no_context_for_the_next_question(engine):
    state = State(role="pupil")
    engine.handle_text(state, "harcèlement violences mal-être")
    reply = engine.handle_text(state, "bref cmt on decouvre des metiers ?")
    assert reply.topic != "detresse" and "Voici la suite" not in reply.text, reply.text


def test_feeling_fine_is_not_the_distress_topic(engine):
    state = State(role="pupil")
    reply = engine.handle_text(state, "je me sens bien dans cette entreprise")
    assert reply.topic != "detresse" and "Ce que tu vis n'est pas normal" not in reply.text
    assert not reply.text.startswith("Ça n'a pas l'air facile")  # no kind word on a model's guess


def test_asking_about_harassment_still_gets_the_distress_topic(engine):
    reply = engine.handle_text(State(role="pupil"), "c quoi le harcelement")
    assert reply.topic == "detresse" or reply.kind == "safety"


async def test_the_class_said_before_the_request_is_not_asked_again(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, 3001, f"/ipe {code}")
    await say(service, PUPIL, "jsui en 3e jtrouve pas de stage")
    reply = await say(service, PUPIL, "/stage")
    asked = [reply.text]
    for answer in ("13", "Collège Jean Moulin, Marseille"):
        reply = await say(service, PUPIL, answer)
        asked.append(reply.text)
    assert not any("En quelle classe" in text for text in asked), asked
    assert "Quand a lieu ton stage" in asked[-1], asked  # the step after the class
    await service.db.dispose()


def test_frustration_with_the_bot_gets_an_apology_not_i_did_not_understand(engine):
    reply = engine.handle_text(State(role="pupil"), "t nul tu sers a rien")
    assert reply.text.startswith("Désolé de ne pas t'avoir aidé·e"), reply.text
    assert reply.choices  # the themes


async def test_nobody_registered_for_the_academie_is_said_at_once_not_after_the_form(kb, db_url):
    service = make_service(db_url, kb)
    await say(service, PUPIL, "/stage")
    reply = await say(service, PUPIL, "13")  # Aix-Marseille: no IPE registered yet
    assert reply.kind == "form" and reply.text.startswith("À savoir avant de continuer"), reply.text
    assert "aucun ingénieur pour l'école n'est encore inscrit" in reply.text
    assert len(reply.text) <= 500, len(reply.text)  # with the next question: one phone screen
    code = await invite(service, "aix-marseille")
    await say(service, 3001, f"/ipe {code}")
    await say(service, PUPIL2, "/stage")
    reply = await say(service, PUPIL2, "13")
    assert reply.kind == "form" and "À savoir" not in reply.text, reply.text
    await service.db.dispose()


async def test_with_nobody_registered_the_consent_promises_no_engineer(kb, db_url):
    service = make_service(db_url, kb)
    await say(service, PUPIL, "/stage")
    for answer in FORM_ANSWERS:
        reply = await say(service, PUPIL, answer)
    reply = await press(service, PUPIL, "f:ct:bot")
    assert "J'accepte" in reply.choices[0].label
    assert "Aucun ingénieur pour l'école n'y est encore inscrit" in reply.text, reply.text
    assert "pour qu'il t'aide" not in reply.text
    await service.db.dispose()


async def test_a_teacher_hears_at_the_town_step_that_nobody_is_registered(kb, db_url):
    service = make_service(db_url, kb)
    await say(service, TEACHER, "/intervention")
    reply = await press(service, TEACHER, "f:ak:talk")
    steps = [reply.text]
    for answer in TEACHER_ANSWERS:
        reply = await say(service, TEACHER, answer)
        steps.append(reply.text)
        if "À savoir avant de continuer" in reply.text:
            break
    assert "À savoir avant de continuer" in steps[-1], steps
    await service.db.dispose()


@pytest.mark.parametrize(
    "text",
    [
        "l'entreprise m'a dit oui, jdois faire quoi",
        "le garage ma dit oui !",
        "j'ai été acceptée chez le fleuriste, et maintenant ?",
    ],
)
def test_a_yes_from_the_company_gets_the_next_steps(engine, text):
    reply = engine.handle_text(State(role="pupil"), text)
    assert reply.text.startswith("Bravo pour ton stage")
    assert "t:convention-stage" in [c.id for c in reply.choices]


@pytest.mark.parametrize("text", ["ils m'ont pris mon tel", "ma mère m'a dit oui pour la soirée"])
def test_other_yeses_are_no_placement(engine, text):
    assert "Bravo pour ton stage" not in engine.handle_text(State(role="pupil"), text).text


def test_a_baker_who_wants_an_intern_is_vouvoye(engine):
    state = State()
    reply = engine.handle_text(
        state, "je suis boulanger et je veux prendre un stagiaire de 3e, je dois faire quoi ?"
    )
    assert reply.topic == "accueil-entreprise" and state.role == "teacher"
    assert not TUTOIEMENT.search(reply.text)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, je suis garagiste à Gardanne et je voudrais proposer 3 places de stage pour "
        "des 3e en janvier. À qui dois-je m'adresser ?",
        "Est-ce que vous pouvez transmettre notre proposition à l'ingénieur pour l'école ?",
        "Comment je peux être mis en contact avec les collèges du secteur ?",
    ],
)
def test_a_company_offering_places_learns_where_to_offer_them_and_that_nothing_is_passed_on(
    engine, text
):
    state = State()
    reply = engine.handle_text(state, text)
    assert reply.topic == "proposer-stages", text
    first = reply.text.split("\n\nSource : ")[0]
    assert "Je ne transmets pas les offres des entreprises" in first
    assert "1élève1stage" in first and "bureau des entreprises" in first
    assert "\n\n•" not in first.split("\n\n", 1)[1]  # one list, no stray bullet after a gap
    assert not TUTOIEMENT.search(reply.text)


@pytest.mark.parametrize(
    "text",
    [
        "c koi le numero de l'ipe",
        "tu peux me donner le tel de l'ingénieur ?",
        "can I have the IPE's email?",
    ],
)
def test_asking_for_the_ipes_phone_gets_why_not_and_the_request_button(engine_with_academies, text):
    reply = engine_with_academies.handle_text(State(role="pupil"), text)
    assert "Je ne donne pas les coordonnées des ingénieurs pour l'école" in reply.text, reply.text
    assert reply.choices[0].id == "esc"


def test_a_teacher_asking_for_its_phone_after_the_ipe_answer_is_vouvoye(engine_with_academies):
    state = State(role="teacher")
    first = engine_with_academies.handle_text(state, "C'est quoi un ingénieur pour l'école ?")
    assert first.topic == "ipe"
    reply = engine_with_academies.handle_text(
        state, "Quel est son numéro de téléphone ou son adresse mail ?"
    )
    assert (
        reply.text.startswith("Je ne donne pas les coordonnées") and "/intervention" in reply.text
    )
    assert not TUTOIEMENT.search(reply.text) and reply.choices[0].id == "tq"


@pytest.mark.parametrize(
    "text",
    [
        "mon numero de demande ipe c quoi",
        "je cherche un stage d'ingénieur, je peux avoir ton mail ?",
    ],
)
def test_other_phones_and_mails_are_not_the_ipes(engine, text):
    assert (
        "Je ne donne pas les coordonnées" not in engine.handle_text(State(role="pupil"), text).text
    )


def test_a_parent_telling_of_a_discriminatory_refusal_gets_the_familys_steps(engine):
    state = State()
    reply = engine.handle_text(
        state,
        "Bonjour, ma fille a été refusée en stage à cause de son nom et de sa couleur de peau. "
        "Que faire ?",
    )
    assert reply.topic == "discrimination" and state.parent
    assert (
        "Votre enfant n'y est pour rien" in reply.text and "Informez la famille" not in reply.text
    )
    assert "3114" not in reply.text  # the answer's own line, the 39 28, not the distress footer
    more = engine.handle_choice(state, "more:discrimination")
    assert "39 28" in more.text and "porter plainte" in more.text
    assert not TUTOIEMENT.search(reply.text + more.text)


@pytest.mark.parametrize(
    ("first", "then", "figure"),
    [
        ("c koi le stage de 3e", "cb de jours ?", "5 jours"),
        ("c quoi les pfmp ?", "cb de semaines en cap ?", "12 à 14 semaines en CAP"),
    ],
)
def test_how_many_after_an_answer_gets_the_sentence_with_the_figure(engine, first, then, figure):
    state = State(role="pupil")
    topic = engine.handle_text(state, first).topic
    reply = engine.handle_text(state, then)
    assert reply.topic == topic and figure in reply.text, reply.text
    assert "Voici la suite" not in reply.text
    assert f"more:{topic}" in [c.id for c in reply.choices]  # the rest is still there


def test_more_does_not_repeat_the_line_the_first_message_already_showed(engine):
    state = State(role="teacher")
    first = engine.handle_text(state, "Combien de semaines de PFMP en bac pro sur les trois ans ?")
    assert first.topic == "pfmp" and "Fin de terminale bac pro" in first.text  # the pointed line
    more = engine.handle_choice(state, "more:pfmp")
    assert "Fin de terminale bac pro" not in more.text.split("Source :")[0]
    assert "Allocation de l'État" in more.text  # the rest is still there
    again = engine.handle_choice(state, "t:pfmp")  # the answer shown again from its button
    assert state.shown_point is None and "Fin de terminale" not in again.text


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Il pourra utiliser la perceuse sous ma surveillance ?", "droits-stagiaire"),
        ("Est-ce qu'on peut interrompre le stage ?", "probleme-stage"),
    ],
)
def test_a_hosts_short_questions_are_understood(engine, text, topic):
    assert engine.handle_text(State(role="teacher"), text).topic == topic


@pytest.mark.parametrize("text", ["l'ipe c'est gratuit ?", "l'ingénieur pour l'école c un prof ?"])
def test_what_pupils_ask_about_the_ipe_is_in_its_first_message(engine, text):
    reply = engine.handle_text(State(role="pupil"), text)
    assert reply.topic == "ipe", text
    assert "ne te coûte rien" in reply.text and "pas des professeurs" in reply.text


def test_jfais_quoi_after_a_whole_answer_is_not_the_help_page(engine):
    state = State(role="pupil")
    engine.handle_text(state, "c normal que mon stage commence a 5h ?")
    engine.handle_choice(state, "more:horaires-mineurs")
    reply = engine.handle_text(state, "jfais quoi")
    assert reply.topic != "aide"


def test_a_parent_asking_for_the_ipes_help_may_file_the_request(engine_with_academies):
    engine = engine_with_academies
    state = State()
    engine.handle_choice(state, "r:parent")
    reply = engine.handle_text(state, "je voudrais demander l'aide de l'ingénieur pour mon fils")
    assert "pour votre enfant" in reply.text and [c.id for c in reply.choices] == ["esc"]
    form = engine.handle_choice(state, "esc")
    assert form.kind == "form" and not TUTOIEMENT.search(form.text)


@pytest.mark.parametrize(
    "text",
    ["personne veut me prendre en stage", "jsui en 3e a toulouse, personne me prend en stage"],
)
def test_nobody_takes_me_is_no_placement_not_good_news(engine_with_academies, text):
    reply = engine_with_academies.handle_text(State(role="pupil"), text)
    assert "Bravo" not in reply.text and reply.topic == "pas-de-stage", text
    assert "esc" in [c.id for c in reply.choices]


async def test_a_request_filed_by_a_parent_is_answered_in_vous_on_both_sides(kb, db_url):
    from support.cases import IPE_A, outbox_rows

    parent = 4001
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await say(service, parent, "/start")
    await press(service, parent, "r:parent")
    await fill_form(service, parent)
    notice = (await outbox_rows(service, IPE_A))[-1]
    assert "Demande faite par un parent" in notice.text
    assert "Répondre à la famille de l'élève" in notice.choices
    case_id = int(next(w for w in notice.choices.split('"') if w.startswith("ca:"))[3:])
    took = await press(service, IPE_A, f"ca:{case_id}")
    assert "la famille de l'élève en est prévenue" in took.text
    taken = (await outbox_rows(service, parent))[-1].text
    assert "votre demande" in taken and not TUTOIEMENT.search(taken)
    await press(service, IPE_A, f"cr:{case_id}")
    asked = await say(service, IPE_A, "Pouvez-vous me donner votre numéro de téléphone ?")
    assert "mineur" not in asked.text  # an adult may give their own number
    await press(service, parent, f"pr:{case_id}")
    given = await say(service, parent, "Bien sûr : 06 45 12 78 90, plutôt le soir")
    assert given.kind == "relayed" and not TUTOIEMENT.search(given.text)
    assert any("06 45" in r.text for r in await outbox_rows(service, IPE_A))
    await press(service, IPE_A, f"cx:{case_id}")
    resolved = (await outbox_rows(service, parent))[-1].text
    assert "votre enfant" in resolved and "Bon stage" not in resolved
    reference = next(w for w in notice.text.split() if w.startswith("AIX-"))
    history = (await say(service, IPE_A, f"/dossier {reference}")).text
    assert "demande envoyée par la famille" in history and "message de la famille" in history
    nothing = await say(service, parent, "/demande")
    assert "votre enfant" in nothing.text and "/intervention" not in nothing.text
    await service.db.dispose()


def test_a_parent_who_gave_the_childs_class_is_not_asked_it_again(engine_with_academies):
    engine = engine_with_academies
    state = State()
    engine.handle_text(
        state, "Bonjour, mon fils est en 3e et il ne trouve aucun stage, que faire ?"
    )
    form = engine.handle_choice(state, "esc")
    assert form.kind == "form" and state.form["answers"].get("level") == "3e"


def test_after_distress_in_the_form_the_pupil_can_go_back_to_it(engine_with_academies):
    """The helplines pause the form; what follows never loops on the same paragraph, keeps the
    ▶️ button, and « ok on continue » resumes where it stopped (nothing stored by it)."""
    engine, state = engine_with_academies, State(role="pupil")
    engine.handle_text(state, "jtrouve pas de stage")
    engine.handle_choice(state, "esc")
    engine.handle_text(state, "Lyon")
    engine.handle_text(state, "oui")
    crisis = engine.handle_text(state, "de toute facon personne ne m'aimerait si je disparaissais")
    assert crisis.safety == "strong" and state.form.get("paused")
    step = state.form["step"]
    first = engine.handle_text(state, "?")
    second = engine.handle_text(state, "??")
    assert first.text != second.text and "on reprend" in second.text
    assert all("esc" in [c.id for c in r.choices] for r in (first, second))
    resumed = engine.handle_text(state, "ok on continue")
    assert resumed.kind == "form" and state.form["step"] == step
    again = engine.handle_text(state, "on reprend la demande stp")
    assert state.form["step"] == step and "on reprend la demande" not in str(state.form["answers"])
    assert again.kind == "form"


async def test_a_request_already_sent_can_be_cancelled_and_its_ipe_is_told(kb, db_url):
    from support.cases import IPE_A, outbox_rows
    from support.teachers import TEACHER, fill_teacher_form, the_case

    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_form(service, PUPIL)
    asked = await say(service, PUPIL, "jveux annuler ma demande")
    assert asked.kind == "ask_close" and "l'annuler" in asked.text
    case_id = next(c.id for c in asked.choices if c.id.startswith("pk:"))
    done = await press(service, PUPIL, case_id)
    assert "annulée" in done.text and "prévenu" in done.text
    assert "annulée par l'élève" in (await outbox_rows(service, IPE_A))[-1].text
    assert "pas de demande en cours" in (await say(service, PUPIL, "/demande")).text
    await fill_teacher_form(service, TEACHER)
    case = await the_case(service, TEACHER)
    asked = await say(
        service, TEACHER, f"Je souhaite annuler ma demande {case.reference}, la sortie est refusée"
    )
    assert asked.kind == "ask_close" and not TUTOIEMENT.search(asked.text)
    assert (await say(service, TEACHER, "/annuler")).kind == "ask_close"
    await press(service, TEACHER, f"pk:{case.id}")
    assert "annulée par l'enseignant" in (await outbox_rows(service, IPE_A))[-1].text
    await service.db.dispose()


async def test_what_a_pupil_asks_about_the_request_itself_gets_a_true_short_answer(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, 3001, f"/ipe {code}")
    before = await say(
        service, PUPIL, "mes parents vont etre au courant si je demande l'ingenieur ?"
    )
    assert "ne prévient pas tes parents" in before.text
    assert [c.id for c in before.choices] == ["esc"]  # no form started unasked
    costs = await say(service, PUPIL, "c gratuit le bus pour aller au stage ?")
    assert costs.topic == "frais-stage"  # the stage's costs: the knowledge base
    await fill_form(service, PUPIL)
    for asked, expected in (
        ("c gratuit ?", "C'est gratuit"),
        ("vous allez appeler mon lycee ?", "que si tu choisis « Par mon établissement »"),
        ("l'ingenieur il peut m'appeler sur mon tel ?", "pas besoin de donner ton numéro"),
    ):
        reply = await say(service, PUPIL, asked)
        assert expected in reply.text and "AIX-" in reply.text, asked
    await service.db.dispose()


async def test_questions_about_the_request_inside_its_form_are_answered_and_the_step_kept(
    kb, db_url
):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    free = await say(service, PUPIL, "c gratuit ?")  # at the académie step: not a stage's pay
    assert free.text.startswith("C'est gratuit") and "académie" in free.text.split("gratuit", 1)[1]
    assert "pas payé" not in free.text
    await say(service, PUPIL, "93")
    parents = await say(service, PUPIL, "mes parents vont etre au courant ?")
    assert "ne prévient pas tes parents" in parents.text
    assert "collège ou lycée" in parents.text  # the same step, asked again
    school = await say(service, PUPIL, "Lycée Voltaire, Bobigny")
    assert "classe" in school.text  # the answer after the question was kept as the school
    await service.db.dispose()


async def test_a_teacher_asking_for_news_gets_the_status_and_may_pass_the_rest_on(kb, db_url):
    from support.cases import IPE_A, outbox_rows
    from support.teachers import TEACHER, fill_teacher_form, the_case

    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, IPE_A, f"/ipe {code}")
    await fill_teacher_form(service, TEACHER)
    news = await say(service, TEACHER, "Bonjour, avez-vous du nouveau pour la visite ?")
    assert news.kind == "status", news.text
    case = await the_case(service, TEACHER)
    await press(service, IPE_A, f"ca:{case.id}")
    text = "Bonjour, avez-vous des nouvelles ? Le car doit être réservé avant le 15 février."
    news = await say(service, TEACHER, text)
    assert news.kind == "status" and "Je transmets aussi votre message" in news.text
    await press(service, TEACHER, f"tx:{case.id}")
    assert "Le car doit être réservé" in (await outbox_rows(service, IPE_A))[-1].text
    await service.db.dispose()


def test_a_parent_or_an_ipe_is_vouvoye_in_menus(engine):
    for state in (State(parent=True), State(staff=True)):
        assert engine.menu(state).text.startswith(("Choisissez", "C'est noté"))
        assert "choisissez" in engine.handle_choice(state, "th:stages").text


def test_a_pupil_may_ask_for_a_new_request_in_their_words(engine_with_academies):
    for text in ("jpeux refaire une demande ?", "je peux faire une nouvelle demande"):
        reply = engine_with_academies.handle_text(State(role="pupil"), text)
        assert reply.kind == "form", text
    other = engine_with_academies.handle_text(
        State(role="pupil"), "je dois refaire une demande de convention"
    )
    assert other.kind != "form"


@pytest.mark.parametrize(
    ("message", "answered", "also"),
    [
        (
            "c quoi une convention ? et comment je trouve une entreprise ?",
            "convention-stage",
            "trouver-stage",
        ),
        ("jai pas de stage. aussi c koi le rapport de stage", "rapport-stage", "pas-de-stage"),
    ],
)
def test_a_two_part_question_answers_one_and_offers_the_other_first(
    engine, message, answered, also
):
    reply = engine.handle_text(State(role="pupil"), message)
    assert reply.topic == answered, reply.text
    assert "Ta question portait aussi sur" in reply.text
    assert reply.choices[0].id == f"t:{also}"


def test_a_one_part_question_offers_no_second_part_and_a_teacher_reads_vous(engine):
    for message in ("c quoi une convention de stage ?", "bonjour, c quoi le stage de seconde ?"):
        reply = engine.handle_text(State(role="pupil"), message)
        assert "portait aussi" not in reply.text, message
    teacher = engine.handle_text(
        State(role="teacher"),
        "Qui signe la convention ? Et combien de temps dure le stage de seconde ?",
    )
    assert teacher.topic == "convention-stage"
    assert "Votre question portait aussi sur « Le stage de seconde GT »" in teacher.text
    assert teacher.choices[0].id == "t:stage-seconde"


def test_a_tutor_who_shouts_and_gives_menial_work_gets_the_stage_steps_and_a_footer(engine):
    # a weak signal (issue: « a tutor who shouts »): the practical answer, one helpline line,
    # not the crisis answer with the discrimination line
    state = State(role="pupil")
    reply = engine.handle_text(
        state,
        "mon tuteur de stage il arrete pas de me crier dessus et il me fait nettoyer les "
        "toilettes tt la journee",
    )
    assert reply.kind == "answer" and reply.topic == "probleme-stage", reply.text
    assert "39 28" not in reply.text and "3018" in reply.text


@pytest.mark.parametrize(
    ("message", "topic_id"),
    [
        ("Bonjour, notre fils de 15 ans voudrait un job d'été, est-ce permis ?", "job-ete"),
        (
            "Bonjour, comment ma fille doit-elle s'habiller le premier jour de stage ?",
            "premier-jour",
        ),
    ],
)
def test_a_parent_gets_the_pupils_only_topics_in_vous(engine, message, topic_id):
    # these topics had only the pupil's version: a parent was tutoyé (« tu signes un contrat »)
    state = State()
    reply = engine.handle_text(state, message)
    assert reply.topic == topic_id and state.parent, reply.text
    assert "votre enfant" in reply.text.lower() and not re.search(
        r"\b(tu|ton|ta|tes)\b", reply.text
    )
