"""The French matcher on the shipped knowledge base."""

from __future__ import annotations

import pytest
from conftest import DATA

from bot.understanding.evaluation import evaluate, format_report, leave_out, read_labelled
from bot.understanding.matching import Matcher

# Every question set of tests/data is also in knowledge/topic_examples.tsv (added after its one
# blind measurement): each is measured with a classifier that did not learn it (leave one set
# out, as `python -m bench.topics_cv` does). The floors sit a few points under what the matcher
# reaches, so a regression fails CI; they are not results (README, "Understanding").
SET_FLOORS = {  # (in-scope accuracy, out-of-scope rejection); measured on 1 December 2026:
    "dev_questions.tsv": (0.93, 0.92),  # 96.8 / 95.4
    "heldout_questions.tsv": (0.89, 0.88),  # 93.5 / 92.0
    "blind_questions.tsv": (0.90, 0.90),  # 93.3 / 94.2
    "fresh_questions.tsv": (0.90, 0.95),  # 95.2 / 100
    "final_questions.tsv": (0.92, 0.92),  # 96.4 / 96.3
    "round4_questions.tsv": (0.91, 0.93),  # 94.8 / 98.0
    "round5_questions.tsv": (0.93, 0.94),  # 96.3 / 97.1 (blind, measured once: 96.0 / 98.0)
    "round6_questions.tsv": (0.90, 0.93),  # 93.0 / 98.0 (blind, measured once: 91.1 / 96.0)
    "round8_questions.tsv": (0.88, 0.95),  # 91.1 / 99.0 (blind, measured once: 91.1 / 99.0)
    "round9_questions.tsv": (0.93, 0.93),  # 100 / 100 (blind, measured once: 96.8 / 97.2)
    "round10_questions.tsv": (0.95, 0.95),  # blind, measured once on 2ad28c9: 98.4 / 98.2
    "round11_questions.tsv": (0.93, 0.93),  # blind, measured once (sixth session): 95.3 / 96.7
    "round12_questions.tsv": (0.92, 0.93),  # blind, measured once (seventh session): 96.6 / 99.0
    "round13_questions.tsv": (0.92, 0.93),  # blind, measured once (seventh session): 95.6 / 99.0
    "round14_questions.tsv": (0.92, 0.93),  # blind, measured once (eighth session): 95.4 / 99.0
    "round15_questions.tsv": (0.91, 0.92),  # blind, measured once (eighth session): 95.0 / 96.0
    "round16_questions.tsv": (0.93, 0.90),  # blind, measured once (ninth session): 97.3 / 93.0
    "round17_questions.tsv": (0.93, 0.88),  # blind, measured once (ninth session): 96.7 / 92.0
    "round18_questions.tsv": (0.93, 0.88),  # blind, measured once (tenth session): 95.0 / 92.0
    "round19_questions.tsv": (0.90, 0.86),  # blind, measured once (tenth session): 92.7 / 90.0
    "round20_questions.tsv": (0.92, 0.88),  # blind, measured once (eleventh session): 94.3 / 92.0
    "round21_questions.tsv": (0.91, 0.90),  # blind, measured once (eleventh session): 93.0 / 93.0
    "round22_questions.tsv": (0.92, 0.88),  # blind, measured once (twelfth session): 94.3 / 90.0
    "round23_questions.tsv": (0.93, 0.92),  # blind, measured once (twelfth session): 95.7 / 94.0
    "round24_questions.tsv": (0.92, 0.91),  # blind, measured once (thirteenth session): 93.0 / 93.0
    "round25_questions.tsv": (0.92, 0.89),  # blind, measured once (thirteenth session): 93.7 / 91.0
    "round28_questions.tsv": (0.95, 0.92),  # blind, measured once (fourteenth session): 99.7 / 95.2
    "round29_questions.tsv": (0.95, 0.95),  # blind, measured once (fourteenth session): 99.0 / 99.0
    "round30_questions.tsv": (0.93, 0.95),  # blind, measured once (fifteenth session): 94.7 / 100
    "round31_questions.tsv": (0.92, 0.95),  # blind, measured once (fifteenth session): 93.0 / 100
    "round32_questions.tsv": (0.95, 0.95),  # blind, measured once (sixteenth session): 99.0 / 99.0
    "round33_questions.tsv": (0.95, 0.95),  # blind, measured once (sixteenth session): 97.3 / 98.0
    "round34_questions.tsv": (0.95, 0.95),  # blind, measured once (seventeenth): 96.2 / 95.0
    "round35_questions.tsv": (0.93, 0.95),  # blind, measured once (seventeenth): 95.0 / 99.0
    "round36_questions.tsv": (0.95, 0.95),  # blind, measured once (eighteenth): 98.5 / 99.0
    "round37_questions.tsv": (0.95, 0.95),  # blind, measured once (twentieth): 97.3 / 98.0
    "round39_questions.tsv": (0.95, 0.95),  # blind, measured once (twenty-first): 99.7 / 100
    "round40_questions.tsv": (0.95, 0.95),  # blind, measured once (twenty-second): 98.2 / 100
    "round41_questions.tsv": (0.95, 0.95),  # blind, measured once (twenty-second): 99.4 / 100
    "round42_questions.tsv": (0.95, 0.95),  # blind, measured once (twenty-third): 97.1 / 100
    "round43_questions.tsv": (0.95, 0.95),  # blind, measured once (twenty-third): 95.9 / 100
    "round44_questions.tsv": (0.95, 0.95),  # blind, measured once (twenty-fourth): 98.8 / 100
    "round45_questions.tsv": (0.95, 0.95),  # blind, measured once (twenty-fifth): 99.2 / 100
    "round46_questions.tsv": (0.95, 0.95),  # blind, measured once (twenty-sixth): 97.1 / 100
    "round47_questions.tsv": (0.93, 0.95),  # blind, measured once (twenty-sixth, end): 95.0 / 100
}


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("c'est quoi le stage de 3e", "stage-3e"),
        # the company's side (twenty-second session): obligations, the tutor's role
        (
            "je tiens une pharmacie, accueillir un élève de 3e ça m'oblige à quoi ?",
            "accueil-entreprise",
        ),
        ("tutrice d'un stagiaire la semaine prochaine, j'ai quoi à faire ?", "accueil-entreprise"),
        ("stage 3eme c koi", "stage-3e"),
        ("jtrouve pa de stage", "pas-de-stage"),
        ("je trouve pas de stage", "pas-de-stage"),
        ("convention de stage", "convention-stage"),
        ("PFMP", "pfmp"),
        ("comment faire un cv", "cv-lettre"),
        ("c koi un ingenieur pour l ecole", "ipe"),
        ("bonjour", "salutation"),
        ("merci beaucoup", "merci"),
        ("je me fais harceler", "detresse"),
        ("c'était quoi la DP3", "dp3"),
    ],
)
def test_typical_questions(matcher, question, topic):
    result = matcher.match(question)
    assert result.topic == topic, (question, result.candidates[:3])
    assert 0 <= result.score <= 100


@pytest.mark.parametrize(
    "question",
    [
        "stage de foot",
        "je cherche un stage de foot pour cet été",
        "stage de permis pour récupérer mes points",
        "quelle est la capitale de l'Australie",
        "tu aimes la pizza ?",
        "résous x² + 3x = 4",
        "",
        "????",
    ],
)
def test_out_of_scope_is_not_answered(matcher, question):
    assert matcher.match(question).topic is None


def test_short_query_is_not_fooled_by_a_long_question_containing_it(matcher):
    # token_set_ratio scores 100 when the query's words are a subset of a long question.
    result = matcher.match("stage")
    assert result.topic is None or result.score < 90


@pytest.mark.parametrize(
    "text",
    [
        # inside an internship question, scored close to other topics
        "mon maître de stage me harcèle",
        "je veux mourir",
        "on se moque de moi tous les jours au college",
        "jsuis harcelé en stage jsais pas quoi faire",
        # short or idiomatic ones
        "j'en peux vraiment plus de ma vie",
        "mon tuteur m'a mis la main aux fesses",
        "depuis lundi le chef me touche quand on est seuls en réserve",
        "je veux plus me réveiller le matin",
    ],
)
def test_distress_is_always_answered(kb, text):
    signal = kb.safety.assess(text)
    assert signal is not None and signal.level == "strong", text


@pytest.mark.parametrize("text", ["je vais pas bien du tout", "jpp", "j'ai pas le moral"])
def test_low_mood_gets_at_least_the_helpline_footer(kb, text):
    assert kb.safety.assess(text) is not None, text


def test_close_topics_give_did_you_mean(matcher):
    from bot.understanding.matching import Settings

    # the word scores' own "did you mean" (the classifier would settle it)
    wide = matcher.__class__(matcher.kb, Settings(tie_margin=100.0, classifier=False))
    result = wide.match("stage convention")
    assert result.topic is None and len(result.suggestions) >= 2


def test_typos_are_tolerated(matcher):
    assert matcher.match("convension de stgae").topic == "convention-stage"


def test_a_veil_is_not_a_sailing_course(matcher):
    # "stage de voile" is a sailing course; "refusé pour mon voile en stage" is discrimination
    assert matcher.match("stage de voile cet été").topic is None
    assert matcher.match("refusé en stage à cause de mon voile").topic == "discrimination"


def test_a_long_story_is_answered_from_its_best_topic(matcher):
    story = (
        "Je suis en 3e à Marseille, mes parents connaissent personne qui a une entreprise et "
        "toutes les boulangeries du quartier m'ont dit non pour le stage. Comment je fais ?"
    )
    result = matcher.match(story)
    assert result.topic in {"pas-de-stage", "trouver-stage"}, result.candidates[:3]


def test_a_long_message_without_a_domain_word_needs_the_usual_score(matcher):
    # school life, not internships: the long-message threshold needs "stage", "métier"...
    text = (
        "Bonjour, je voudrais savoir comment inscrire mon fils à la cantine du collège, "
        "il est en 3e et mange le midi tous les jours"
    )
    assert matcher.match(text).topic is None, matcher.match(text).candidates[:3]


def test_repeating_words_does_not_make_a_message_long(matcher):
    from bot.understanding.matching import Settings

    # only long messages can be answered here: a word repeated 400 times is still short
    strict = matcher.__class__(
        matcher.kb, Settings(answer_threshold=101.0, long_threshold=0.0, classifier=False)
    )
    assert strict.match("stage convention " * 400).topic is None
    assert strict.match("stage convention entreprise patron signature tuteur").topic


def test_thanks_with_a_word_or_two_more_is_thanks(matcher):
    for text in ["ok merci c'est clair", "super merci, top", "merci bcp"]:
        assert matcher.match(text).topic == "merci", text
    assert matcher.match("merci mais c'est quoi une convention").topic == "convention-stage"


def test_leaving_a_set_out_trains_the_safety_model_without_it_too(kb):
    known = leave_out(kb, read_labelled(DATA / "round6_questions.tsv"))
    assert known.safety is not kb.safety and known.safety.model is not kb.safety.model
    assert known.safety.assess("jveux plus etre la").level == "strong"
    assert known.safety.assess("c quoi une convention de stage") is None


@pytest.mark.parametrize("name", sorted(SET_FLOORS))
def test_each_question_set_with_a_classifier_that_did_not_learn_it(kb, name):
    acc_floor, rej_floor = SET_FLOORS[name]
    items = read_labelled(DATA / name)
    known = leave_out(kb, items)
    left_out = len(kb.examples) - len(known.examples)
    assert left_out >= min(200, 0.8 * len(items)), left_out  # the set's own lines are left out
    matcher = Matcher(known)
    report = evaluate(matcher, items, known.safety)
    assert report.in_scope >= 120 and report.out_scope >= 40
    assert report.accuracy >= acc_floor, format_report(report)
    assert report.rejection >= rej_floor, format_report(report)


def test_a_message_seen_again_gets_the_same_result_from_the_cache(kb):
    from bot.understanding.matching import Settings

    cached, fresh = Matcher(kb), Matcher(kb, Settings(recent_results=0))
    for text in ["jtrouve pa de stage", "jtrouve pa de stage", "c koi la convention"]:
        assert cached.match(text) == fresh.match(text)
    assert fresh._recent == {} and len(cached._recent) == 2


@pytest.mark.parametrize(
    "name",
    [
        "dev_questions.tsv",
        "heldout_questions.tsv",
        "blind_questions.tsv",
    ],  # fresh and final were written blind: a few short ones ("salut") are the KB's by chance
)
def test_question_sets_are_not_copied_from_the_knowledge_base(kb, name):
    from bot.understanding.normalise import words

    kb_questions = {" ".join(words(q)) for t in kb.topics.values() for q in t.questions}
    items = read_labelled(DATA / name)
    copied = [i.question for i in items if " ".join(words(i.question)) in kb_questions]
    assert copied == []


@pytest.mark.parametrize("text", ["stage", "un stage ?", "entreprise"])
def test_one_generic_word_gets_a_choice_of_pupils_topics(matcher, text):
    result = matcher.match(text)
    assert result.topic is None and 3 <= len(result.suggestions) <= 4
    assert all(matcher.kb.topics[t].audience != "teacher" for t in result.suggestions)
    if "stage" in text:  # « Comment chercher un stage » is on the short menu (round 44)
        assert "trouver-stage" in result.suggestions


def test_a_long_story_that_ends_on_a_clear_question_is_answered_on_it(matcher):
    story = (
        "Bonjour, je suis en 3e et ça fait trois semaines que je cherche un stage. J'ai envoyé "
        "des lettres à des boulangeries, des garages, la mairie, mais personne ne répond. Ma prof "
        "principale dit d'insister et mes parents stressent parce que la date limite approche. "
        "Je ne connais personne dans les entreprises et les offres sont loin de chez moi. "
    )
    result = matcher.match(
        story + "Est-ce que je peux faire mon stage dans la pharmacie de ma tante ?"
    )
    assert result.topic == "stage-famille" and "pas-de-stage" in result.suggestions
    assert matcher.match(story).topic == "pas-de-stage"  # the story alone


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Bonjour, pouvez-vous me dire comment se passe le stage de 3e ?", "stage-3e"),
        ("tu peux me dire c koi une pfmp", "pfmp"),
        ("je voudrais savoir si le stage de seconde est obligatoire", "stage-seconde"),
    ],
)
def test_a_polite_opening_does_not_hide_the_question(matcher, question, topic):
    assert matcher.match(question).topic == topic


def test_a_polite_opening_alone_is_kept():
    from bot.understanding.preamble import without_preamble

    assert without_preamble("pouvez-vous m'aider ?") == "pouvez-vous m'aider ?"
    assert without_preamble("Bonjour, je cherche un stage") == "Bonjour, je cherche un stage"
    assert without_preamble("Madame, une question : la convention ?") == "la convention ?"


@pytest.mark.parametrize(
    "text", ["college marcel pagnol", "lycée Claude Monet", "collège Albert Camus de Nîmes"]
)
def test_a_school_name_is_no_topic(matcher, text):
    """« marcel » is not « harcel » with a typo: a replaced first letter is a name."""
    assert matcher.match(text).topic is None, text


def test_a_dropped_first_letter_is_still_a_typo(matcher):
    assert matcher.match("arcelement au lycee").topic == "detresse"
