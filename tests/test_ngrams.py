"""N-gram features fitted a chunk at a time are scikit-learn's own, to the last bit."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from bot.understanding.ngrams import LinearScorer, fit_in_chunks, ngram_union

TEXTS = [
    "je cherche un stage de troisieme",
    "c koi une convention de stage",
    "jtrouve pa de stage aide moi",
    "bonjour",
    "mon tuteur crie tout le temps",
    "stage stage stage en boulangerie",
    "la convention est signee par le lycee",
    "merci beaucoup",
]


@pytest.mark.parametrize("min_df", [1, 2])
@pytest.mark.parametrize("chunk", [1, 3, 100])
def test_chunks_give_the_same_vocabulary_idf_and_matrix(min_df: int, chunk: int) -> None:
    whole = ngram_union((2, 5), (1, 2), min_df)
    expected = whole.fit_transform(TEXTS)
    parts = ngram_union((2, 5), (1, 2), min_df)
    found = fit_in_chunks(parts, TEXTS, chunk=chunk)
    assert found.shape == expected.shape and found.dtype == expected.dtype == np.float32
    assert (found != expected).nnz == 0
    for (_, a), (_, b) in zip(whole.transformer_list, parts.transformer_list, strict=True):
        assert a.vocabulary_ == b.vocabulary_
        assert np.array_equal(a.idf_, b.idf_)
        assert b.get_params()["vocabulary"] is None  # the vocabulary is kept once
    if min_df == 2:
        assert "boulangerie" not in parts.transformer_list[1][1].vocabulary_


def test_a_chunked_union_scores_new_text_and_survives_pickling() -> None:
    union = ngram_union((2, 4), (1, 1))
    matrix = fit_in_chunks(union, TEXTS, chunk=2)
    coef = np.ones((2, matrix.shape[1]), dtype=np.float32)
    scorer = LinearScorer(pickle.loads(pickle.dumps(union)), coef, np.zeros(2))
    text = "une convention de stage"
    expected = union.transform([text]).toarray() @ coef.T
    assert np.allclose(scorer.scores(text), expected[0], atol=1e-5)
