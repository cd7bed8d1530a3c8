"""Whether each stated rationale says *how* collaboration will achieve it.

The article found rationales for collaboration were often held as a general belief in better
impact and value, with no specific justification. A rationale counts as justified when the
profile records a mechanism of at least the framework's minimum number of words.
"""

from __future__ import annotations

from collabmap.classify._results import RationaleResult
from collabmap.framework import Framework
from collabmap.profile import StatedRationale

__all__ = ["classify_rationale"]


def classify_rationale(rationale: StatedRationale, framework: Framework) -> RationaleResult:
    """Check one rationale for a stated mechanism."""
    concept = next(r for r in framework.rationales if r.id == rationale.code)
    minimum = framework.classification.min_mechanism_words
    words = len((rationale.mechanism or "").split())
    justified = words >= minimum
    label = f"\u2018{concept.label}\u2019"
    reasons: list[str] = []
    if justified:
        mechanism = (rationale.mechanism or "").rstrip(". ")
        reasons.append(f"A mechanism is stated for {label}: \u201c{mechanism}\u201d.")
    elif words:
        reasons.append(
            f"The mechanism given for {label} is too short to say how it works "
            f"({words} words; at least {minimum} expected)."
        )
    elif concept.kind == "collaboration":
        reasons.append(
            f"No mechanism is stated for {label}: it is held as a general belief that "
            "collaboration delivers better impact and value."
        )
    else:
        reasons.append(
            f"No mechanism is stated for {label}: the profile does not say how co-creation "
            "is expected to achieve it."
        )
    if concept.general_belief and not justified:
        reasons.append("The article found collaboration was often justified only in this way.")
    return RationaleResult(
        code=rationale.code,
        kind=concept.kind,
        justified=justified,
        general_belief=not justified,
        reasons=reasons,
        statement=rationale.statement,
        mechanism=rationale.mechanism,
    )
