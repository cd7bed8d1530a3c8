"""Commands for projects, their partnerships and their code tree."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from collabmap.cli._common import JsonOption, cli_actor, console_out, print_json, store_for
from collabmap.errors import InvalidInput
from collabmap.profile import load_profile
from collabmap.store.coding import add_code, list_codes
from collabmap.store.projects import (
    add_profiles,
    attach_sources,
    create_project,
    delete_project,
    list_partnerships,
    list_projects,
)

project_app = typer.Typer(help="Create, list and delete projects.", no_args_is_help=True)


@project_app.command("create")
def project_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The project's name.")],
    with_examples: Annotated[
        bool, typer.Option("--with-examples", help="Load the reference partnerships too.")
    ] = False,
) -> None:
    """Create a project with the framework's code tree."""
    with store_for(ctx, create=True) as store:
        created = create_project(store, name, with_examples=with_examples)
    typer.echo(
        f"Created project {created.name!r}: {created.codes} framework codes, "
        f"{created.partnerships} partnerships."
    )


@project_app.command("list")
def project_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the projects in the store."""
    with store_for(ctx) as store:
        projects = list_projects(store)
    if as_json:
        print_json([p.to_dict() for p in projects])
        return
    if not projects:
        typer.echo("No projects yet. Create one with: collabmap project create NAME")
        return
    table = Table("project", "partnerships", "sources", "codings", "framework", box=None)
    for p in projects:
        table.add_row(
            escape(p.name), str(p.partnerships), str(p.sources), str(p.codings), p.framework
        )
    console_out().print(table)


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
    with store_for(ctx) as store:
        delete_project(store, name, actor=cli_actor())
    typer.echo(f"Deleted project {name!r}.")


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

    with store_for(ctx) as store:
        if add is not None:
            added = add_code(store, project, add, description=description)
            typer.echo(f"Added the code {added!r}.")
            return
        codes = list_codes(store, project)
    if as_json:
        print_json([c.to_dict() for c in codes])
        return
    for code in codes:
        depth = code.path.count("/")
        marker = f"  [{code.concept}]" if code.concept and depth else ""
        count = f"  ({code.codings})" if code.codings else ""
        typer.echo(f"{'  ' * depth}{code.path.rsplit('/', 1)[-1]}{count}{marker}")


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

    loaded = [load_profile(path) for path in profiles]
    with store_for(ctx) as store:
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

    with store_for(ctx) as store:
        rows = list_partnerships(store, project)
    if as_json:
        print_json(rows)
        return
    table = Table("partnership", "structure", "sources", box=None)
    for row in rows:
        table.add_row(
            escape(row["name"]), str(row["structure"] or "no profile"), str(row["sources"])
        )
    console_out().print(table)


@partnership_app.command("attach")
def partnership_attach(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    partnership: Annotated[str, typer.Argument(help="The partnership.")],
    sources: Annotated[list[str], typer.Argument(help="Names of imported sources.")],
) -> None:
    """Link sources already in the project to a partnership (their codings become its evidence)."""

    with store_for(ctx) as store:
        added = attach_sources(store, project, partnership, sources)
    typer.echo(f"Linked {added} source{'s' if added != 1 else ''} to {partnership}.")


def register(app: typer.Typer) -> None:
    """Add the project, partnership and codes commands to the root application."""
    app.add_typer(project_app, name="project")
    app.add_typer(partnership_app, name="partnership")
    app.command("codes")(codes_command)
