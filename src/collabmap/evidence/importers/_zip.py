"""Open a zip-based office file (docx, odt, xlsx) without trusting anything in it.

Word, OpenDocument and Excel files are zip archives, and a zip archive can lie: member
names can climb out of a folder (``../../evil``), a few kilobytes can expand to gigabytes
(a zip bomb), and the XML inside can declare entities that expand exponentially ("billion
laughs"). Every check here happens before python-docx or openpyxl sees the file, so those
libraries only ever read archives whose sizes, names and XML prologs we have vetted.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from collabmap.errors import ImportRefused
from collabmap.evidence._limits import mb
from collabmap.evidence._xml import OFFICE, check_prolog

if TYPE_CHECKING:
    from collabmap.evidence.importers import ImportLimits

__all__ = ["SafeZip"]

_CHUNK = 64 * 1024
_RATIO_FLOOR = 1024 * 1024  # small members may compress very well without harm
# ".." as a path part, an absolute path, a backslash, a drive letter or a NUL
_UNSAFE_NAME = re.compile(r"(?:^|/)\.\.(?:/|$)|^/|\\|^[A-Za-z]:|\x00")


class SafeZip:
    """A vetted zip archive: names, member count, sizes and compression ratios checked.

    ``source`` names the file in every refusal. Reads count against the limit on
    uncompressed bytes and stop as soon as a member yields more than allowed, whatever
    its header claims.
    """

    def __init__(self, data: bytes, source: str, limits: ImportLimits) -> None:
        self.source = source
        self.limits = limits
        self._read_total = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except Exception as exc:  # zipfile raises many types on hostile archives
            raise self._refuse("is damaged or truncated (not a readable zip archive)") from exc
        self._check(infos)
        self._infos = {info.filename: info for info in infos}

    def _refuse(self, problem: str) -> ImportRefused:
        return ImportRefused(self.source, problem)

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        limits = self.limits
        if len(infos) > limits.max_zip_members:
            raise self._refuse(
                f"holds {len(infos):,} files inside; the limit is {limits.max_zip_members:,}"
            )
        seen: set[str] = set()
        total = 0
        for info in infos:
            for name in (info.filename, info.orig_filename):
                if _UNSAFE_NAME.search(name):
                    raise self._refuse(
                        f"contains an unsafe file name {name!r} (a path outside the archive)"
                    )
            if info.filename in seen:
                raise self._refuse(f"contains the file {info.filename!r} twice")
            seen.add(info.filename)
            if info.flag_bits & 0x1:
                raise self._refuse("is password-protected (encrypted); remove the password first")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
                raise self._refuse(
                    f"member {info.filename!r} expands {ratio:,.0f} times, over the limit of "
                    f"{limits.max_compression_ratio:,} (a possible zip bomb)"
                )
        if total > limits.max_uncompressed_bytes:
            raise self._refuse(
                f"would expand to {mb(total)}, over the limit of "
                f"{mb(limits.max_uncompressed_bytes)} (a possible zip bomb)"
            )

    def has(self, name: str) -> bool:
        """Whether the archive has a member called ``name``."""
        return name in self._infos

    def _open(self, name: str) -> IO[bytes]:
        info = self._infos.get(name)
        if info is None:
            raise self._refuse(f"is incomplete: it has no {name!r}")
        try:
            return self._zip.open(info)
        except Exception as exc:
            raise self._refuse(f"is damaged: {name!r} cannot be opened") from exc

    def read(self, name: str, cap: int | None = None) -> bytes:
        """The bytes of member ``name``, refusing the file once more than ``cap`` come out."""
        budget = self.limits.max_uncompressed_bytes - self._read_total
        cap = budget if cap is None else min(cap, budget)
        chunks: list[bytes] = []
        size = 0
        with self._open(name) as stream:
            while True:
                try:
                    chunk = stream.read(_CHUNK)
                except Exception as exc:  # bad CRC, bad deflate stream, truncated data …
                    raise self._refuse(f"is damaged: {name!r} cannot be read") from exc
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise self._refuse(
                        f"member {name!r} expands past {mb(cap)} (a possible zip bomb)"
                    )
                chunks.append(chunk)
        self._read_total += size
        return b"".join(chunks)

    def check_xml_prolog(self, name: str) -> None:
        """Refuse member ``name`` if its XML declares a DTD or entities, or is not XML.

        Only the prolog is read: a DTD can only appear before the first element, so the
        check costs a few kilobytes however large the part is.
        """
        with self._open(name) as stream:
            check_prolog(self._chunks(stream, name), self.source, name, OFFICE)

    def _chunks(self, stream: IO[bytes], name: str) -> Iterator[bytes]:
        """Member ``name`` a chunk at a time, as far as the reader wants it."""
        while True:
            try:
                chunk = stream.read(_CHUNK)
            except Exception as exc:  # bad CRC, bad deflate stream, truncated data …
                raise self._refuse(f"is damaged: {name!r} cannot be read") from exc
            if not chunk:
                return
            yield chunk

    def check_all_xml(self) -> None:
        """Run :meth:`check_xml_prolog` on every XML part (``.xml`` and ``.rels``)."""
        for name in self._infos:
            if name.endswith((".xml", ".rels")):
                self.check_xml_prolog(name)
