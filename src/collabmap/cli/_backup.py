"""Commands for backups: ``backup`` (a SQLite online copy or a portable dump) and ``restore``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from collabmap.cli._common import store_for
from collabmap.errors import InvalidInput
from collabmap.store.backup import backup_sqlite, dump, restore
from collabmap.store.check import check_store, summarise

__all__ = ["register"]


class BackupFormat(StrEnum):
    sqlite = "sqlite"
    dump = "dump"


@contextmanager
def _progress(description: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error when it is a terminal; nothing otherwise."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _size(count: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000  # type: ignore[assignment]
    return f"{count} bytes"  # pragma: no cover - the loop always returns


def backup_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The backup file to write (replaced whole).")],
    format: Annotated[
        BackupFormat | None,
        typer.Option(
            "--format",
            help="sqlite: an online copy of a SQLite store (itself a store); dump: a portable "
            "dump that restores on SQLite or PostgreSQL. Default: sqlite for a SQLite store, "
            "dump for PostgreSQL or with --project.",
        ),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option("--project", help="Only this project (with its people); implies a dump."),
    ] = None,
) -> None:
    """Back up the store while it is in use: a SQLite copy, or a portable dump."""
    with store_for(ctx) as store:
        chosen = format or (
            BackupFormat.sqlite
            if store.dialect == "sqlite" and project is None
            else BackupFormat.dump
        )
        if chosen is BackupFormat.sqlite and project is not None:
            raise InvalidInput("--project makes a dump; use --format dump (or leave it out)")
        with _progress("Backing up") as progress:
            if chosen is BackupFormat.sqlite:
                result = backup_sqlite(store, out, progress=progress)
            else:
                result = dump(store, out, project=project, progress=progress)
    if result.format == "sqlite":
        typer.echo(f"backed up to {out}: a SQLite copy, {_size(result.size)}")
    else:
        rows = sum(result.rows.values())
        what = f"project {project!r}" if project else "the whole store"
        typer.echo(f"backed up {what} to {out}: a dump of {rows:,} rows, {_size(result.size)}")


def restore_command(
    ctx: typer.Context,
    source: Annotated[
        Path, typer.Argument(help="A dump, or a SQLite copy, made by collabmap backup.")
    ],
) -> None:
    """Restore a backup into an empty store, or one project into any store."""
    if not source.is_file():
        raise InvalidInput(f"{source}: no such file")
    with store_for(ctx, create=True) as store, _progress("Restoring") as progress:
        result = restore(store, source, progress=progress)
    rows = sum(result.rows.values())
    what = f"project {result.project!r}" if result.project else "the whole store"
    typer.echo(f"restored {what} from {source}: {rows:,} rows")
    for table, names in sorted(result.reused.items()):
        kind = {"users": "accounts", "coders": "coders"}.get(table, table)
        typer.echo(f"  kept the store's own {kind}: {', '.join(names)}")


def check_command(ctx: typer.Context) -> None:
    """Check that the store is whole: texts, spans, references (and SQLite's own checks)."""
    with store_for(ctx) as store:
        problems = check_store(store)
        summary = summarise(store)
    if problems:
        for problem in problems:
            typer.echo(f"problem   {problem}")
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.")
        raise typer.Exit(1)
    counts = [
        (summary.projects, "project"),
        (summary.sources, "source"),
        (summary.segments, "segment"),
        (summary.codings, "coding"),
        (summary.memos, "memo"),
    ]
    held = ", ".join(f"{n:,} {word}{'' if n == 1 else 's'}" for n, word in counts)
    typer.echo(f"The store is consistent: {held}.")


def register(app: typer.Typer) -> None:
    """Add the backup and restore commands to the root application."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.command("check")(check_command)
