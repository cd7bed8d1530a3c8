"""The job runner on its own: a job that fails says why in one sentence, a process that dies
is reported, a queued job can be cancelled before it starts, one user cannot pile up jobs,
and finished jobs are forgotten (with their files) after the keeping time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import pytest

from collabmap.errors import InvalidInput, UnknownName
from collabmap.web._jobs import Job, JobRunner


def refusing_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    pipe.send(("progress", 0.5, "Halfway"))
    pipe.send(("failed", "The project was deleted while its report was being made."))


def dying_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    os._exit(3)


def slow_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    for step in range(200):
        if cancel.is_set():
            pipe.send(("cancelled",))
            return
        pipe.send(("progress", step / 200, f"Step {step}"))
        time.sleep(0.05)
    out.write_text("slow")
    pipe.send(("done",))


def writing_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    out.write_text(str(args[0]))
    pipe.send(("done",))


def stubborn_task(pipe: Connection, cancel: Event, out: Path, args: tuple[Any, ...]) -> None:
    time.sleep(60)  # never looks at the cancel flag


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    made = JobRunner(workers=1, per_user=2)
    yield made
    made.close()


def _submit(runner: JobRunner, task: Any, owner: int = 1, args: tuple[Any, ...] = ()) -> Job:
    return runner.submit(
        owner, "Study", task, args, title="Test", filename="t.txt", media_type="text/plain"
    )


def _wait(job: Job, timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.05)
    return job


def test_a_failed_job_keeps_the_reason_in_one_sentence(runner: JobRunner) -> None:
    job = _wait(_submit(runner, refusing_task))
    assert job.state == "failed"
    assert job.error == "The project was deleted while its report was being made."
    with pytest.raises(InvalidInput, match="was not made"):
        runner.result(job.id, 1)


def test_a_process_that_dies_is_reported_as_a_failure(runner: JobRunner) -> None:
    job = _wait(_submit(runner, dying_task))
    assert job.state == "failed"
    assert job.error == "the process making the report stopped unexpectedly"


def test_a_queued_job_is_cancelled_before_it_starts(runner: JobRunner) -> None:
    first = _submit(runner, slow_task)
    second = _submit(runner, slow_task)
    time.sleep(0.3)
    assert second.state == "queued"
    stopped = runner.cancel(second.id, 1)
    assert stopped.state == "cancelled" and stopped.message == "Cancelled before it started"
    runner.cancel(first.id, 1)
    assert _wait(first).state == "cancelled"


def test_a_job_that_ignores_its_cancel_flag_is_stopped_anyway(runner: JobRunner) -> None:
    job = _submit(runner, stubborn_task)
    while job.state != "running":
        time.sleep(0.05)
    started = time.monotonic()
    runner.cancel(job.id, 1)
    assert _wait(job, timeout=15).state == "cancelled"
    assert time.monotonic() - started < 10


def test_one_user_cannot_have_more_unfinished_jobs_than_the_limit(runner: JobRunner) -> None:
    jobs = [_submit(runner, slow_task), _submit(runner, slow_task)]
    with pytest.raises(
        InvalidInput, match="already have 2 reports, downloads or imports under way"
    ):
        _submit(runner, slow_task)
    other = _submit(runner, writing_task, owner=2, args=("hers",))  # another user may
    for job in jobs:
        runner.cancel(job.id, 1)
    assert _wait(other).state == "done"


def test_jobs_and_their_files_are_forgotten_after_the_keeping_time() -> None:
    runner = JobRunner(keep_seconds=0.5)
    try:
        job = _wait(_submit(runner, writing_task, args=("kept a while",)))
        assert job.ready and job.result is not None
        result = job.result
        assert result.read_text() == "kept a while"
        assert runner.get(job.id, 1) is job
        time.sleep(0.6)
        with pytest.raises(UnknownName):
            runner.get(job.id, 1)
        assert not result.exists()
    finally:
        runner.close()


def test_job_ids_are_unguessable_and_owners_are_kept_apart(runner: JobRunner) -> None:
    mine, hers = (_wait(_submit(runner, writing_task, owner=n, args=(n,))) for n in (1, 2))
    assert mine.id != hers.id and len(mine.id) >= 32 and len(hers.id) >= 32
    assert runner.get(mine.id, 1) is mine and runner.get(hers.id, 2) is hers
    with pytest.raises(UnknownName):
        runner.get(mine.id, 2)
    with pytest.raises(UnknownName):
        runner.cancel(hers.id, 1)


def test_closing_the_runner_stops_jobs_and_deletes_every_file() -> None:
    runner = JobRunner()
    done = _wait(_submit(runner, writing_task, args=("x",)))
    running = _submit(runner, slow_task)
    folder = done.result.parent if done.result else None
    runner.close()
    assert folder is not None and not folder.exists()
    assert _wait(running, timeout=10).is_finished
