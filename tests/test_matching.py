"""The French matcher on the shipped knowledge base."""

from __future__ import annotations

import pytest
from conftest import DATA

from bot.understanding.evaluation import evaluate, format_report, read_labelled
from bot.understanding.matching import Matcher

# Floors sit a few points under what the matcher reaches, so a regression fails CI.
DEV_ACCURACY_FLOOR = 0.91
DEV_REJECTION_FLOOR = 0.91
HELDOUT_ACCURACY_FLOOR = 0.91
HELDOUT_REJECTION_FLOOR = 0.88
# blind_questions.tsv: written last, by a helper who saw only topic titles (a third long
# stories); it measures settings chosen on the two other sets, and no KB wording comes from it
BLIND_ACCURACY_FLOOR = 0.89
BLIND_REJECTION_FLOOR = 0.91


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("c'est quoi le stage de 3e", "stage-3e"),
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


def _check_set(matcher, name, acc_floor, rej_floor):
    report = evaluate(matcher, read_labelled(DATA / name), matcher.kb.safety)
    assert report.in_scope >= 150 and report.out_scope >= 40
    assert report.accuracy >= acc_floor, format_report(report)
    assert report.rejection >= rej_floor, format_report(report)


def test_dev_set_accuracy_floor(matcher):
    _check_set(matcher, "dev_questions.tsv", DEV_ACCURACY_FLOOR, DEV_REJECTION_FLOOR)


def test_heldout_set_accuracy_floor(matcher):
    _check_set(matcher, "heldout_questions.tsv", HELDOUT_ACCURACY_FLOOR, HELDOUT_REJECTION_FLOOR)


def test_blind_set_accuracy_floor(matcher):
    _check_set(matcher, "blind_questions.tsv", BLIND_ACCURACY_FLOOR, BLIND_REJECTION_FLOOR)


def test_the_blind_sets_of_this_round_do_not_fall_back(matcher):
    # measured once each and never tuned on (README, "Tests"): these floors only catch a
    # regression, they are not targets
    _check_set(matcher, "fresh_questions.tsv", 0.77, 0.92)
    _check_set(matcher, "final_questions.tsv", 0.81, 0.90)


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
