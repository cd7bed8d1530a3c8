"""Writing an output file whole: readers never see half an export, report or matrix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from collabmap.errors import InvalidInput

__all__ = ["whole_file"]


@contextmanager
def whole_file(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; on success it replaces ``out``, on any failure
    it is removed and ``out`` is left as it was. A write the disk refuses becomes
    :class:`InvalidInput` naming the file."""
    if not out.parent.is_dir():
        raise InvalidInput(f"cannot write {out}: no folder {out.parent}")
    tmp = out.with_name(f".{out.name}.partial")
    try:
        yield tmp
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {out}: {exc.strerror}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
