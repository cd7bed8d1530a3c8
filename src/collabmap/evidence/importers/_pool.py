"""Reading many files on the other cores while the caller stores them, with a time limit.

Parsing (decoding, normalising, PDF and Word extraction) and storing alternate for every file,
so a second process that parses ahead lets a bulk import use both cores of a small machine.
The worker process also bounds hostile input: a file that takes longer than the time limit
(a PDF that sends the parser into a loop, say) is refused and the worker replaced.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from collabmap.errors import ImportRefused
from collabmap.evidence.model import ImportedSource

__all__ = ["ParsedFile", "read_files"]

ParsedFile = tuple[Path, list[ImportedSource] | ImportRefused]
_Outcome = tuple[str, list[ImportedSource] | str]

_PARALLEL_FROM = 8  # fewer heavy files than this are read in-process: no start-up cost
_HEAVY = frozenset({".pdf", ".docx", ".odt", ".xlsx"})
"""Formats whose parsing costs more than sending the text back from a worker; plain text
is cheaper to read in-process than to pass between processes."""


def _read(path: str, limits: object, text_column: str | None, segment: bool) -> _Outcome:
    """Worker: read one file; a refusal comes back as its message (exceptions with custom
    constructors do not survive pickling)."""
    from collabmap.evidence.importers import ImportLimits, read_file

    assert isinstance(limits, ImportLimits)
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


def read_files(
    paths: Sequence[Path],
    *,
    limits: object,
    text_column: str | None = None,
    segment: bool = True,
    timeout: float = 120.0,
) -> Iterator[ParsedFile]:
    """Read ``paths`` in order, in worker processes when enough of them are costly to parse.

    Yields ``(path, sources)`` or ``(path, ImportRefused)`` for each path, in the given order.
    """
    heavy = sum(1 for path in paths if path.suffix.lower() in _HEAVY)
    if heavy < _PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        for path in paths:
            yield _outcome(path, _read(str(path), limits, text_column, segment))
        return
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=_workers(), mp_context=context)
    window: deque[tuple[Path, Future[_Outcome]]] = deque()
    queue = deque(paths)
    try:
        while queue or window:
            while queue and len(window) < 8 * _workers():
                path = queue.popleft()
                window.append((path, pool.submit(_read, str(path), limits, text_column, segment)))
            path, future = window.popleft()
            try:
                yield _outcome(path, future.result(timeout=timeout))
            except FutureTimeout:
                yield (
                    path,
                    ImportRefused(
                        str(path), f"took longer than {timeout:g} s to read; it may be malformed"
                    ),
                )
                pool = _restart(pool, context, window, limits, text_column, segment)
            except BrokenProcessPool:
                yield path, ImportRefused(str(path), "the reader crashed on this file")
                pool = _restart(pool, context, window, limits, text_column, segment)
        pool.shutdown(wait=True)
    finally:
        _kill(pool)  # the caller stopped early, or a file failed: do not wait for workers


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers now (a stuck worker would never finish on its own)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()


def _restart(
    pool: ProcessPoolExecutor,
    context: multiprocessing.context.BaseContext,
    window: deque[tuple[Path, Future[_Outcome]]],
    limits: object,
    text_column: str | None,
    segment: bool,
) -> ProcessPoolExecutor:
    """Replace a stuck or crashed pool and resubmit the files waiting in the window."""
    _kill(pool)
    fresh = ProcessPoolExecutor(max_workers=_workers(), mp_context=context)
    pending = [path for path, _ in window]
    window.clear()
    for path in pending:
        window.append((path, fresh.submit(_read, str(path), limits, text_column, segment)))
    return fresh
