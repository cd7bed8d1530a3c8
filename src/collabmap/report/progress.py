"""Progress and cancellation for long reports.

A report of a few hundred partnerships takes tens of seconds, most of it WeasyPrint laying out
pages. Whoever waits for it passes a :data:`Progress` callback: it is called between steps
with the fraction done and a sentence saying what is happening, and it may raise
:class:`~collabmap.errors.Cancelled` to stop the work there. WeasyPrint reports each page it
lays out on its ``weasyprint.progress`` logger; :func:`pdf_steps` turns those records into
calls of the callback, so a PDF can be stopped between pages, not only before or after layout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Progress", "pdf_steps", "quiet", "span"]

Progress = Callable[[float, str], None]
"""``progress(fraction, sentence)``: ``fraction`` from 0 to 1; may raise ``Cancelled``."""


def quiet(fraction: float, message: str) -> None:
    """The progress callback of someone who is not watching."""


def span(progress: Progress, start: float, end: float) -> Progress:
    """A callback for one stage of a larger piece of work: its 0–1 becomes ``start``–``end``."""

    def scaled(fraction: float, message: str) -> None:
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0), message)

    return scaled


class _PerThread(logging.Handler):
    """Hands WeasyPrint's progress records to the callback registered by the thread that
    logged them, so two reports built at once in one process each see their own pages."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.callbacks: dict[int, Callable[[str, tuple[object, ...]], None]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        callback = self.callbacks.get(record.thread or 0)
        if callback is not None:
            args = record.args if isinstance(record.args, tuple) else ()
            callback(str(record.msg), args)  # may raise Cancelled, into WeasyPrint's loop


_handler = _PerThread()
_install_lock = threading.Lock()


def _install() -> None:
    with _install_lock:
        logger = logging.getLogger("weasyprint.progress")
        if _handler not in logger.handlers:
            logger.addHandler(_handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False  # page-by-page chatter is for progress bars, not logs


_PREPARING = {
    "Step 1": (0.0, "Reading the report"),
    "Step 2": (0.04, "Reading the styles"),
    "Step 3": (0.08, "Applying the styles"),
    "Step 4": (0.15, "Arranging the content"),
}


@contextmanager
def pdf_steps(progress: Progress, expected_pages: int) -> Iterator[None]:
    """While in this block, WeasyPrint's steps in this thread call ``progress``: preparing
    takes the fraction 0–0.25, layout 0.25–0.8 (by pages laid out against ``expected_pages``),
    writing the file the rest (roughly the shares of a 200-partnership report's time: about
    8 s preparing, 18 s laying out 333 pages and 6 s writing, measured)."""
    _install()
    expected = max(expected_pages, 1)

    def on_record(message: str, args: tuple[object, ...]) -> None:
        page = args[0] if args and isinstance(args[0], int) else None
        if message.startswith("Step 5") and "Page" in message and page is not None:
            progress(0.25 + 0.55 * min(page / expected, 0.99), f"Laying out page {page}")
        elif message.startswith("Step 6"):
            progress(0.8, "Writing the PDF file")
        else:
            for step, (fraction, sentence) in _PREPARING.items():
                if message.startswith(step):
                    progress(fraction, sentence)

    ident = threading.get_ident()
    _handler.callbacks[ident] = on_record
    try:
        yield
    finally:
        _handler.callbacks.pop(ident, None)
