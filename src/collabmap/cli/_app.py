"""Command definitions. Each command translates options into one library call and prints."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from collabmap import __version__
from collabmap.classify import classify
from collabmap.classify.activity import coverage_gaps
from collabmap.cli import _compare, _evidence, _projects, _web
from collabmap.cli._analyse import register as register_analyse
from collabmap.cli._backup import register as register_backup
from collabmap.cli._common import console_out, json_text
from collabmap.cli._render import print_classification, print_examples_table, print_framework
from collabmap.errors import InvalidFramework, InvalidInput, Issue
from collabmap.examples import example_names, load_example
from collabmap.framework import (
    Framework,
    default_framework,
    framework_json_schema,
    load_framework,
)
from collabmap.profile import load_profile, profile_json_schema, profile_template
from collabmap.report import framework_markdown

__all__ = ["app"]

app = typer.Typer(
    name="collabmap",
    help=(
        "Describe, compare and analyse collaborative practice in public services "
        "(FitzGerald et al., 2021), backing every judgement with evidence."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
framework_app = typer.Typer(help="Show, export and validate the framework.", no_args_is_help=True)
profile_app = typer.Typer(
    help="Write, check and describe partnership profiles.", no_args_is_help=True
)
app.add_typer(framework_app, name="framework")
app.add_typer(profile_app, name="profile")

FrameworkOption = Annotated[
    Path | None,
    typer.Option(
        "--framework",
        help="An adapted framework file to use instead of the shipped one.",
        dir_okay=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file instead of standard output.", dir_okay=False
    ),
]


def _framework(path: Path | None) -> Framework:
    """The shipped framework, or an adapted one checked also for rules that leave gaps."""
    if path is None:
        return default_framework()
    framework = load_framework(path)
    gaps = coverage_gaps(framework)
    if gaps:
        raise InvalidFramework(
            str(path),
            [
                Issue("activity_categories", f"no category's rule covers an activity {gap}")
                for gap in gaps
            ],
        )
    return framework


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"collabmap {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="The store: a SQLite file path or a postgresql+psycopg:// URL "
            "(default: $COLLABMAP_DB, else ./collabmap.db).",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when something fails.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """collabmap: collaborative practice, described, compared and analysed."""
    ctx.obj = {"db": db, "debug": debug}


class ExportFormat(StrEnum):
    json = "json"
    markdown = "markdown"


@framework_app.command("show")
def framework_show(framework: FrameworkOption = None) -> None:
    """Show the framework's concepts in a readable outline."""
    print_framework(console_out(), _framework(framework))


@framework_app.command("export")
def framework_export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="json or markdown.")] = (
        ExportFormat.json
    ),
    output: OutputOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Export the whole framework as one JSON document or as Markdown."""
    fw = _framework(framework)
    if format is ExportFormat.json:
        _write(json_text(fw.model_dump(mode="json")), output)
    else:
        _write(framework_markdown(fw), output)


@framework_app.command("validate")
def framework_validate(
    file: Annotated[Path, typer.Argument(help="The framework file (YAML or JSON) to check.")],
) -> None:
    """Check an adapted framework file; every problem names its path (exit 0 if valid)."""
    fw = _framework(file)
    typer.echo(f"{file} is a valid framework: {fw.id} {fw.version}.")


@framework_app.command("schema")
def framework_schema(output: OutputOption = None) -> None:
    """Print the JSON Schema of the framework file format."""
    _write(json_text(framework_json_schema()), output)


@profile_app.command("new")
def profile_new(
    output: OutputOption = None,
    framework: FrameworkOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented profile template to fill in."""
    if output is not None and output.exists() and not force:
        raise InvalidInput(f"{output} already exists; use --force to overwrite it")
    _write(profile_template(_framework(framework)), output)
    if output is not None:
        typer.echo(
            f"Wrote a profile template to {output}. Fill it in, then run: "
            f"collabmap classify {output}",
            err=True,
        )


@profile_app.command("validate")
def profile_validate(
    file: Annotated[Path, typer.Argument(help="The profile (YAML or JSON) to check.")],
    framework: FrameworkOption = None,
) -> None:
    """Check a partnership profile; every problem names its field (exit 0 if valid)."""
    profile = load_profile(file, framework=_framework(framework))
    typer.echo(f"{file} is a valid profile of {profile.name}.")


@profile_app.command("schema")
def profile_schema(output: OutputOption = None, framework: FrameworkOption = None) -> None:
    """Print the JSON Schema of the profile format, with the framework's allowed values."""
    _write(json_text(profile_json_schema(_framework(framework))), output)


@app.command("examples")
def examples(
    with_classification: Annotated[
        bool,
        typer.Option("--classify", help="Show each reference case with its classification."),
    ] = False,
    framework: FrameworkOption = None,
) -> None:
    """List the shipped reference profiles, one name a line."""
    if not with_classification:
        for name in example_names():
            typer.echo(name)
        return
    fw = _framework(framework)
    print_examples_table(
        console_out(),
        [(name, classify(load_example(name, framework=fw), fw)) for name in example_names()],
        fw,
    )


@app.command("classify")
def classify_command(
    profile: Annotated[
        Path | None,
        typer.Argument(help="A profile file (YAML or JSON).", dir_okay=False, show_default=False),
    ] = None,
    example: Annotated[
        str | None, typer.Option("--example", "-e", help="A shipped reference profile instead.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    framework: FrameworkOption = None,
) -> None:
    """Classify one partnership: structure, activities, rationales, accountability."""
    if (profile is None) == (example is None):
        raise typer.BadParameter("give a profile file or --example NAME, not both or neither")
    fw = _framework(framework)
    loaded = (
        load_example(example, framework=fw)
        if example is not None
        else load_profile(profile, framework=fw)  # type: ignore[arg-type]
    )
    result = classify(loaded, fw)
    if as_json:
        _write(json_text(result.to_dict()), None)
    else:
        print_classification(console_out(), result, fw, loaded.place)


for _module in (_projects, _evidence, _compare, _web):
    _module.register(app)
register_analyse(app)
register_backup(app)
