"""Fitted n-gram models kept on disk between runs, so that a start does not retrain them.

The topic classifier and the safety model take seconds to train at every start. Once fitted,
their vectorisers and weights are saved in a cache directory under a key that hashes everything
that shapes them: the training texts (already normalised), labels and weights, the settings, the
source of the understanding modules and the library versions. A changed example, setting, piece
of code or library gives a new key, so a stale model is never read. A file that cannot be read
is retrained and rewritten; a directory that cannot be written only costs the training time.
With no directory set (the default of the library; `ipe-bot` sets one), nothing is cached.

The files are pickles: the directory must be writable by the bot's user only (the default is
under the user's own cache directory).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import platform
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import sklearn
from sklearn.pipeline import FeatureUnion

log = logging.getLogger(__name__)

_directory: Path | None = None
KEPT_FILES = 8  # model files kept per kind (older ones are removed when a new one is written)


@dataclass
class Fitted:
    """What a linear n-gram model needs to score texts: the fitted union and the weights."""

    union: FeatureUnion
    coef: np.ndarray
    intercept: np.ndarray
    classes: tuple[str, ...]

    def __post_init__(self) -> None:
        # The scorer works in float32; the vectorisers' stop_words_ are for introspection only.
        self.coef = np.asarray(self.coef, dtype=np.float32)
        self.intercept = np.asarray(self.intercept, dtype=np.float32)
        for _, vectoriser in self.union.transformer_list:
            if hasattr(vectoriser, "stop_words_"):
                del vectoriser.stop_words_


def use_directory(path: Path | None) -> None:
    """Cache fitted models in this directory from now on (None: do not cache)."""
    global _directory
    _directory = path


def directory() -> Path | None:
    return _directory


@cache
def _code_digest() -> str:
    """A hash of the understanding package's source: normalisation and fitting live there."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for version in (sklearn.__version__, np.__version__, platform.python_version()):
        digest.update(version.encode())
    return digest.hexdigest()


def key(
    kind: str, texts: Sequence[str], labels: Sequence[str], weights: Sequence[float], settings: str
) -> str:
    """The hash of everything that shapes a fitted model."""
    digest = hashlib.sha256(f"{kind}\0{settings}\0{_code_digest()}".encode())
    for text, label, weight in zip(texts, labels, weights, strict=True):
        digest.update(f"{label}\t{weight!r}\t{text}\n".encode())
    return digest.hexdigest()[:32]


def fitted(
    kind: str,
    texts: Sequence[str],
    labels: Sequence[str],
    weights: Sequence[float],
    settings: str,
    fit: Callable[[], Fitted],
) -> Fitted:
    """The model fitted on these texts: read from the cache, or fitted by `fit` and saved."""
    folder = _directory
    if folder is None:
        return fit()
    path = folder / f"{kind}-{key(kind, texts, labels, weights, settings)}.pickle"
    try:
        with path.open("rb") as handle:
            kept = pickle.load(handle)
        if isinstance(kept, Fitted):
            return kept
    except FileNotFoundError:
        pass
    except Exception as error:  # a truncated or foreign file: fit again and replace it
        log.warning(
            "model cache: %s unreadable (%s), fitting again", path.name, type(error).__name__
        )
    model = fit()
    _save(folder, kind, path, model)
    return model


def _save(folder: Path, kind: str, path: Path, model: Fitted) -> None:
    temporary = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(model, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # atomic: a second replica never reads half a file
        temporary = None
        older = sorted(folder.glob(f"{kind}-*.pickle"), key=_age)
        for stale in older[KEPT_FILES:]:
            stale.unlink(missing_ok=True)
    except OSError as error:
        log.warning("model cache: cannot write in %s (%s)", folder, type(error).__name__)
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _age(path: Path) -> float:
    """Newest first; a file another process just removed counts as oldest."""
    try:
        return -path.stat().st_mtime
    except OSError:
        return 0.0
