"""A learned signal beside the matcher: a linear classifier over character and word n-grams.

Trained when the knowledge base is loaded (or read back from the model cache, model_cache.py),
on every topic's questions, keywords, title and labelled examples, normalised like the matcher's
input (accents, elisions, SMS spelling, synonyms, stems). Character n-grams carry spelling variants and typos the word matcher misses ("convension", "lettre de
motiv"); word n-grams carry phrasing. It ranks topics well but knows nothing of what is *not*
a topic: it always picks one, unless knowledge/out_of_scope.txt gives it examples of what is not
(chit-chat, homework, school life, insults): they are learned as one more class, `OTHER`. The
matcher's gating decides what is out of scope (see `Matcher.match`), with `OTHER` as a second
opinion; this module says which topic, and how sure it is.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from bot.understanding import model_cache
from bot.understanding.knowledge import KnowledgeBase
from bot.understanding.model_cache import Fitted
from bot.understanding.ngrams import LinearScorer, fit_in_chunks, ngram_union
from bot.understanding.normalise import stem, words

OTHER = "-"  # the class of knowledge/out_of_scope.txt's examples: not a topic


@dataclass(frozen=True)
class ClassifierSettings:
    char_ngrams: tuple[int, int] = (2, 5)  # char_wb n-grams: inside words, padded by spaces
    word_ngrams: tuple[int, int] = (1, 2)
    c: float = 1.0  # LinearSVC regularisation (larger: fits the KB's phrasings more closely)
    # Probabilities are a softmax over the one-vs-rest margins scaled by this factor. Margins
    # of a LinearSVC sit mostly in [-1.5, 1]: a scale of 5 gives a clear winner (margin gap 0.5)
    # a probability near 0.9 and two close ones about 0.5 each.
    temperature: float = 5.0


@dataclass(frozen=True)
class Prediction:
    topic_id: str
    probability: float
    margin: float  # the raw one-vs-rest decision value


class TopicClassifier:
    """Linear SVM over TF-IDF char_wb and word n-grams of the normalised text."""

    def __init__(self, kb: KnowledgeBase, settings: ClassifierSettings | None = None) -> None:
        self.kb = kb
        self.settings = s = settings or ClassifierSettings()
        texts: list[str] = []
        labels: list[str] = []
        for topic in kb.topics.values():
            for text in (*topic.questions, *topic.keywords, topic.title):
                normal = self.normalise(text)
                if normal:
                    texts.append(normal)
                    labels.append(topic.id)
        for topic_id, text in kb.examples:
            if (topic_id in kb.topics or topic_id == OTHER) and (normal := self.normalise(text)):
                texts.append(normal)
                labels.append(topic_id)
        for text in kb.out_of_scope:
            if normal := self.normalise(text):
                texts.append(normal)
                labels.append(OTHER)
        self.classes: tuple[str, ...] = tuple(sorted(set(labels)))
        self.vectoriser: FeatureUnion | None = None
        if len(self.classes) < 2:
            return  # nothing to tell apart: predict() returns the only topic, if any

        def fit() -> Fitted:
            union = ngram_union(s.char_ngrams, s.word_ngrams)
            model = LinearSVC(C=s.c, random_state=0).fit(fit_in_chunks(union, texts), labels)
            return Fitted(union, model.coef_, model.intercept_, tuple(map(str, model.classes_)))

        weights = [1.0] * len(texts)
        found = model_cache.fitted("topics", texts, labels, weights, repr(s), fit)
        self.vectoriser = found.union
        self.classes = found.classes
        self._scorer = LinearScorer(found.union, found.coef, found.intercept)

    def normalise(self, text: str) -> str:
        """The matcher's normalisation, stems included, stopwords kept (they shape phrasing)."""
        return " ".join(stem(w) for w in words(text, self.kb.lexicon))

    def margins(self, normal: str) -> np.ndarray | None:
        """One-vs-rest decision values of a normalised text (None when no n-gram is known)."""
        return self._scorer.scores(normal)

    def decision(self, text: str) -> dict[str, float] | None:
        """Every class's one-vs-rest margin for a raw text (None when no n-gram is known)."""
        normal = self.normalise(text)
        if not normal or not self.classes:
            return None
        if self.vectoriser is None:
            return {self.classes[0]: 0.0}
        margins = self.margins(normal)
        if margins is None:
            return None
        return {c: float(m) for c, m in zip(self.classes, margins, strict=True)}

    def probabilities(self, margins: dict[str, float]) -> dict[str, float]:
        """A softmax over the margins scaled by the temperature."""
        top = max(margins.values())
        exp = {c: float(np.exp((m - top) * self.settings.temperature)) for c, m in margins.items()}
        total = sum(exp.values())
        return {c: e / total for c, e in exp.items()}

    def predict(self, text: str, k: int = 5) -> tuple[Prediction, ...]:
        """The k most likely topics, best first (empty when the text has no words)."""
        margins = self.decision(text)
        if not margins:
            return ()
        probs = self.probabilities(margins)
        order = sorted(margins, key=lambda c: -margins[c])[:k]  # stable: class order on ties
        return tuple(Prediction(c, probs[c], margins[c]) for c in order)


_TRAINED: OrderedDict[int, tuple[KnowledgeBase, TopicClassifier]] = OrderedDict()
TRAINED_KEPT = 4  # knowledge bases whose classifier is kept (the current one, a /reload...)


def trained_for(kb: KnowledgeBase) -> TopicClassifier:
    """The classifier of this knowledge base object, trained once: every service, engine and
    matcher built over the same loaded knowledge shares it (training takes seconds)."""
    key = id(kb)
    kept = _TRAINED.get(key)
    if kept is not None and kept[0] is kb:
        _TRAINED.move_to_end(key)
        return kept[1]
    classifier = TopicClassifier(kb)
    _TRAINED[key] = (kb, classifier)  # the knowledge base is held, so its id is not reused
    while len(_TRAINED) > TRAINED_KEPT:
        _TRAINED.popitem(last=False)
    return classifier
