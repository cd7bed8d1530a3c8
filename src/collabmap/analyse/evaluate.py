"""Measuring the text models: accuracy, macro-F1, per-label precision and recall, the
confusion matrix, Cohen's kappa, a bootstrap 95 % interval, and calibration.

A bootstrap interval says nothing when every case is right (each resample is right too), so the
exact (Clopper–Pearson) binomial interval for accuracy is given as well: ten cases out of ten
could still come from a model right only 69 % of the time.

ThemeFinder reports F1 against human coders with bootstrap intervals; the same here, so
figures come with their uncertainty. Calibration is the expected calibration error: the
average gap between a score and how often answers with that score are right.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import binomtest  # type: ignore[import-untyped]
from sklearn.metrics import (  # type: ignore[import-untyped]
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from collabmap.errors import InvalidInput

__all__ = ["Evaluation", "LabelScore", "evaluate_predictions"]


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    task: str
    n: int
    accuracy: float
    macro_f1: float
    kappa: float
    accuracy_ci: tuple[float, float]
    macro_f1_ci: tuple[float, float]
    accuracy_exact_ci: tuple[float, float]
    calibration_error: float
    labels: tuple[str, ...]
    per_label: tuple[LabelScore, ...]
    confusion: tuple[tuple[int, ...], ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "cohen_kappa": self.kappa,
            "accuracy_ci95": list(self.accuracy_ci),
            "macro_f1_ci95": list(self.macro_f1_ci),
            "accuracy_exact_ci95": list(self.accuracy_exact_ci),
            "expected_calibration_error": self.calibration_error,
            "per_label": [
                {
                    "label": s.label,
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "support": s.support,
                }
                for s in self.per_label
            ],
            "confusion_matrix": {
                "labels": list(self.labels),
                "rows_gold_columns_predicted": [list(r) for r in self.confusion],
            },
            "notes": list(self.notes),
        }


def _calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(total)


def evaluate_predictions(
    task: str,
    gold: Sequence[str],
    predicted: Sequence[str],
    confidence: Sequence[float],
    labels: Sequence[str],
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> Evaluation:
    """All the figures for one task's predictions against gold labels.

    ``gold``, ``predicted`` and ``confidence`` give one entry per case, in the same order;
    with no cases, or lists of different lengths, :class:`InvalidInput` says so.
    """
    if not len(gold):
        raise InvalidInput(f"no cases to evaluate for the {task} task: give at least one")
    if not len(gold) == len(predicted) == len(confidence):
        raise InvalidInput(
            "give one gold label, one prediction and one confidence per case; got "
            f"{len(gold)} gold labels, {len(predicted)} predictions, {len(confidence)} confidences"
        )
    y_true, y_pred = np.asarray(gold), np.asarray(predicted)
    present = [label for label in labels if label in set(gold) | set(predicted)]
    macro = float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(labels), zero_division=0
    )
    rng = np.random.default_rng(seed)
    accuracies, macros = [], []
    for _ in range(resamples):
        pick = rng.integers(0, len(y_true), len(y_true))
        true, pred = y_true[pick], y_pred[pick]
        accuracies.append(accuracy_score(true, pred))
        # macro-F1 over the labels this resample holds, as for the whole sample: a label that
        # happened not to be drawn is not a label the model got wrong
        drawn = [label for label in labels if label in set(true) | set(pred)]
        macros.append(f1_score(true, pred, labels=drawn, average="macro", zero_division=0))
    right = int((y_true == y_pred).sum())
    exact = binomtest(right, len(y_true)).proportion_ci(0.95, method="exact")
    notes = []
    if right in (0, len(y_true)):
        notes.append(
            f"{'every' if right else 'no'} case is right, so the bootstrap intervals shrink to a"
            f" point; over {len(y_true)} cases the exact binomial 95% interval for accuracy is"
            f" {exact.low:.3f}–{exact.high:.3f}"
        )
    if len(y_true) < 30:
        notes.append(f"only {len(y_true)} cases: the intervals are wide")
    missing = [label for label in labels if label not in set(gold)]
    if missing:
        notes.append("no gold cases for: " + ", ".join(missing))
    correct = (y_true == y_pred).astype(float)
    return Evaluation(
        task=task,
        n=len(y_true),
        accuracy=round(float(accuracy_score(y_true, y_pred)), 4),
        macro_f1=round(macro, 4),
        kappa=round(float(cohen_kappa_score(y_true, y_pred)), 4) if len(set(gold)) > 1 else 0.0,
        accuracy_ci=(
            round(float(np.percentile(accuracies, 2.5)), 4),
            round(float(np.percentile(accuracies, 97.5)), 4),
        ),
        macro_f1_ci=(
            round(float(np.percentile(macros, 2.5)), 4),
            round(float(np.percentile(macros, 97.5)), 4),
        ),
        accuracy_exact_ci=(round(float(exact.low), 4), round(float(exact.high), 4)),
        calibration_error=round(
            _calibration_error(np.asarray(confidence, dtype=float), correct), 4
        ),
        labels=tuple(labels),
        per_label=tuple(
            LabelScore(label, round(float(p), 4), round(float(r), 4), round(float(f), 4), int(s))
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        ),
        confusion=tuple(
            tuple(int(v) for v in row)
            for row in confusion_matrix(y_true, y_pred, labels=list(labels))
        ),
        notes=tuple(notes),
    )
