"""The file level of REFI-QDA reading: a zip opened safely, line endings mapped.

Kept apart from the element-by-element reader because these are the parts an attacker reaches
first: a ``.qdpx`` may come from anyone, so the archive is checked as a whole (member names,
count, sizes, compression ratio, encryption) before any member is read, members are read into
memory with a size cap and never extracted. Their XML is parsed by the hardened
:func:`collabmap.evidence._xml.parse_xml` (defusedxml: no DTD, no entities) and their text
decoded by :func:`collabmap.evidence._decode.decode_bytes`, exactly as stored.
"""

from __future__ import annotations

import bisect
import lzma
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NoReturn

from collabmap.errors import ImportRefused
from collabmap.evidence._limits import ImportLimits
from collabmap.evidence._limits import mb as size

MiB = 1024 * 1024
_RATIO_FLOOR = MiB  # a smaller member cannot be a bomb that the total cap would not catch


_DOCUMENT = ImportLimits()


@dataclass(frozen=True, slots=True)
class RefiLimits:
    """How much an import may unpack; beyond any limit the file is refused, not truncated.

    Those that a document import has too default to its values; :meth:`of` takes them from
    the limits an import was given, so that one set governs every file.
    """

    max_members: int = _DOCUMENT.max_zip_members
    max_uncompressed_bytes: int = _DOCUMENT.max_uncompressed_bytes
    max_ratio: float = _DOCUMENT.max_compression_ratio
    max_xml_bytes: int = 200_000_000
    max_code_depth: int = 100
    max_file_bytes: int = _DOCUMENT.max_file_bytes

    @classmethod
    def of(cls, limits: ImportLimits) -> RefiLimits:
        """The limits of a document import, applied to a REFI-QDA file."""
        return cls(
            max_members=limits.max_zip_members,
            max_uncompressed_bytes=limits.max_uncompressed_bytes,
            max_ratio=limits.max_compression_ratio,
            max_file_bytes=limits.max_file_bytes,
        )


def line_ending_map(stored: str) -> tuple[str, Callable[[int], int]]:
    """LF-normalised text and a function mapping a position in ``stored`` to one in it.

    CRLF becomes LF and a lone CR becomes LF. A position between the CR and the LF of a pair
    maps to the LF, i.e. ``p - (number of CRLF pairs whose CR is before p)``.
    """
    text, remap, _ = _dropping(_CR_OF_CRLF, stored)
    return text, remap


def text_map(stored: str) -> tuple[str, Callable[[int], int], int]:
    """Text as collabmap holds it, the position map into it, and the invisible characters removed.

    As :func:`line_ending_map`, and C0 control codes other than TAB, LF and CR (and DEL) are
    removed the way :func:`~collabmap.evidence.segment.normalise` removes them from imported
    files: they are invisible, XML cannot carry them and PostgreSQL refuses NUL. So are the
    noncharacters U+FFFE and U+FFFF, which XML cannot carry either. A position just after a
    removed character maps to where it stood, so a selection keeps its visible words.
    """
    text, remap, dropped = _dropping(_CR_OF_CRLF_OR_INVISIBLE, stored)
    return text, remap, dropped - stored.count("\r\n")


_CR_OF_CRLF = re.compile("\r(?=\n)")
_CR_OF_CRLF_OR_INVISIBLE = re.compile("\r(?=\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _dropping(pattern: re.Pattern[str], stored: str) -> tuple[str, Callable[[int], int], int]:
    """``stored`` without the single characters ``pattern`` finds, lone CRs made LF."""
    dropped = [m.start() for m in pattern.finditer(stored)]
    text = pattern.sub("", stored).replace("\r", "\n")
    return text, lambda p: p - bisect.bisect_left(dropped, p), len(dropped)


def unsafe_name(name: str) -> bool:
    """Whether a zip member name (or a bare path) could point outside its archive."""
    parts = name.replace("\\", "/")
    if "\0" in parts or parts.startswith("/") or re.match(r"[A-Za-z]:", parts):
        return True
    return ".." in parts.split("/")


class Archive:
    """A zip checked as a whole before any member is read, then read member by member."""

    def __init__(self, file: str, archive: zipfile.ZipFile, limits: RefiLimits) -> None:
        self.file, self._zip, self._limits = file, archive, limits
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            self._refuse(f"has {len(infos)} members; at most {limits.max_members} are accepted")
        self.members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            if unsafe_name(name):
                self._refuse(f"member name {name!r} points outside the archive")
            if name in self.members:
                self._refuse(f"has two members named {name!r}")
            if info.flag_bits & 0x1:
                self._refuse(f"member {name!r} is encrypted")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > limits.max_ratio:
                self._refuse(
                    f"member {name!r} expands {ratio:.0f}-fold; this looks like a zip bomb"
                )
            total += info.file_size
            if total > limits.max_uncompressed_bytes:
                self._refuse(
                    f"unpacks to more than {size(limits.max_uncompressed_bytes)}; "
                    "this looks like a zip bomb"
                )
            self.members[name] = info

    def _refuse(self, problem: str) -> NoReturn:
        raise ImportRefused(self.file, problem)

    def project_member(self) -> str:
        """``project.qde``, else the one ``.qde`` at the top or in a top-level folder."""
        candidates = [n for n in sorted(self.members) if n.lower().endswith(".qde")]
        found = self.find("project.qde") or next((n for n in candidates if n.count("/") <= 1), None)
        if found is None:
            self._refuse("the archive has no project.qde")
        return found

    def find(self, *names: str) -> str | None:
        return next((n for n in names if n in self.members), None)

    def read(self, name: str, cap: int) -> bytes:
        try:
            with self._zip.open(self.members[name]) as handle:
                data = handle.read(cap + 1)
        # each compression method fails its own way: zlib.error, lzma.LZMAError, OSError (bz2)
        except (
            zipfile.BadZipFile,
            zlib.error,
            lzma.LZMAError,
            EOFError,
            OSError,
            NotImplementedError,
        ) as exc:
            raise ImportRefused(self.file, f"member {name!r} is damaged ({exc})") from None
        if len(data) > cap:
            self._refuse(f"member {name!r} is larger than {size(cap)}")
        return data


def open_zip(source: str | os.PathLike[str] | BinaryIO, file: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise ImportRefused(file, "file not found") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ImportRefused(
            file, f"is not a zip archive, or is damaged or truncated ({exc})"
        ) from None
    except NotImplementedError as exc:  # a zip feature or version Python cannot read
        raise ImportRefused(file, f"is a zip archive Python cannot read ({exc})") from None


def read_file(path: str | os.PathLike[str], cap: int, file: str) -> bytes:
    """A plain file's bytes, refused beyond ``cap`` without reading more than ``cap + 1``."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(cap + 1)
    except OSError as exc:
        raise ImportRefused(file, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > cap:
        raise ImportRefused(file, f"is larger than {size(cap)}")
    return data
