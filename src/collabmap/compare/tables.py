"""Cross-case tables regenerated from the data: the article's Table 1 and its companions.

The article places its partnerships side by side by collaborative structure and the
co-creation activities observed in each (its Table 1, not public). These functions rebuild
that comparison for any set of classified partnerships: structures × activity categories,
with citizen self-help, community self-organization and consultation shown apart from
co-creation and rhetoric mismatches marked; rationales and whether each is justified; and
the accountability questions left open. Pure functions; every table has ``to_records()``
(one dict per row, ready for ``pandas.DataFrame``) and ``to_dict()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from collabmap.classify import INSUFFICIENT, Classification
from collabmap.classify._labels import label_of
from collabmap.compare._plain import plain_dict
from collabmap.framework import Framework, default_framework

__all__ = [
    "AccountabilityRow",
    "AccountabilityTable",
    "ActivityCell",
    "RationaleTable",
    "StructureActivityTable",
    "StructureRow",
    "accountability_table",
    "rationale_table",
    "structure_activity_table",
]


@dataclass(frozen=True)
class ActivityCell:
    """Activities of one category within a row, and which of them are rhetoric mismatches."""

    count: int = 0
    activities: tuple[str, ...] = ()
    mismatches: tuple[str, ...] = ()

    def marker(self) -> str:
        """``2`` or ``2 (1 called co-creation)``; empty when none."""
        if not self.count:
            return ""
        if self.mismatches:
            return f"{self.count} ({len(self.mismatches)} called co-creation)"
        return str(self.count)


@dataclass(frozen=True)
class StructureRow:
    structure: str
    label: str
    partnerships: tuple[str, ...]
    cells: dict[str, ActivityCell]


@dataclass(frozen=True)
class StructureActivityTable:
    """Collaborative structures × activity categories (the article's Table 1, regenerated)."""

    co_creation: tuple[str, ...]
    not_co_creation: tuple[str, ...]
    labels: dict[str, str]
    rows: tuple[StructureRow, ...]
    notes: tuple[str, ...] = ()

    @property
    def categories(self) -> tuple[str, ...]:
        return self.co_creation + self.not_co_creation

    def to_records(self) -> list[dict[str, Any]]:
        records = []
        for row in self.rows:
            record: dict[str, Any] = {
                "structure": row.label,
                "partnerships": ", ".join(row.partnerships),
            }
            for category in self.categories:
                record[self.labels[category]] = row.cells[category].count
            record["rhetoric mismatches"] = sum(len(c.mismatches) for c in row.cells.values())
            records.append(record)
        return records

    def to_dict(self) -> dict[str, Any]:
        return plain_dict(self)


def structure_activity_table(
    results: Sequence[Classification], framework: Framework | None = None
) -> StructureActivityTable:
    """Count each structure's activities by category, co-creation first, the rest apart.

    Structures appear in the framework's order, then ``other`` and partnerships without enough
    information; a structure no partnership has is left out. Activity names in cells carry
    their partnership (``Wigan Deal: Our part – your part pledges``).
    """
    fw = framework or default_framework()
    ordered = sorted(fw.activity_categories, key=lambda c: c.priority)
    co_creation = tuple(c.id for c in ordered if c.family == "co_creation")
    not_co_creation = tuple(c.id for c in ordered if c.family != "co_creation")
    labels = {c.id: c.label for c in ordered}
    order = [s.id for s in fw.structures] + [INSUFFICIENT]
    rows = []
    for structure in order:
        members = [r for r in results if r.structure.label == structure]
        if not members:
            continue
        cells: dict[str, ActivityCell] = {}
        for category in co_creation + not_co_creation:
            found = [
                (r.partnership, a) for r in members for a in r.activities if a.category == category
            ]
            cells[category] = ActivityCell(
                count=len(found),
                activities=tuple(f"{p}: {a.name}" for p, a in found),
                mismatches=tuple(f"{p}: {a.name}" for p, a in found if a.rhetoric_mismatch),
            )
        rows.append(
            StructureRow(
                structure,
                label_of(fw, "structures", structure, lower=False),
                tuple(r.partnership for r in members),
                cells,
            )
        )
    notes = []
    if not results:
        notes.append("No partnerships to compare yet.")
    elif len(results) == 1:
        notes.append("Only one partnership: the table describes it but compares nothing.")
    without = [r.partnership for r in results if not r.activities]
    if without:
        notes.append("No activities recorded for: " + ", ".join(without) + ".")
    return StructureActivityTable(co_creation, not_co_creation, labels, tuple(rows), tuple(notes))


@dataclass(frozen=True)
class RationaleTable:
    """Partnerships × rationales: ``justified``, ``general belief`` or absent."""

    codes: tuple[str, ...]
    labels: dict[str, str]
    rows: dict[str, dict[str, str]]
    notes: tuple[str, ...] = ()

    def to_records(self) -> list[dict[str, Any]]:
        return [
            {"partnership": name, **{self.labels[c]: cells.get(c, "") for c in self.codes}}
            for name, cells in self.rows.items()
        ]

    def to_dict(self) -> dict[str, Any]:
        return plain_dict(self)


def rationale_table(
    results: Sequence[Classification], framework: Framework | None = None
) -> RationaleTable:
    """Which rationales each partnership states, and whether each comes with a mechanism."""
    fw = framework or default_framework()
    codes = tuple(r.id for r in fw.rationales)
    labels = {r.id: r.label for r in fw.rationales}
    rows: dict[str, dict[str, str]] = {}
    for result in results:
        cells: dict[str, str] = {}
        for rationale in result.rationales:
            state = "justified" if rationale.justified else "general belief"
            if cells.get(rationale.code) != "justified":  # one justified statement suffices
                cells[rationale.code] = state
        rows[result.partnership] = cells
    used = tuple(c for c in codes if any(c in cells for cells in rows.values()))
    notes = tuple(
        f"No rationales recorded for {name}." for name, cells in rows.items() if not cells
    )
    return RationaleTable(used, labels, rows, notes)


@dataclass(frozen=True)
class AccountabilityRow:
    partnership: str
    open: dict[str, int] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountabilityTable:
    """Partnerships × accountability questions: how many are left open, how many answered."""

    concerns: tuple[str, ...]
    labels: dict[str, str]
    questions: dict[str, str]
    rows: tuple[AccountabilityRow, ...]

    def to_records(self) -> list[dict[str, Any]]:
        return [
            {
                "partnership": row.partnership,
                **{
                    self.labels[c]: _describe(row.open.get(c, 0), row.answered.get(c, 0))
                    for c in self.concerns
                },
            }
            for row in self.rows
        ]

    def to_dict(self) -> dict[str, Any]:
        return plain_dict(self)


def _describe(open_count: int, answered: int) -> str:
    if open_count and answered:
        return f"{open_count} open, {answered} answered"
    if open_count:
        return f"{open_count} open"
    if answered:
        return f"{answered} answered"
    return "not raised"


def accountability_table(
    results: Sequence[Classification], framework: Framework | None = None
) -> AccountabilityTable:
    """For each partnership, each accountability question: open flags and answered ones."""
    fw = framework or default_framework()
    concerns = tuple(a.id for a in fw.accountability)
    rows = []
    for result in results:
        open_counts: dict[str, int] = {}
        for flag in result.accountability_flags:
            open_counts[flag.concern] = open_counts.get(flag.concern, 0) + 1
        answered: dict[str, int] = {}
        for item in result.accountability_answered:
            answered[item.concern] = answered.get(item.concern, 0) + 1
        rows.append(AccountabilityRow(result.partnership, open_counts, answered))
    return AccountabilityTable(
        concerns,
        {a.id: a.label for a in fw.accountability},
        {a.id: a.question for a in fw.accountability},
        tuple(rows),
    )
