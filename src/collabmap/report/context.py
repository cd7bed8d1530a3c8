"""What a report says, gathered once and rendered as HTML, PDF or Markdown.

A report is for a board: for each partnership its classification with the reasons, the
activities and whether what they are called holds, the rationales, the accountability
questions left open, quotations from the evidence, and what is missing; across partnerships
the regenerated Table 1 and its companion tables and charts; and the article's reflective
questions. Pure: the store adapter hands in profiles, classifications and quotations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from collabmap.classify import Classification
from collabmap.classify._labels import label_of
from collabmap.compare.matrix import Quote
from collabmap.compare.tables import (
    AccountabilityTable,
    RationaleTable,
    StructureActivityTable,
    accountability_table,
    rationale_table,
    structure_activity_table,
)
from collabmap.framework import Framework, default_framework
from collabmap.profile import Profile

__all__ = ["PartnershipSection", "ReportContext", "build_report_context"]

_MAX_QUOTES = 6
_CHART_LIMIT = 40
"""Above this many partnerships, per-partnership rows are left out of project charts (they
would be unreadable); the tables still list every partnership."""


@dataclass(frozen=True)
class PartnershipSection:
    name: str
    place: str | None
    summary: str | None
    result: Classification
    structure_label: str
    scores: list[tuple[str, float, bool]]
    quotes: list[tuple[str, list[Quote]]]
    open_questions: list[tuple[str, list[str]]]
    missing: list[str]
    unverified: list[str]
    profile: Profile | None = None


@dataclass(frozen=True)
class ReportContext:
    """Everything a report shows; ``framework`` is the framework the partnerships were
    classified with (charts drawn from the context use it too), ``framework_name`` how the
    report names it, and ``citation`` and ``short_citation`` cite its primary source."""

    title: str
    project: str
    generated: str
    framework: Framework
    framework_name: str
    citation: str
    short_citation: str
    sections: list[PartnershipSection]
    table1: StructureActivityTable
    rationales: RationaleTable
    accountability: AccountabilityTable
    structure_counts: list[tuple[str, int]]
    mismatches: int
    open_questions: int
    reflective_questions: list[str]
    notes: list[str] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)
    single: bool = False
    chart_limit: int = _CHART_LIMIT
    labels: dict[str, str] = field(default_factory=dict)
    rationale_summary: list[tuple[str, int, int, int]] = field(default_factory=list)
    accountability_summary: list[tuple[str, int, int, int]] = field(default_factory=list)


def _day(day: date) -> str:
    """'5 March 2026': the day without a leading zero, on every platform (strftime's %-d is
    glibc's alone)."""
    return f"{day.day} {day:%B %Y}"


def _missing(profile: Profile, result: Classification, quotes: int) -> list[str]:
    missing = []
    for key in result.structure.missing:
        missing.append(
            {
                "lead_sector": "the lead organisation's sector",
                "lead_role": "the lead's role relative to the others",
                "scope": "the scope of change",
            }.get(key, key)
        )
    if not profile.activities:
        missing.append("activities with residents or community groups")
    if not profile.rationales:
        missing.append("the rationales for collaborating")
    if not profile.accountability and result.accountability_flags:
        missing.append("any accountability arrangements")
    if not profile.sources:
        missing.append("sources for the profile's facts")
    if not quotes:
        missing.append("coded evidence from documents or interviews")
    return missing


def _section(
    fw: Framework,
    name: str,
    profile: Profile | None,
    result: Classification | None,
    quotes: Sequence[tuple[str, Quote]],
) -> PartnershipSection | None:
    if profile is None or result is None:
        return None
    scores = [
        (label_of(fw, "structures", k, lower=False), v, k == result.structure.label)
        for k, v in sorted(result.structure.scores.items(), key=lambda kv: -kv[1])
    ]
    grouped: dict[str, list[Quote]] = {}
    for code, quote in quotes:
        grouped.setdefault(code, [])
        if sum(len(v) for v in grouped.values()) < _MAX_QUOTES:
            grouped[code].append(quote)
    open_questions: dict[str, list[str]] = {}  # each question once, with what it concerns
    for flag in result.accountability_flags:
        concerns = open_questions.setdefault(flag.question, [])
        where = flag.activity or "the partnership as a whole"
        if where not in concerns:
            concerns.append(where)
    return PartnershipSection(
        name=name,
        place=profile.place,
        summary=profile.summary,
        result=result,
        structure_label=label_of(fw, "structures", result.structure.label, lower=False),
        scores=scores,
        quotes=[(code, items) for code, items in grouped.items() if items],
        open_questions=list(open_questions.items()),
        missing=_missing(profile, result, len(quotes)),
        unverified=list(profile.unverified),
        profile=profile,
    )


def build_report_context(
    project: str,
    partnerships: Sequence[str],
    profiles: Mapping[str, Profile],
    results: Mapping[str, Classification],
    quotes: Mapping[str, Sequence[tuple[str, Quote]]],
    *,
    left_out: Mapping[str, str] | None = None,
    single: bool = False,
    today: date | None = None,
    framework: Framework | None = None,
) -> ReportContext:
    """Assemble everything a report shows; partnerships without a usable profile are noted,
    with the reason from ``left_out`` (partnership → why) where the caller knows it."""
    fw = framework or default_framework()
    sections = []
    all_notes = []
    for name in partnerships:
        section = _section(fw, name, profiles.get(name), results.get(name), quotes.get(name, ()))
        if section is None:
            all_notes.append(
                (left_out or {}).get(name)
                or f"{name} has no profile that can be classified, so it is left out."
            )
        else:
            sections.append(section)
    classified = [s.result for s in sections]
    counts: dict[str, int] = {}
    for result in classified:
        label = label_of(fw, "structures", result.structure.label, lower=False)
        counts[label] = counts.get(label, 0) + 1
    if not sections:
        all_notes.append("There are no classified partnerships to report on yet.")
    elif len(sections) == 1 and not single:
        all_notes.append("The project has one partnership: there is nothing to compare it with.")
    rationales = rationale_table(classified, fw)
    accountability = accountability_table(classified, fw)
    rationale_summary = [
        (
            rationales.labels[code],
            sum(1 for cells in rationales.rows.values() if code in cells),
            sum(1 for cells in rationales.rows.values() if cells.get(code) == "justified"),
            sum(1 for cells in rationales.rows.values() if cells.get(code) == "general belief"),
        )
        for code in rationales.codes
    ]
    accountability_summary = [
        (
            accountability.questions[concern],
            sum(1 for row in accountability.rows if row.open.get(concern)),
            sum(row.open.get(concern, 0) for row in accountability.rows),
            sum(row.answered.get(concern, 0) for row in accountability.rows),
        )
        for concern in accountability.concerns
    ]
    activity_labels = {a.id: a.label for a in fw.activity_categories}
    rationale_labels = {r.id: r.label for r in fw.rationales}
    iap2_labels = {level.id: level.label for level in fw.iap2_levels}
    return ReportContext(
        title=(
            f"{sections[0].name}: collaborative practice"
            if single and sections
            else f"{project}: collaborative practice compared"
        ),
        project=project,
        generated=_day(today or date.today()),
        framework=fw,
        framework_name=f"{fw.title} ({fw.id} {fw.version})",
        citation=fw.primary_source.citation,
        short_citation=fw.primary_source.short_citation or "",
        sections=sections,
        table1=structure_activity_table(classified, fw),
        rationales=rationales,
        accountability=accountability,
        structure_counts=sorted(counts.items(), key=lambda kv: -kv[1]),
        mismatches=sum(1 for r in classified for a in r.activities if a.rhetoric_mismatch),
        open_questions=sum(len(r.accountability_flags) for r in classified),
        reflective_questions=[q.question for q in fw.reflective_questions],
        notes=all_notes,
        single=single,
        labels={
            **activity_labels,
            **{f"r:{k}": v for k, v in rationale_labels.items()},
            **{f"iap2:{k}": v for k, v in iap2_labels.items()},
        },
        rationale_summary=rationale_summary,
        accountability_summary=accountability_summary,
    )
