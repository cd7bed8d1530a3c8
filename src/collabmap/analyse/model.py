"""A passage classifier that explains itself, on the scikit-learn estimator contract.

Words (1–2-grams), characters (3–5-grams within words), the framework's cue counts and the
passage's meaning (averaged static word vectors, so that other wording of the same fact counts
too) feed a logistic regression, calibrated by temperature scaling fitted on cross-validated
scores so that a score of 0.7 means about 70 % right. The evidence for an answer is the
sentences that push the linear model's score most towards the chosen label, with the cue
phrases in them that support it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]
from sklearn.base import BaseEstimator, ClassifierMixin  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]
from sklearn.utils.validation import check_is_fitted  # type: ignore[import-untyped]

from collabmap.analyse._embedding import PassageEmbedding
from collabmap.analyse._features import CueFeatures, cue_groups, split_sentences
from collabmap.analyse._training import CODES, TASKS
from collabmap.errors import InvalidInput

__all__ = ["Answer", "PassageClassifier"]

MAX_CHARS = 8_000
"""Longer passages are cut here (with a warning): the models were trained on paragraphs."""

_ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "in",
        "for",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "with",
        "on",
        "by",
        "that",
        "this",
        "it",
        "as",
        "at",
        "from",
        "or",
        "we",
        "our",
        "they",
        "their",
        "will",
        "which",
        "who",
        "has",
        "have",
        "not",
    ]
)


@dataclass
class Answer:
    """One passage's label, calibrated scores, the evidence and any warnings."""

    label: str
    scores: dict[str, float]
    evidence: list[str]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self, id: object = None) -> dict[str, Any]:
        data: dict[str, Any] = {"id": id} if id is not None else {}
        data.update(label=self.label, scores=self.scores, evidence=self.evidence)
        if self.warnings:
            data["warnings"] = self.warnings
        return data


class PassageClassifier(BaseEstimator, ClassifierMixin):  # type: ignore[misc]
    """Classify passages for one task (activity, partnership or rationale).

    Parameters
    ----------
    task : the task (``activity``, ``partnership``, ``rationale``, or ``codes`` for code
        suggestions), which chooses the cue groups.
    C : inverse regularisation strength of the logistic regression.
    calibration_folds : folds for fitting the calibration temperature (at most the smallest
        class).
    meaning_weight : weight of the passage-meaning block against the n-gram blocks (0 leaves
        it out).
    """

    def __init__(
        self,
        task: str = "activity",
        C: float = 4.0,
        calibration_folds: int = 5,
        meaning_weight: float = 5.0,
    ) -> None:
        self.task = task
        self.C = C
        self.calibration_folds = calibration_folds
        self.meaning_weight = meaning_weight

    def _validate_params(self) -> None:
        if self.task not in (*TASKS, CODES):
            raise InvalidInput(
                f"task must be one of {', '.join((*TASKS, CODES))}; got {self.task!r}"
            )
        if not self.C > 0:
            raise InvalidInput(f"C must be a positive number; got {self.C!r}")
        if int(self.calibration_folds) < 2:
            raise InvalidInput("calibration_folds must be at least 2")
        if not self.meaning_weight >= 0:
            raise InvalidInput(f"meaning_weight must be 0 or more; got {self.meaning_weight!r}")

    def _pipeline(self) -> _WeightedPipeline:
        meaning = [("meaning", PassageEmbedding())] if self.meaning_weight > 0 else []
        features = FeatureUnion(
            [
                (
                    "words",
                    TfidfVectorizer(
                        ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True
                    ),
                ),
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(3, 5),
                        sublinear_tf=True,
                        min_df=2,
                        lowercase=True,
                    ),
                ),
                ("cues", CueFeatures(self.task)),
                *meaning,
            ],
            transformer_weights={
                "words": 1.0,
                "chars": 1.0,
                "cues": 1.5,
                **{name: float(self.meaning_weight) for name, _ in meaning},
            },
        )
        base = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000)
        return _WeightedPipeline([("features", features), ("model", base)])

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
    ) -> PassageClassifier:
        self._validate_params()
        if len(texts) != len(labels) or not texts:
            raise InvalidInput("fit needs as many labels as texts, and at least one of each")
        counts = {label: list(labels).count(label) for label in set(labels)}
        folds = min(int(self.calibration_folds), min(counts.values()))
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        texts, labels = list(texts), list(labels)
        self.pipeline_ = self._pipeline().fit(texts, labels, sample_weight=weights)
        self.classes_ = np.asarray(self.pipeline_.classes_)
        self.temperature_ = 1.0
        if folds >= 2 and len(self.classes_) > 1:
            # temperature scaling: one temperature, fitted on out-of-fold scores, so that a
            # score of 0.7 is right about 70 % of the time on passages the model has not seen
            scores = cross_val_predict(
                self._pipeline(),
                texts,
                labels,
                method="decision_function",
                cv=StratifiedKFold(folds, shuffle=True, random_state=0),
                params={} if weights is None else {"sample_weight": weights},
            )
            truth = np.searchsorted(self.classes_, labels)
            self.temperature_ = float(
                minimize_scalar(
                    lambda t: (
                        -np.log(
                            _softmax(_columns(scores), t)[np.arange(len(truth)), truth] + 1e-12
                        ).mean()
                    ),
                    bounds=(0.05, 20.0),
                    method="bounded",
                ).x
            )
        self.calibrated_ = folds >= 2
        self.groups_ = cue_groups(self.task)
        return self

    def predict_proba(self, texts: Sequence[str]) -> Any:
        check_is_fitted(self, "pipeline_")
        return _softmax(_columns(self.pipeline_.decision_function(list(texts))), self.temperature_)

    def predict(self, texts: Sequence[str]) -> Any:
        probabilities = self.predict_proba(texts)  # raises NotFittedError first
        return self.classes_[np.argmax(probabilities, axis=1)]

    def answer(self, texts: Sequence[str], *, evidence: bool = True) -> list[Answer]:
        """Label, scores and evidence for each passage; odd input gets a low-confidence answer."""
        check_is_fitted(self, "pipeline_")
        prepared: list[str] = []
        notes: list[list[str]] = []
        for text in texts:
            warnings: list[str] = []
            clean = " ".join(str(text).split())
            if len(clean) > MAX_CHARS:
                clean = clean[:MAX_CHARS]
                warnings.append(f"the text was cut to its first {MAX_CHARS:,} characters")
            prepared.append(clean)
            notes.append(warnings)
        probabilities = self.predict_proba(prepared) if prepared else np.zeros((0, 0))
        answers = []
        labels: list[str] = []
        for index, text in enumerate(prepared):
            row = probabilities[index]
            warnings = notes[index]
            words = [w.strip(".,;:!?\"'()").lower() for w in text.split()]
            english = sum(1 for w in words if w in _ENGLISH)
            if not text.strip():
                warnings.append("the text is empty: the answer is a guess")
                row = np.full(len(self.classes_), 1 / len(self.classes_))
            elif len(words) < 3 or english / len(words) < 0.04:
                warnings.append(
                    "the text is very short or does not look like English prose: low confidence"
                )
                row = 0.25 * row + 0.75 / len(self.classes_)  # pull towards uniform: say unsure
            label = str(self.classes_[int(np.argmax(row))])
            labels.append(label)
            scores = {str(c): round(float(p), 4) for c, p in zip(self.classes_, row, strict=True)}
            answers.append(Answer(label, scores, [], warnings))
        if evidence:
            for answer, found in zip(answers, self._evidence(prepared, labels), strict=True):
                answer.evidence = found
        return answers

    def _evidence(self, texts: Sequence[str], labels: Sequence[str]) -> list[list[str]]:
        """For each passage, its sentences that push most towards the label, then the cue
        phrases in them.

        A sentence's push is its own feature vector dotted with the label's weights in the
        linear model — all sentences of all passages are scored in one batch.
        """
        model = self.pipeline_.named_steps["model"]
        features = self.pipeline_.named_steps["features"]
        classes = [str(c) for c in model.classes_]
        split = [split_sentences(text) if text.strip() else [] for text in texts]
        flat = [sentence for sentences in split for sentence in sentences]
        if not flat:
            return [[] for _ in texts]
        matrix = features.transform(flat)
        weights = model.coef_
        names = list(features.get_feature_names_out())
        cue_weight = {
            (row, name.split("cue:", 1)[1]): float(weights[row, index])
            for index, name in enumerate(names)
            if "cue:" in name
            for row in range(weights.shape[0])
        }
        found: list[list[str]] = []
        offset = 0
        for sentences, label in zip(split, labels, strict=True):
            rows = matrix[offset : offset + len(sentences)]
            offset += len(sentences)
            if not sentences:
                found.append([])
                continue
            if weights.shape[0] > 1:
                column, sign = classes.index(label), 1.0
            else:  # two labels share one row of weights: positive pushes towards the second
                column, sign = 0, 1.0 if label == classes[-1] else -1.0
            push = np.asarray(rows @ (sign * weights[column]).T).ravel()
            order = [int(i) for i in np.argsort(-push)[:2] if push[i] > 0] or [int(np.argmax(push))]
            chosen = [sentences[i] for i in sorted(order)]
            phrases: list[str] = []
            helpful = [g for g in self.groups_ if cue_weight.get((column, g.name), 0.0) * sign > 0]
            for sentence in chosen:
                for group in helpful:
                    for phrase in group.matches(sentence):
                        if phrase.lower() not in {p.lower() for p in phrases}:
                            phrases.append(phrase)
            found.append(chosen + phrases[:4])
        return found


class _WeightedPipeline(Pipeline):  # type: ignore[misc]
    """A pipeline whose ``fit`` takes ``sample_weight`` for its final step (calibration
    passes weights by that name)."""

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None, **params: Any) -> Any:
        if sample_weight is not None:
            params[f"{self.steps[-1][0]}__sample_weight"] = sample_weight
        return super().fit(X, y, **params)


def _columns(scores: Any) -> Any:
    """Decision scores as one column per class (a two-class model gives one column)."""
    scores = np.asarray(scores, dtype=float)
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores


def _softmax(scores: Any, temperature: float) -> Any:
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)
