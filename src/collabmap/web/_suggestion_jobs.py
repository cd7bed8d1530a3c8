""" "Suggest codes for this source" as background work with progress.

Learning from a project's decisions retrains the text models, which takes minutes on a small
machine (measured: about 80 s a task on 2 cores), so a request only starts the run and
answers at once; pages and the API then ask how it is going. One run per source at a time;
runs live in this process's memory (a restarted server forgets finished runs, never data:
suggestions are stored as they are made, in one transaction at the end).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from collabmap.errors import CollabmapError
from collabmap.store import Store
from collabmap.store.suggest import suggest

__all__ = ["SuggestionRun", "current_run", "start_run"]

_STAGES = {
    "starting": "Starting",
    "learning": "Learning from the project’s decisions (this can take a few minutes)",
    "reading": "Reading the source",
    "storing": "Storing the suggestions",
    "done": "Finished",
    "failed": "Stopped",
}


@dataclass
class SuggestionRun:
    project: str
    source: str
    actor: str
    stage: str = "starting"
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    report: dict[str, Any] | None = None
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.stage not in {"done", "failed"}

    @property
    def stage_text(self) -> str:
        return _STAGES.get(self.stage, self.stage)

    @property
    def seconds(self) -> float:
        return round((self.finished or time.monotonic()) - self.started, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "stage": self.stage,
            "stage_text": self.stage_text,
            "running": self.running,
            "done": self.done,
            "total": self.total,
            "seconds": self.seconds,
            "report": self.report,
            "error": self.error,
        }


_lock = threading.Lock()
_runs: dict[tuple[str, str, str], SuggestionRun] = {}


def current_run(store: Store, project: str, source: str) -> SuggestionRun | None:
    """The latest run for this source (running or finished), if this process has one."""
    with _lock:
        return _runs.get((store.url, project, source))


def start_run(store: Store, project: str, source: str, actor: str) -> SuggestionRun:
    """Start suggesting for the source, or return the run already going for it."""
    key = (store.url, project, source)
    with _lock:
        existing = _runs.get(key)
        if existing is not None and existing.running:
            return existing
        run = SuggestionRun(project, source, actor)
        _runs[key] = run
    threading.Thread(target=_work, args=(store, run), daemon=True, name="suggest").start()
    return run


def _work(store: Store, run: SuggestionRun) -> None:
    def stage(name: str) -> None:
        run.stage = name

    def progress(done: int, total: int) -> None:
        run.done, run.total = done, total

    try:
        report = suggest(
            store,
            run.project,
            sources=[run.source],
            stage=stage,
            progress=progress,
            actor=run.actor,
        )
    except CollabmapError as exc:
        run.error = str(exc)
        run.stage = "failed"
    except Exception:  # a background thread must always end its run
        import logging

        logging.getLogger("collabmap.web").exception("suggestions for %s failed", run.source)
        run.error = "collabmap could not finish the suggestions; nothing was stored"
        run.stage = "failed"
    else:
        run.report = report.to_dict()
        run.stage = "done"
    finally:
        run.finished = time.monotonic()
