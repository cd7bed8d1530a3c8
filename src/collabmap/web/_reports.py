"""Reports from the web: checking what was asked for, and starting it as a background job.

Pages and the JSON API both start reports here, so both refuse the same things in the same
words: a format that is not html, pdf or md; a partnership the project does not have; a user
without the ``download`` permission.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal, get_args

from fastapi import FastAPI
from sqlalchemy import select

from collabmap.errors import InvalidInput
from collabmap.store.models import Partnership
from collabmap.store.projects import get_project
from collabmap.web._context import Member
from collabmap.web._data import named_partnership
from collabmap.web._jobs import Job, JobRunner

__all__ = ["FORMATS", "ReportFormat", "ReportRequest", "job_view", "jobs", "start_report"]

ReportFormat = Literal["html", "pdf", "md"]
FORMATS: tuple[str, ...] = get_args(ReportFormat)

FORMAT_NAMES = {"html": "web page", "pdf": "PDF", "md": "Markdown"}
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}

_runner_lock = threading.Lock()


def jobs(app: FastAPI) -> JobRunner:
    """The application's job runner for every kind of job (reports, downloads, imports,
    suggestions), started on first use (its forkserver loads WeasyPrint once, a second or
    two, which a server that never makes a report need not pay). Two jobs run at once, so a
    suggestion run that learns for minutes does not hold up a download."""
    runner: JobRunner | None = getattr(app.state, "report_jobs", None)
    if runner is None:
        with _runner_lock:
            runner = getattr(app.state, "report_jobs", None)
            if runner is None:
                runner = JobRunner(
                    workers=2,
                    preload=("collabmap.web._report_task", "collabmap.web._tasks", "weasyprint"),
                )
                app.state.report_jobs = runner
    return runner


@dataclass(frozen=True)
class ReportRequest:
    """A checked request for a report: the format and, for one partnership, its name."""

    format: ReportFormat
    partnership: str | None

    @property
    def title(self) -> str:
        what = f"{self.partnership}" if self.partnership else "the whole project"
        return f"{FORMAT_NAMES[self.format]} report of {what}"


def check_request(who: Member, format: str, partnership: str | None) -> ReportRequest:
    """The request, if ``who`` may download from the project and it names a real
    partnership; else :class:`~collabmap.errors.AccessDenied`, ``InvalidInput`` or
    ``UnknownName``."""
    who.require("download")
    if format not in FORMATS:
        raise InvalidInput(
            f"a report is a web page (html), PDF (pdf) or Markdown (md), not {format[:20]!r}"
        )
    return ReportRequest(format, named_partnership(who.store, who.project, partnership))  # type: ignore[arg-type]


def _filename(project: str, request: ReportRequest) -> str:
    """A file name safe on every system: letters, digits and hyphens from the names."""
    stem = "-".join(
        "".join(ch if ch.isalnum() else "-" for ch in part).strip("-")
        for part in (project, request.partnership or "")
        if part
    )
    stem = "-".join(filter(None, stem.split("-")))[:80] or "report"
    return f"{stem}-report.{request.format}"


def start_report(app: FastAPI, who: Member, request: ReportRequest) -> Job:
    """Queue the report as ``who``'s job and return it at once."""
    from collabmap.web._report_task import build_report

    return jobs(app).submit(
        who.user_id,
        who.project,
        build_report,
        (who.store.url, who.project, request.format, request.partnership),
        title=request.title,
        filename=_filename(who.project, request),
        media_type=MEDIA_TYPES[request.format],
    )


def project_has_partnerships(who: Member) -> bool:
    with who.store.reading() as session:
        project = get_project(session, who.project)
        return (
            session.scalar(
                select(Partnership.id).where(Partnership.project_id == project.id).limit(1)
            )
            is not None
        )


def job_view(job: Job) -> dict[str, Any]:
    """A job as the API shows it."""
    return {
        "id": job.id,
        "project": job.project,
        "title": job.title,
        "state": job.state,
        "progress": {"fraction": round(job.fraction, 3), "message": job.message},
        "error": job.error,
        "filename": job.filename,
        "media_type": job.media_type.split(";")[0],
        "result": f"/api/jobs/{job.id}/result" if job.ready and not job.downloaded else None,
        "kind": job.kind,
        "files": _files(job),
    }


def _files(job: Job) -> list[dict[str, Any]] | None:
    from collabmap.web._downloads import import_results

    return import_results(job)
