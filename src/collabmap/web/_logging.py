"""What ``collabmap serve`` writes to its log, and what it must never write.

A server's log is read by more people than its data is (whoever runs the machine, whoever a
log is pasted to when asking for help) and kept for longer, so it holds no secret and no
research data at any level, ``debug`` included. Sessions, passwords and CSRF tokens travel in
cookies and form bodies, which nothing here logs; two things travel in the URL, which the access
log would otherwise copy whole:

- a respondent's personal link, ``/respond/TOKEN``: the token signs its holder in, so the log
  writes ``/respond/…`` instead;
- query strings, which can carry words searched for in interview text or a partnership's name:
  the log keeps each parameter's name (which filter was used) and writes every value as ``…``.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

__all__ = ["LEVELS", "RedactURLs", "log_config", "redact_url"]

LEVELS = ("critical", "error", "warning", "info", "debug")
"""What ``serve --log-level`` accepts. uvicorn's ``trace`` is left out on purpose: it logs every
request's headers, cookies included."""

_TOKEN_IN_PATH = re.compile(r"(/respond/)[^/?#]+")
_HIDDEN = "…"


def redact_url(target: str) -> str:
    """``target`` (a path with its query string, as uvicorn logs it) with the invitation token
    and every query value replaced by an ellipsis."""
    path, has_query, query = target.partition("?")
    path = _TOKEN_IN_PATH.sub(lambda m: m.group(1) + _HIDDEN, path)
    if not has_query:
        return path
    names = [part.split("=", 1)[0] for part in query.split("&") if part]
    return path + "?" + "&".join(f"{name}={_HIDDEN}" for name in names)


class RedactURLs(logging.Filter):
    """Rewrites uvicorn's access-log records (their arguments are client address, method,
    path with query, HTTP version and status) before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], redact_url(args[2]), args[3], args[4])
        return True


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's own logging set-up, with the access log redacted and everything else (the
    application's loggers and the libraries it uses) written the same way at ``level``. A
    plain dictionary, so ``serve --workers N`` hands it to each worker process."""
    if level not in LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LEVELS)}")
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_urls": {"()": f"{__name__}.RedactURLs"}}
    config["loggers"]["uvicorn.access"]["filters"] = ["redact_urls"]  # before any handler
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"  # stdout is for the CLI's words
    config["root"] = {"handlers": ["default"], "level": level.upper()}
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        config["loggers"][name]["level"] = level.upper()
    # SQLAlchemy logs each statement's parameters at info and the rows read at debug: interview
    # text, CSRF tokens. It keeps itself at warning unless told otherwise; this says so here
    # too, so that the root level above never turns it on.
    config["loggers"]["sqlalchemy"] = {"level": "WARNING"}
    return config
