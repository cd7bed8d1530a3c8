"""Report pages: asking for a report, watching it being made, cancelling it, downloading it.

The job pages (``/jobs/{id}``) serve every kind of job a person starts here: reports, the
downloads of ``pages/downloads.py`` and imports of uploaded files (whose page lists what
became of each file).

A report link (``/projects/{p}/report.pdf?partnership=NAME``) is a GET, so it changes nothing:
it shows what will be made and a "Create report" button. The button's POST starts a background
job and sends the browser to the job's page, which htmx refreshes every second (without
JavaScript, a meta refresh does) until the report is ready, failed or cancelled.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from collabmap.errors import InvalidInput, UnknownName
from collabmap.web._context import Member, Visitor, member, visitor
from collabmap.web._downloads import import_results
from collabmap.web._reports import FORMAT_NAMES, FORMATS, check_request, jobs, start_report
from collabmap.web.pages._forms import errors_by_field, page, read_form

router = APIRouter()


@router.get("/projects/{project}/report.{format}")
def report_start_page(
    request: Request,
    format: str,
    who: Annotated[Member, Depends(member)],
    partnership: str | None = None,
) -> Any:
    if format not in FORMATS:
        raise UnknownName("report format", format[:20], list(FORMATS))
    wanted = check_request(who, format, partnership)
    return page(
        request,
        "report_start.html",
        project=who.project,
        wanted=wanted,
        format_name=FORMAT_NAMES[wanted.format],
    )


@router.post("/projects/{project}/reports")
async def report_create(request: Request, who: Annotated[Member, Depends(member)]) -> Any:
    form = await read_form(request, who.visitor)
    format = str(form.get("format") or "")
    partnership = str(form.get("partnership") or "") or None
    try:
        wanted = check_request(who, format, partnership)
        job = start_report(request.app, who, wanted)
    except InvalidInput as exc:  # a bad format or partnership; AccessDenied goes on to a 403
        return page(
            request,
            "report_start.html",
            project=who.project,
            wanted=None,
            format_name=FORMAT_NAMES.get(format, format),
            errors=errors_by_field(exc),
        )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _job_page(request: Request, who: Visitor, job_id: str, template: str) -> Any:
    job = jobs(request.app).get(job_id, who.account().account.id)
    return page(
        request,
        template,
        job=job,
        results=import_results(job),
        project=job.project,
        project_url=f"/projects/{quote(job.project, safe='')}",
    )


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    if not request.headers.get("HX-Request"):
        return _job_page(request, who, job_id, "report_job.html")
    if jobs(request.app).get(job_id, who.account().account.id).is_finished:
        return Response(status_code=204, headers={"HX-Refresh": "true"})  # the whole page changes
    return _job_page(request, who, job_id, "_report_progress.html")


@router.post("/jobs/{job_id}/cancel")
async def job_cancel(
    request: Request, job_id: str, who: Annotated[Visitor, Depends(visitor)]
) -> Any:
    await read_form(request, who)
    jobs(request.app).cancel(job_id, who.account().account.id)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}/download")
def job_download(request: Request, job_id: str, who: Annotated[Visitor, Depends(visitor)]) -> Any:
    runner = jobs(request.app)
    job = runner.result(job_id, who.account().account.id)
    assert job.result is not None
    return FileResponse(
        job.result,
        media_type=job.media_type,
        filename=job.filename,
        background=BackgroundTask(runner.downloaded, job),
    )
