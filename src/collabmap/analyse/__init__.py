"""Reading prose: what kind of activity, partnership or rationale a passage describes.

``analyse(task, texts)`` answers with a label, calibrated scores and the sentences and phrases
that decided it; ``evaluate_predictions`` measures answers against gold labels. The models
are trained on examples written for training (``data/training``) and the framework's cues
(``data/cues.yaml``); nothing is downloaded and nothing leaves the machine.
"""

from collabmap.analyse._service import analyse, classifier, train
from collabmap.analyse._training import (
    CODES,
    NOT_A_CODE,
    TASKS,
    Example,
    task_labels,
    training_examples,
)
from collabmap.analyse.evaluate import Evaluation, evaluate_predictions
from collabmap.analyse.model import Answer, PassageClassifier

__all__ = [
    "CODES",
    "NOT_A_CODE",
    "TASKS",
    "Answer",
    "Evaluation",
    "Example",
    "PassageClassifier",
    "analyse",
    "classifier",
    "evaluate_predictions",
    "task_labels",
    "train",
    "training_examples",
]
