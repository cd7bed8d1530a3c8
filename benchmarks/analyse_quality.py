"""Quality of the text models: cross-validated on the training examples, then on labelled sets
the models never learn from.

- Cross-validation (5 folds, stratified, fixed seed) estimates how the models do on passages
  they were not trained on, written in the same way as the training examples.
- `benchmarks/data/analyse-validation/` holds passages written separately, for choosing between
  model variants, never trained on: `TASK.jsonl`, and `hard-TASK.jsonl`, whose passages avoid
  each label's tell-tale words (the label follows only from who initiates, decides and
  delivers), a third of them first-person interview answers.
- A gold folder such as `../shared/dev-set` (real cases paraphrased from public sources) is the
  honest check: the models are never tuned to it.

Run (a few minutes):

    .venv/bin/python benchmarks/analyse_quality.py [--gold-dir ../shared/dev-set]
        [--meaning-weight W]

`--meaning-weight 0` measures the models without their passage-meaning features (an ablation).
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
    evaluate_predictions,
    task_labels,
    training_examples,
)

HERE = Path(__file__).resolve().parent
GOLD_FILES = {
    "activity": "activities.jsonl",
    "partnership": "partnerships.jsonl",
    "rationale": "rationales.jsonl",
}


def _figures(model: PassageClassifier, task: str, path: Path) -> dict[str, object]:
    gold = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    answers = model.answer([g["text"] for g in gold], evidence=False)
    evaluation = evaluate_predictions(
        task,
        [g["label"] for g in gold],
        [a.label for a in answers],
        [a.scores[a.label] for a in answers],
        task_labels(task),
    )
    return {
        "file": str(path),
        "n": evaluation.n,
        "macro_f1": evaluation.macro_f1,
        "macro_f1_ci95": list(evaluation.macro_f1_ci),
        "accuracy": evaluation.accuracy,
        "kappa": evaluation.kappa,
        "calibration_error": evaluation.calibration_error,
        "wrong": [
            {"id": g.get("id"), "gold": g["label"], "answer": a.label}
            for g, a in zip(gold, answers, strict=True)
            if a.label != g["label"]
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold-dir", type=Path, default=HERE.parents[1] / "shared" / "dev-set")
    parser.add_argument("--validation-dir", type=Path, default=HERE / "data" / "analyse-validation")
    parser.add_argument("--meaning-weight", type=float, default=None)
    args = parser.parse_args()
    settings = {} if args.meaning_weight is None else {"meaning_weight": args.meaning_weight}
    report: dict[str, object] = {}
    for task in ("activity", "partnership", "rationale"):
        examples = training_examples(task)
        texts, labels = [e.text for e in examples], [e.label for e in examples]
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        predicted = cross_val_predict(
            PassageClassifier(task=task, **settings), texts, labels, cv=folds
        )
        entry: dict[str, object] = {
            "training_examples": len(examples),
            "cross_validated_macro_f1": round(
                float(f1_score(labels, predicted, average="macro")), 3
            ),
        }
        model = PassageClassifier(task=task, **settings).fit(texts, labels)
        for key, name in (
            ("validation", f"{task}.jsonl"),
            ("hard_validation", f"hard-{task}.jsonl"),
        ):
            if (args.validation_dir / name).is_file():
                entry[key] = _figures(model, task, args.validation_dir / name)
        gold = args.gold_dir / GOLD_FILES[task]
        if gold.is_file():
            entry["gold"] = _figures(model, task, gold)
        report[task] = entry
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
