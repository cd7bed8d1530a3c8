"""The labelled examples the text models learn from, written for training in our own words.

They live in ``data/training/<task>.jsonl``, each marked ``"origin": "written-for-training"``;
``dev-set`` cases are never among them, so evaluations on the dev set stay honest. A project's
own accepted codings can be added (active learning: the models learn the team's judgement).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from collabmap.errors import InvalidFramework, Issue
from collabmap.framework import Framework, default_framework

__all__ = [
    "CODES",
    "NOT_A_CODE",
    "TASKS",
    "Example",
    "task_labels",
    "training_examples",
    "training_files",
]

TASKS = ("activity", "partnership", "rationale")

CODES = "codes"
"""The task behind code suggestions: one model over every activity and rationale label
(``activity:co_design``, ``rationale:share_responsibility`` …) plus :data:`NOT_A_CODE`.

Why one model and not the activity and rationale models side by side: each of those answers
"which label, given that this is an activity (or a rationale)?", so their scores cannot be
compared, and a sentence about a lease read by the rationale model still got a confident
rationale. One model scores every code against every other, and against neither."""

NOT_A_CODE = "none"
"""The codes model's label for text that is neither an activity nor a rationale: it learns it
from the partnership examples, which describe how partnerships are organised."""
_CODE_TASKS = ("activity", "rationale")


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    weight: float = 1.0


def task_labels(task: str, framework: Framework | None = None) -> tuple[str, ...]:
    """The labels of a task, in the framework's order (the contract in DESIGN.md)."""
    fw = framework or default_framework()
    if task == "activity":
        return tuple(c.id for c in sorted(fw.activity_categories, key=lambda c: c.priority))
    if task == "partnership":
        return tuple(s.id for s in fw.structures)
    if task == "rationale":
        return tuple(r.id for r in fw.rationales if r.kind == "collaboration")
    if task == CODES:
        coded = (f"{t}:{label}" for t in _CODE_TASKS for label in task_labels(t, fw))
        return (*coded, NOT_A_CODE)
    raise ValueError(task)


def training_examples(task: str) -> list[Example]:
    """The shipped training examples of a task (for :data:`CODES`, the activity and rationale
    examples under their codes and the partnership examples as :data:`NOT_A_CODE`)."""
    if task == CODES:
        coded = [
            Example(e.text, f"{t}:{e.label}", e.weight)
            for t in _CODE_TASKS
            for e in training_examples(t)
        ]
        return coded + [Example(e.text, NOT_A_CODE) for e in training_examples("partnership")]
    labels = set(task_labels(task))
    examples = []
    for path in training_files(task):
        examples.extend(_read(path, task, labels))
    return examples


def training_files(task: str) -> list[Traversable]:
    """The task's example files: ``<task>.jsonl`` and any ``<task>_*.jsonl`` beside it."""
    if task == CODES:
        return [f for t in (*_CODE_TASKS, "partnership") for f in training_files(t)]
    folder = resources.files("collabmap.analyse") / "data" / "training"
    return sorted(
        (
            f
            for f in folder.iterdir()
            if f.name == f"{task}.jsonl"
            or (f.name.startswith(f"{task}_") and f.name.endswith(".jsonl"))
        ),
        key=lambda f: f.name,
    )


def _read(path: Traversable, task: str, labels: set[str]) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if line.strip():
            item = json.loads(line)
            if item["label"] not in labels:  # a framework and its examples must agree
                raise InvalidFramework(
                    f"training examples {path.name}",
                    [
                        Issue(
                            f"line {number}",
                            f"label {item['label']!r} is not one of {', '.join(sorted(labels))}",
                        )
                    ],
                )
            examples.append(Example(item["text"], item["label"]))
    return examples
