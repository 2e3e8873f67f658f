"""The learned topic classifier, on a tiny knowledge base and beside the matcher."""

from __future__ import annotations

import numpy as np
import pytest

from bot.understanding.classifier import OTHER, TopicClassifier
from bot.understanding.knowledge import KnowledgeBase, Topic
from bot.understanding.matching import Matcher, Settings
from bot.understanding.normalise import Lexicon


def _topic(topic_id: str, title: str, questions: list[str]) -> Topic:
    return Topic(
        id=topic_id,
        title=title,
        audience="both",
        questions=tuple(questions),
        answers={"pupil": "...", "teacher": "..."},
        source="test",
        theme="t",
    )


@pytest.fixture(scope="module")
def tiny_kb() -> KnowledgeBase:
    lexicon = Lexicon.from_lists({"koi": "quoi", "cv": "cv"}, {"stage": ["stg"]}, [])
    topics = [
        _topic(
            "cv",
            "CV et lettre de motivation",
            ["comment faire un cv", "rédiger mon curriculum vitae", "lettre de motivation"],
        ),
        _topic(
            "convention",
            "La convention de stage",
            ["qui signe la convention", "convention de stage", "signature de la convention"],
        ),
        _topic(
            "paye",
            "Le stage est-il payé ?",
            ["est ce que le stage est payé", "gratification de stage", "combien on gagne"],
        ),
    ]
    return KnowledgeBase(topics={t.id: t for t in topics}, lexicon=lexicon)


def test_predicts_the_right_topic_on_a_tiny_kb(tiny_kb):
    classifier = TopicClassifier(tiny_kb)
    assert classifier.predict("je dois faire mon CV")[0].topic_id == "cv"
    assert classifier.predict("la convension elle est signée par qui")[0].topic_id == "convention"
    assert classifier.predict("le stg c payé ?")[0].topic_id == "paye"


def test_probabilities_are_ranked_and_sum_to_at_most_one(tiny_kb):
    predictions = TopicClassifier(tiny_kb).predict("convention de stage", k=3)
    assert predictions[0].topic_id == "convention"
    probs = [p.probability for p in predictions]
    assert probs == sorted(probs, reverse=True)
    assert 0.99 <= sum(probs) <= 1.0 + 1e-5
    assert len(TopicClassifier(tiny_kb).predict("convention", k=2)) == 2


def test_is_deterministic(tiny_kb):
    first = TopicClassifier(tiny_kb).predict("lettre pour postuler en stage", k=3)
    second = TopicClassifier(tiny_kb).predict("lettre pour postuler en stage", k=3)
    assert first == second


def test_nothing_known_gives_no_prediction(tiny_kb):
    classifier = TopicClassifier(tiny_kb)
    assert classifier.predict("") == ()
    assert classifier.predict("🙏🙏") == ()


def test_hand_made_margins_equal_sklearns(kb):
    classifier = TopicClassifier(kb)
    texts = ["jtrouve pa de stage", "convension de stgae", "how do i find an internship"]
    normal = [classifier.normalise(t) for t in texts]
    features = classifier.vectoriser.transform(normal)
    scorer = classifier._scorer
    reference = features @ scorer._coef + scorer._intercept  # decision_function()
    mine = np.array([classifier.margins(n) for n in normal])
    assert np.allclose(reference, mine, atol=1e-5)


def test_the_classifier_settles_what_the_words_leave_open(kb, matcher):
    words_only = Matcher(kb, Settings(classifier=False))
    # promoted: the word scores do not answer, both agree on the best candidate
    text = "la convension je la rend a qui une fois remplie"
    assert words_only.match(text).topic is None
    assert matcher.match(text).topic == "convention-stage"
    # switched: the word scores answer another topic, the blend with the classifier's margins
    # picks the one the message is about
    text = "jpeux commencer le stage sans avoir la convention ?"
    assert words_only.match(text).topic == "pas-de-stage"
    assert matcher.match(text).topic == "convention-stage"
    # withdrawn: out of scope ("-" of knowledge/out_of_scope.txt) leads the blend
    text = "tu peux m'acheter des chaussures"
    assert words_only.match(text).topic is not None
    assert matcher.match(text).topic is None


def test_lint_leave_one_out_does_not_use_the_classifier(matcher):
    index = 0
    skip = frozenset({index})
    entry = matcher.entries[index]
    with_skip = matcher.match(entry.text, skip)
    words_only = Matcher(matcher.kb, Settings(classifier=False)).match(entry.text, skip)
    assert with_skip == words_only


def test_out_of_scope_examples_are_a_class_of_their_own(tiny_kb):
    from dataclasses import replace

    chit_chat = ("tu joues a quel jeu video", "il fait beau aujourd'hui", "raconte une histoire")
    with_other = TopicClassifier(replace(tiny_kb, out_of_scope=chit_chat))
    assert OTHER in with_other.classes and OTHER not in TopicClassifier(tiny_kb).classes
    assert with_other.predict("tu joues a quel jeu ce soir")[0].topic_id == OTHER
    assert with_other.predict("je dois faire mon CV")[0].topic_id == "cv"


def test_the_knowledge_bases_out_of_scope_examples_withdraw_an_answer(kb, matcher):
    assert len(kb.out_of_scope) >= 100
    # "t nul": the words pointed to a problem during the stage; chit-chat, homework and
    # school life are now told apart and get the fallback
    for text in ["t'es trop nul", "tu sers a rien", "on mange quoi a la cantine"]:
        assert matcher.match(text).topic is None, text
    # and the ordinary questions are still answered
    assert matcher.match("c'est quoi la convention de stage").topic == "convention-stage"
    assert matcher.match("jtrouve pas de stage").topic == "pas-de-stage"


def test_labelled_examples_teach_the_classifier_topics_and_out_of_scope(tiny_kb):
    from dataclasses import replace

    text = "wsh c koi le papier a faire signer par le patron"
    examples = (("convention", "c koi le papier que le patron doit signer"),)
    assert TopicClassifier(tiny_kb).predict(text)[0].topic_id != "convention"
    taught = TopicClassifier(replace(tiny_kb, examples=examples))
    assert taught.predict(text)[0].topic_id == "convention"
    chat = (("-", "tu regardes le match ce soir"), ("-", "t'as vu le match hier"))
    knows_other = TopicClassifier(replace(tiny_kb, examples=chat))
    assert knows_other.predict("on regarde le match ensemble ?")[0].topic_id == OTHER


@pytest.mark.parametrize(
    "text", ["psg om c qui va gagner", "tu connais un bon kebab", "ferme ta gueule"]
)
def test_plain_out_of_scope_gets_no_did_you_mean(matcher, text):
    result = matcher.match(text)
    assert result.topic is None and result.suggestions == ()


def test_one_loaded_knowledge_base_trains_its_classifier_once(tiny_kb):
    from dataclasses import replace

    from bot.understanding.classifier import trained_for

    assert trained_for(tiny_kb) is trained_for(tiny_kb)
    assert Matcher(tiny_kb).classifier is Matcher(tiny_kb).classifier
    other = replace(tiny_kb, out_of_scope=("tu joues a quel jeu",))
    assert trained_for(other) is not trained_for(tiny_kb)  # another knowledge base, its own
