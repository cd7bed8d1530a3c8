"""A Word reader that misbehaves on chosen files, for tests of the worker processes.

A parser that crashes its process or never returns cannot be provoked reliably with real
files, so the tests replace the Word reader: for a file named in ``crash`` it ends its worker
process abruptly (as a segfault in a C parser would), for one named in ``sleep`` it takes that
many seconds. Anything else is read as usual. It never crashes the test process itself.
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection, Mapping

import pytest

import collabmap.evidence.importers as importers
from collabmap.evidence.importers._zip import SafeZip
from collabmap.evidence.importers.docx import read_docx as real_read_docx
from collabmap.evidence.model import ImportedSource


def misbehave(
    monkeypatch: pytest.MonkeyPatch,
    *,
    crash: Collection[str] = (),
    sleep: Mapping[str, float] | None = None,
) -> None:
    """Make the Word reader crash on the files named in ``crash`` and dawdle on ``sleep``."""
    test_process = os.getpid()
    delays = dict(sleep or {})

    def read_docx(archive: SafeZip, data: bytes, name: str) -> list[ImportedSource]:
        if name in crash:
            if os.getpid() == test_process:
                raise AssertionError(f"{name} was read in the test process, not in a worker")
            os._exit(70)
        time.sleep(delays.get(name, 0.0))
        return real_read_docx(archive, data, name)

    monkeypatch.setattr(importers, "read_docx", read_docx)
