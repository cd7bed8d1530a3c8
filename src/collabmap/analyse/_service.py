"""Trained models on demand — cached on disk — and answers for many passages at once.

Training a task's model takes a few seconds; the fitted model is kept in the user's cache
folder (``$COLLABMAP_CACHE``, else ``$XDG_CACHE_HOME/collabmap`` or ``~/.cache/collabmap``),
named by a digest of everything it was trained from (examples, cues, word vectors, collabmap
and scikit-learn versions), so a changed model is never used stale. ``COLLABMAP_CACHE=off``
turns the cache off. The cache holds only models trained from the shipped examples: nothing
from a project's data is written there.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import sklearn  # type: ignore[import-untyped]

from collabmap import __version__
from collabmap.analyse._embedding import token_vectors
from collabmap.analyse._training import CODES, TASKS, Example, training_examples, training_files
from collabmap.analyse.model import Answer, PassageClassifier
from collabmap.errors import UnknownName

__all__ = ["analyse", "classifier", "train"]


_SETTINGS: dict[str, dict[str, Any]] = {CODES: {"calibration_folds": 3}}
"""Per-task settings. The codes model is retrained on every suggestion run that learns from a
project's codings, and its 13 labels make each fit slow: three calibration folds instead of
five take 28 s instead of 52 s on two cores, with the same figures on the validation passages."""


def train(task: str, extra: Iterable[Example] = ()) -> PassageClassifier:
    """A classifier trained on the shipped examples plus ``extra`` (a project's codings)."""
    if task not in (*TASKS, CODES):
        raise UnknownName("task", task, list(TASKS))
    examples = [*training_examples(task), *extra]
    return PassageClassifier(task=task, **_SETTINGS.get(task, {})).fit(
        [e.text for e in examples],
        [e.label for e in examples],
        sample_weight=[e.weight for e in examples],
    )


def _cache_folder() -> Path | None:
    setting = os.environ.get("COLLABMAP_CACHE")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "collabmap"


def _digest(task: str) -> str:
    data = resources.files("collabmap.analyse") / "data"
    settings = sorted(_SETTINGS.get(task, {}).items())
    digest = hashlib.sha256(f"{__version__} {sklearn.__version__} {task} {settings}".encode())
    for path in training_files(task):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update((data / "cues.yaml").read_bytes())
    for module in ("model.py", "_features.py", "_training.py", "_embedding.py"):
        digest.update((resources.files("collabmap.analyse") / module).read_bytes())
    digest.update(token_vectors().digest.encode())
    return digest.hexdigest()[:24]


@cache
def classifier(task: str) -> PassageClassifier:
    """The shipped model of a task: from the cache when it is there, else trained and cached."""
    if task not in (*TASKS, CODES):
        raise UnknownName("task", task, list(TASKS))
    folder = _cache_folder()
    path = folder / f"{task}-{_digest(task)}.joblib" if folder else None
    if path is not None and path.is_file():
        try:
            model = joblib.load(path)
            if isinstance(model, PassageClassifier):
                return model
        except Exception:  # a damaged or foreign file: train afresh and replace it
            pass
    model = train(task)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            partial = path.with_suffix(f".{os.getpid()}.partial")
            joblib.dump(model, partial)
            partial.replace(path)
            for old in path.parent.glob(f"{task}-*.joblib"):  # models trained from older inputs
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:  # a read-only home is no reason to fail: the model still works
            pass
    return model


def analyse(task: str, texts: Sequence[str], *, evidence: bool = True) -> list[Answer]:
    """Answers for ``texts`` (same order)."""
    return classifier(task).answer(texts, evidence=evidence)
