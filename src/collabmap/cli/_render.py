"""Readable terminal output for people (the ``--json`` forms are for scripts)."""

from __future__ import annotations

from collections import OrderedDict

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from collabmap.classify import INSUFFICIENT, Classification
from collabmap.classify._labels import label_of
from collabmap.framework import Framework

__all__ = ["print_classification", "print_examples_table", "print_framework"]


def _label(fw: Framework, group: str, value: str | None) -> str:
    if value is None:
        return "—"
    return label_of(fw, group, value, lower=False)


def _bullet(console: Console, text: str, indent: int = 2, mark: str = "•") -> None:
    """Print one bullet with a hanging indent, so wrapped lines stay under the text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=indent + len(mark), justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(mark, text)
    console.print(grid)


def _bar(score: float, width: int = 20) -> str:
    filled = round(score * width)
    return "█" * filled + "░" * (width - filled)


def print_classification(
    console: Console, result: Classification, fw: Framework, place: str | None = None
) -> None:
    """Print a classification as a council officer would want to read it."""
    title = escape(result.partnership) + (f" — {escape(place)}" if place else "")
    console.print(f"[bold]{title}[/bold]")
    console.print()

    s = result.structure
    headline = _label(fw, "structures", s.label)
    if s.label not in {INSUFFICIENT, "other"}:
        headline += f" (fit {s.scores[s.label]:.2f})"
    if s.hybrid and s.runner_up:
        headline += f" — hybrid with {_label(fw, 'structures', s.runner_up)}"
    console.print(f"[bold]Collaborative structure:[/bold] {escape(headline)}")
    table = Table(show_header=False, box=None, padding=(0, 2))
    for key, score in sorted(s.scores.items(), key=lambda kv: -kv[1]):
        table.add_row(_label(fw, "structures", key), _bar(score), f"{score:.2f}")
    console.print(table)
    console.print("[bold]Why:[/bold]")
    for reason in s.reasons:
        _bullet(console, escape(reason))
    if s.governance_mode:
        console.print(
            f"Network governance it suggests (Provan & Kenis): "
            f"{_label(fw, 'governance_modes', s.governance_mode)}"
        )
    if s.cgr_type:
        console.print(
            f"Collaborative governance regime (Emerson & Nabatchi): "
            f"{_label(fw, 'cgr_types', s.cgr_type)}"
        )
    console.print()

    console.print(f"[bold]Activities ({len(result.activities)})[/bold]")
    if not result.activities:
        console.print("  No activities with residents or community groups are recorded.")
    for number, activity in enumerate(result.activities, start=1):
        category = _label(fw, "activity_categories", activity.category)
        console.print(f"  {number}. [bold]{escape(activity.name)}[/bold]: {escape(category)}")
        for reason in activity.reasons:
            if reason.startswith("Rhetoric mismatch"):
                _bullet(console, f"[yellow]{escape(reason)}[/yellow]", indent=5, mark="⚠")
        console.print(f"     Participation (IAP2): {_label(fw, 'iap2', activity.iap2_level)}")
        for reason in activity.reasons:
            if not reason.startswith("Rhetoric mismatch"):
                _bullet(console, escape(reason), indent=5)
    console.print()

    console.print(f"[bold]Rationales ({len(result.rationales)})[/bold]")
    if not result.rationales:
        console.print("  No rationales are recorded.")
    for rationale in result.rationales:
        mark = (
            "[green]✓ justified[/green]"
            if rationale.justified
            else ("[yellow]⚠ general belief[/yellow]")
        )
        console.print(f"  {mark}  {escape(_label(fw, 'rationales', rationale.code))}")
        for reason in rationale.reasons:
            _bullet(console, escape(reason), indent=5)
    console.print()

    flags = result.accountability_flags
    console.print(f"[bold]Accountability questions left open ({len(flags)})[/bold]")
    if not flags:
        console.print("  None: no responsibility, assets or money pass out of the public sector")
        console.print("  without named arrangements, as far as the profile says.")
    grouped: OrderedDict[str | None, list[str]] = OrderedDict()
    situations: dict[str | None, str] = {}
    for flag in flags:
        grouped.setdefault(flag.activity, []).append(flag.question)
        situations.setdefault(flag.activity, flag.reason.split(", and no arrangement")[0])
    for activity_name, questions in grouped.items():
        console.print(
            f"  [bold]{escape(activity_name or 'The partnership')}[/bold]: "
            f"{escape(situations[activity_name])}."
        )
        for question in questions:
            _bullet(console, escape(question), indent=5, mark="?")
    for answered in result.accountability_answered:
        console.print(
            f"  [green]✓[/green] {escape(answered.concern.replace('_', ' '))} in "
            f"\u2018{escape(answered.activity or 'the partnership')}\u2019 is answered by "
            f"\u2018{escape(answered.mechanism)}\u2019."
        )
    console.print()

    if result.reflective_questions:
        console.print("[bold]Questions for reflection[/bold]")
        for question in result.reflective_questions:
            _bullet(console, escape(question))


def print_framework(console: Console, fw: Framework) -> None:
    """Print the framework's concepts in a readable outline."""
    console.print(f"[bold]{escape(fw.title)}[/bold]  ({fw.id} {fw.version})")
    console.print(escape(fw.summary))
    console.print()
    console.print("[bold]Dimensions of collaborative structure[/bold]")
    for dim in fw.dimensions:
        values = ", ".join(t.label.lower() for t in fw.terms(dim.vocabulary))
        console.print(f"  • {escape(dim.label)}: {escape(values)}")
    console.print()

    sections: list[tuple[str, list[tuple[str, str, str]]]] = [
        ("Collaborative structures", [(s.id, s.label, s.definition) for s in fw.structures]),
        (
            "Rationales for collaboration",
            [(r.id, r.label, r.definition) for r in fw.rationales if r.kind == "collaboration"],
        ),
        (
            "Rationales for co-creation",
            [(r.id, r.label, r.definition) for r in fw.rationales if r.kind == "co_creation"],
        ),
        (
            "Activity categories",
            [
                (
                    a.id,
                    a.label + ("" if a.family == "co_creation" else " (not co-creation)"),
                    a.definition,
                )
                for a in sorted(fw.activity_categories, key=lambda a: a.priority)
            ],
        ),
        ("Accountability questions", [(a.id, a.label, a.question) for a in fw.accountability]),
    ]
    for heading, rows in sections:
        console.print(f"[bold]{heading}[/bold]")
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="cyan", no_wrap=True)
        table.add_column(no_wrap=False)
        for concept_id, label, text in rows:
            table.add_row(concept_id, f"[bold]{escape(label)}[/bold] — {escape(text)}")
        console.print(table)
        console.print()
    console.print(
        "Export it all with `collabmap framework export --format markdown` "
        "(indicators, examples, rules, sources)."
    )


def print_examples_table(
    console: Console, results: list[tuple[str, Classification]], fw: Framework
) -> None:
    """Each reference case: its structure, its activities by category, open questions."""
    console.print("[bold]Reference cases, classified[/bold]")
    console.print()
    for name, result in results:
        s = result.structure
        structure = _label(fw, "structures", s.label)
        if s.label in s.scores:
            structure += f" (fit {s.scores[s.label]:.2f})"
        if s.hybrid and s.runner_up:
            structure += f", hybrid with {_label(fw, 'structures', s.runner_up)}"
        console.print(
            f"[bold]{escape(result.partnership)}[/bold] [cyan]({name})[/cyan]: {escape(structure)}"
        )
        for activity in result.activities:
            category = _label(fw, "activity_categories", activity.category)
            warning = " [yellow]⚠ rhetoric mismatch[/yellow]" if activity.rhetoric_mismatch else ""
            _bullet(console, f"{escape(activity.name)} → {escape(category)}{warning}")
        if not result.activities:
            _bullet(console, "no activities with residents recorded")
        open_questions = len(result.accountability_flags)
        if open_questions:
            _bullet(console, f"{open_questions} accountability questions left open", mark="?")
        console.print()
    console.print("Details and reasons: collabmap classify --example NAME  (--json for scripts)")
