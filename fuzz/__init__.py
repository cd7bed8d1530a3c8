"""Fuzzing collabmap's readers: every importer and file format, with crashes as the failure.

The contract under test is the one :mod:`collabmap.errors` states: bad input is refused with a
:class:`~collabmap.errors.CollabmapError` naming the problem, and nothing else escapes. Each
format family has a harness module whose ``check(data)`` feeds bytes to the public reader and
lets any other exception through; :mod:`fuzz.seeds` makes valid files to start from and
:mod:`fuzz.mutate` changes them with knowledge of their structure.

Two drivers use the harnesses: ``python -m fuzz FORMAT --runs 100000`` (coverage-guided, with
atheris and libFuzzer; the ``fuzz`` extra) and the property tests in ``tests/fuzz`` (hypothesis,
part of the normal test run).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

__all__ = ["FAMILIES", "FORMATS", "MAX_LEN", "harness"]

FORMATS: dict[str, str] = {
    "txt": "text",
    "vtt": "subtitles",
    "srt": "subtitles",
    "csv": "survey",
    "xlsx": "survey",
    "docx": "docx",
    "odt": "odt",
    "pdf": "pdf",
    "qdpx": "refi",
    "qdc": "refi",
    "yaml": "profile",
    "json": "profile",
}
"""Each fuzzed format and the harness module (format family) that reads it."""

MAX_LEN: dict[str, int] = {
    **dict.fromkeys(("txt", "vtt", "srt", "csv", "yaml", "json", "qdc"), 32_768),
    **dict.fromkeys(("xlsx", "docx", "odt", "pdf", "qdpx"), 131_072),
}
"""Largest input libFuzzer may make of each format, in bytes: ten to forty times the seeds.
Every reader refuses a large file in time linear in its size (the limits are far above these),
so larger inputs would mostly make each run slower and find nothing new."""

FAMILIES: dict[str, tuple[str, ...]] = {
    "text": (),
    "subtitles": (),
    "survey": ("openpyxl",),
    "docx": ("docx",),
    "odt": (),
    "pdf": ("pypdf",),
    "refi": (),
    "profile": (),
}
"""Each harness module and the pure-Python libraries beneath it that atheris instruments
besides collabmap (C parsers — expat, lxml, zlib — cannot be instrumented). PyYAML is left
out: its scanner looks ahead over deeply nested flow collections (``[[[[…``) in time growing
with the square of the depth, some 0.6 s before the document is refused as nested too deeply,
and instrumented that passed the 5 s limit, so the timeouts were the instrumentation's."""


def harness(fmt: str) -> Callable[[bytes], None]:
    """The ``check`` function of the harness for format ``fmt``."""
    module = importlib.import_module(f"fuzz.{FORMATS[fmt]}")
    check: Callable[[bytes], None] = module.check
    return check
