"""Crisp-set truth tables: which configurations of conditions were observed, and with what.

Each observed configuration becomes a row with its cases, how many of them show the outcome
and the row's raw consistency (cases with the outcome / cases in the row). The row's outcome
code follows R ``QCA``'s ``truthTable()`` two-cutoff rule (Dusa, ``man/truthTable.Rd``) with
``ic1`` = ``consistency_cutoff`` and ``ic0`` just above zero:

* ``1`` — consistency ≥ ``consistency_cutoff`` (and the row has at least ``frequency_cutoff``
  cases);
* ``"C"`` — a *contradictory configuration* in the sense of Rihoux & De Meur (2009, csQCA):
  some of its cases show the outcome and some do not (0 < consistency), but too few to reach
  the cutoff;
* ``0`` — no case shows the outcome, or the row has fewer than ``frequency_cutoff`` cases.

Two deliberate differences from R, both documented on the row: a row that reaches the cutoff
with consistency below 1 is coded 1 but still flagged ``contradictory`` (so mixed rows are
never hidden), and a row under the frequency cutoff is coded 0 where R makes it a remainder —
the conservative solution uses neither, so both give the same solution.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from collabmap.compare._plain import plain_dict
from collabmap.errors import InvalidInput

__all__ = ["ExcludedCase", "OutcomeCode", "TruthTable", "TruthTableRow", "truth_table"]

OutcomeCode = Literal[0, 1, "C"]


def literal(condition: str, value: int) -> str:
    """One condition in readable Boolean notation: ``DEV`` if present, ``~DEV`` if absent."""
    name = condition.upper()
    return name if value else f"~{name}"


def conjunction(conditions: Sequence[str], values: Sequence[int | None]) -> str:
    """A configuration or implicant as ``A*~B*C`` (``None`` leaves a condition out)."""
    parts = [literal(c, v) for c, v in zip(conditions, values, strict=True) if v is not None]
    return "*".join(parts) if parts else "1"


@dataclass(frozen=True, slots=True)
class ExcludedCase:
    """A case left out of the truth table, and why (so nobody wonders where it went)."""

    case: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return plain_dict(self)


@dataclass(frozen=True, slots=True)
class TruthTableRow:
    """One observed configuration.

    ``number`` is R QCA's row number: 1 + the configuration read as a binary number with the
    first condition most significant, so rows can be checked against R output directly.
    """

    number: int
    configuration: tuple[int, ...]
    expression: str
    cases: tuple[str, ...]
    cases_with_outcome: tuple[str, ...]
    consistency: float
    code: OutcomeCode
    contradictory: bool

    @property
    def n(self) -> int:
        return len(self.cases)

    @property
    def n_outcome(self) -> int:
        return len(self.cases_with_outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "configuration": list(self.configuration),
            "expression": self.expression,
            "cases": list(self.cases),
            "cases_with_outcome": list(self.cases_with_outcome),
            "n": self.n,
            "n_outcome": self.n_outcome,
            "consistency": self.consistency,
            "code": self.code,
            "contradictory": self.contradictory,
        }


@dataclass(frozen=True, slots=True)
class TruthTable:
    """The observed rows (sorted by ``number``), the count of unobserved ones, and notes."""

    conditions: tuple[str, ...]
    outcome: str
    rows: tuple[TruthTableRow, ...]
    remainders: int
    excluded: tuple[ExcludedCase, ...]
    consistency_cutoff: float
    frequency_cutoff: int
    notes: tuple[str, ...]

    @property
    def n_cases(self) -> int:
        """Cases in the table (excluded cases not counted)."""
        return sum(row.n for row in self.rows)

    @property
    def n_outcome(self) -> int:
        """Cases in the table that show the outcome."""
        return sum(row.n_outcome for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conditions": list(self.conditions),
            "outcome": self.outcome,
            "rows": [row.to_dict() for row in self.rows],
            "remainders": self.remainders,
            "excluded": [e.to_dict() for e in self.excluded],
            "consistency_cutoff": self.consistency_cutoff,
            "frequency_cutoff": self.frequency_cutoff,
            "n_cases": self.n_cases,
            "n_outcome": self.n_outcome,
            "notes": list(self.notes),
        }


def is_missing(value: object) -> bool:
    """Whether a value stands for "not recorded": ``None``, or NaN of any float type
    (Python's, or NumPy's and pandas' ``float32``/``float64``)."""
    if value is None:
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return math.isnan(float(value))
    return False


def _crisp(case: str, name: str, value: object) -> int | None:
    """A crisp membership, ``None`` when missing; anything else than 0/1 is refused."""
    if is_missing(value):
        return None
    if isinstance(value, np.bool_):  # NumPy's booleans, e.g. from a pandas comparison
        value = bool(value)
    if isinstance(value, numbers.Real) and value in (0, 1):
        return 1 if value else 0
    raise InvalidInput(
        f"case {case!r}: {name} is {value!r}, but crisp sets take only 0 or 1 "
        "(calibrate numeric values first)"
    )


def _check_arguments(
    conditions: Sequence[str], outcome: str, consistency_cutoff: float, frequency_cutoff: int
) -> None:
    if isinstance(conditions, str) or not conditions:
        raise InvalidInput("a truth table needs at least one condition (a list of names)")
    if len({c.upper() for c in conditions}) != len(conditions):
        raise InvalidInput(
            f"conditions are repeated (names are compared ignoring case): {list(conditions)}"
        )
    if outcome.upper() in {c.upper() for c in conditions}:
        raise InvalidInput(f"the outcome {outcome!r} cannot also be a condition")
    if not 0 < consistency_cutoff <= 1:
        raise InvalidInput(
            f"consistency_cutoff must be above 0 and at most 1, not {consistency_cutoff}"
        )
    if isinstance(frequency_cutoff, bool) or not isinstance(frequency_cutoff, int):
        raise InvalidInput(f"frequency_cutoff must be a whole number, not {frequency_cutoff!r}")
    if frequency_cutoff < 1:
        raise InvalidInput(f"frequency_cutoff must be at least 1, not {frequency_cutoff}")


def _code(n: int, n_outcome: int, consistency_cutoff: float, frequency_cutoff: int) -> OutcomeCode:
    if n < frequency_cutoff or n_outcome == 0:
        return 0
    if n_outcome / n >= consistency_cutoff:
        return 1
    return "C"


def truth_table(
    cases: Mapping[str, Mapping[str, int | None]],
    conditions: Sequence[str],
    outcome: str,
    *,
    consistency_cutoff: float = 0.8,
    frequency_cutoff: int = 1,
) -> TruthTable:
    """Build the crisp-set truth table of ``cases`` (case id → set name → 0/1).

    A case with no value (absent key, ``None`` or NaN) for a chosen condition or the outcome
    is left out and listed in ``excluded`` with the reason; any other value than 0 or 1 is an
    error, because it means the data were not calibrated.
    """
    _check_arguments(conditions, outcome, consistency_cutoff, frequency_cutoff)
    names = tuple(conditions)
    groups: dict[tuple[int, ...], tuple[list[str], list[str]]] = {}
    excluded: list[ExcludedCase] = []
    for case in sorted(cases):
        crisp = {name: _crisp(case, name, cases[case].get(name)) for name in (*names, outcome)}
        missing = [name for name, value in crisp.items() if value is None]
        if missing:
            excluded.append(ExcludedCase(case, "no value for " + ", ".join(missing)))
            continue
        config = tuple(int(crisp[name] or 0) for name in names)
        members, with_outcome = groups.setdefault(config, ([], []))
        members.append(case)
        if crisp[outcome]:
            with_outcome.append(case)
    rows = []
    for config, (members, with_outcome) in groups.items():
        consistency = len(with_outcome) / len(members)
        rows.append(
            TruthTableRow(
                number=1 + int("".join(map(str, config)), 2),
                configuration=config,
                expression=conjunction(names, config),
                cases=tuple(members),
                cases_with_outcome=tuple(with_outcome),
                consistency=consistency,
                code=_code(len(members), len(with_outcome), consistency_cutoff, frequency_cutoff),
                contradictory=0 < consistency < 1,
            )
        )
    rows.sort(key=lambda row: row.number)
    table = TruthTable(
        conditions=names,
        outcome=outcome,
        rows=tuple(rows),
        remainders=2 ** len(names) - len(rows),
        excluded=tuple(excluded),
        consistency_cutoff=consistency_cutoff,
        frequency_cutoff=frequency_cutoff,
        notes=(),
    )
    return replace(table, notes=_notes(table))


def _notes(table: TruthTable) -> tuple[str, ...]:
    """Plain warnings about what this table can and cannot show."""
    notes: list[str] = []
    outcome = table.outcome.upper()
    if table.excluded:
        notes.append(
            f"{len(table.excluded)} case(s) left out because a value is missing (see 'excluded')."
        )
    if table.n_cases == 0:
        notes.append(
            "No case has a value for every condition and the outcome: the table is empty."
            if table.excluded
            else "There are no cases: the table is empty."
        )
        return tuple(notes)
    if table.n_cases == 1:
        notes.append("Only one case: the table describes it but cannot compare it with others.")
    elif len(table.rows) == 1:
        notes.append(
            "Every case has the same configuration, so the table cannot show any condition "
            "making a difference."
        )
    if table.n_outcome == 0:
        notes.append(f"No case shows {outcome}: there is nothing to explain.")
    elif table.n_outcome == table.n_cases and table.n_cases > 1:
        notes.append(
            f"Every case shows {outcome}: without cases lacking it, no condition can be shown "
            "to make a difference."
        )
    mixed = [row for row in table.rows if row.contradictory]
    if mixed:
        notes.append(
            f"{len(mixed)} row(s) are contradictory (their cases differ on {outcome}); "
            "csQCA practice is to resolve these (another condition, recalibration or a closer "
            "look at the cases) before trusting the solution."
        )
    rare = [row for row in table.rows if row.n < table.frequency_cutoff]
    if rare:
        notes.append(
            f"{len(rare)} row(s) have fewer than {table.frequency_cutoff} case(s) and are coded 0."
        )
    return tuple(notes)
