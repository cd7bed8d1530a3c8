"""The ``collabmap`` command: a thin shell over the library.

Commands parse options, call the library and print. Errors raised by the library become one
line on standard error and an exit code (2: invalid input, nothing changed; 1: partial failure);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

import typer
from rich.console import Console

from collabmap.cli._app import app
from collabmap.errors import CollabmapError, InvalidInput

__all__ = ["app", "main"]


def _silence_stdout() -> None:
    """Point standard output at /dev/null so Python's final flush does not fail too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (also used by ``python -m collabmap``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:  # accepted anywhere on the line, as people type it
        args = ["--debug", *(a for a in args if a != "--debug")]
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="collabmap", standalone_mode=False)
        if isinstance(code, int):  # typer.Exit(n) comes back as the return value
            return code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err.print("Aborted.")
        return 1
    except typer.TyperException as exc:  # usage errors: unknown option, bad value …
        if debug:
            raise
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"error: {exc.format_message()}", markup=False)
        return 2
    except CollabmapError as exc:
        if debug:
            traceback.print_exc()
        err.print(f"error: {exc}", markup=False)
        return 2 if isinstance(exc, InvalidInput) else 1
    except KeyboardInterrupt:
        err.print("Interrupted.")
        return 130
    except BrokenPipeError:  # the reader (e.g. `| head`) has gone: stop quietly
        _silence_stdout()
        return 0
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug
        if debug:
            raise
        err.print(
            f"error: collabmap failed unexpectedly ({type(exc).__name__}: {exc}); "
            "run again with --debug for details",
            markup=False,
        )
        return 1
    return 0
