"""TF-IDF character and word n-grams, and linear scores computed by hand for one text.

scikit-learn fits the vocabularies and idf; scoring one message through its transform() costs
about a millisecond in validation and sparse bookkeeping, so `LinearScorer` does the same sums
directly: sublinear tf x idf, l2-normalised per vectoriser, times the weights.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

CHUNK = 4096  # texts counted at a time by fit_in_chunks


def ngram_union(
    char_ngrams: tuple[int, int], word_ngrams: tuple[int, int], min_df: int = 1
) -> FeatureUnion:
    """char_wb n-grams (inside words, padded by spaces) beside word n-grams; an n-gram seen in
    fewer than `min_df` texts is left out."""
    return FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=char_ngrams,
                    sublinear_tf=True,
                    dtype=np.float32,
                    min_df=min_df,
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=word_ngrams,
                    token_pattern=r"\S+",
                    sublinear_tf=True,
                    dtype=np.float32,
                    min_df=min_df,
                ),
            ),
        ]
    )


def fit_in_chunks(union: FeatureUnion, texts: Sequence[str], chunk: int = CHUNK) -> sp.csr_matrix:
    """`union.fit_transform(texts)` for a union of TfidfVectorizers, with the same vocabulary,
    idf and matrix, transformed `chunk` texts at a time: scikit-learn's fit holds every n-gram
    occurrence of every text, and several copies of the matrix, at once (over the safety model's
    52,000 texts, a 270 MiB peak at start-up)."""
    for _, vectoriser in union.transformer_list:
        analyse = vectoriser.build_analyzer()
        frequency: Counter[str] = Counter()
        for text in texts:
            frequency.update(set(analyse(text)))
        kept = sorted(g for g, n in frequency.items() if n >= vectoriser.min_df)
        df = np.array([frequency[g] for g in kept], dtype=vectoriser.dtype)
        del frequency
        vectoriser.set_params(vocabulary=kept)
        # TfidfTransformer.fit with smooth_idf: as if one more text held every n-gram once
        vectoriser.idf_ = np.log((len(texts) + 1) / (df + 1)) + 1
        vectoriser.set_params(vocabulary=None)  # kept once, as the fitted vocabulary_
    rows = [union.transform(texts[start : start + chunk]) for start in range(0, len(texts), chunk)]
    return sp.vstack(rows, format="csr")


class LinearScorer:
    """A fitted n-gram union and a linear model's weights: decision values for one text."""

    def __init__(self, union: FeatureUnion, coef: np.ndarray, intercept: np.ndarray) -> None:
        self._coef = np.ascontiguousarray(coef.T, dtype=np.float32)  # features x classes
        self._intercept = np.asarray(intercept, dtype=np.float32)
        self._parts: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray]] = [
            (
                vectoriser.build_analyzer(),
                {str(g): int(i) for g, i in vectoriser.vocabulary_.items()},
                vectoriser.idf_.astype(np.float64),
            )
            for _, vectoriser in union.transformer_list
        ]
        sizes = [len(vocabulary) for _, vocabulary, _ in self._parts]
        self._offsets = [sum(sizes[:i]) for i in range(len(sizes))]

    def scores(self, text: str) -> np.ndarray | None:
        """The same figures as `model.decision_function(union.transform([text]))`, or None
        when no n-gram of the text is known."""
        rows: list[int] = []
        values: list[float] = []
        for (analyse, vocabulary, idf), offset in zip(self._parts, self._offsets, strict=True):
            counts = Counter(i for g in analyse(text) if (i := vocabulary.get(g)) is not None)
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
