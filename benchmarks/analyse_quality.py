"""Quality of the text models: cross-validated on the training examples, and on a gold file.

Cross-validation (5 folds, stratified, fixed seed) estimates how the models do on passages
they were not trained on, written in the same way as the training examples. The figures on a
gold file (such as shared/dev-set) are the honest check on real cases: the models are never
tuned to it. Run:

    .venv/bin/python benchmarks/analyse_quality.py [--gold-dir ../shared/dev-set]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.metrics import f1_score  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # type: ignore[import-untyped]

from collabmap.analyse import (
    PassageClassifier,
    analyse,
    evaluate_predictions,
    task_labels,
    training_examples,
)

GOLD_FILES = {
    "activity": "activities.jsonl",
    "partnership": "partnerships.jsonl",
    "rationale": "rationales.jsonl",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gold-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "dev-set"
    )
    args = parser.parse_args()
    report: dict[str, object] = {}
    for task in ("activity", "partnership", "rationale"):
        examples = training_examples(task)
        texts, labels = [e.text for e in examples], [e.label for e in examples]
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        predicted = cross_val_predict(PassageClassifier(task=task), texts, labels, cv=folds)
        entry: dict[str, object] = {
            "training_examples": len(examples),
            "cross_validated_macro_f1": round(
                float(f1_score(labels, predicted, average="macro")), 3
            ),
        }
        gold_path = args.gold_dir / GOLD_FILES[task]
        if gold_path.is_file():
            gold = [json.loads(line) for line in gold_path.read_text().splitlines() if line.strip()]
            answers = analyse(task, [g["text"] for g in gold], evidence=False)
            evaluation = evaluate_predictions(
                task,
                [g["label"] for g in gold],
                [a.label for a in answers],
                [a.scores[a.label] for a in answers],
                task_labels(task),
            )
            entry["gold"] = {
                "file": str(gold_path),
                "n": evaluation.n,
                "macro_f1": evaluation.macro_f1,
                "macro_f1_ci95": list(evaluation.macro_f1_ci),
                "accuracy": evaluation.accuracy,
                "kappa": evaluation.kappa,
                "calibration_error": evaluation.calibration_error,
            }
        report[task] = entry
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
