"""The conservative (complex) csQCA solution: Quine–McCluskey on the rows coded 1.

Only the positive rows are minimised; remainders (unobserved configurations), contradictory
rows and negative rows are all left out, so the solution claims nothing about configurations
nobody observed. This is R ``QCA``'s ``minimize(tt)`` with its default ``include = ""``.

Parameters of fit are the crisp-set ones (Ragin 2006; Rihoux & Ragin 2009), counted over the
cases in the table: for a term X and the outcome Y, consistency = |X∩Y| / |X|, raw coverage =
|X∩Y| / |Y|, unique coverage = the share of Y that X covers and no other term of the solution
does; for the solution S (the union of its terms) consistency = |S∩Y| / |S| and coverage =
|S∩Y| / |Y|. A ratio with an empty denominator is ``None``: it is undefined, not zero.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from collabmap.compare._plain import plain_dict
from collabmap.compare.qca._table import TruthTable, TruthTableRow, conjunction

__all__ = ["Solution", "SolutionTerm", "minimise"]

Implicant = tuple[int | None, ...]
"""A conjunction over the table's conditions: 1 present, 0 absent, ``None`` left out."""

_SEARCH_BUDGET = 200_000
"""Covers tried in the exact prime-implicant chart search before falling back to greedy."""


@dataclass(frozen=True, slots=True)
class SolutionTerm:
    """One prime implicant of the solution, with the rows and cases it covers."""

    expression: str
    implicant: Implicant
    rows: tuple[int, ...]
    cases: tuple[str, ...]
    cases_with_outcome: tuple[str, ...]
    consistency: float
    raw_coverage: float
    unique_coverage: float

    def to_dict(self) -> dict[str, Any]:
        return plain_dict(self)


@dataclass(frozen=True, slots=True)
class Solution:
    """The minimised expression for the outcome, each term's fit, and what to watch for.

    ``expression`` is empty when no row is coded 1. ``alternatives`` holds other models with
    as few terms (model ambiguity, R's M2, M3 …); ``prime_implicants`` all prime implicants.
    """

    outcome: str
    conditions: tuple[str, ...]
    expression: str
    terms: tuple[SolutionTerm, ...]
    consistency: float | None
    coverage: float | None
    prime_implicants: tuple[str, ...]
    alternatives: tuple[str, ...]
    notes: tuple[str, ...]
    kind: str = "conservative"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **plain_dict(self)}  # kind first, where JSON output has it


def covers(implicant: Implicant, configuration: Sequence[int]) -> bool:
    """Whether a configuration lies inside the implicant."""
    return all(v is None or v == c for v, c in zip(implicant, configuration, strict=True))


def _merge(a: Implicant, b: Implicant) -> Implicant | None:
    """Two implicants differing in exactly one specified condition, merged (else ``None``)."""
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) != 1 or a[differ[0]] is None or b[differ[0]] is None:
        return None
    i = differ[0]
    return (*a[:i], None, *a[i + 1 :])


def prime_implicants(minterms: Iterable[Sequence[int]]) -> set[Implicant]:
    """Quine–McCluskey: merge implicants until none merge; the unmerged ones are prime."""
    current: set[Implicant] = {tuple(m) for m in minterms}
    primes: set[Implicant] = set()
    while current:
        merged: set[Implicant] = set()
        used: set[Implicant] = set()
        ordered = sorted(current, key=_sort_key)
        for a, b in itertools.combinations(ordered, 2):
            joined = _merge(a, b)
            if joined is not None:
                merged.add(joined)
                used.update((a, b))
        primes |= current - used
        current = merged
    return primes


def _sort_key(implicant: Implicant) -> tuple[int, tuple[int, ...]]:
    """Fewer literals first, then earlier conditions first, a condition before its negation.

    This reproduces the term order R QCA prints for the Lipset examples.
    """
    order = tuple(2 if v is None else 1 - v for v in implicant)
    return sum(v is not None for v in implicant), order


def _model_key(model: Sequence[Implicant]) -> tuple[int, list[tuple[int, tuple[int, ...]]]]:
    return sum(_sort_key(p)[0] for p in model), sorted(_sort_key(p) for p in model)


def _minimal_covers(
    primes: set[Implicant], minterms: Sequence[tuple[int, ...]], budget: int = _SEARCH_BUDGET
) -> tuple[list[list[Implicant]], bool]:
    """All covers with the fewest prime implicants (exact), or one greedy cover if too many.

    Essential prime implicants (the only cover of some minterm) belong to every cover; the
    rest is searched by increasing size. The flag says whether the search was exact.
    """
    essential = {
        next(iter(found))
        for m in minterms
        if len(found := {p for p in primes if covers(p, m)}) == 1
    }
    left = [m for m in minterms if not any(covers(p, m) for p in essential)]
    if not left:
        return [sorted(essential, key=_sort_key)], True
    candidates = sorted(
        (p for p in primes - essential if any(covers(p, m) for m in left)), key=_sort_key
    )
    tried = 0
    for size in range(1, len(candidates) + 1):
        found_models = []
        for combo in itertools.combinations(candidates, size):
            tried += 1
            if tried > budget:
                return [_greedy(essential, candidates, left)], False
            if all(any(covers(p, m) for p in combo) for m in left):
                found_models.append(sorted([*essential, *combo], key=_sort_key))
        if found_models:
            return sorted(found_models, key=_model_key), True
    raise AssertionError("prime implicants always cover their minterms")  # pragma: no cover


def _greedy(
    essential: set[Implicant], candidates: list[Implicant], left: Sequence[tuple[int, ...]]
) -> list[Implicant]:
    chosen = list(essential)
    while left:
        best = max(candidates, key=lambda p: sum(covers(p, m) for m in left))
        chosen.append(best)
        left = [m for m in left if not covers(best, m)]
    return sorted(chosen, key=_sort_key)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _cases(rows: Iterable[TruthTableRow]) -> tuple[set[str], set[str]]:
    members: set[str] = set()
    with_outcome: set[str] = set()
    for row in rows:
        members.update(row.cases)
        with_outcome.update(row.cases_with_outcome)
    return members, with_outcome


def _terms(table: TruthTable, model: list[Implicant]) -> tuple[SolutionTerm, ...]:
    y = table.n_outcome
    covered = [[r for r in table.rows if covers(p, r.configuration)] for p in model]
    terms = []
    for i, (implicant, rows) in enumerate(zip(model, covered, strict=True)):
        x, xy = _cases(rows)
        others = set().union(*(_cases(c)[1] for j, c in enumerate(covered) if j != i))
        terms.append(
            SolutionTerm(
                expression=conjunction(table.conditions, implicant),
                implicant=implicant,
                rows=tuple(r.number for r in rows),
                cases=tuple(c for r in rows for c in r.cases),
                cases_with_outcome=tuple(c for r in rows for c in r.cases_with_outcome),
                consistency=len(xy) / len(x),
                raw_coverage=len(xy) / y,
                unique_coverage=len(xy - others) / y,
            )
        )
    return tuple(terms)


def minimise(table: TruthTable) -> Solution:
    """The conservative solution of ``table`` for its outcome, with parameters of fit.

    Never raises for unusual data (no outcome, one case, identical cases): the solution is
    then empty or restates the configuration, and ``notes`` says why.
    """
    positive = [row for row in table.rows if row.code == 1]
    minterms = [row.configuration for row in positive]
    notes = [
        "Conservative (complex) solution: only rows coded 1 are minimised; the "
        f"{table.remainders} unobserved configuration(s) and rows coded 0 or C are not used."
    ]
    empty = Solution(
        table.outcome, table.conditions, "", (), None, _ratio(0, table.n_outcome), (), (), ()
    )
    if not positive:
        reason = (
            f"No case shows {table.outcome.upper()}"
            if table.n_outcome == 0
            else "No row is coded 1 (none reaches the consistency and frequency cutoffs)"
        )
        notes.append(f"{reason}, so there is nothing to minimise and the solution is empty.")
        return _with(empty, notes)
    primes = prime_implicants(minterms)
    models, exact = _minimal_covers(primes, minterms)
    terms = _terms(table, models[0])
    x, xy = _cases(r for r in table.rows if any(covers(p, r.configuration) for p in models[0]))
    if len(table.rows) == 1:
        notes.append(
            "All cases share one configuration, so the solution only restates it; it does not "
            "show that any condition makes a difference."
        )
    if any(row.consistency < 1 for row in positive):
        notes.append(
            "Some rows coded 1 include cases without the outcome (consistency below 1), so the "
            "solution is not perfectly consistent."
        )
    if any(all(v is None for v in p) for p in models[0]):
        notes.append("Every possible configuration leads to the outcome: no condition is needed.")
    if len(models) > 1:
        notes.append(
            f"{len(models)} models explain the outcome with as few terms; the first is shown "
            "and the others are listed in 'alternatives'."
        )
    if not exact:
        notes.append(
            "The prime implicant chart was too large to search exhaustively; a greedy cover is "
            "shown, which may not be the shortest."
        )
    return _with(
        Solution(
            outcome=table.outcome,
            conditions=table.conditions,
            expression=" + ".join(term.expression for term in terms),
            terms=terms,
            consistency=_ratio(len(xy), len(x)),
            coverage=_ratio(len(xy), table.n_outcome),
            prime_implicants=tuple(
                conjunction(table.conditions, p) for p in sorted(primes, key=_sort_key)
            ),
            alternatives=tuple(
                " + ".join(conjunction(table.conditions, p) for p in model) for model in models[1:]
            ),
            notes=(),
        ),
        notes,
    )


def _with(solution: Solution, notes: list[str]) -> Solution:
    return replace(solution, notes=tuple(notes))
