"""Download and upload pages: the matrix as a spreadsheet, the project as a file, and uploading
documents or a REFI-QDA project to import.

As with reports, a download link is a GET that changes nothing: it says what will be made and
offers a button; the button's POST starts a job and sends the browser to the job's page
(``/jobs/{id}``, shared with reports), which follows the job, offers Cancel and, once done, the
file, or for an upload, what became of each file.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from collabmap.errors import InvalidInput, UnknownName
from collabmap.evidence.importers import REFI_EXTENSIONS, SUPPORTED
from collabmap.store.models import Partnership, Project
from collabmap.web._context import Member, check_csrf, member
from collabmap.web._downloads import (
    FORMAT_NAMES,
    MATRIX_FORMATS,
    MAX_FILES,
    PROJECT_FORMATS,
    check_upload,
    save_uploads,
    start_import,
    start_matrix_export,
    start_project_export,
)
from collabmap.web._reports import jobs
from collabmap.web.pages._forms import errors_by_field, page, read_form

router = APIRouter()

MemberDep = Annotated[Member, Depends(member)]
ACCEPTED = ",".join((*SUPPORTED, *REFI_EXTENSIONS[:2]))
"""What the file chooser offers (the importers judge each file by its content anyway)."""


def _start_page(request: Request, who: Member, what: str, format: str, **extra: Any) -> Any:
    return page(
        request,
        "download_start.html",
        project=who.project,
        what=what,
        format=format,
        format_name=FORMAT_NAMES.get(format, format),
        formats=[(f, _capital(FORMAT_NAMES[f]), "") for f in PROJECT_FORMATS],
        **extra,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@router.get("/projects/{project}/matrix.{format}")
def matrix_download_page(request: Request, format: str, who: MemberDep) -> Any:
    who.require("download")
    if format not in MATRIX_FORMATS:
        raise UnknownName("matrix format", format[:20], list(MATRIX_FORMATS))
    return _start_page(request, who, "matrix", format)


@router.get("/projects/{project}/export.{format}")
def project_export_page(request: Request, format: str, who: MemberDep) -> Any:
    who.require("export")
    if format not in PROJECT_FORMATS:
        raise UnknownName("export format", format[:20], list(PROJECT_FORMATS))
    return _start_page(request, who, "project", format)


@router.post("/projects/{project}/downloads")
async def download_create(request: Request, who: MemberDep) -> Any:
    form = await read_form(request, who.visitor)
    who.require("download")  # the least any download needs; a project export needs more
    what = str(form.get("what") or "")
    format = str(form.get("format") or "")
    pseudonymise = form.get("pseudonymise") == "yes"
    try:
        if what == "matrix":
            job = start_matrix_export(request.app, who, format)
        elif what == "project":
            job = start_project_export(request.app, who, format, pseudonymise)
        else:
            raise InvalidInput("choose what to download: the matrix or the project")
    except InvalidInput as exc:  # AccessDenied goes on to a 403
        return _start_page(
            request,
            who,
            what if what in ("matrix", "project") else "",
            format,
            errors=errors_by_field(exc),
        )
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _partnerships(who: Member) -> list[str]:
    with who.store.reading() as session:
        return list(
            session.scalars(
                select(Partnership.name)
                .join(Project, Project.id == Partnership.project_id)
                .where(Project.name == who.project)
                .order_by(Partnership.name)
            )
        )


def _upload_page(request: Request, who: Member, **extra: Any) -> Any:
    return page(
        request,
        "upload.html",
        project=who.project,
        partnerships=[("", "None")] + [(n, n) for n in _partnerships(who)],
        accepted=ACCEPTED,
        max_files=MAX_FILES,
        max_mb=who.visitor.settings.max_upload_bytes // 1_000_000,
        values=extra.pop("values", {}),
        **extra,
    )


@router.get("/projects/{project}/upload")
def upload_page(request: Request, who: MemberDep) -> Any:
    who.require("import")
    return _upload_page(request, who)


@router.post("/projects/{project}/uploads")
async def upload_create(request: Request, who: MemberDep) -> Any:
    form = await request.form(max_files=MAX_FILES + 5, max_fields=20)
    try:
        check_csrf(who.visitor, form.get("csrf_token"))
        values = {
            "partnership": str(form.get("partnership") or ""),
            "text_column": str(form.get("text_column") or ""),
        }
        try:
            upload = check_upload(
                who, form.getlist("files"), values["partnership"], values["text_column"]
            )
            saved = await save_uploads(jobs(request.app), upload)
            job = start_import(request.app, who, upload, saved)
        except InvalidInput as exc:  # AccessDenied goes on to a 403
            return _upload_page(
                request, who, errors={_field(exc): errors_by_field(exc)[""]}, values=values
            )
    finally:
        await form.close()
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _field(error: InvalidInput) -> str:
    """Which field of the upload form a refusal is about."""
    text = str(error)
    if isinstance(error, UnknownName) or "partnership" in text:
        return "partnership"
    return "text_column" if "column" in text else "files"
