"""A learned signal beside the matcher: a linear classifier over character and word n-grams.

Trained when the knowledge base is loaded, on every topic's questions, keywords and title,
normalised like the matcher's input (accents, elisions, SMS spelling, synonyms, stems). Character
n-grams carry spelling variants and typos the word matcher misses ("convension", "lettre de
motiv"); word n-grams carry phrasing. It ranks topics well but knows nothing of what is *not*
a topic: it always picks one. Rejecting out-of-scope messages stays with the matcher's gating
(see `Matcher.match`); this module only says which topic, and how sure it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from bot.understanding.knowledge import KnowledgeBase
from bot.understanding.normalise import stem, words


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
        self.classes: tuple[str, ...] = tuple(sorted(set(labels)))
        self.vectoriser: FeatureUnion | None = None
        self.model: LinearSVC | None = None
        if len(self.classes) < 2:
            return  # nothing to tell apart: predict() returns the only topic, if any
        self.vectoriser = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=s.char_ngrams,
                        sublinear_tf=True,
                        dtype=np.float32,
                    ),
                ),
                (
                    "words",
                    TfidfVectorizer(
                        analyzer="word",
                        ngram_range=s.word_ngrams,
                        token_pattern=r"\S+",
                        sublinear_tf=True,
                        dtype=np.float32,
                    ),
                ),
            ]
        )
        features = self.vectoriser.fit_transform(texts)
        self.model = LinearSVC(C=s.c, random_state=0)
        self.model.fit(features, labels)
        self.classes = tuple(str(c) for c in self.model.classes_)
        # Prediction does the vectorisers' work by hand for one text: sklearn's transform()
        # costs about a millisecond a call in validation and sparse bookkeeping. Each part
        # keeps its analyser, vocabulary, idf and its rows of the weights (features x classes).
        coef = np.ascontiguousarray(self.model.coef_.T, dtype=np.float32)
        self._parts: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray]] = []
        for _, vectoriser in self.vectoriser.transformer_list:
            self._parts.append(
                (
                    vectoriser.build_analyzer(),
                    {str(g): int(i) for g, i in vectoriser.vocabulary_.items()},
                    vectoriser.idf_.astype(np.float64),
                )
            )
        self._coef = coef
        sizes = [len(vocabulary) for _, vocabulary, _ in self._parts]
        self._offsets = [sum(sizes[:i]) for i in range(len(sizes))]
        self._intercept = self.model.intercept_.astype(np.float32)
        self.model.coef_ = None  # the copy above is the one used: do not keep two

    def normalise(self, text: str) -> str:
        """The matcher's normalisation, stems included, stopwords kept (they shape phrasing)."""
        return " ".join(stem(w) for w in words(text, self.kb.lexicon))

    def margins(self, normal: str) -> np.ndarray | None:
        """One-vs-rest decision values of a normalised text (None when no n-gram is known).

        The same figures as `model.decision_function(vectoriser.transform([normal]))`:
        sublinear tf x idf, l2-normalised per vectoriser, times the weights.
        """
        rows: list[int] = []
        values: list[float] = []
        for (analyse, vocabulary, idf), offset in zip(self._parts, self._offsets, strict=True):
            counts = Counter(i for g in analyse(normal) if (i := vocabulary.get(g)) is not None)
            if not counts:
                continue
            index = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            weight = (1.0 + np.log(tf)) * idf[index]
            weight /= np.sqrt(weight @ weight)
            rows.extend((index + offset).tolist())
            values.extend(weight.tolist())
        if not rows:
            return None
        return np.asarray(values, dtype=np.float32) @ self._coef[rows] + self._intercept

    def predict(self, text: str, k: int = 5) -> tuple[Prediction, ...]:
        """The k most likely topics, best first (empty when the text has no words)."""
        normal = self.normalise(text)
        if not normal or not self.classes:
            return ()
        if self.vectoriser is None:
            return (Prediction(self.classes[0], 1.0, 0.0),)
        margins = self.margins(normal)
        if margins is None:
            return ()
        scaled = margins * self.settings.temperature
        scaled -= scaled.max()
        exp = np.exp(scaled)
        probs = exp / exp.sum()
        order = np.argsort(-margins, kind="stable")[:k]
        return tuple(Prediction(self.classes[i], float(probs[i]), float(margins[i])) for i in order)
