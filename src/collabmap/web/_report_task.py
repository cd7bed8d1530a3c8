"""What a report job's child process does: open the store, build the report, say how it went.

The job runner's forkserver imports this module and WeasyPrint before any job starts, so each
report's process starts in milliseconds with everything loaded.
"""

from __future__ import annotations

import logging
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from collabmap.errors import Cancelled, CollabmapError
from collabmap.store import open_store
from collabmap.store.report import write_report

__all__ = ["build_report"]

log = logging.getLogger("collabmap.web.jobs")


def build_report(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    """``args``: the store's URL, the project, the format and the partnership (or None)."""
    url, project, format, partnership = args

    def progress(fraction: float, message: str) -> None:
        if cancel.is_set():
            raise Cancelled()
        pipe.send(("progress", fraction, message))

    try:
        store = open_store(url, migrate=False, create=False)
        try:
            write_report(store, project, format, out, partnership=partnership, progress=progress)
        finally:
            store.close()
    except Cancelled:
        pipe.send(("cancelled",))
    except CollabmapError as exc:
        pipe.send(("failed", _sentence(str(exc))))
    except Exception:
        log.exception("building a %s report of %r failed", format, project)
        pipe.send(("failed", "collabmap could not make this report; nothing was kept"))
    else:
        pipe.send(("done",))
    finally:
        pipe.close()


def _sentence(text: str) -> str:
    text = text.strip() or "the report could not be made"
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
