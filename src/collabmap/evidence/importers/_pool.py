"""Reading many files in worker processes while the caller stores them, with a time limit.

Parsing (decoding, normalising, PDF and Word extraction) and storing alternate for every file,
so a second process that parses ahead lets a bulk import use both cores of a small machine.
The worker process also bounds hostile input: a file that takes longer than the time limit
(a PDF that sends the parser into a loop, say) is refused and the worker replaced. A file that
crashes a worker is refused alone: the files that were being read beside it are read again,
one at a time, so that only a file that crashes a worker by itself is blamed.

As soon as one file named .pdf, .docx, .odt or .xlsx is among them, all the files are read in
workers, so that the time limit holds for one such file as for a thousand. Starting a worker
adds some 10–25 ms to an import of one or two of them (medians of 15 runs on two cores), small
beside the second the command line takes to start. Plain text alone is read in the caller's
process: decoding it takes time in proportion to its size, which the limit on file size
bounds. Where processes cannot be forked (Windows), every file is read in the caller's
process, without a time limit.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from collabmap.errors import ImportRefused
from collabmap.evidence.importers import ImportLimits, read_file
from collabmap.evidence.model import ImportedSource

__all__ = ["ParsedFile", "read_files"]

ParsedFile = tuple[Path, list[ImportedSource] | ImportRefused]
_Outcome = tuple[str, list[ImportedSource] | str]
_InFlight = tuple[Path, Future[_Outcome]]

_HEAVY = frozenset({".pdf", ".docx", ".odt", ".xlsx"})
"""Formats whose parsers are complex enough to loop or crash on a hostile file; plain text
is cheaper to read in-process than to pass between processes."""
_CRASHED = "the reader crashed on this file"


def _read(path: str, limits: ImportLimits, text_column: str | None, segment: bool) -> _Outcome:
    """Worker: read one file; a refusal comes back as its message (exceptions with custom
    constructors do not survive pickling)."""
    try:
        return "ok", read_file(Path(path), limits=limits, text_column=text_column, segment=segment)
    except ImportRefused as exc:
        return "refused", exc.problem


def _outcome(path: Path, outcome: _Outcome) -> ParsedFile:
    status, value = outcome
    if status == "ok":
        assert isinstance(value, list)
        return path, value
    assert isinstance(value, str)
    return path, ImportRefused(str(path), value)


def _workers() -> int:
    return max(1, min(4, (os.cpu_count() or 2) - 1))


class _Pool:
    """Worker processes that read files; replaced whole when one is stuck or crashes."""

    def __init__(
        self, workers: int, limits: ImportLimits, text_column: str | None, segment: bool
    ) -> None:
        self._context = multiprocessing.get_context("fork")
        self._workers = workers
        self._arguments = (limits, text_column, segment)
        self._executor = self._start()
        self.starts = 1

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self._workers, mp_context=self._context)

    def submit(self, path: Path) -> Future[_Outcome]:
        """Start reading ``path``; raises BrokenProcessPool if a worker has crashed."""
        return self._executor.submit(_read, str(path), *self._arguments)

    def restart(self) -> None:
        self.close()
        self._executor = self._start()
        self.starts += 1

    def close(self) -> None:
        """Stop the workers now (a stuck worker would never finish on its own)."""
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()


def _wait(pool: _Pool, path: Path, future: Future[_Outcome], timeout: float) -> ParsedFile:
    """The outcome of one file, replacing the pool if the file outlasts the time limit.

    Raises BrokenProcessPool if a worker crashed: not necessarily on this file.
    """
    try:
        return _outcome(path, future.result(timeout=timeout))
    except FutureTimeout:
        pool.restart()
        problem = f"took longer than {timeout:g} s to read; it may be malformed"
        return path, ImportRefused(str(path), problem)


def read_files(
    paths: Sequence[Path],
    *,
    limits: ImportLimits,
    text_column: str | None = None,
    segment: bool = True,
    timeout: float = 120.0,
) -> Iterator[ParsedFile]:
    """Read ``paths`` in order, in worker processes when any of them is costly to parse.

    Yields ``(path, sources)`` or ``(path, ImportRefused)`` for each path, in the given order.
    """
    heavy = any(path.suffix.lower() in _HEAVY for path in paths)
    if not heavy or "fork" not in multiprocessing.get_all_start_methods():
        for path in paths:
            yield _outcome(path, _read(str(path), limits, text_column, segment))
        return
    arguments = (limits, text_column, segment)
    pool = _Pool(_workers(), *arguments)
    window: deque[_InFlight] = deque()
    queue = deque(paths)
    try:
        while queue or window:
            while queue and len(window) < 8 * _workers():
                try:
                    future = pool.submit(queue[0])
                except BrokenProcessPool:  # a worker crashed while the caller was storing
                    if window:
                        break  # the file at the head of the window will raise it below
                    pool.restart()
                    continue
                window.append((queue.popleft(), future))
            path, future = window.popleft()
            starts = pool.starts
            try:
                parsed = _wait(pool, path, future, timeout)
            except BrokenProcessPool:
                pool.restart()
                in_flight = [(path, future), *window]
                window.clear()
                yield from _one_by_one(in_flight, arguments, timeout)
                continue
            if pool.starts != starts:  # it timed out and the pool was replaced: start the rest anew
                window = deque((waiting, pool.submit(waiting)) for waiting, _ in window)
            yield parsed
    finally:
        pool.close()  # the caller stopped early, or a file failed: do not wait for workers


def _one_by_one(
    in_flight: Iterable[_InFlight],
    arguments: tuple[ImportLimits, str | None, bool],
    timeout: float,
) -> Iterator[ParsedFile]:
    """The files that were in flight when a worker crashed, each read again in a worker of
    its own unless it had been read already, so that only a file that crashes is refused."""
    pool = _Pool(1, *arguments)
    try:
        for path, earlier in in_flight:
            if earlier.done() and not earlier.cancelled() and earlier.exception() is None:
                yield _outcome(path, earlier.result())
                continue
            try:
                yield _wait(pool, path, pool.submit(path), timeout)
            except BrokenProcessPool:
                pool.restart()
                yield path, ImportRefused(str(path), _CRASHED)
    finally:
        pool.close()
