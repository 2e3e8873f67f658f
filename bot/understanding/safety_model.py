"""A learned backstop for the safety net: a linear model over character and word n-grams.

The phrase and concept rules of knowledge/safety.yaml are precise but only know the wordings
their authors thought of. This model is trained when the knowledge base loads, on the labelled
examples in knowledge/safety_examples.tsv (distress by category, mild signals, harmless
messages with alarming words) and on every topic's questions as ordinary messages (a start
with nothing changed reads it back from the model cache, see model_cache.py). It is only
asked when the rules found nothing strong: a confident distress guess becomes a strong signal,
a hesitant one a weak signal (the helpline footer). Thresholds were chosen by cross-validation
on the examples (see README, "Safety net").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.understanding import model_cache
from bot.understanding.model_cache import Fitted
from bot.understanding.ngrams import LinearScorer, fit_in_chunks, ngram_union

EXAMPLES_FILE = "safety_examples.tsv"
LABELS = ("strong", "weak", "none")


@dataclass(frozen=True)
class ModelSettings:
    strong_at: float = 0.6  # P(distress) at or above: a strong signal
    upgrade_at: float = 0.6  # P(distress) that turns the rules' weak signal into a strong one
    weak_at: float = 0.4  # P(distress or a mild signal) at or above: a weak signal
    ordinary_weight: float = 0.15  # weight of the ordinary messages (topics' questions, examples)
    # an ordinary message of long_words words or more (a story about the internship) weighs
    # long_weight: the long disclosures must not teach the model that length is distress
    # (chosen on the ordinary questions of tests/data, the model trained without them: 84 → 47
    # crisis answers in 8,527, and rounds 18 and 19 left out kept their recall)
    long_words: int = 12
    long_weight: float = 1.5
    # weight of their sentences and clauses read alone (the net reads them alone too)
    part_weight: float = 0.05
    c: float = 10.0
    min_df: int = 2  # an n-gram of a single text is left out (fewer weights to fit)


def read_examples(path: Path) -> tuple[list[tuple[str, str, str]], list[str]]:
    """`label<TAB>category<TAB>message` lines, and the problems found (line numbers)."""
    rows, problems = [], []
    if not path.exists():
        return rows, problems
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in LABELS or not parts[2].strip():
            problems.append(
                f"ligne {number} : attendu « strong|weak|none<TAB>catégorie<TAB>texte »"
            )
            continue
        rows.append((parts[0], parts[1].strip(), parts[2].strip()))
    return rows, problems


class SafetyModel:
    """P(distress) and the likeliest category of a message already prepared by the net."""

    def __init__(
        self,
        examples: Iterable[tuple[str, str, str]],
        ordinary: Iterable[str],
        settings: ModelSettings | None = None,
        parts: Iterable[str] = (),
    ) -> None:
        self.settings = s = settings or ModelSettings()
        texts, labels, weights = [], [], []
        for label, category, text in examples:
            texts.append(text)
            labels.append(category if label == "strong" else label)
            weights.append(1.0)
        for text in ordinary:
            texts.append(text)
            labels.append("none")
            long = text.count(" ") - 1 >= s.long_words
            weights.append(s.long_weight if long else s.ordinary_weight)
        for text in parts:
            texts.append(text)
            labels.append("none")
            weights.append(s.part_weight)

        def fit() -> Fitted:
            union = ngram_union((2, 5), (1, 2), s.min_df)
            # Newton-CG keeps a few vectors of the weights' size; L-BFGS keeps twenty (130 MiB)
            model = LogisticRegression(C=s.c, solver="newton-cg", max_iter=3000)
            model.fit(fit_in_chunks(union, texts), labels, sample_weight=np.asarray(weights))
            return Fitted(union, model.coef_, model.intercept_, tuple(map(str, model.classes_)))

        found = model_cache.fitted(
            "safety",
            texts,
            labels,
            weights,
            repr((s.c, s.ordinary_weight, s.part_weight, s.min_df, s.long_words, s.long_weight)),
            fit,
        )
        self.classes = found.classes
        self._distress = np.array([c not in ("none", "weak") for c in self.classes])
        self._weak = np.array([c == "weak" for c in self.classes])
        self._scorer = LinearScorer(found.union, found.coef, found.intercept)

    def probabilities(self, prepared: str) -> tuple[float, float, str] | None:
        """P(distress), P(distress or a mild signal) and the likeliest distress category."""
        scores = self._scorer.scores(prepared)
        if scores is None or len(self.classes) < 2:
            return None
        exp = np.exp(scores - scores.max())
        probs = exp / exp.sum()
        distress = float(probs[self._distress].sum())
        concern = distress + float(probs[self._weak].sum())
        category = self.classes[int(np.argmax(np.where(self._distress, probs, -1.0)))]
        return distress, concern, category

    def guess(
        self, prepared: str, strong_at: float | None = None, weak_at: float | None = None
    ) -> tuple[str, str] | None:
        """(level, category) when the model sees distress or a mild signal, else None (the
        settings' bars unless others are given)."""
        found = self.probabilities(prepared)
        if found is None:
            return None
        distress, concern, category = found
        if concern < (self.settings.weak_at if weak_at is None else weak_at):
            return None
        strong = distress >= (self.settings.strong_at if strong_at is None else strong_at)
        return ("strong" if strong else "weak"), category
