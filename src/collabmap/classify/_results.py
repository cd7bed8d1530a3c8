"""Plain result records of a classification; ``to_dict`` gives the JSON contract's shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "INSUFFICIENT",
    "AccountabilityFlag",
    "ActivityResult",
    "AnsweredQuestion",
    "Classification",
    "RationaleResult",
    "StructureResult",
    "StructureSignal",
]

INSUFFICIENT = "insufficient_information"
"""The structure label when too few key answers are given to place the partnership."""


@dataclass(frozen=True, slots=True)
class StructureSignal:
    """One answer that met one of a structure's signals."""

    answer: str
    value: str
    structure: str
    weight: float
    because: str


@dataclass(frozen=True, slots=True)
class StructureResult:
    """Which of the four types (or ``other``) a partnership is, how well each fits, and why.

    ``scores`` are fits between 0 and 1: the share of a type's positive signal weight that the
    answers meet (minus what counts against it); ``other`` is one minus the best fit.
    """

    label: str
    scores: dict[str, float]
    hybrid: bool
    reasons: list[str]
    runner_up: str | None = None
    missing: list[str] = field(default_factory=list)
    signals: list[StructureSignal] = field(default_factory=list)
    governance_mode: str | None = None
    cgr_type: str | None = None


@dataclass(frozen=True, slots=True)
class ActivityResult:
    """An activity's category by the framework's rules, with the rhetoric check."""

    name: str
    category: str
    family: str
    claimed: str | None
    rhetoric_mismatch: bool
    reasons: list[str]
    joint_phases: list[str] = field(default_factory=list)
    iap2_level: str | None = None
    called: str | None = None


@dataclass(frozen=True, slots=True)
class RationaleResult:
    """A stated rationale and whether it comes with a mechanism (is justified)."""

    code: str
    kind: str
    justified: bool
    general_belief: bool
    reasons: list[str]
    statement: str | None = None
    mechanism: str | None = None


@dataclass(frozen=True, slots=True)
class AccountabilityFlag:
    """An accountability question the profile leaves unanswered, and why it arises."""

    question: str
    reason: str
    concern: str
    activity: str | None = None


@dataclass(frozen=True, slots=True)
class AnsweredQuestion:
    """An accountability question the profile does answer, and with which arrangement."""

    concern: str
    activity: str | None
    mechanism: str


@dataclass(frozen=True, slots=True)
class Classification:
    """Everything collabmap concludes about one partnership profile."""

    partnership: str
    structure: StructureResult
    activities: list[ActivityResult]
    rationales: list[RationaleResult]
    accountability_flags: list[AccountabilityFlag]
    accountability_answered: list[AnsweredQuestion] = field(default_factory=list)
    reflective_questions: list[str] = field(default_factory=list)
    framework: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``collabmap classify --json`` (see DESIGN.md)."""
        return asdict(self)
