"""Where a harness puts the bytes it is given, so the public readers can read them as a file.

The readers take paths, as the command line and the web application call them; a fuzz run
calls them thousands of times a second, so each input overwrites one file in a private
folder (in memory under ``/dev/shm`` where the system has it), removed when the process ends.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

__all__ = ["as_file"]

_SHM = Path("/dev/shm")
_folder: Path | None = None


def _scratch() -> Path:
    global _folder
    if _folder is None:
        where = str(_SHM) if _SHM.is_dir() else None
        _folder = Path(tempfile.mkdtemp(prefix="collabmap-fuzz-", dir=where))
        atexit.register(shutil.rmtree, _folder, ignore_errors=True)
    return _folder


def as_file(data: bytes, name: str) -> Path:
    """``data`` written whole to the file ``name`` in the scratch folder; its path."""
    path = _scratch() / name
    path.write_bytes(data)
    return path
