"""Commands for comparison and reporting: tables, the matrix, QCA, charts, reports."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from collabmap.cli._common import JsonOption, clip, console_out, print_json, store_for
from collabmap.compare.tables import (
    accountability_table,
    rationale_table,
    structure_activity_table,
)
from collabmap.errors import InvalidInput, UnknownName
from collabmap.store.links import set_matrix_cell
from collabmap.store.matrix import export_matrix, project_matrix, project_profiles


class ReportFormatOption(StrEnum):
    html = "html"
    pdf = "pdf"
    md = "md"


def report_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project to report on.")],
    format: Annotated[ReportFormatOption, typer.Option("--format", "-f", help="html, pdf or md.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write.", dir_okay=False)
    ],
    partnership: Annotated[
        str | None, typer.Option("--partnership", help="Report on this partnership only.")
    ] = None,
) -> None:
    """Write a report: classifications with reasons, tables, charts, evidence, questions."""
    from collabmap.store.report import write_report  # loads WeasyPrint, matplotlib, sklearn

    console = Console(stderr=True)
    with store_for(ctx) as store:
        if console.is_terminal:  # a progress bar for a person watching; nothing in a pipeline
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task(f"Writing the {format.value.upper()} report", total=1.0)
                written = write_report(
                    store,
                    project,
                    format.value,
                    output,
                    partnership=partnership,
                    progress=lambda done, sentence: bar.update(
                        task, completed=done, description=sentence
                    ),
                )
        else:
            written = write_report(store, project, format.value, output, partnership=partnership)
    typer.echo(f"Wrote {written} ({written.stat().st_size:,} bytes).")


class MatrixFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def matrix_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    theme: Annotated[
        list[str] | None,
        typer.Option(
            "--theme",
            help="A code to use as a column (repeatable); default: the "
            "structures, rationales, activities and accountability.",
        ),
    ] = None,
    format: Annotated[
        MatrixFormat, typer.Option("--format", "-f", help="text, json, csv or xlsx.")
    ] = MatrixFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File for csv or xlsx.", dir_okay=False)
    ] = None,
) -> None:
    """The framework matrix: partnerships × themes, each cell a summary with its quotes."""
    if format in (MatrixFormat.csv, MatrixFormat.xlsx) and output is None:
        raise InvalidInput(f"--format {format.value} needs --output FILE")
    with store_for(ctx) as store:
        matrix = project_matrix(store, project, themes=theme or None)
    if output is not None and format in (MatrixFormat.csv, MatrixFormat.xlsx):
        written = export_matrix(matrix, format.value, output)
        typer.echo(f"Wrote {written} ({written.stat().st_size:,} bytes).")
        return
    if format is MatrixFormat.json:
        print_json(matrix.to_dict())
        return
    console = console_out()
    for group, themes in matrix.groups():
        console.print(f"[bold]{escape(group)}[/bold]")
        for partnership in matrix.partnerships:
            for item in themes:
                cell = matrix.cell(partnership, item.id)
                if cell.empty:
                    continue
                mark = " (draft)" if cell.drafted else f" ({cell.status})"
                console.print(
                    f"  {escape(partnership)} × {escape(item.label)}{mark}: "
                    f"{escape(clip(cell.summary, 160))}"
                )
        console.print()
    for note in matrix.notes:
        console.print(f"[dim]{escape(note)}[/dim]")


def compare_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    as_json: JsonOption = False,
) -> None:
    """Cross-case tables: structures × activities (Table 1), rationales, accountability."""
    with store_for(ctx) as store:
        names, _, results, left_out = project_profiles(store, project)
    notes = list(left_out.values())
    classified = [results[name] for name in names if name in results]
    table1 = structure_activity_table(classified)
    rationales = rationale_table(classified)
    accountability = accountability_table(classified)
    if as_json:
        print_json(
            {
                "structure_activity": table1.to_dict(),
                "rationales": rationales.to_dict(),
                "accountability": accountability.to_dict(),
                "notes": notes,
            }
        )
        return
    console = console_out()
    # categories down, structures across: a terminal is narrow and structures are few
    table = Table(
        box=None, title="Activities by collaborative structure (Table 1)", title_justify="left"
    )
    table.add_column("activity category", overflow="fold")
    for structure_row in table1.rows:
        table.add_column(
            f"{structure_row.label} ({len(structure_row.partnerships)})",
            justify="right",
            overflow="fold",
        )
    for category in table1.categories:
        apart = "" if category in table1.co_creation else " (not co-creation)"
        table.add_row(
            escape(table1.labels[category] + apart),
            *[r.cells[category].marker() for r in table1.rows],
        )
    console.print(table)
    for note in (*table1.notes, *notes):
        console.print(f"[dim]{escape(note)}[/dim]")
    console.print()
    rationale_view = Table(
        "partnership",
        *[rationales.labels[c] for c in rationales.codes],
        box=None,
        title="Rationales",
        title_justify="left",
    )
    for name, cells in rationales.rows.items():
        rationale_view.add_row(escape(name), *[cells.get(c, "") for c in rationales.codes])
    console.print(rationale_view)
    console.print()
    open_view = Table(
        "partnership",
        "open accountability questions",
        box=None,
        title="Accountability",
        title_justify="left",
    )
    for account in accountability.rows:
        open_view.add_row(escape(account.partnership), str(sum(account.open.values())))
    console.print(open_view)


def qca_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    outcome: Annotated[
        str, typer.Option("--outcome", help="The outcome set, e.g. co_creation_present.")
    ],
    condition: Annotated[
        list[str],
        typer.Option("--condition", help="A condition set (repeatable), e.g. council_led."),
    ],
    cutoff: Annotated[
        float,
        typer.Option(
            "--consistency-cutoff",
            min=0.01,
            max=1.0,
            help="Rows at or above this consistency are coded 1.",
        ),
    ] = 0.8,
    as_json: JsonOption = False,
) -> None:
    """Crisp-set QCA: truth table and minimised solution for an outcome across partnerships."""
    from collabmap.compare.qca import CONDITIONS_LISTED, catalogue, qca_for_partnerships

    with store_for(ctx) as store:
        _, profiles, _, left_out = project_profiles(store, project)
    notes = list(left_out.values())
    known = catalogue()
    for item in (*condition, outcome):
        if item not in known:
            raise UnknownName("condition", item, sorted(known), listing=CONDITIONS_LISTED)
    result = qca_for_partnerships(profiles, condition, outcome, consistency_cutoff=cutoff)
    if as_json:
        print_json({**result.to_dict(), "notes": notes})
        return
    console = console_out()
    table = Table(box=None, title=f"Truth table for {outcome.upper()}", title_justify="left")
    for name in condition:
        table.add_column(name.upper(), justify="center")
    for header in ("n", "with outcome", "consistency", "code", "cases"):
        table.add_column(header, justify="right" if header != "cases" else "left", overflow="fold")
    for row in result.table.rows:
        table.add_row(
            *[str(v) for v in row.configuration],
            str(row.n),
            str(len(row.cases_with_outcome)),
            f"{row.consistency:.2f}",
            str(row.code),
            escape(", ".join(row.cases)),
        )
    console.print(table)
    for excluded in result.table.excluded:
        console.print(f"[dim]left out: {escape(str(excluded.to_dict()))}[/dim]")
    solution = result.solution
    console.print(
        f"[bold]Solution[/bold] (conservative): "
        f"{escape(solution.expression or 'none: no configuration reaches the cutoff')}"
    )
    if solution.consistency is not None and solution.coverage is not None:
        console.print(f"  consistency {solution.consistency:.2f}, coverage {solution.coverage:.2f}")
    for note in (*result.table.notes, *solution.notes, *notes):
        console.print(f"[dim]{escape(note)}[/dim]")


class ChartKind(StrEnum):
    typology = "typology"
    activities = "activities"
    iap2 = "iap2"
    network = "network"
    similarity = "similarity"


def chart_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    kind: Annotated[
        ChartKind, typer.Argument(help="typology, activities, iap2, network or similarity.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="An .svg or .png file.")
    ] = None,
    partnership: Annotated[
        str | None, typer.Option("--partnership", help="One partnership (needed for network).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the chart's data as JSON.")
    ] = False,
) -> None:
    """Draw one chart as SVG or PNG, or print its data as JSON (for the web application)."""
    from collabmap.store.charts import chart_format, project_chart, write_chart

    if output is None and not as_json:
        raise InvalidInput("give --output FILE.svg or FILE.png, or --json")
    if output is not None:
        chart_format(output)  # refuse a wrong file name before the work
    with store_for(ctx) as store:
        chart = project_chart(store, project, kind.value, partnership=partnership)
    if as_json:
        print_json(chart.data)
    if output is not None:
        write_chart(chart.draw, output)
        typer.echo(f"Wrote {output}.", err=as_json)


def consensus_command(
    profiles: Annotated[
        list[Path],
        typer.Argument(help="One profile per respondent (the file name names the respondent)."),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--chart", dir_okay=False, help="Also draw the consensus chart (.svg or .png)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Where respondents from different partners agree and disagree about one partnership."""
    from collabmap.compare.consensus import consensus
    from collabmap.profile import load_profile
    from collabmap.report.charts.consensus import consensus_chart
    from collabmap.store.charts import chart_format, write_chart

    if len(profiles) < 2:
        raise InvalidInput("consensus needs at least two respondents' profiles")
    if output is not None:
        chart_format(output)  # refuse a wrong file name before the work
    stems = [path.stem for path in profiles]
    twice = sorted({stem for stem in stems if stems.count(stem) > 1})
    if twice:
        raise InvalidInput(
            f"respondents are named by their file names, and {', '.join(twice)} names two "
            "files; rename one"
        )
    responses = {path.stem: load_profile(path) for path in profiles}
    report = consensus(responses)
    if output is not None:
        write_chart(lambda format: consensus_chart(report, format), output)
    if as_json:
        print_json(report.to_dict())
        return
    console = console_out()
    disagreements = [q for q in report.questions if q.disagreement]
    console.print(
        f"[bold]{len(disagreements)} of {len(report.questions)} answers differ "
        f"between {len(responses)} respondents.[/bold]"
    )
    for question in disagreements:
        answers = "; ".join(f"{who}: {answer or '—'}" for who, answer in question.answers.items())
        console.print(f"  ◆ {escape(question.path)} — {escape(answers)}")
    for implied in report.implied:
        console.print(
            f"  {escape(implied.respondent)}'s answers make it: {escape(implied.structure)}"
        )
    names = sorted({name for implied in report.implied for name in implied.activities})
    for name in names:
        seen = {i.respondent: i.activities.get(name) for i in report.implied}
        if len(set(seen.values())) > 1:
            views = "; ".join(f"{who}: {category or '—'}" for who, category in seen.items())
            console.print(f"  ◆ {escape(name)} is classified differently — {escape(views)}")


def cell_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    partnership: Annotated[str, typer.Argument(help="The partnership (row).")],
    code: Annotated[
        str, typer.Argument(help="The theme (column): a code's concept id, path or name.")
    ],
    summary: Annotated[
        str, typer.Option("--summary", help="The cell's summary ('-' reads standard input).")
    ],
    status: Annotated[str, typer.Option("--status", help="draft, reviewed or agreed.")] = "draft",
    coder: Annotated[str, typer.Option("--coder", help="Who writes it.")] = "analyst",
    evidence: Annotated[
        list[int] | None, typer.Option("--evidence", help="A supporting coding's id (repeatable).")
    ] = None,
) -> None:
    """Write one framework-matrix cell's summary, replacing the draft."""

    text = sys.stdin.read() if summary == "-" else summary
    with store_for(ctx) as store:
        set_matrix_cell(
            store,
            project,
            partnership,
            code,
            summary=text,
            author=coder,
            status=status,
            coding_ids=evidence,
        )
    typer.echo(f"Saved the {partnership} × {code} cell ({status}).")


def register(app: typer.Typer) -> None:
    """Add the comparison and reporting commands to the root application."""
    app.command("compare")(compare_command)
    app.command("matrix")(matrix_command)
    app.command("cell")(cell_command)
    app.command("qca")(qca_command)
    app.command("chart")(chart_command)
    app.command("report")(report_command)
    app.command("consensus")(consensus_command)
