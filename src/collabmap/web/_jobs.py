"""Background jobs for the web application: work done away from the request that asked.

Reports, downloads (the matrix as a spreadsheet, the project as a REFI-QDA file), imports of
uploaded files and "Suggest codes" runs all take seconds to minutes, so each is a job here.

A whole-project PDF takes tens of seconds of CPU, nearly all of it WeasyPrint laying out pages
in pure Python. In a thread of the server it holds the GIL and page views slow to a crawl
(measured: p95 of a partnership page rose from 52 ms to 308 ms, worst 2.4 s); in its own
process it runs on the other core (p95 85 ms). So each job runs in a child process, forked from
a server process that has the report modules loaded already (``forkserver``), at most
``workers`` at a time; the rest wait their turn.

A job belongs to the user who started it and to a project; nobody else can see it, and asking
for someone else's job is answered as for a job that does not exist. Its progress (a fraction
and a sentence) comes back over a pipe. Cancelling sets a flag the child checks between steps
(between pages, for a PDF); a child that does not stop within a few seconds is terminated. The
result is a file in a private temporary folder, deleted once downloaded or after
``keep_seconds``; a job that makes no file (an import, a suggestion run) ends with a small
JSON-able ``outcome`` instead (what happened to each file, how many suggestions). A job may
also bring an ``inputs`` folder (uploaded files), deleted as soon as the job ends however it
ends.

A job may carry a ``key`` (for instance "suggestions for this source"): while a job with that
key is unfinished, submitting another returns the running one, and :meth:`JobRunner.latest`
finds the newest job with the key whoever started it (the caller checks the permission).

With ``collabmap serve --workers N`` a browser's next request may reach another process than
the one running its job. So every job's state is also written, whole, to a small JSON file in
a folder all the server's processes share (``$COLLABMAP_JOBS_DIR``, set by ``serve``); a
process that does not hold the job reads it from there, asks for a cancel with a marker file
the running process watches, and serves the finished file from the same folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any, Literal

from collabmap.errors import InvalidInput, UnknownName

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one server process there
    fcntl = None  # type: ignore[assignment]

__all__ = ["Job", "JobKind", "JobRunner", "JobState"]

log = logging.getLogger("collabmap.web.jobs")

JobState = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled"})

Task = Callable[[Connection, Event, Path, tuple[Any, ...]], None]
"""What a child process runs: ``task(pipe, cancel, out, args)``. It sends ``("progress",
fraction, sentence)`` (or ``("progress", fraction, sentence, detail)``, a small JSON-able
dict) as it goes and ends with ``("done",)`` (a file written at ``out``), ``("done", outcome)``
(no file; ``outcome`` JSON-able), ``("failed", sentence)`` or ``("cancelled",)``. It must be a
module-level function (it is sent to another process)."""

JobKind = Literal["report", "export", "import", "suggestions"]

_DOING: dict[str, str] = {
    "report": "making the report",
    "export": "making the file",
    "import": "importing the files",
    "suggestions": "suggesting codes",
}
"""What a job of each kind is doing, for the sentences that say it went wrong."""

ENV_JOBS_DIR = "COLLABMAP_JOBS_DIR"
"""A folder shared by all the processes of one server, for their jobs' state and files."""

_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_GRACE_SECONDS = 3.0
"""How long a cancelled child may take to stop on its own before it is terminated."""


@dataclass
class Job:
    """One piece of background work, as its owner sees it."""

    id: str
    owner: int
    project: str
    title: str
    filename: str
    media_type: str
    state: JobState = "queued"
    fraction: float = 0.0
    message: str = "Waiting to start"
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    result: Path | None = None
    downloaded: bool = False
    cancel_requested: bool = False
    kind: JobKind = "report"
    key: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    """What the task last said besides its sentence (a stage, counts)."""
    outcome: Any = None
    """What a job that makes no file ended with (see :data:`Task`)."""
    inputs: Path | None = None

    @property
    def doing(self) -> str:
        return _DOING.get(self.kind, "doing this")

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def ready(self) -> bool:
        """The result can be downloaded now."""
        return self.state == "done" and self.result is not None and self.result.is_file()


def _context() -> BaseContext:
    """``forkserver`` where there is one (a clean, pre-loaded parent, safe to fork from a
    threaded server); ``spawn`` elsewhere."""
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


class JobRunner:
    """Runs jobs in child processes, ``workers`` at a time, and keeps their results a while.

    ``preload``: modules the forkserver imports once, so each job starts in milliseconds.
    ``per_user``: how many unfinished jobs one user may have at once.
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        keep_seconds: float = 3600.0,
        per_user: int = 3,
        preload: tuple[str, ...] = (),
    ) -> None:
        self.keep_seconds = keep_seconds
        self.per_user = per_user
        shared = os.environ.get(ENV_JOBS_DIR)
        self._shared = bool(shared)
        self._folder = Path(shared) if shared else Path(tempfile.mkdtemp(prefix="collabmap-jobs-"))
        self._folder.mkdir(parents=True, exist_ok=True)
        self._jobs: dict[str, Job] = {}
        self._cancel: dict[str, Event] = {}
        self._processes: dict[str, BaseProcess] = {}
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(max(1, workers))
        self._keys: dict[str, str] = {}  # key -> id of the newest job with it, in this process
        self._context = _context()
        if preload and hasattr(self._context, "set_forkserver_preload"):
            self._context.set_forkserver_preload(list(preload))
        self._closed = False

    # -- what the pages and the API call -------------------------------------------------

    def submit(
        self,
        owner: int,
        project: str,
        task: Task,
        args: tuple[Any, ...],
        *,
        title: str,
        filename: str,
        media_type: str,
        kind: JobKind = "report",
        key: str | None = None,
        inputs: Path | None = None,
        job_id: str | None = None,
        daemon: bool = True,
    ) -> Job:
        """Queue ``task`` for ``owner`` and return its job at once.

        With ``key``, an unfinished job with the same key (started by anyone, in any process
        of this server) is returned instead, and ``inputs`` is deleted. ``job_id``: an id made
        with :meth:`new_id` beforehand (to name the ``inputs`` folder after the job).
        ``daemon=False`` for a task that starts processes of its own (reading PDFs and Word
        files in parallel, with a time limit each): a daemonic process may not. Such a child is
        still stopped with the server, by :meth:`close`.
        """
        self.sweep()
        with self._lock, self._key_lock(key):
            if key is not None:
                running = self._latest(key)
                if running is not None and not running.is_finished:
                    if inputs is not None:
                        shutil.rmtree(inputs, ignore_errors=True)
                    return running
            if self._closed:
                self._drop(inputs)
                raise InvalidInput("the server is stopping; try again in a moment")
            busy = sum(1 for j in self._jobs.values() if j.owner == owner and not j.is_finished)
            if busy >= self.per_user:
                self._drop(inputs)
                raise InvalidInput(
                    f"you already have {busy} reports, downloads or imports under way; wait "
                    "for one to finish or cancel it"
                )
            job = Job(
                id=job_id if job_id and _JOB_ID.match(job_id) else self.new_id(),
                owner=owner,
                project=project,
                title=title,
                filename=filename,
                media_type=media_type,
                kind=kind,
                key=key,
                inputs=inputs,
            )
            self._jobs[job.id] = job
            self._cancel[job.id] = self._context.Event()
            self._publish(job)
            if key is not None:
                self._keys[key] = job.id
                self._write_key(key, job.id)
        threading.Thread(
            target=self._run,
            args=(job, task, args, daemon),
            name=f"job-{job.id[:6]}",
            daemon=True,
        ).start()
        return job

    def get(self, job_id: str, owner: int) -> Job:
        """``owner``'s job ``job_id``; anyone else's is unknown, as is one long forgotten."""
        self.sweep()
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            job = self._published(job_id)  # started by another process of this server
        if job is None or job.owner != owner:
            raise UnknownName("job", job_id[:80], None)
        return job

    def latest(self, key: str) -> Job | None:
        """The newest job with ``key``, whoever started it, running or finished (or None)."""
        self.sweep()
        with self._lock:
            return self._latest(key)

    def new_id(self) -> str:
        """A fresh, unguessable job id."""
        return secrets.token_urlsafe(24)

    def inputs_folder(self, job_id: str) -> Path:
        """A new private folder for a job's input files (uploads), inside the runner's folder,
        which every process of the server can read."""
        if not _JOB_ID.match(job_id):
            raise InvalidInput("not a job id")
        folder = self._folder / f"{job_id}.in"
        folder.mkdir(mode=0o700)
        return folder

    def _latest(self, key: str) -> Job | None:
        job_id = self._read_key(key) if self._shared else self._keys.get(key)
        if job_id is None:
            return None
        job = self._jobs.get(job_id) or self._published(job_id)
        return job if job is not None and job.key == key else None

    @staticmethod
    def _drop(inputs: Path | None) -> None:
        if inputs is not None:
            shutil.rmtree(inputs, ignore_errors=True)

    def cancel(self, job_id: str, owner: int) -> Job:
        """Ask the job to stop; a queued job stops at once, a running one between steps."""
        job = self.get(job_id, owner)
        if job.id not in self._jobs:  # another process runs it: leave it a note
            if not job.is_finished:
                (self._folder / f"{job.id}.cancel").touch()
                job.cancel_requested = True
                job.message = "Cancelling"
            return job
        with self._lock:
            if job.is_finished:
                return job
            job.cancel_requested = True
            job.message = "Cancelling"
            self._cancel[job.id].set()
            if job.state == "queued":
                self._finish(job, "cancelled", "Cancelled before it started")
            self._publish(job)
        return job

    def result(self, job_id: str, owner: int) -> Job:
        """The finished job whose file can be sent; refused while not ready."""
        job = self.get(job_id, owner)
        noun = "report" if job.kind == "report" else "file"
        if job.downloaded:
            raise UnknownName(f"{noun} file" if noun == "report" else "file", job.filename, None)
        if not job.ready:
            state = {"queued": "has not started", "running": "is still being made"}.get(
                job.state, "was not made"
            )
            raise InvalidInput(f"the {noun} {state}; there is nothing to download")
        return job

    def downloaded(self, job: Job) -> None:
        """The file has been sent: delete it (a second download means making it again)."""
        with self._lock:
            job.downloaded = True
            if job.result is not None:
                job.result.unlink(missing_ok=True)
                job.result = None
            self._publish(job)

    def sweep(self) -> None:
        """Delete results and forget jobs finished more than ``keep_seconds`` ago."""
        limit = time.time() - self.keep_seconds
        with self._lock:
            for job_id, job in list(self._jobs.items()):
                if job.finished is not None and job.finished < limit:
                    if job.result is not None:
                        job.result.unlink(missing_ok=True)
                    (self._folder / f"{job_id}.json").unlink(missing_ok=True)
                    (self._folder / f"{job_id}.cancel").unlink(missing_ok=True)
                    self._drop(job.inputs)
                    del self._jobs[job_id]
                    self._cancel.pop(job_id, None)
                    if job.key is not None and self._keys.get(job.key) == job_id:
                        del self._keys[job.key]

    def close(self) -> None:
        """Stop every job and delete every result (the server is stopping)."""
        with self._lock:
            self._closed = True
            for job_id, job in self._jobs.items():
                if not job.is_finished:
                    job.cancel_requested = True
                    self._cancel[job_id].set()
        for process in list(self._processes.values()):
            if process.is_alive():
                process.terminate()
                process.join(2)
        with self._lock:
            self._cancel.clear()  # their semaphores go with them, not at interpreter exit
        if self._shared:  # the folder is the server's: remove only this process's jobs
            for job_id, job in list(self._jobs.items()):
                for suffix in (".json", ".cancel", ".out"):
                    (self._folder / f"{job_id}{suffix}").unlink(missing_ok=True)
                self._drop(job.inputs)
        else:
            shutil.rmtree(self._folder, ignore_errors=True)

    # -- the state shared with the server's other processes ---------------------------

    def _publish(self, job: Job) -> None:
        """Write the job's state whole (a temporary file, then a rename), for the others."""
        if not self._shared:
            return
        state = {
            "id": job.id,
            "owner": job.owner,
            "project": job.project,
            "title": job.title,
            "filename": job.filename,
            "media_type": job.media_type,
            "state": job.state,
            "fraction": job.fraction,
            "message": job.message,
            "error": job.error,
            "created": job.created,
            "finished": job.finished,
            "result": str(job.result) if job.result is not None else None,
            "downloaded": job.downloaded,
            "cancel_requested": job.cancel_requested,
            "kind": job.kind,
            "key": job.key,
            "detail": job.detail,
            "outcome": job.outcome,
        }
        path = self._folder / f"{job.id}.json"
        partial = path.with_suffix(f".{threading.get_ident()}.part")
        try:
            partial.write_text(json.dumps(state), encoding="utf-8")
            partial.replace(path)
        except OSError:  # the folder is gone (the server is stopping): nothing to share
            partial.unlink(missing_ok=True)

    def _published(self, job_id: str) -> Job | None:
        """A job another process of this server holds, as it last wrote it (or None)."""
        if not self._shared or not _JOB_ID.match(job_id):
            return None
        try:
            state = json.loads((self._folder / f"{job_id}.json").read_text(encoding="utf-8"))
            job = Job(
                id=str(state["id"]),
                owner=int(state["owner"]),
                project=str(state["project"]),
                title=str(state["title"]),
                filename=str(state["filename"]),
                media_type=str(state["media_type"]),
                state=state["state"],
                fraction=float(state["fraction"]),
                message=str(state["message"]),
                error=state["error"],
                created=float(state["created"]),
                finished=state["finished"],
                result=Path(state["result"]) if state["result"] else None,
                downloaded=bool(state["downloaded"]),
                cancel_requested=bool(state["cancel_requested"]),
                kind=state.get("kind", "report"),
                key=state.get("key"),
                detail=dict(state.get("detail") or {}),
                outcome=state.get("outcome"),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if job.result is not None and job.result.parent != self._folder:
            return None  # a result outside the server's own folder is never served
        return job

    def _key_file(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        return self._folder / f"key-{digest}"

    @contextmanager
    def _key_lock(self, key: str | None) -> Iterator[None]:
        """Across the server's processes, one submit at a time for a key (so two workers
        asked at once start one run, not two)."""
        if key is None or not self._shared or fcntl is None:
            yield
            return
        with (self._folder / "keys.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write_key(self, key: str, job_id: str) -> None:
        if not self._shared:
            return
        path = self._key_file(key)
        partial = path.with_suffix(f".{threading.get_ident()}.part")
        try:
            partial.write_text(job_id, encoding="utf-8")
            partial.replace(path)
        except OSError:
            partial.unlink(missing_ok=True)

    def _read_key(self, key: str) -> str | None:
        try:
            job_id = self._key_file(key).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return job_id if _JOB_ID.match(job_id) else None

    # -- the thread that looks after one job ---------------------------------------------

    def _finish(self, job: Job, state: JobState, message: str, error: str | None = None) -> None:
        job.state = state
        job.message = message
        job.error = error
        job.finished = time.time()
        if state != "done" and job.result is not None:
            job.result.unlink(missing_ok=True)
            job.result = None
        if state == "done":
            job.fraction = 1.0
        self._drop(job.inputs)
        self._publish(job)

    def _run(self, job: Job, task: Task, args: tuple[Any, ...], daemon: bool = True) -> None:
        cancel = self._cancel[job.id]
        while not self._slots.acquire(timeout=0.5):
            if cancel.is_set() or self._closed:
                with self._lock:
                    if not job.is_finished:
                        self._finish(job, "cancelled", "Cancelled before it started")
                return
        try:
            with self._lock:
                if job.is_finished:  # cancelled while it waited
                    return
                job.state = "running"
                job.message = "Starting"
                self._publish(job)
            self._supervise(job, task, args, cancel, daemon)
        except Exception:  # the server must outlive any job
            log.exception("%s job %s failed", job.kind, job.id[:6])
            with self._lock:
                self._finish(job, "failed", "Failed", f"collabmap failed {job.doing}")
        finally:
            self._slots.release()

    def _supervise(
        self, job: Job, task: Task, args: tuple[Any, ...], cancel: Event, daemon: bool = True
    ) -> None:
        out = self._folder / f"{job.id}.out"
        receiver, sender = self._context.Pipe(duplex=False)
        process: BaseProcess = self._context.Process(  # type: ignore[attr-defined]
            target=task, args=(sender, cancel, out, args), daemon=daemon
        )
        process.start()
        self._processes[job.id] = process
        sender.close()
        outcome: tuple[Any, ...] | None = None
        cancelled_at: float | None = None
        while outcome is None:
            if receiver.poll(0.2):
                try:
                    message = receiver.recv()
                except EOFError:  # the child is gone without a word
                    break
                if message[0] == "progress":
                    with self._lock:
                        if not job.cancel_requested:
                            job.fraction = float(message[1])
                            job.message = str(message[2])
                            if len(message) > 3:
                                job.detail = dict(message[3])
                            self._publish(job)
                else:
                    outcome = message
            elif not process.is_alive():
                break
            if not cancel.is_set() and (self._folder / f"{job.id}.cancel").exists():
                with self._lock:  # another process of this server asked for the cancel
                    job.cancel_requested = True
                    job.message = "Cancelling"
                    self._publish(job)
                cancel.set()
            if cancel.is_set():
                cancelled_at = cancelled_at or time.monotonic()
                if time.monotonic() - cancelled_at > _GRACE_SECONDS:
                    process.terminate()
                    outcome = ("cancelled",)
        process.join(5)
        receiver.close()
        self._processes.pop(job.id, None)
        with self._lock:
            if outcome is None or (outcome[0] != "done" and cancel.is_set()):
                outcome = ("cancelled",) if cancel.is_set() else outcome
            if outcome is None:
                log.error(
                    "%s job %s: process ended with %s", job.kind, job.id[:6], process.exitcode
                )
                self._finish(
                    job, "failed", "Failed", f"the process {job.doing} stopped unexpectedly"
                )
            elif outcome[0] == "done" and len(outcome) > 1:
                job.outcome = outcome[1]
                out.unlink(missing_ok=True)
                self._finish(job, "done", "Finished")
            elif outcome[0] == "done" and out.is_file():
                job.result = out
                self._finish(
                    job, "done", "The report is ready" if job.kind == "report" else "Ready"
                )
            elif outcome[0] == "failed":
                self._finish(job, "failed", "Failed", str(outcome[1]))
            else:
                out.unlink(missing_ok=True)
                self._finish(job, "cancelled", "Cancelled")
