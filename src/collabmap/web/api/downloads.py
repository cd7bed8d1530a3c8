"""Downloads and uploads in the JSON API: the matrix as a spreadsheet, the project as a file,
and uploaded files imported, each as a background job.

Each ``POST`` answers 202 at once with the job and its address in ``Location``; follow it with
``GET /api/jobs/{id}`` (as for reports) until ``state`` is done, failed or cancelled. A download's
file is then at ``result`` (once); an import's ``files`` lists every uploaded file with its
``status`` (imported, skipped, refused) and ``summary`` (the sources it added, or the reason).
Changes carry the session's CSRF token in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from collabmap.store.exchange import ExportFormat
from collabmap.web._data import MAX_NAME
from collabmap.web._downloads import (
    check_upload,
    save_uploads,
    start_import,
    start_matrix_export,
    start_project_export,
)
from collabmap.web._reports import job_view, jobs
from collabmap.web.api._common import Changing, ProjectMember, problems
from collabmap.web.api.reports import JobOut

router = APIRouter(tags=["downloads"])


class MatrixOrder(BaseModel):
    """The matrix as ``xlsx`` (a sheet per theme group, quotations as comments) or ``csv``
    (a row per cell)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["xlsx", "csv"] = "xlsx"


class ExportOrder(BaseModel):
    """The whole project as ``qdpx`` (REFI-QDA), ``qdc`` (its codebook), ``csv``, ``json`` or
    ``xlsx``; ``pseudonymise`` replaces interviewees' names (transcript speakers) with
    "Speaker 1", "Speaker 2"… in every text, name and memo."""

    model_config = ConfigDict(extra="forbid")

    format: ExportFormat = "qdpx"
    pseudonymise: bool = False


def _accepted(body: dict[str, object], job_id: str) -> JSONResponse:
    return JSONResponse(body, status_code=202, headers={"Location": f"/api/jobs/{job_id}"})


@router.post(
    "/projects/{project}/matrix/exports",
    status_code=202,
    response_model=JobOut,
    responses=problems(401, 403, 404),
    summary="Start making the framework matrix as a file",
)
def create_matrix_export(
    request: Request, order: MatrixOrder, who: ProjectMember, changer: Changing
) -> JSONResponse:
    """Owners, analysts and viewers may download the matrix (what they see on its page).
    Answers 202 with the job; its `result` is the file once `state` is done."""
    job = start_matrix_export(request.app, who, order.format)
    return _accepted(job_view(job), job.id)


@router.post(
    "/projects/{project}/exports",
    status_code=202,
    response_model=JobOut,
    responses=problems(401, 403, 404),
    summary="Start exporting the whole project as a file",
)
def create_project_export(
    request: Request, order: ExportOrder, who: ProjectMember, changer: Changing
) -> JSONResponse:
    """Only owners and analysts may: the file holds every interview's text. Each export is
    written to the project's audit log (format, whether names were replaced)."""
    job = start_project_export(request.app, who, order.format, order.pseudonymise)
    return _accepted(job_view(job), job.id)


@router.post(
    "/projects/{project}/uploads",
    status_code=202,
    response_model=JobOut,
    responses=problems(401, 403, 404),
    summary="Upload files and import them into the project",
)
async def create_upload(
    request: Request,
    who: ProjectMember,
    changer: Changing,
    files: Annotated[
        # a form part sent with no file chosen arrives as "": accepted here so that the
        # refusal is one plain sentence ("choose one or more files") rather than a type error
        list[UploadFile | str] | None,
        File(description="Documents, transcripts, surveys, or a REFI-QDA .qdpx/.qdc project."),
    ] = None,
    partnership: Annotated[
        str | None,
        Form(description="Link the new sources to this partnership.", max_length=MAX_NAME),
    ] = None,
    text_column: Annotated[
        str | None,
        Form(description="A survey's column holding the answers.", max_length=200),
    ] = None,
) -> JSONResponse:
    """Owners and analysts may. The files (at most 50, 50 MB in all) are imported one by one
    in a background job, each in its own transaction: a file that cannot be read is refused
    with the reason and leaves nothing behind, the others still go in. The job's `files`
    says what became of each."""
    upload = check_upload(who, list(files or []), partnership, text_column)  # none: one clear 422
    saved = await save_uploads(jobs(request.app), upload)
    job = start_import(request.app, who, upload, saved)
    return _accepted(job_view(job), job.id)
