"""Commands for evidence: importing, segments, coding, review, memos, agreement, export."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from collabmap.cli._common import JsonOption, clip, console_out, print_json, store_for
from collabmap.errors import InvalidInput
from collabmap.evidence.importers import ImportLimits
from collabmap.store.coding import (
    apply_code,
    list_codings,
    remove_coding,
    review_coding,
    write_memo,
)
from collabmap.store.exchange import FORMATS, export_project, project_pseudonyms
from collabmap.store.links import link_answer
from collabmap.store.segments import list_segments
from collabmap.store.sources import FileResult, import_files


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
    # each file's line is printed as soon as the file is stored, so if the import is stopped
    # (a crash, a full disk, Ctrl-C) the lines printed name exactly the files that are in
    announce = None if as_json else _print_result
    with store_for(ctx) as store:
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
                    reported=announce,
                )
        else:
            report = import_files(
                store,
                project,
                files,
                limits=limits,
                text_column=text_column,
                partnership=partnership,
                reported=announce,
            )
    if as_json:
        print_json([r.to_dict() for r in report.results])
    else:
        imported = sum(1 for r in report.results if r.status == "imported")
        typer.echo(f"{imported} of {len(report.results)} files imported.")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _print_result(result: FileResult) -> None:
    """One file's line: `imported` on standard output once it is stored, `refused` on error."""
    if result.status == "imported":
        typer.echo(f"imported  {result.path}: {result.summary}")
        for warning in result.warnings:
            typer.echo(f"          note: {warning}")
    elif result.status == "skipped":
        typer.echo(f"skipped   {result.path}: {result.summary}")
    else:
        typer.echo(f"refused   {result.path}: {result.summary}", err=True)


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
    with store_for(ctx) as store:
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
        print_json(info.to_dict())
    else:
        typer.echo(
            f"coding {info.id}: {info.code} on {info.source} [{info.start}:{info.end}] "
            f"\u201c{clip(info.text)}\u201d"
        )


class ReviewStatus(StrEnum):
    accepted = "accepted"
    rejected = "rejected"


def uncode_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    coding: Annotated[int, typer.Argument(help="The coding's id.")],
) -> None:
    """Remove a coding."""
    with store_for(ctx) as store:
        remove_coding(store, project, coding)
    typer.echo(f"Removed coding {coding}.")


def review_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    coding: Annotated[int, typer.Argument(help="The coding's id.")],
    status: Annotated[ReviewStatus, typer.Argument(help="accepted or rejected.")],
) -> None:
    """Accept or reject a suggested coding."""
    with store_for(ctx) as store:
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
    with store_for(ctx) as store:
        infos = list_codings(store, project, source=source, code=code, status=status)
    if as_json:
        print_json([i.to_dict() for i in infos])
        return
    for info in infos:
        typer.echo(
            f"{info.id:>6}  {info.code}  {info.source} [{info.start}:{info.end}] "
            f"{info.coder} ({info.status})  \u201c{clip(info.text)}\u201d"
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
    with store_for(ctx) as store:
        memo_id = write_memo(store, project, title, body, coder=coder, source=source, code=code)
    typer.echo(f"memo {memo_id} saved.")


def export_command(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project to export.")],
    format: Annotated[str, typer.Option("--format", "-f", help=" | ".join(FORMATS))],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file to write.", dir_okay=False)
    ],
    pseudonymise: Annotated[
        bool,
        typer.Option(
            "--pseudonymise",
            help="Replace interviewees' names (transcript speakers) by pseudonyms.",
        ),
    ] = False,
    names: Annotated[
        Path | None,
        typer.Option(
            "--names",
            help="With --pseudonymise: a text file of other names to replace, one a line.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Export a project as REFI-QDA (.qdpx, .qdc), CSV, JSON or XLSX."""
    if names is not None and not pseudonymise:
        raise InvalidInput("--names lists names to pseudonymise: give --pseudonymise too")
    extra = _read_names(names) if names is not None else []
    with store_for(ctx) as store:
        pseudonyms = project_pseudonyms(store, project, extra) if pseudonymise else None
        written = export_project(store, project, format, output, pseudonyms=pseudonyms)
    typer.echo(f"Wrote {written} ({written.stat().st_size:,} bytes).")
    if pseudonyms is not None:
        typer.echo(
            f"Pseudonymised {len(pseudonyms)} name(s): "
            + ", ".join(f"{n} → {p}" for n, p in pseudonyms.names.items())
            if len(pseudonyms) <= 10
            else f"Pseudonymised {len(pseudonyms)} names."
        )


def _read_names(path: Path) -> list[str]:
    """One name a line; blank lines and lines starting with # are skipped."""
    if path.stat().st_size > 1_000_000:
        raise InvalidInput(f"{path}: a names file must be under 1 MB")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not UTF-8 text") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


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
    from collabmap.store.agreement import project_agreement  # loads scikit-learn

    with store_for(ctx) as store:
        report = project_agreement(
            store, project, coder_a, coder_b, unit=unit.value, codes=code or None
        )
    if as_json:
        print_json(report.to_dict())
        return
    console = console_out()

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
    with store_for(ctx) as store:
        found = list_segments(store, project, source, kind=kind)
    if as_json:
        print_json([s.to_dict() for s in found])
        return
    for segment in found:
        who = f"{segment.speaker}: " if segment.speaker else ""
        typer.echo(
            f"{segment.id:>8}  {segment.kind:<12} [{segment.start}:{segment.end}] "
            f"{who}{clip(segment.text)}"
        )


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

    with store_for(ctx) as store:
        link_answer(store, project, partnership, answer, coding)
    typer.echo(f"Linked coding {coding} to {partnership}: {answer}.")


def register(app: typer.Typer) -> None:
    """Add the evidence commands to the root application."""
    app.command("import")(import_command)
    app.command("segments")(segments_command)
    app.command("code")(code_command)
    app.command("uncode")(uncode_command)
    app.command("review")(review_command)
    app.command("codings")(codings_command)
    app.command("memo")(memo_command)
    app.command("link")(link_command)
    app.command("agreement")(agreement_command)
    app.command("export")(export_command)
