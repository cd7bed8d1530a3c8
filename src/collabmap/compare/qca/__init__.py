"""Crisp-set Qualitative Comparative Analysis (csQCA) of partnerships.

Three steps, each usable on its own: *calibrate* (``catalogue()`` conditions read off a
profile and its classification, or ``calibrate()`` for a number with a threshold), build the
*truth table* (``truth_table``), and *minimise* it to the conservative solution
(``minimise``). ``qca_for_partnerships`` runs all three on a set of profiles.

Checked against the published Lipset (1959) csQCA example of Rihoux & De Meur (2009) as
shipped and documented by the R ``QCA`` package (see ``tests/compare/test_qca.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from collabmap.classify import classify
from collabmap.compare.qca._calibrate import Condition, Measure, calibrate, catalogue
from collabmap.compare.qca._minimise import Solution, SolutionTerm, minimise
from collabmap.compare.qca._table import (
    ExcludedCase,
    OutcomeCode,
    TruthTable,
    TruthTableRow,
    truth_table,
)
from collabmap.errors import UnknownName
from collabmap.framework import Framework, default_framework
from collabmap.profile import Profile

__all__ = [
    "CONDITIONS_LISTED",
    "Condition",
    "ExcludedCase",
    "Measure",
    "OutcomeCode",
    "QCAResult",
    "Solution",
    "SolutionTerm",
    "TruthTable",
    "TruthTableRow",
    "calibrate",
    "catalogue",
    "minimise",
    "qca_for_partnerships",
    "truth_table",
]


@dataclass(frozen=True, slots=True)
class QCAResult:
    """A whole csQCA run: the sets used, each case's memberships, the table and the solution."""

    conditions: tuple[Condition, ...]
    outcome: Condition
    memberships: dict[str, dict[str, int | None]]
    table: TruthTable
    solution: Solution

    def to_dict(self) -> dict[str, Any]:
        return {
            "conditions": [c.to_dict() for c in self.conditions],
            "outcome": self.outcome.to_dict(),
            "memberships": {case: dict(values) for case, values in self.memberships.items()},
            "truth_table": self.table.to_dict(),
            "solution": self.solution.to_dict(),
        }


CONDITIONS_LISTED = "docs/compare-and-report.md (QCA) lists them"
"""Where people find every condition's name, for a refusal of an unknown one."""


def _resolve(item: str | Condition, known: Mapping[str, Condition]) -> Condition:
    if isinstance(item, Condition):
        return item
    if item not in known:
        raise UnknownName("QCA condition", item, sorted(known), listing=CONDITIONS_LISTED)
    return known[item]


def qca_for_partnerships(
    profiles: Mapping[str, Profile],
    conditions: Sequence[str | Condition],
    outcome: str | Condition,
    *,
    consistency_cutoff: float = 0.8,
    frequency_cutoff: int = 1,
    framework: Framework | None = None,
) -> QCAResult:
    """Classify each profile, calibrate it with the catalogue and run csQCA.

    ``profiles`` maps a case id (e.g. the example's name) to its profile; conditions and the
    outcome are catalogue ids or custom :class:`Condition` objects. A case whose membership
    in a chosen set cannot be told is excluded with the rule that could not be applied.
    """
    fw = framework or default_framework()
    known = catalogue(fw)
    chosen = tuple(_resolve(c, known) for c in conditions)
    target = _resolve(outcome, known)
    memberships: dict[str, dict[str, int | None]] = {}
    for case, profile in profiles.items():
        result = classify(profile, fw)
        memberships[case] = {c.id: c.membership(profile, result) for c in (*chosen, target)}
    table = truth_table(
        memberships,
        [c.id for c in chosen],
        target.id,
        consistency_cutoff=consistency_cutoff,
        frequency_cutoff=frequency_cutoff,
    )
    by_id = {c.id: c for c in (*chosen, target)}
    excluded = tuple(
        ExcludedCase(
            e.case,
            "cannot tell "
            + "; ".join(
                f"{name} ({by_id[name].rule})"
                for name, value in memberships[e.case].items()
                if value is None
            ),
        )
        for e in table.excluded
    )
    table = replace(table, excluded=excluded)
    return QCAResult(chosen, target, memberships, table, minimise(table))
