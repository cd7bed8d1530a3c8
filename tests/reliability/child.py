"""Run the collabmap command line as a child process with a fault hook, for the fault tests.

``python -m tests.reliability.child [HOOKS] -- COLLABMAP ARGUMENTS``; the hooks act on every
database connection the command opens, through SQLAlchemy's events, so collabmap itself
carries no test code:

- ``--max-pages N``: SQLite refuses to grow the database beyond N pages (as on a full disk);
- ``--pause-after REGEX``: once a statement matching REGEX has run (inside its transaction,
  before the commit), print ``paused: …`` on standard error and wait to be killed;
- ``--trace-ddl SECONDS``: print ``ddl N`` on standard error after each schema statement and
  wait SECONDS, so a test can kill a migration after any statement it chooses;
- ``--slow-transactions SECONDS``: wait SECONDS as each transaction begins, so a fast import
  is still under way when the test, reading its output, decides to kill it.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from typing import Any

from sqlalchemy import Engine, event

_DDL = re.compile(r"^\s*(CREATE|DROP|ALTER)\b", re.IGNORECASE)


def _install(options: argparse.Namespace) -> None:
    if options.max_pages is not None:

        @event.listens_for(Engine, "connect")
        def _limit(dbapi_connection: Any, _record: Any) -> None:
            if type(dbapi_connection).__module__.startswith("sqlite3"):
                dbapi_connection.execute(f"PRAGMA max_page_count = {int(options.max_pages)}")

    if options.pause_after is not None:
        pattern = re.compile(options.pause_after, re.IGNORECASE)

        @event.listens_for(Engine, "after_cursor_execute")
        def _pause(*args: Any) -> None:
            statement = args[2]
            if pattern.search(statement):
                sys.stderr.write(f"paused: {statement[:60]!r}\n")
                sys.stderr.flush()
                time.sleep(600)

    if options.trace_ddl is not None:
        done = [0]

        @event.listens_for(Engine, "after_cursor_execute")
        def _trace(*args: Any) -> None:
            if _DDL.match(args[2]):
                done[0] += 1
                sys.stderr.write(f"ddl {done[0]}\n")
                sys.stderr.flush()
                time.sleep(options.trace_ddl)

    if options.slow_transactions is not None:

        @event.listens_for(Engine, "begin")
        def _slow(*_args: Any) -> None:
            time.sleep(options.slow_transactions)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-pages", type=int)
    parser.add_argument("--pause-after")
    parser.add_argument("--trace-ddl", type=float)
    parser.add_argument("--slow-transactions", type=float)
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    _install(options)
    from collabmap.cli import main as collabmap

    arguments = options.arguments[1:] if options.arguments[:1] == ["--"] else options.arguments
    return collabmap(arguments)


if __name__ == "__main__":
    sys.exit(main())
