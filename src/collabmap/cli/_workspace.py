"""Commands over a store: projects, import, coding, memos, agreement, export."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from collabmap.compare.tables import (
    accountability_table,
    rationale_table,
    structure_activity_table,
)
from collabmap.errors import InvalidInput, UnknownName
from collabmap.evidence.importers import ImportLimits
from collabmap.report.charts import ChartFormat
from collabmap.store import Store, open_store
from collabmap.store.agreement import project_agreement
from collabmap.store.coding import (
    apply_code,
    list_codings,
    remove_coding,
    review_coding,
    write_memo,
)
from collabmap.store.exchange import FORMATS, export_project
from collabmap.store.matrix import export_matrix, project_matrix, project_profiles
from collabmap.store.projects import create_project, delete_project, list_projects
from collabmap.store.report import write_report
from collabmap.store.segments import list_segments
from collabmap.store.sources import import_files

__all__ = ["register"]

project_app = typer.Typer(help="Create, list and delete projects.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _db(ctx: typer.Context) -> str | None:
    root = ctx.find_root()
    return root.obj.get("db") if isinstance(root.obj, dict) else None


@contextmanager
def _store(ctx: typer.Context, *, create: bool = False) -> Iterator[Store]:
    store = open_store(_db(ctx), create=create)
    try:
        yield store
    finally:
        store.close()


def _out() -> Console:
    return Console(highlight=False)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@project_app.command("create")
def project_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The project's name.")],
    with_examples: Annotated[
        bool, typer.Option("--with-examples", help="Load the reference partnerships too.")
    ] = False,
) -> None:
    """Create a project with the framework's code tree."""
    with _store(ctx, create=True) as store:
        created = create_project(store, name, with_examples=with_examples)
    typer.echo(
        f"Created project {created.name!r}: {created.codes} framework codes, "
        f"{created.partnerships} partnerships."
    )


@project_app.command("list")
def project_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the projects in the store."""
    with _store(ctx) as store:
        projects = list_projects(store)
    if as_json:
        _print_json([p.to_dict() for p in projects])
        return
    if not projects:
        typer.echo("No projects yet. Create one with: collabmap project create NAME")
        return
    table = Table("project", "partnerships", "sources", "codings", "framework", box=None)
    for p in projects:
        table.add_row(
            escape(p.name), str(p.partnerships), str(p.sources), str(p.codings), p.framework
        )
    _out().print(table)


@project_app.command("delete")
def project_delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The project to delete, with all its data.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a project and every source, coding and memo in it."""
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput("deleting a project needs --yes when not run interactively")
        typer.confirm(f"Delete project {name!r} and all its data?", abort=True)
    with _store(ctx) as store:
        delete_project(store, name)
    typer.echo(f"Deleted project {name!r}.")


def import_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project to import into.")],
    files: Annotated[
        list[Path], typer.Argument(help="Files: documents, transcripts, surveys, .qdpx or .qdc.")
    ],
    text_column: Annotated[
        str | None, typer.Option("--text-column", help="Survey column holding the answer text.")
    ] = None,
    partnership: Annotated[
        str | None, typer.Option("--partnership", help="Link the sources to this partnership.")
    ] = None,
    max_size_mb: Annotated[
        float, typer.Option("--max-size", help="Refuse files larger than this (MB).", min=0.001)
    ] = 50,
    as_json: JsonOption = False,
) -> None:
    """Import files into a project, one transaction per file, and report on each."""
    limits = ImportLimits(max_file_bytes=int(max_size_mb * 1_000_000))
    console = Console(stderr=True)
    with _store(ctx) as store:
        if console.is_terminal and len(files) > 1:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task("Importing", total=len(files))
                report = import_files(
                    store,
                    project,
                    files,
                    limits=limits,
                    text_column=text_column,
                    partnership=partnership,
                    progress=lambda done, total, name: bar.update(task, completed=done),
                )
        else:
            report = import_files(
                store,
                project,
                files,
                limits=limits,
                text_column=text_column,
                partnership=partnership,
            )
    if as_json:
        _print_json([r.to_dict() for r in report.results])
    else:
        for result in report.results:
            if result.status == "imported":
                count = len(result.sources)
                what = f"{count} source{'s' if count != 1 else ''}" if count else "codebook"
                typer.echo(f"imported  {result.path}: {what}")
                for warning in result.warnings:
                    typer.echo(f"          note: {warning}")
            elif result.status == "skipped":
                typer.echo(f"skipped   {result.path}: {result.message}")
            else:
                typer.echo(f"refused   {result.path}: {result.message}", err=True)
        imported = sum(1 for r in report.results if r.status == "imported")
        typer.echo(f"{imported} of {len(report.results)} files imported.")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def code_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    source: Annotated[str, typer.Argument(help="The source's name.")],
    code: Annotated[
        str,
        typer.Argument(
            help="A code: concept id (activity:co_design), path "
            "(Activities/Co-design) or unique name."
        ),
    ],
    start: Annotated[int | None, typer.Option("--start", help="First character (0-based).")] = None,
    end: Annotated[int | None, typer.Option("--end", help="Character after the last.")] = None,
    segment: Annotated[int | None, typer.Option("--segment", help="A segment's id.")] = None,
    quote: Annotated[str | None, typer.Option("--quote", help="An exact quotation.")] = None,
    coder: Annotated[str, typer.Option("--coder", help="Who is coding.")] = "analyst",
    as_json: JsonOption = False,
) -> None:
    """Apply a code to a span, a segment or a quotation of a source."""
    with _store(ctx) as store:
        info = apply_code(
            store,
            project,
            source,
            code,
            start=start,
            end=end,
            segment_id=segment,
            quote=quote,
            coder=coder,
        )
    if as_json:
        _print_json(info.to_dict())
    else:
        typer.echo(
            f"coding {info.id}: {info.code} on {info.source} [{info.start}:{info.end}] "
            f"\u201c{_clip(info.text)}\u201d"
        )


def _clip(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class ReviewStatus(StrEnum):
    accepted = "accepted"
    rejected = "rejected"


def uncode_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    coding: Annotated[int, typer.Argument(help="The coding's id.")],
) -> None:
    """Remove a coding."""
    with _store(ctx) as store:
        remove_coding(store, project, coding)
    typer.echo(f"Removed coding {coding}.")


def review_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    coding: Annotated[int, typer.Argument(help="The coding's id.")],
    status: Annotated[ReviewStatus, typer.Argument(help="accepted or rejected.")],
) -> None:
    """Accept or reject a suggested coding."""
    with _store(ctx) as store:
        info = review_coding(store, project, coding, status.value)
    typer.echo(f"coding {info.id} is now {info.status}.")


def codings_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="Only this code.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="suggested, accepted or rejected.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List codings with their quotations."""
    with _store(ctx) as store:
        infos = list_codings(store, project, source=source, code=code, status=status)
    if as_json:
        _print_json([i.to_dict() for i in infos])
        return
    for info in infos:
        typer.echo(
            f"{info.id:>6}  {info.code}  {info.source} [{info.start}:{info.end}] "
            f"{info.coder} ({info.status})  \u201c{_clip(info.text)}\u201d"
        )
    typer.echo(f"{len(infos)} codings.")


def memo_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    title: Annotated[str, typer.Argument(help="The memo's title.")],
    text: Annotated[str, typer.Argument(help="The memo's text ('-' reads standard input).")],
    source: Annotated[str | None, typer.Option("--source", help="About this source.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="About this code.")] = None,
    coder: Annotated[str, typer.Option("--coder", help="Who writes it.")] = "analyst",
) -> None:
    """Write a memo about the project, a source or a code."""
    body = sys.stdin.read() if text == "-" else text
    with _store(ctx) as store:
        memo_id = write_memo(store, project, title, body, coder=coder, source=source, code=code)
    typer.echo(f"memo {memo_id} saved.")


def export_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project to export.")],
    format: Annotated[str, typer.Option("--format", "-f", help=" | ".join(FORMATS))],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write.", dir_okay=False)
    ],
) -> None:
    """Export a project as REFI-QDA (.qdpx, .qdc), CSV, JSON or XLSX."""
    with _store(ctx) as store:
        written = export_project(store, project, format, output)
    typer.echo(f"Wrote {written} ({written.stat().st_size:,} bytes).")


class AgreementUnit(StrEnum):
    sentence = "sentence"
    paragraph = "paragraph"
    speaker_turn = "speaker_turn"
    character = "character"


def agreement_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    coder_a: Annotated[str, typer.Argument(help="The first coder (a person).")],
    coder_b: Annotated[str, typer.Argument(help="The second coder: a person or the machine.")],
    unit: Annotated[
        AgreementUnit, typer.Option("--unit", help="What is compared: segments or characters.")
    ] = AgreementUnit.sentence,
    code: Annotated[
        list[str] | None, typer.Option("--code", help="Only these codes (paths); repeatable.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Agreement between two coders: percent, Cohen's kappa, Krippendorff's alpha."""
    with _store(ctx) as store:
        report = project_agreement(
            store, project, coder_a, coder_b, unit=unit.value, codes=code or None
        )
    if as_json:
        _print_json(report.to_dict())
        return
    console = _out()

    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    table = Table(box=None, title=f"Agreement by {unit.value}", title_justify="left")
    table.add_column("code", overflow="fold", ratio=3)
    for header in ("units", "both", f"only {coder_a}", f"only {coder_b}"):
        table.add_column(header, justify="right", overflow="fold", ratio=1)
    for header in ("agree", "kappa", "alpha"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in report.by_code:
        table.add_row(
            escape(row.code or ""),
            str(row.units),
            str(row.both),
            str(row.only_a),
            str(row.only_b),
            figure(row.percent_agreement),
            figure(row.cohen_kappa),
            figure(row.krippendorff_alpha),
        )
    pooled = report.pooled
    table.add_row(
        "[bold]all codes, pooled[/bold]",
        str(pooled.units),
        str(pooled.both),
        str(pooled.only_a),
        str(pooled.only_b),
        figure(pooled.percent_agreement),
        figure(pooled.cohen_kappa),
        figure(pooled.krippendorff_alpha),
    )
    mean = report.mean
    table.add_row(
        "[bold]mean over codes[/bold]",
        "",
        "",
        "",
        "",
        figure(mean.percent_agreement),
        figure(mean.cohen_kappa),
        figure(mean.krippendorff_alpha),
    )
    console.print(table)
    if report.unused_codes:
        console.print("Not used by either coder: " + ", ".join(report.unused_codes))


def segments_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    source: Annotated[str, typer.Argument(help="The source's name.")],
    kind: Annotated[
        str | None, typer.Option("--kind", help="paragraph, sentence or speaker_turn.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List a source's segments (with the ids that `code --segment` takes)."""
    with _store(ctx) as store:
        found = list_segments(store, project, source, kind=kind)
    if as_json:
        _print_json([s.to_dict() for s in found])
        return
    for segment in found:
        who = f"{segment.speaker}: " if segment.speaker else ""
        typer.echo(
            f"{segment.id:>8}  {segment.kind:<12} [{segment.start}:{segment.end}] "
            f"{who}{_clip(segment.text)}"
        )


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
    console = Console(stderr=True)
    with _store(ctx) as store:
        if console.is_terminal:
            with console.status(f"Writing the {format.value.upper()} report…"):
                written = write_report(
                    store, project, format.value, output, partnership=partnership
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
    with _store(ctx) as store:
        matrix = project_matrix(store, project, themes=theme or None)
    if format in (MatrixFormat.csv, MatrixFormat.xlsx):
        if output is None:
            raise InvalidInput(f"--format {format.value} needs --output FILE")
        written = export_matrix(matrix, format.value, output)
        typer.echo(f"Wrote {written} ({written.stat().st_size:,} bytes).")
        return
    if format is MatrixFormat.json:
        _print_json(matrix.to_dict())
        return
    console = _out()
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
                    f"{escape(_clip(cell.summary, 160))}"
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
    with _store(ctx) as store:
        names, _, results, notes = project_profiles(store, project)
    classified = [results[name] for name in names if name in results]
    table1 = structure_activity_table(classified)
    rationales = rationale_table(classified)
    accountability = accountability_table(classified)
    if as_json:
        _print_json(
            {
                "structure_activity": table1.to_dict(),
                "rationales": rationales.to_dict(),
                "accountability": accountability.to_dict(),
                "notes": notes,
            }
        )
        return
    console = _out()
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
    from collabmap.compare.qca import catalogue, qca_for_partnerships

    with _store(ctx) as store:
        _, profiles, _, notes = project_profiles(store, project)
    known = catalogue()
    for item in (*condition, outcome):
        if item not in known:
            raise UnknownName("condition", item, sorted(known))
    result = qca_for_partnerships(profiles, condition, outcome, consistency_cutoff=cutoff)
    if as_json:
        _print_json({**result.to_dict(), "notes": notes})
        return
    console = _out()
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
    from collabmap.compare.network import partnership_network
    from collabmap.compare.similarity import similarity_map
    from collabmap.report.charts.network import network_chart
    from collabmap.report.charts.similarity import similarity_chart
    from collabmap.report.charts.typology import (
        activity_chart,
        activity_data,
        iap2_chart,
        iap2_data,
        typology_chart,
        typology_data,
    )

    if output is None and not as_json:
        raise InvalidInput("give --output FILE.svg or FILE.png, or --json")
    chart_format: ChartFormat = "svg"
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix not in ("svg", "png"):
            raise InvalidInput(f"{output}: a chart is written as .svg or .png")
        chart_format = "png" if suffix == "png" else "svg"
    with _store(ctx) as store:
        names, profiles, results, _ = project_profiles(store, project)
    if partnership is not None:
        if partnership not in profiles:
            raise UnknownName("partnership with a profile", partnership, sorted(profiles))
        names = [partnership]
    chosen = [results[n] for n in names if n in results]
    data: object
    draw: Callable[[ChartFormat], bytes]
    if kind is ChartKind.network:
        if partnership is None:
            raise InvalidInput("a network chart is of one partnership: give --partnership NAME")
        network = partnership_network(profiles[partnership])
        data, draw = network.to_dict(), lambda f: network_chart(network, f)
    elif kind is ChartKind.similarity:
        mapped = similarity_map([profiles[n] for n in names if n in profiles])
        data, draw = mapped.to_dict(), lambda f: similarity_chart(mapped, f)
    elif kind is ChartKind.typology:
        data, draw = typology_data(chosen), lambda f: typology_chart(chosen, f)
    elif kind is ChartKind.activities:
        data, draw = activity_data(chosen), lambda f: activity_chart(chosen, f)
    else:
        data, draw = iap2_data(chosen), lambda f: iap2_chart(chosen, f)
    if as_json:
        _print_json(data)
    if output is not None:
        if not output.parent.is_dir():
            raise InvalidInput(f"cannot write {output}: no folder {output.parent}")
        output.write_bytes(draw(chart_format))
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

    if len(profiles) < 2:
        raise InvalidInput("consensus needs at least two respondents' profiles")
    responses = {path.stem: load_profile(path) for path in profiles}
    report = consensus(responses)
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix not in ("svg", "png"):
            raise InvalidInput(f"{output}: a chart is written as .svg or .png")
        output.write_bytes(consensus_chart(report, "png" if suffix == "png" else "svg"))
    if as_json:
        _print_json(report.to_dict())
        return
    console = _out()
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
    from collabmap.store.links import set_matrix_cell

    text = sys.stdin.read() if summary == "-" else summary
    with _store(ctx) as store:
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


def codes_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    add: Annotated[
        str | None,
        typer.Option("--add", help="Add a code at this path, e.g. 'Activities/Peer support'."),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="What the new code means.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the project's code tree (with codings per code), or add the team's own code."""
    from collabmap.store.coding import add_code, list_codes

    with _store(ctx) as store:
        if add is not None:
            added = add_code(store, project, add, description=description)
            typer.echo(f"Added the code {added!r}.")
            return
        codes = list_codes(store, project)
    if as_json:
        _print_json([c.to_dict() for c in codes])
        return
    for code in codes:
        depth = code.path.count("/")
        marker = f"  [{code.concept}]" if code.concept and depth else ""
        count = f"  ({code.codings})" if code.codings else ""
        typer.echo(f"{'  ' * depth}{code.path.rsplit('/', 1)[-1]}{count}{marker}")


def link_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    partnership: Annotated[str, typer.Argument(help="The partnership.")],
    answer: Annotated[
        str,
        typer.Argument(
            help="The profile answer's path, e.g. activities[0].phases.delivery.citizens."
        ),
    ],
    coding: Annotated[int, typer.Argument(help="The id of the coding that supports it.")],
) -> None:
    """Link a coding to the profile answer it supports (evidence for a judgement)."""
    from collabmap.store.links import link_answer

    with _store(ctx) as store:
        link_answer(store, project, partnership, answer, coding)
    typer.echo(f"Linked coding {coding} to {partnership}: {answer}.")


partnership_app = typer.Typer(
    help="Add partnership profiles to a project and link sources to them.", no_args_is_help=True
)


@partnership_app.command("add")
def partnership_add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    profiles: Annotated[list[Path], typer.Argument(help="Profile files (YAML or JSON).")],
) -> None:
    """Add partnerships from profile files (all or none)."""
    from collabmap.profile import load_profile
    from collabmap.store.projects import add_profiles

    loaded = [load_profile(path) for path in profiles]
    with _store(ctx) as store:
        names = add_profiles(store, project, loaded)
    typer.echo(
        f"Added {len(names)} partnership{'s' if len(names) != 1 else ''}: {', '.join(names)}."
    )


@partnership_app.command("list")
def partnership_list(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    as_json: JsonOption = False,
) -> None:
    """List a project's partnerships with their structure and linked sources."""
    from collabmap.store.projects import list_partnerships

    with _store(ctx) as store:
        rows = list_partnerships(store, project)
    if as_json:
        _print_json(rows)
        return
    table = Table("partnership", "structure", "sources", box=None)
    for row in rows:
        table.add_row(
            escape(row["name"]), str(row["structure"] or "no profile"), str(row["sources"])
        )
    _out().print(table)


@partnership_app.command("attach")
def partnership_attach(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    partnership: Annotated[str, typer.Argument(help="The partnership.")],
    sources: Annotated[list[str], typer.Argument(help="Names of imported sources.")],
) -> None:
    """Link sources already in the project to a partnership (their codings become its evidence)."""
    from collabmap.store.projects import attach_sources

    with _store(ctx) as store:
        added = attach_sources(store, project, partnership, sources)
    typer.echo(f"Linked {added} source{'s' if added != 1 else ''} to {partnership}.")


def register(app: typer.Typer) -> None:
    """Add the store commands to the root application."""
    app.add_typer(project_app, name="project")
    app.add_typer(partnership_app, name="partnership")
    app.command("import")(import_command)
    app.command("code")(code_command)
    app.command("uncode")(uncode_command)
    app.command("review")(review_command)
    app.command("codings")(codings_command)
    app.command("memo")(memo_command)
    app.command("export")(export_command)
    app.command("agreement")(agreement_command)
    app.command("segments")(segments_command)
    app.command("report")(report_command)
    app.command("matrix")(matrix_command)
    app.command("compare")(compare_command)
    app.command("qca")(qca_command)
    app.command("chart")(chart_command)
    app.command("consensus")(consensus_command)
    app.command("cell")(cell_command)
    app.command("codes")(codes_command)
    app.command("link")(link_command)
