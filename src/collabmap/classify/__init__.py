"""Explainable classification of a partnership profile: pure functions, no I/O.

``classify(profile)`` places the partnership among the four collaborative structures (with
scores, reasons and a hybrid flag), puts each activity in its category with the rhetoric
check, checks rationales for a stated mechanism, and raises the article's accountability
questions where the profile leaves them open.
"""

from __future__ import annotations

from collabmap.classify._results import (
    AccountabilityFlag,
    ActivityResult,
    AnsweredQuestion,
    Classification,
    RationaleResult,
    StructureResult,
    StructureSignal,
)
from collabmap.classify.accountability import accountability_flags
from collabmap.classify.activity import classify_activity
from collabmap.classify.rationale import classify_rationale
from collabmap.classify.structure import INSUFFICIENT, classify_structure
from collabmap.framework import Framework, default_framework
from collabmap.profile import Profile

__all__ = [
    "INSUFFICIENT",
    "AccountabilityFlag",
    "ActivityResult",
    "AnsweredQuestion",
    "Classification",
    "RationaleResult",
    "StructureResult",
    "StructureSignal",
    "accountability_flags",
    "classify",
    "classify_activity",
    "classify_rationale",
    "classify_structure",
]


def classify(profile: Profile, framework: Framework | None = None) -> Classification:
    """Classify one partnership profile against ``framework`` (the shipped one by default).

    The profile must have been checked against the same framework (``load_profile`` or
    ``parse_profile`` with that framework), so every value it uses is known.
    """
    fw = framework or default_framework()
    activities = [classify_activity(a, fw) for a in profile.activities]
    flags, answered = accountability_flags(profile, fw)
    return Classification(
        partnership=profile.name,
        structure=classify_structure(profile, fw),
        activities=activities,
        rationales=[classify_rationale(r, fw) for r in profile.rationales],
        accountability_flags=flags,
        accountability_answered=answered,
        reflective_questions=[q.question for q in fw.reflective_questions],
        framework={"id": fw.id, "version": fw.version},
    )
