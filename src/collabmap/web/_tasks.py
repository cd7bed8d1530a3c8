"""What the job runner's child processes do besides reports: downloads, imports, suggestions.

Each task opens the store by its URL (a child shares nothing with the server but the database
and the jobs folder), reports progress over the pipe, checks the cancel flag between steps and
ends with one message (see :data:`collabmap.web._jobs.Task`). Library errors end the job with
their own sentence; anything else is logged and reported as a failure that kept nothing, so a
hostile file can fail a job but never the server.

The forkserver imports this module before any job starts (see ``jobs()`` in ``_reports.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from collabmap.errors import Cancelled, CollabmapError
from collabmap.store import Store, open_store

__all__ = ["export_matrix_task", "export_project_task", "import_task", "suggest_task"]

log = logging.getLogger("collabmap.web.jobs")


@contextmanager
def _reporting(pipe: Connection, what: str) -> Iterator[None]:
    """Turn how the work ended into the job's last message, and always close the pipe."""
    try:
        yield
    except Cancelled:
        pipe.send(("cancelled",))
    except CollabmapError as exc:
        pipe.send(("failed", _sentence(str(exc))))
    except Exception:
        log.exception("a background job (%s) failed", what)
        pipe.send(("failed", f"collabmap could not finish {what}; nothing was kept."))
    finally:
        pipe.close()


@contextmanager
def _store(url: str) -> Iterator[Store]:
    store = open_store(url, migrate=False, create=False)
    try:
        yield store
    finally:
        store.close()


def _checker(pipe: Connection, cancel: Event) -> Callable[[float, str], None]:
    def progress(fraction: float, message: str) -> None:
        if cancel.is_set():
            raise Cancelled()
        pipe.send(("progress", fraction, message))

    return progress


def export_matrix_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    """``args``: the store's URL, the project, the format (xlsx or csv)."""
    from collabmap.store.matrix import export_matrix, project_matrix

    url, project, format = args
    progress = _checker(pipe, cancel)
    with _reporting(pipe, "the matrix"):
        with _store(url) as store:
            progress(0.1, "Gathering the matrix’s cells and quotations")
            matrix = project_matrix(store, project)
            progress(0.6, "Writing the spreadsheet")
            export_matrix(matrix, format, out)
        progress(1.0, "Written")
        pipe.send(("done",))


def export_project_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    """``args``: the store's URL, the project, the format, whether to pseudonymise, and who
    asked (written to the audit log once the file is made)."""
    from collabmap.store.exchange import export_project, project_pseudonyms, record_export

    url, project, format, pseudonymise, actor = args
    progress = _checker(pipe, cancel)
    with _reporting(pipe, "the export"):
        with _store(url) as store:
            pseudonyms = None
            if pseudonymise:
                progress(0.1, "Finding interviewees’ names")
                pseudonyms = project_pseudonyms(store, project)
            progress(0.3, "Writing the project")
            export_project(store, project, format, out, pseudonyms=pseudonyms)
            progress(0.95, "Recording the export in the audit log")
            record_export(
                store,
                project,
                actor,
                format,
                pseudonymised=pseudonyms is not None,
                size=out.stat().st_size,
            )
        pipe.send(("done",))


def import_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    """``args``: the store's URL, the project, the uploaded files (paths, each under a folder
    of its own so that two files may share a name), the partnership or None, the survey text
    column or None, and who uploaded them.

    Ends with ``("done", outcome)``: each file's name and what became of it. A cancel stops
    between files; the files already imported stay (each was its own transaction), and the
    outcome says which.
    """
    from collabmap.store.sources import FileResult, import_files

    url, project, paths, partnership, text_column, actor = args
    files = [Path(p) for p in paths]
    results: list[FileResult] = []

    def progress(done: int, total: int, name: str) -> None:
        pipe.send(("progress", done / max(total, 1), f"Imported {done} of {total} files"))
        if cancel.is_set():
            raise Cancelled()

    with _reporting(pipe, "the import"):
        with _store(url) as store:
            remaining = list(files)
            try:
                # one file at a time, so that a cancel stops between two files and what was
                # already imported is reported, not lost from view
                while remaining:
                    path = remaining.pop(0)
                    report = import_files(
                        store,
                        project,
                        [path],
                        partnership=partnership,
                        text_column=text_column,
                        actor=actor,
                    )
                    results.extend(report.results)
                    progress(len(results), len(files), path.name)
            except Cancelled:
                pipe.send(("done", _outcome(results, [p.name for p in remaining])))
                return
        pipe.send(("done", _outcome(results, [])))


def _outcome(results: list[Any], not_done: list[str]) -> dict[str, Any]:
    return {
        "files": [
            {
                "name": Path(r.path).name,
                "status": r.status,
                "summary": r.summary,
                "sources": r.sources,
                "warnings": r.warnings,
            }
            for r in results
        ]
        + [
            {
                "name": name,
                "status": "not imported",
                "summary": "the import was cancelled before this file",
                "sources": [],
                "warnings": [],
            }
            for name in not_done
        ],
        "cancelled": bool(not_done),
    }


def suggest_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    """``args``: the store's URL, the project, the source and who asked. Progress carries the
    stage (learning, reading, storing) and the passages read; the outcome is the run's
    report (suggestions stored, decisions learnt from)."""
    from collabmap.store.suggest import suggest

    url, project, source, actor = args
    state: dict[str, Any] = {"stage": "starting", "done": 0, "total": 0}
    fractions = {"learning": 0.05, "reading": 0.3, "storing": 0.95}

    def send() -> None:
        if cancel.is_set():
            raise Cancelled()
        fraction = fractions.get(state["stage"], 0.0)
        if state["stage"] == "reading" and state["total"]:
            fraction = 0.3 + 0.6 * state["done"] / state["total"]
        pipe.send(("progress", fraction, str(state["stage"]), dict(state)))

    def stage(name: str) -> None:
        state["stage"] = name
        send()

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total
        send()

    with _reporting(pipe, "the suggestions"):
        with _store(url) as store:
            report = suggest(
                store, project, sources=[source], stage=stage, progress=progress, actor=actor
            )
        pipe.send(("done", report.to_dict()))


def _sentence(text: str) -> str:
    text = text.strip() or "the job could not be finished"
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
