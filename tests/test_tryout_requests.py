"""What the 17th session's try-out helpers asked about the request to the IPE and about their
data, in their words: the way to the request, changing it, erasing everything, what costs."""

from __future__ import annotations

import pytest
from support.cases import FORM_ANSWERS, PUPIL, fill_form, invite, make_service, press, say
from support.teachers import TEACHER, the_case

from bot.messages import State


@pytest.mark.parametrize(
    "text",
    [
        "jveu 1 ingenieur pr maider a trouvé 1 stage",
        "yes I want the engineer",
        "j'ai besoin d'un ingénieur pour mon stage",
        "je voudrais un IPE stp",
    ],
)
def test_asking_for_an_engineer_in_ones_words_starts_the_request(engine_with_academies, text):
    reply = engine_with_academies.handle_text(State(role="pupil"), text)
    assert reply.kind == "form" and "académie" in reply.text, text


@pytest.mark.parametrize("text", ["je veux être ingénieur", "je veux devenir ingénieur du son"])
def test_wanting_to_become_an_engineer_is_no_request(engine_with_academies, text):
    assert engine_with_academies.handle_text(State(role="pupil"), text).kind != "form"


@pytest.mark.parametrize("text", ["comment je contacte un IPE ?", "c koi 1 ipe"])
def test_the_ipe_answer_says_how_to_reach_one_and_offers_the_request(engine_with_academies, text):
    reply = engine_with_academies.handle_text(State(role="pupil"), text)
    assert reply.topic == "ipe"
    assert "transmettre ta demande" in reply.text.split("Source :")[0]  # the first message
    assert reply.choices[0].id == "esc"


@pytest.mark.parametrize(
    "text",
    [
        "Je veux que vous effaciez tout ce que vous savez sur moi",
        "supprimez mes données svp",
        "oubliez moi",
    ],
)
def test_asking_to_erase_ones_data_gets_the_erase_button(engine, text):
    reply = engine.handle_text(State(role="pupil"), text)
    assert [c.id for c in reply.choices] == ["del"], text
    assert "/oublier" in reply.text


@pytest.mark.parametrize("text", ["ca coute de largent le stage ?", "c payant le stage"])
def test_what_a_stage_costs_is_the_costs_topic_even_after_another_answer(engine, text):
    state = State(role="pupil")
    engine.handle_text(state, "c quoi le stage de 3e")
    reply = engine.handle_text(state, text)
    assert reply.topic == "frais-stage" and "ne te coûte rien" in reply.text
    assert "Voici la suite" not in reply.text


def test_the_bts_gratification_is_the_2026_amount_and_dated(engine):
    reply = engine.handle_text(State(role="pupil"), "c combien la gratification en bts")
    assert "4,50 €" in reply.text and "2026" in reply.text and "4,35 €" not in reply.text


async def test_changing_the_request_is_explained_at_every_stage(kb, db_url):
    service = make_service(db_url, kb)
    code = await invite(service, "aix-marseille")
    await say(service, 3001, f"/ipe {code}")
    none = await say(service, PUPIL, "je peux modifier ma demande ?")
    assert "pas de demande en cours" in none.text and [c.id for c in none.choices] == ["esc"]
    await say(service, PUPIL, "/stage")
    inside = await say(service, PUPIL, "je pourrai modifier ma demande ?")
    assert "récapitulatif" in inside.text and "académie" in inside.text  # the step asked again
    await say(service, PUPIL, "/annuler")
    await fill_form(service, PUPIL)
    sent = await say(service, PUPIL, "je peux modifier ma demande ?")
    assert "ne peux plus la modifier" in sent.text and "/annuler" in sent.text
    await press(service, 3001, f"ca:{(await the_case(service, PUPIL)).id}")
    taken = await say(service, PUPIL, "je peux modifier ma demande ?")
    assert "ce qui change" in taken.text
    await service.db.dispose()


async def test_erasing_with_a_request_open_names_the_engineer_only_when_one_receives_it(kb, db_url):
    service = make_service(db_url, kb, admin_ids=frozenset())
    await service.db.create_schema()
    await fill_form(service, PUPIL)  # nobody registered for the académie
    asked = await say(service, PUPIL, "/oublier")
    assert asked.kind == "ask_forget" and "prévenu" not in asked.text
    code = await invite(service, "aix-marseille")
    await say(service, 3001, f"/ipe {code}")
    await fill_form(service, PUPIL + 1)
    asked = await say(service, PUPIL + 1, "/oublier")
    assert "l'ingénieur pour l'école prévenu" in asked.text
    assert [c.id for c in asked.choices] == ["del", "m"]  # « Non, je garde tout » too
    kept = await press(service, PUPIL + 1, "m")
    assert kept.kind == "menu" and (await the_case(service, PUPIL + 1)).status == "new"
    asked = await say(service, PUPIL + 1, "/oublier")
    done = await press(service, PUPIL + 1, "del")
    assert done.kind == "forgotten" and "ta demande d'aide" in done.text
    await service.db.dispose()


async def test_the_form_takes_terminale_refuses_a_day_that_does_not_exist_and_hears_oops(
    kb, db_url
):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    await say(service, PUPIL, "j'habite à Marseille")
    await say(service, PUPIL, "Lycée Thiers, Marseille")
    dates = await say(service, PUPIL, "terminale")  # no button of its own: Autre, kept
    assert "Quand a lieu ton stage" in dates.text
    wrong = await say(service, PUPIL, "32/13/2026")
    assert "n'est pas une date qui existe" in wrong.text
    for answer in ("du 12 au 16 janvier", "informatique", "Marseille", "rien"):
        await say(service, PUPIL, answer)
    recap = await press(service, PUPIL, "f:ct:bot")
    assert "Classe : Autre, terminale" in recap.text
    fixed = await say(service, PUPIL, "attends je me suis trompé c'était du 3 au 28 mars")
    assert "C'est corrigé" in fixed.text
    assert "Période ou date limite : du 3 au 28 mars" in fixed.text
    await service.db.dispose()


async def _teacher_talk_form(kb, db_url):
    """A 3e teacher's request for a speaker in class, at its first question: (service, reply)."""
    service = make_service(db_url, kb)
    await invite(service, "aix-marseille")
    await say(service, TEACHER, "je suis prof de 3e")
    offer = await say(service, TEACHER, "je veux un intervenant en classe")
    return service, await press(service, TEACHER, offer.choices[0].id)


async def test_a_teacher_who_said_in_class_is_not_asked_the_format_nor_counts_it(kb, db_url):
    service, form = await _teacher_talk_form(kb, db_url)
    assert "(1/8)" in form.text  # the kind and the format said: 8 questions left
    for answer in ("Collège Jean Moulin", "Marseille", "3e B", "29", "l'aéronautique"):
        await say(service, TEACHER, answer)
    reply = await say(service, TEACHER, "en mars")
    assert "Sous quelle forme" not in reply.text and "(7/8)" in reply.text
    state = await service.state_of(TEACHER)
    assert state.form["answers"]["format"] == "class"
    await service.db.dispose()


async def test_a_teacher_asking_if_the_request_is_free_gets_the_schools_answer(kb, db_url):
    service, _ = await _teacher_talk_form(kb, db_url)
    free = await say(service, TEACHER, "Est-ce que c'est gratuit ?")
    assert "ne coûtent rien à l'établissement" in free.text and "allocation" not in free.text
    assert not free.text.startswith("Oui")  # « est-ce payant ? » is asked too
    change = await say(service, TEACHER, "on pourra modifier la demande ?")
    assert "récapitulatif permet de corriger" in change.text
    state = await service.state_of(TEACHER)
    assert state.form["step"] == "school" and "school" not in state.form["answers"]
    await service.db.dispose()


async def test_a_teacher_correcting_the_count_or_class_at_a_later_step(kb, db_url):
    service, _ = await _teacher_talk_form(kb, db_url)
    for answer in ("Collège Jean Moulin", "Marseille", "3e B", "28"):
        await say(service, TEACHER, answer)
    fixed = await say(service, TEACHER, "ah non pardon ils sont vingt-six")
    assert "C'est corrigé : 26 élèves" in fixed.text and "(5/8)" in fixed.text
    await say(service, TEACHER, "les métiers de l'aéronautique pour mes 3e")
    level = await say(service, TEACHER, "en fait c'est une 4e pas une 3e")
    assert "C'est corrigé : classe 4e" in level.text
    state = await service.state_of(TEACHER)
    answers = state.form["answers"]
    assert (answers["pupils"], answers["level"], state.form["step"]) == ("26", "4e", "period")
    assert answers["theme"] == "les métiers de l'aéronautique pour mes 3e"
    await service.db.dispose()


@pytest.mark.parametrize(
    "text",
    [
        "Madame, Monsieur, enseignant en lycée professionnel, je dois signaler qu'un élève a eu "
        "un accident sur le trajet de sa PFMP ce matin. Que dois-je faire ?",
        "Bonjour, je suis enseignant en lycée professionnel, section MELEC. Un de mes élèves "
        "s'est blessé à la main pendant sa PFMP hier. Quelles démarches dois-je faire ?",
    ],
)
def test_a_lycee_pro_teacher_reporting_an_accident_gets_the_teachers_answer(
    engine_with_academies, text
):
    state = State()
    reply = engine_with_academies.handle_text(state, text)
    assert (reply.kind, reply.topic, state.role) == ("answer", "accident-stage", "teacher")
    assert "ton stage" not in reply.text


def test_a_teacher_writing_in_english_is_offered_the_request(engine_with_academies):
    state = State()
    text = "Hello, I'm a teacher in Marseille and I would like an engineer to visit my class"
    reply = engine_with_academies.handle_text(state, text)
    assert reply.kind == "offer" and state.role == "teacher"


async def test_a_number_of_pupils_typed_for_the_class_is_kept_and_the_class_asked(kb, db_url):
    service, _ = await _teacher_talk_form(kb, db_url)
    for answer in ("Collège Jean Moulin", "Marseille"):
        await say(service, TEACHER, answer)
    counted = await say(service, TEACHER, "vingt-huit élèves")
    assert "C'est noté : 28 élèves" in counted.text and "Pour quelle classe" in counted.text
    await say(service, TEACHER, "3e B")
    state = await service.state_of(TEACHER)
    answers = state.form["answers"]
    assert (answers["level"], answers["pupils"], state.form["step"]) == ("3e B", "28", "theme")
    await service.db.dispose()


async def test_asking_to_erase_inside_the_form_gets_the_erase_button_not_a_school(kb, db_url):
    service = make_service(db_url, kb)
    await invite(service, "aix-marseille")
    await say(service, PUPIL, "/stage")
    await say(service, PUPIL, "marseille")
    erase = await say(service, PUPIL, "efface mes donnees stp")
    assert "/oublier" in erase.text and erase.choices[0].id == "del"
    state = await service.state_of(PUPIL)
    assert state.form["step"] == "school" and "school" not in state.form["answers"]
    await service.db.dispose()


@pytest.mark.parametrize("text", ["yes send it", "yes", "ok send it please", "oui envoie"])
def test_consent_typed_in_english_is_a_yes(text):
    from bot.desks.request import _CONSENT_YES

    assert _CONSENT_YES.match(text)


def test_hosting_a_bac_pro_pupil_is_no_request_for_a_speaker(engine_with_academies):
    state = State()
    engine_with_academies.handle_text(state, "Bonjour, je dirige une petite menuiserie.")
    text = "Est-ce que je peux aussi accueillir un élève de bac pro pendant 6 semaines ?"
    reply = engine_with_academies.handle_text(state, text)
    assert reply.kind != "offer" and reply.topic != "dp6"


async def test_the_reference_and_what_happens_if_nobody_answers_are_said(kb, db_url):
    service = make_service(db_url, kb)
    await service.db.create_schema()
    await say(service, PUPIL, "/stage")
    for answer in FORM_ANSWERS:
        await say(service, PUPIL, answer)
    recap = await press(service, PUPIL, "f:ct:bot")
    nobody = await say(service, PUPIL, "Que devient ma demande si personne ne répond ?")
    assert nobody.text.startswith("Si personne ne la prend en charge") and "rappels" in nobody.text
    assert nobody.choices[0].id == recap.choices[0].id  # the recap still under it
    await press(service, PUPIL, "f:ok")
    ref = await say(service, PUPIL, "c quoi mon numero de dossier")
    case = await the_case(service, PUPIL)
    assert ref.text == f"Ta demande porte la référence {case.reference}."
    await service.db.dispose()


async def test_a_teacher_typing_details_at_the_kind_step_keeps_them(kb, db_url):
    service = make_service(db_url, kb)
    await say(service, TEACHER, "/intervention")
    count = await say(service, TEACHER, "28 élèves")
    assert count.text.startswith("C'est noté : 28 élèves.") and "boutons" in count.text
    period = await say(service, TEACHER, "Plutôt en mars, un jeudi après-midi")
    assert "C'est noté pour la période" in period.text, period.text
    talk = await say(service, TEACHER, "Oui, pour une classe de 4e, sur les métiers de l'ingénieur")
    assert "boutons" not in talk.text.split("\n")[0], talk.text  # the kind is understood
    state = await service.state_of(TEACHER)
    answers = state.form["answers"]
    assert answers["action"] == "talk" and answers["pupils"] == "28" and "mars" in answers["period"]
    await service.db.dispose()


async def test_a_short_question_or_thanks_in_the_pupils_form_is_answered_and_the_step_kept(
    kb, db_url
):
    service = make_service(db_url, kb)
    step = await say(service, PUPIL, "/stage")
    assert step.kind == "form"
    question = await say(service, PUPIL, "et le rapport ?")
    assert question.topic == "rapport-stage" and "On reprend ta demande" in question.text
    thanks = await say(service, PUPIL, "merci t un bg")
    assert thanks.text.startswith("De rien"), thanks.text
    state = await service.state_of(PUPIL)
    assert state.form["step"] == "academy" and not state.form["answers"].get("academy")
    await service.db.dispose()
