"""Fitted models kept on disk: read back when nothing changed, refitted when anything did."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from sklearn.svm import LinearSVC

from bot.config import Config
from bot.understanding import model_cache
from bot.understanding.classifier import TopicClassifier
from bot.understanding.model_cache import Fitted
from bot.understanding.ngrams import LinearScorer, ngram_union
from bot.understanding.safety_model import SafetyModel

TEXTS = ["stage de troisieme", "convention de stage", "bonjour", "merci beaucoup", "c koi un ipe"]
LABELS = ["stage", "convention", "autre", "autre", "ipe"]
WEIGHTS = [1.0] * len(TEXTS)


class Counting:
    """A fit function that counts its calls."""

    def __init__(self, texts: list[str] = TEXTS) -> None:
        self.calls = 0
        self.texts = texts

    def __call__(self) -> Fitted:
        self.calls += 1
        union = ngram_union((2, 4), (1, 1))
        model = LinearSVC(random_state=0).fit(union.fit_transform(self.texts), LABELS)
        return Fitted(union, model.coef_, model.intercept_, tuple(map(str, model.classes_)))


@pytest.fixture
def cache_dir(tmp_path: Path):
    before = model_cache.directory()
    model_cache.use_directory(tmp_path / "models")
    yield tmp_path / "models"
    model_cache.use_directory(before)


def scores(fitted: Fitted, text: str) -> np.ndarray:
    return LinearScorer(fitted.union, fitted.coef, fitted.intercept).scores(text)


def test_without_a_directory_every_call_fits() -> None:
    before = model_cache.directory()
    model_cache.use_directory(None)
    try:
        fit = Counting()
        model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", fit)
        model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", fit)
        assert fit.calls == 2
    finally:
        model_cache.use_directory(before)


def test_a_second_start_reads_the_fitted_model(cache_dir: Path) -> None:
    fit = Counting()
    first = model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", fit)
    again = model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", Counting())
    assert fit.calls == 1
    assert len(list(cache_dir.glob("t-*.pickle"))) == 1
    assert again.classes == first.classes
    np.testing.assert_array_equal(scores(again, "ma convention"), scores(first, "ma convention"))


@pytest.mark.parametrize(
    "change",
    [
        {"texts": [*TEXTS[:-1], "c quoi un ipe"]},
        {"labels": [*LABELS[:-1], "autre"]},
        {"weights": [*WEIGHTS[:-1], 0.5]},
        {"settings": "other settings"},
    ],
)
def test_anything_changed_fits_again(cache_dir: Path, change: dict) -> None:
    model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", Counting())
    fit = Counting(change.get("texts", TEXTS))
    args = {"texts": TEXTS, "labels": LABELS, "weights": WEIGHTS, "settings": "s", **change}
    model_cache.fitted("t", args["texts"], args["labels"], args["weights"], args["settings"], fit)
    assert fit.calls == 1
    assert len(list(cache_dir.glob("t-*.pickle"))) == 2


def test_an_unreadable_file_is_refitted_and_replaced(cache_dir: Path, caplog) -> None:
    model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", Counting())
    (path,) = cache_dir.glob("t-*.pickle")
    path.write_bytes(b"not a pickle")
    fit = Counting()
    with caplog.at_level(logging.WARNING):
        model = model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", fit)
    assert fit.calls == 1
    assert "unreadable" in caplog.text
    assert scores(model, "convention") is not None
    assert model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", Counting()).classes == model.classes
    assert path.read_bytes() != b"not a pickle"


def test_a_directory_that_cannot_be_written_only_costs_the_training(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the directory should be")
    before = model_cache.directory()
    model_cache.use_directory(blocker / "models")
    try:
        fit = Counting()
        model = model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, "s", fit)
        assert fit.calls == 1 and model.classes == ("autre", "convention", "ipe", "stage")
        assert not list(tmp_path.glob("**/*.tmp"))
    finally:
        model_cache.use_directory(before)


def test_old_files_are_pruned(cache_dir: Path) -> None:
    for n in range(model_cache.KEPT_FILES + 3):
        model_cache.fitted("t", TEXTS, LABELS, WEIGHTS, f"settings {n}", Counting())
    assert len(list(cache_dir.glob("t-*.pickle"))) == model_cache.KEPT_FILES


def test_the_cached_topic_classifier_predicts_as_the_fitted_one(kb, cache_dir: Path) -> None:
    model_cache.use_directory(None)
    fresh = TopicClassifier(kb)
    model_cache.use_directory(cache_dir)
    TopicClassifier(kb)  # fits and writes
    cached = TopicClassifier(kb)  # reads
    assert list(cache_dir.glob("topics-*.pickle"))
    for text in ("jtrouve pa de stage", "c koi une convention", "is the internship paid?"):
        assert cached.predict(text) == fresh.predict(text)


def test_the_cached_safety_model_scores_as_the_fitted_one(kb, cache_dir: Path) -> None:
    net = kb.safety
    examples = [
        ("strong", "suicide", "je veux plus vivre"),
        ("strong", "assault", "il m'a frappe a la sortie"),
        ("none", "-", "mort de rire ce prof"),
        ("weak", "-", "je me sens nul"),
    ]
    prepared = [(label, cat, net.prepared(text)) for label, cat, text in examples]
    ordinary = [net.prepared(q) for q in ("c quoi un stage", "la convention de stage")]
    model_cache.use_directory(None)
    fresh = SafetyModel(prepared, ordinary)
    model_cache.use_directory(cache_dir)
    SafetyModel(prepared, ordinary)  # fits and writes
    cached = SafetyModel(prepared, ordinary)  # reads
    assert list(cache_dir.glob("safety-*.pickle"))
    for text in ("jveux plus vivre", "mdr ce prof", "c koi un stage"):
        assert cached.probabilities(net.prepared(text)) == fresh.probabilities(net.prepared(text))


def test_the_cache_directory_setting() -> None:
    assert Config.from_env({"MODEL_CACHE_DIR": "off"}).model_cache_dir is None
    assert Config.from_env({"MODEL_CACHE_DIR": "/srv/models"}).model_cache_dir == Path(
        "/srv/models"
    )
    assert Config.from_env({"XDG_CACHE_HOME": "/c"}).model_cache_dir == Path("/c/ipe-bot")
    assert Config.from_env({}).model_cache_dir == Path.home() / ".cache" / "ipe-bot"
