"""Features for reading passages: words, characters, and the framework's deciding cues.

Word and character n-grams carry the vocabulary; the cues (``data/cues.yaml``) carry the
framework's knowledge — who initiates, who decides, who delivers, whether professionals stay
alongside, whether assets or money pass to the community — as counts the model can weigh even
when the training examples never used those exact words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.base import BaseEstimator, TransformerMixin  # type: ignore[import-untyped]

from collabmap.analyse._training import CODES

__all__ = ["CueFeatures", "CueGroup", "cue_groups", "split_sentences"]

_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage (a light splitter: evidence needs readable pieces, not syntax)."""
    parts = [p.strip() for p in _SENTENCE.split(text.strip())]
    return [p for p in parts if p]


@dataclass(frozen=True)
class CueGroup:
    """Patterns that answer one deciding question (or point to one label) for a task."""

    task: str
    name: str
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, text: str) -> list[str]:
        found: list[str] = []
        for pattern in self.patterns:
            found.extend(m.group(0) for m in pattern.finditer(text))
        return found


@cache
def cue_groups(task: str) -> tuple[CueGroup, ...]:
    """The cue groups of a task, compiled once, from the package's ``cues.yaml`` (for the
    codes task, the activity and the rationale groups together)."""
    if task == CODES:
        return cue_groups("activity") + cue_groups("rationale")
    text = (resources.files("collabmap.analyse") / "data" / "cues.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    groups = data["tasks"].get(task, {})
    return tuple(
        CueGroup(task, name, tuple(re.compile(p, re.IGNORECASE) for p in patterns))
        for name, patterns in groups.items()
    )


class CueFeatures(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """Counts of each cue group's matches (log-scaled), as a sparse matrix."""

    def __init__(self, task: str = "activity") -> None:
        self.task = task

    def fit(self, texts: Any, labels: Any = None) -> CueFeatures:
        self.groups_ = cue_groups(self.task)
        return self

    def transform(self, texts: Any) -> Any:
        rows = [[np.log1p(len(group.matches(text))) for group in self.groups_] for text in texts]
        return sparse.csr_matrix(np.asarray(rows, dtype=np.float64).reshape(len(rows), -1))

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        return np.asarray([f"cue:{group.name}" for group in self.groups_], dtype=object)
