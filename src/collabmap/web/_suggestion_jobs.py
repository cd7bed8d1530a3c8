""" "Suggest codes for this source" as a background job with progress.

Learning from a project's decisions retrains the codes model, which takes half a minute or more
on a small machine (measured: 32 s on 2 cores, quiet), so a request only starts the run and
answers at once; pages and the API then ask how it is going. One run per source at a time.

A run is a job of the application's :class:`~collabmap.web._jobs.JobRunner`: it runs in a child
process, and its state is written to the folder the server's processes share, keyed by the
project and the source. So with ``collabmap serve --workers N`` a browser polling any worker
sees the run another worker started, and two workers asked at once start one run, not two.
Any member who may view the source sees its latest run (the runner keeps finished runs for
an hour); suggestions themselves are stored in one transaction at the end of the run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from collabmap.web._context import Member
from collabmap.web._jobs import Job
from collabmap.web._reports import jobs

__all__ = ["SuggestionRun", "current_run", "start_run"]

_STAGES = {
    "starting": "Starting",
    "learning": "Learning from the project’s decisions (this can take a minute or so)",
    "reading": "Reading the source",
    "storing": "Storing the suggestions",
    "done": "Finished",
    "failed": "Stopped",
}


@dataclass(frozen=True)
class SuggestionRun:
    """A run as the workspace shows it, read from its job."""

    source: str
    stage: str
    done: int
    total: int
    seconds: float
    report: dict[str, Any] | None
    error: str | None

    @property
    def running(self) -> bool:
        return self.stage not in {"done", "failed"}

    @property
    def stage_text(self) -> str:
        return _STAGES.get(self.stage, self.stage)

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


def _key(project: str, source: str) -> str:
    return f"suggestions\n{project}\n{source}"


def _run(job: Job, source: str) -> SuggestionRun:
    detail = job.detail
    if job.state == "done" and isinstance(job.outcome, dict):
        stage, report, error = "done", job.outcome, None
    elif job.is_finished:
        stage, report = "failed", None
        error = job.error or "the run was cancelled; nothing was stored"
    else:
        stage, report, error = str(detail.get("stage") or "starting"), None, None
    end = job.finished if job.finished is not None else time.time()
    return SuggestionRun(
        source=source,
        stage=stage,
        done=int(detail.get("done") or 0),
        total=int(detail.get("total") or 0),
        seconds=round(max(0.0, end - job.created), 1),
        report=report,
        error=error,
    )


def current_run(app: FastAPI, project: str, source: str) -> SuggestionRun | None:
    """The latest run for this source (running or finished), whichever worker started it."""
    job = jobs(app).latest(_key(project, source))
    return _run(job, source) if job is not None else None


def start_run(app: FastAPI, who: Member, source: str) -> SuggestionRun:
    """Start suggesting for the source, or return the run already going for it."""
    from collabmap.web._tasks import suggest_task

    job = jobs(app).submit(
        who.user_id,
        who.project,
        suggest_task,
        (who.store.url, who.project, source, who.actor),
        title=f"suggesting codes for {source}",
        filename="",
        media_type="application/json",
        kind="suggestions",
        key=_key(who.project, source),
    )
    return _run(job, source)
