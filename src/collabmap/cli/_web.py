"""Commands for the web application: serve, demo, user accounts and project members."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from collabmap.cli._common import cli_actor, db_option, store_for
from collabmap.errors import InvalidInput
from collabmap.store import open_store

user_app = typer.Typer(help="Local accounts for the web application.", no_args_is_help=True)
member_app = typer.Typer(help="Who belongs to a project, with which role.", no_args_is_help=True)

DEMO_PROJECT = "Reference cases"
DEMO_USER = "demo"

_ROLES_HELP = "owner, analyst, respondent or viewer"


class LogLevel(StrEnum):
    """How much ``serve`` logs (collabmap.web._logging.LEVELS; uvicorn's ``trace`` is left
    out because it logs request headers, session cookies included)."""

    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"
    debug = "debug"


def _assets_ready() -> None:
    from collabmap.web._settings import STATIC

    if not (STATIC / "vendor" / "app.css").is_file():
        raise InvalidInput(
            "the web assets are not built; run scripts/setup.sh (or scripts/build-assets.sh)"
        )


def _run(
    app: object,
    host: str,
    port: int,
    *,
    certfile: Path | None,
    keyfile: Path | None,
    workers: int = 1,
    log_level: str = "warning",
) -> None:
    """Run uvicorn: ``app`` itself in this process, or with ``workers`` above 1 that many
    processes each building the application (:mod:`collabmap.web._worker`). The access log
    is written at ``info`` and ``debug`` only, redacted (:mod:`collabmap.web._logging`)."""
    import uvicorn

    from collabmap.web._logging import log_config

    uvicorn.run(
        "collabmap.web._worker:app" if workers > 1 else app,  # type: ignore[arg-type]
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=host,
        port=port,
        log_config=log_config(log_level),
        log_level=log_level,
        access_log=log_level in ("info", "debug"),
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        # uvicorn kills a worker that has not answered its supervisor's ping for 5 s, dropping
        # every request it is serving; on a busy 2-core machine a worker can be that slow to
        # answer without being hung (one such drop in 31,031 requests of the PostgreSQL soak)
        timeout_worker_healthcheck=30,
    )


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM); serves HTTPS with secure cookies.")
    ] = None,
    keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
    secure_cookies: Annotated[
        bool,
        typer.Option(help="Mark cookies Secure (behind an HTTPS proxy). On with --certfile."),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Server processes: one per processor serves the most people."
        ),
    ] = 1,
    log_level: Annotated[
        LogLevel,
        typer.Option(help="How much to log to standard error: info adds a line per request."),
    ] = LogLevel.warning,
) -> None:
    """Serve the web application over the store (sign in with an account from `user create`)."""
    from collabmap.web import WebSettings, create_app

    _assets_ready()
    if (certfile is None) != (keyfile is None):
        raise InvalidInput("give both --certfile and --keyfile, or neither")
    store = open_store(db_option(ctx), create=True)
    settings = WebSettings(secure_cookies=secure_cookies or certfile is not None)
    scheme = "https" if certfile else "http"
    typer.echo(f"collabmap is serving {store.url.split('://')[0]} at {scheme}://{host}:{port}/")
    typer.echo("Press Ctrl+C to stop.")
    jobs_folder = None
    if workers > 1:  # each worker opens this store again, by URL (see collabmap.web._worker)
        from collabmap.store._engine import ENV_DB
        from collabmap.web._jobs import ENV_JOBS_DIR
        from collabmap.web._worker import ENV_SECURE_COOKIES

        os.environ[ENV_DB] = store.url
        os.environ[ENV_SECURE_COOKIES] = "1" if settings.secure_cookies else "0"
        # the workers share one folder for their background jobs' state and files
        jobs_folder = tempfile.mkdtemp(prefix="collabmap-jobs-")
        os.environ[ENV_JOBS_DIR] = jobs_folder
    try:
        _run(
            create_app(store, settings) if workers == 1 else None,
            host,
            port,
            certfile=certfile,
            keyfile=keyfile,
            workers=workers,
            log_level=log_level.value,
        )
    finally:
        store.close()
        if jobs_folder is not None:
            shutil.rmtree(jobs_folder, ignore_errors=True)


def demo(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the reference cases in a new local SQLite project, on this computer only.

    No sign-in: every visit from this computer is signed in as the demo user. The project is
    made afresh in a temporary folder and deleted when the demo stops.
    """
    import secrets

    from collabmap.store.accounts import create_user
    from collabmap.store.projects import create_project
    from collabmap.web import WebSettings, create_app

    _assets_ready()
    with tempfile.TemporaryDirectory(prefix="collabmap-demo-") as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'demo.db'}", create=True)
        try:
            create_user(
                store,
                DEMO_USER,
                secrets.token_urlsafe(24),
                display_name="Demo officer",
                actor="collabmap demo",
            )
            create_project(
                store,
                DEMO_PROJECT,
                with_examples=True,
                description="The five cases of FitzGerald et al. (2021), from public sources.",
                owner=DEMO_USER,
                actor="collabmap demo",
            )
            settings = WebSettings(demo_user=DEMO_USER)
            typer.echo(f"collabmap demo: open http://127.0.0.1:{port}/projects/Reference%20cases")
            typer.echo("Press Ctrl+C to stop (the demo project is then deleted).")
            _run(create_app(store, settings), "127.0.0.1", port, certfile=None, keyfile=None)
        finally:
            store.close()


def _read_password(prompt: str, from_stdin: bool) -> str:
    """A password from one line of standard input (for scripts), else asked for twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@user_app.command("create")
def user_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name: lower-case letters, digits, . _ @ -")],
    display_name: Annotated[
        str | None, typer.Option(help="The name shown on pages (the user name by default).")
    ] = None,
    owner_of: Annotated[
        list[str] | None,
        typer.Option("--owner-of", help="Make the user owner of this project (repeatable)."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a local account (asks for the password twice unless --password-stdin)."""
    from collabmap.store.accounts import add_member, create_user

    password = _read_password("Password", password_stdin)
    actor = cli_actor()
    with store_for(ctx, create=True) as store:
        account = create_user(store, name, password, display_name=display_name, actor=actor)
        for project in owner_of or []:
            add_member(store, project, account.name, "owner", actor=actor)
    owner = f", owner of {', '.join(owner_of)}" if owner_of else ""
    typer.echo(f"Created user {account.name!r}{owner}.")


@user_app.command("password")
def user_password(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user whose password to set.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a user's password (for someone who forgot theirs): they are signed out everywhere."""
    from collabmap.store.accounts import set_password

    password = _read_password("New password", password_stdin)
    with store_for(ctx) as store:
        set_password(store, name, password, actor=cli_actor())
    typer.echo(f"Set a new password for {name.strip().lower()!r}; their sessions have ended.")


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """List the local accounts."""
    from collabmap.store.accounts import list_users

    with store_for(ctx) as store:
        accounts = list_users(store)
    if not accounts:
        typer.echo("No users yet. Create one with: collabmap user create NAME")
    for account in accounts:
        typer.echo(f"{account.name}\t{account.display_name}")


@member_app.command("add")
def member_add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="The project.")],
    user: Annotated[str, typer.Argument(help="The user name.")],
    role: Annotated[str, typer.Argument(help=_ROLES_HELP)],
) -> None:
    """Give a user a role in a project (replacing the role they had)."""
    from collabmap.store.accounts import add_member

    with store_for(ctx) as store:
        add_member(store, project, user, role, actor=cli_actor())
    typer.echo(f"{user} is now {role} of {project!r}.")


@member_app.command("list")
def member_list(
    ctx: typer.Context, project: Annotated[str, typer.Argument(help="The project.")]
) -> None:
    """List a project's members and their roles."""
    from collabmap.store.accounts import list_members

    with store_for(ctx) as store:
        members = list_members(store, project)
    for account, role in members:
        typer.echo(f"{account.name}\t{role}")


def register(app: typer.Typer) -> None:
    """Add serve, demo, user and member commands to the root application."""
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.add_typer(user_app, name="user")
    app.add_typer(member_app, name="member")
