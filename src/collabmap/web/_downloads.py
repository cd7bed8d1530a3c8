"""Downloads and uploads from the web: the matrix as a spreadsheet, the project as a file, and
uploaded documents imported into the project, each as a background job.

Pages and the JSON API both start them here, so both check the same permissions (as data, in
:data:`collabmap.store.access.PERMISSIONS`: ``download`` for the matrix, ``export`` for the
whole project with its interviews' text, ``import`` for uploads) and refuse the same things in
the same words.

Uploads are never trusted for a path: each file is written under a folder of its own inside
the job's private folder, with a name made only of letters, digits and a few punctuation
marks, and the import reads it from there. The importers judge a file by its content, refuse
what they cannot read safely (zip bombs, broken or mislabelled files, empty files) with a
reason, and import each file in its own transaction, so a hostile file gets a refusal in the
results and never leaves half of itself behind.
"""

from __future__ import annotations

import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from fastapi import FastAPI, UploadFile
from starlette.concurrency import run_in_threadpool

from collabmap.errors import InvalidInput
from collabmap.store.exchange import FORMATS as PROJECT_FORMATS
from collabmap.web._context import Member
from collabmap.web._data import named_partnership
from collabmap.web._jobs import Job, JobRunner
from collabmap.web._reports import jobs

__all__ = [
    "MATRIX_FORMATS",
    "MAX_FILES",
    "PROJECT_FORMATS",
    "Upload",
    "check_upload",
    "safe_name",
    "save_uploads",
    "start_import",
    "start_matrix_export",
    "start_project_export",
]

MatrixFormat = Literal["xlsx", "csv"]
MATRIX_FORMATS: tuple[str, ...] = get_args(MatrixFormat)

FORMAT_NAMES = {
    "xlsx": "spreadsheet (XLSX)",
    "csv": "CSV table",
    "qdpx": "REFI-QDA project (.qdpx)",
    "qdc": "REFI-QDA codebook (.qdc)",
    "json": "JSON document",
}
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "qdpx": "application/zip",
    "qdc": "application/xml",
    "json": "application/json",
}

MAX_FILES = 50
"""Files in one upload: enough for a batch of interviews, few enough to list on one page."""
_NAME_KEEP = frozenset(" -_.,()+&'")
_STEM_LIMIT = 150


def _stem(project: str) -> str:
    """A file name's stem safe on every system: letters, digits and hyphens from the name."""
    stem = "".join(ch if ch.isalnum() else "-" for ch in project)
    return "-".join(filter(None, stem.split("-")))[:80] or "project"


def start_matrix_export(app: FastAPI, who: Member, format: str) -> Job:
    """Queue the framework matrix as a spreadsheet (xlsx) or table (csv)."""
    from collabmap.web._tasks import export_matrix_task

    who.require("download")
    if format not in MATRIX_FORMATS:
        raise InvalidInput(f"the matrix downloads as xlsx or csv, not {format[:20]!r}")
    return jobs(app).submit(
        who.user_id,
        who.project,
        export_matrix_task,
        (who.store.url, who.project, format),
        title=f"framework matrix as a {FORMAT_NAMES[format]}",
        filename=f"{_stem(who.project)}-matrix.{format}",
        media_type=MEDIA_TYPES[format],
        kind="export",
    )


def start_project_export(app: FastAPI, who: Member, format: str, pseudonymise: bool) -> Job:
    """Queue the whole project as a file; written to the audit log once made."""
    from collabmap.web._tasks import export_project_task

    who.require("export")
    if format not in PROJECT_FORMATS:
        raise InvalidInput(
            f"a project exports as {', '.join(PROJECT_FORMATS)}, not {format[:20]!r}"
        )
    names = " with interviewees’ names replaced" if pseudonymise else ""
    return jobs(app).submit(
        who.user_id,
        who.project,
        export_project_task,
        (who.store.url, who.project, format, pseudonymise, who.actor),
        title=f"the whole project as a {FORMAT_NAMES[format]}{names}",
        filename=f"{_stem(who.project)}{'-pseudonymised' if pseudonymise else ''}.{format}",
        media_type=MEDIA_TYPES[format],
        kind="export",
    )


# -- uploads ----------------------------------------------------------------------------------


def safe_name(raw: str | None, index: int) -> str:
    """The name an uploaded file is stored and imported under: the last part of what the
    browser sent (never a folder), letters, digits, spaces and ``-_.,()+&'`` only, no leading
    dot (no hidden file, no ``..``), at most 150 characters before its extension."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch if ch.isalnum() or ch in _NAME_KEEP else "_" for ch in name)
    name = name.strip(" ._")
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = name, ""
    stem = stem[:_STEM_LIMIT].strip(" .") or f"upload-{index}"
    return f"{stem}.{suffix}" if suffix else stem


@dataclass(frozen=True)
class Upload:
    """A checked request to import uploaded files (before they are written anywhere)."""

    files: list[UploadFile]
    partnership: str | None
    text_column: str | None


def _chosen(files: list[Any]) -> list[UploadFile]:
    """The files actually chosen: a form sent with no file picked carries one empty part with
    no name, which is not a file."""
    return [
        f
        for f in files
        if hasattr(f, "filename") and hasattr(f, "file") and (f.filename or (f.size or 0) > 0)
    ]


def check_upload(
    who: Member, files: list[Any], partnership: str | None, text_column: str | None
) -> Upload:
    """The upload, if ``who`` may import and it names a real partnership; else
    ``AccessDenied``, ``InvalidInput`` or ``UnknownName`` (nothing has been written yet)."""
    who.require("import")
    chosen = _chosen(files)
    if not chosen:
        raise InvalidInput("choose one or more files to upload")
    if len(chosen) > MAX_FILES:
        raise InvalidInput(f"upload at most {MAX_FILES} files at a time; you chose {len(chosen)}")
    name = named_partnership(who.store, who.project, partnership)
    column = (text_column or "").strip() or None
    if column is not None and len(column) > 200:
        raise InvalidInput("a column name is at most 200 characters")
    return Upload(chosen, name, column)


def _write(folder: Path, files: list[UploadFile]) -> list[Path]:
    """Each file under ``folder/N/`` with its safe name (two files may share a name)."""
    paths = []
    for index, upload in enumerate(files, start=1):
        place = folder / str(index)
        place.mkdir(mode=0o700)
        path = place / safe_name(upload.filename, index)
        upload.file.seek(0)
        with path.open("xb") as out:
            shutil.copyfileobj(upload.file, out, 1 << 20)
        paths.append(path)
    return paths


async def save_uploads(runner: JobRunner, upload: Upload) -> tuple[str, Path, list[Path]]:
    """Write the uploaded files into a new private folder named after the job to come;
    return the job's id, the folder and the files' paths. The folder goes with the job."""
    job_id = runner.new_id()
    folder = runner.inputs_folder(job_id)
    try:
        paths = await run_in_threadpool(_write, folder, upload.files)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job_id, folder, paths


def start_import(
    app: FastAPI, who: Member, upload: Upload, saved: tuple[str, Path, list[Path]]
) -> Job:
    """Queue the import of the saved files as ``who``'s job."""
    from collabmap.web._tasks import import_task

    job_id, folder, paths = saved
    count = len(paths)
    return jobs(app).submit(
        who.user_id,
        who.project,
        import_task,
        (
            who.store.url,
            who.project,
            [str(p) for p in paths],
            upload.partnership,
            upload.text_column,
            who.actor,
        ),
        title=f"upload of {count} file{'s' if count != 1 else ''}",
        filename="",
        media_type="application/json",
        kind="import",
        inputs=folder,
        job_id=job_id,
        daemon=False,
    )


def import_results(job: Job) -> list[dict[str, Any]] | None:
    """An import job's files and what became of each, once it has finished (else None)."""
    if job.kind != "import" or not isinstance(job.outcome, dict):
        return None
    files = job.outcome.get("files")
    return files if isinstance(files, list) else None
