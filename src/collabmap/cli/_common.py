"""What the store commands share: opening the store named by --db, and printing."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

from collabmap.store import Store, open_store

__all__ = [
    "JsonOption",
    "cli_actor",
    "clip",
    "console_out",
    "db_option",
    "json_text",
    "print_json",
    "store_for",
]

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def db_option(ctx: typer.Context) -> str | None:
    root = ctx.find_root()
    return root.obj.get("db") if isinstance(root.obj, dict) else None


@contextmanager
def store_for(ctx: typer.Context, *, create: bool = False) -> Iterator[Store]:
    """The store named by the root ``--db`` option (or its defaults), closed afterwards.

    Only commands that create a project pass ``create=True``: the others say there is no
    store rather than leave an empty file behind.
    """
    store = open_store(db_option(ctx), create=create)
    try:
        yield store
    finally:
        store.close()


def cli_actor() -> str:
    """Who the audit log names for a change made at the command line."""
    import getpass

    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):  # no name for this uid (a container, say)
        return "command line"


def console_out() -> Console:
    return Console(highlight=False)


def json_text(data: object) -> str:
    """JSON as the commands print it: indented, UTF-8 as is, anything else as a string."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def print_json(data: object) -> None:
    sys.stdout.write(json_text(data) + "\n")


def clip(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
