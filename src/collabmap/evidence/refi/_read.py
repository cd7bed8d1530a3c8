"""Read REFI-QDA (QDA-XML 1.0) files from NVivo, ATLAS.ti, MAXQDA, QualCoder, qc and collabmap.

Two duties pull in opposite directions, and this module keeps them apart:

* **Refuse what is dangerous**, whole and early, with :class:`~collabmap.errors.ImportRefused`
  naming the file and the problem: zip members that escape the archive, encrypted members,
  archives too large or too compressed (bombs), XML with a DTD or entities (billion laughs,
  external entities), damaged archives, missing text, selections outside their text. Nothing is
  ever extracted to disk: members are read into memory with a size cap.
* **Tolerate what is merely different**: missing optional attributes, unknown elements, GUIDs
  in upper case or braces, PDF/picture/audio/video sources. These become warnings on the
  returned :class:`RefiImport`, never a crash, because every tool exports a slightly
  different dialect and a researcher should get their text codings even so.

Positions. REFI-QDA counts ``startPosition``/``endPosition`` in characters of the plain text
*as stored*; we read them as Unicode code points (Python ``str`` indices, as QualCoder and qc
do). collabmap holds LF-normalised text without control codes, so when the stored text has CRLF
or CR line endings or invisible characters (NUL, vertical tab, U+FFFF …) every position is
remapped (see :func:`~collabmap.evidence.refi._files.text_map`); those are removed with a
warning; a note's text is cleaned the same way. Otherwise texts are kept exactly as stored, and
in particular not changed to Unicode NFC as imported documents are: composing characters would
move positions and change the text the other tool knows, and a selection may end inside a
combining sequence, which then has no place in the composed text. A byte-order mark is removed
and is **not** counted. That is an assumption: a BOM is an encoding mark rather than text, and
BOM-aware decoders (Python's ``utf-8-sig``, .NET's ``StreamReader``) never hand it to the
application, so the positions a tool wrote cannot have counted it. Not verified against every
vendor, nor is the counting of characters outside the BMP (emoji) by UTF-16-based tools.

A selection with ``start > end`` or ``end`` past the text is refused rather than dropped:
silently losing coded evidence is worse than asking for a corrected export.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, get_args
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from collabmap.errors import ImportRefused
from collabmap.evidence._decode import decode_bytes
from collabmap.evidence._limits import mb
from collabmap.evidence._xml import parse_xml
from collabmap.evidence.model import (
    RefiCase,
    RefiCode,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiVariable,
    VariableType,
    VariableValue,
)
from collabmap.evidence.refi._files import (
    Archive,
    RefiLimits,
    open_zip,
    read_file,
    text_map,
    unsafe_name,
)
from collabmap.evidence.refi._write import normalise_color, normalise_guid

__all__ = ["RefiImport", "RefiLimits", "read_qdc", "read_qdpx", "read_refi"]

_VARIABLE_TYPES: tuple[VariableType, ...] = get_args(VariableType)
_IGNORED = {
    "Links": "links between objects",
    "Sets": "sets",
    "Graphs": "graphs",
    "NoteRef": "note references on this kind of object",
    "SelectionRef": "case references to single selections",
    "Coding": "codings of whole sources",
}


@dataclass(slots=True)
class RefiImport:
    """What a ``.qdpx`` gave: the project, and what was skipped or repaired on the way.

    ``codebook`` is true when the file held a codebook only (a ``.qdc``, or a ``project.qde``
    outside its archive): then the project has codes and nothing else.
    """

    project: RefiProject
    warnings: list[str] = field(default_factory=list)
    codebook: bool = False


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _child(element: Element, name: str) -> Element | None:
    return next(_children(element, name), None)


class _Reader:
    """One pass over ``project.qde``; collects warnings instead of stopping at oddities."""

    def __init__(self, file: str, archive: Archive | None, base: str, limits: RefiLimits) -> None:
        self.file, self.archive, self.base, self.limits = file, archive, base, limits
        self._warnings: dict[str, int] = {}

    def warn(self, message: str) -> None:
        self._warnings[message] = self._warnings.get(message, 0) + 1

    @property
    def warnings(self) -> list[str]:
        return [m if n == 1 else f"{m} ({n} times)" for m, n in self._warnings.items()]

    def skip(self, element: Element, where: str) -> None:
        name = _local(element.tag)
        reason = _IGNORED.get(name, "an element collabmap does not know")
        self.warn(f"ignored <{name}> in {where}: {reason}")

    def guid(self, element: Element, where: str) -> str:
        value = element.get("guid")
        if value is None or not value.strip():
            self.warn(f"a <{_local(element.tag)}> in {where} had no guid; one was made up")
            return str(uuid.uuid4())
        return normalise_guid(value) or value.strip()

    def ref(self, element: Element, attribute: str = "targetGUID") -> str | None:
        value = element.get(attribute)
        return None if value is None else normalise_guid(value) or value.strip()

    def when(self, element: Element) -> datetime | None:
        value = element.get("creationDateTime")
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            self.warn(f"ignored a date that is not ISO 8601: {value!r}")
            return None

    @staticmethod
    def text_of(element: Element | None) -> str | None:
        return None if element is None else element.text or ""

    # --- codes, variables, cases -----------------------------------------------------------

    def code(self, element: Element, depth: int) -> RefiCode:
        if depth > self.limits.max_code_depth:
            raise ImportRefused(self.file, f"codes nest deeper than {self.limits.max_code_depth}")
        name = element.get("name", "")
        color = element.get("color")
        if color is not None and normalise_color(color) is None:
            self.warn(f"ignored colour {color!r} of code {name!r}: not #RRGGBB")
        code = RefiCode(
            guid=self.guid(element, f"code {name!r}"),
            name=name,
            is_codable=element.get("isCodable", "true").strip() not in ("false", "0"),
            color=normalise_color(color),
        )
        for child in element:
            tag = _local(child.tag)
            if tag == "Description":
                code.description = self.text_of(child)
            elif tag == "Code":
                code.children.append(self.code(child, depth + 1))
            else:
                self.skip(child, "a code")
        return code

    def value(self, element: Element) -> tuple[str, VariableValue] | None:
        ref = _child(element, "VariableRef")
        target = None if ref is None else self.ref(ref)
        if target is None:
            self.warn("ignored a <VariableValue> without a <VariableRef>")
            return None
        for child in element:
            tag, text = _local(child.tag), (child.text or "")
            if tag == "VariableRef":
                continue
            try:
                if tag == "BooleanValue":
                    return target, {"true": True, "1": True, "false": False, "0": False}[
                        text.strip()
                    ]
                if tag == "IntegerValue":
                    return target, int(text)
                if tag == "FloatValue":
                    number = float(text)
                    if not math.isfinite(number):  # NaN, INF, 1e999: no xsd:decimal
                        raise ValueError(text)
                    return target, number
            except (KeyError, ValueError):
                self.warn(f"kept an unreadable <{tag}> {text!r} as text")
            return target, text.strip() if tag in ("DateValue", "DateTimeValue") else text
        return target, None

    def variable(self, element: Element) -> RefiVariable:
        name = element.get("name", "")
        kind = element.get("typeOfVariable", "Text").strip()
        if kind not in _VARIABLE_TYPES:
            self.warn(f"variable {name!r} has unknown type {kind!r}; read as Text")
        return RefiVariable(
            guid=self.guid(element, f"variable {name!r}"),
            name=name,
            type=next((t for t in _VARIABLE_TYPES if t == kind), "Text"),
            description=self.text_of(_child(element, "Description")),
        )

    def case(self, element: Element) -> RefiCase:
        case = RefiCase(guid=self.guid(element, "a case"), name=element.get("name", ""))
        for child in element:
            tag = _local(child.tag)
            if tag == "Description":
                case.description = self.text_of(child)
            elif tag == "VariableValue" and (pair := self.value(child)):
                case.variables[pair[0]] = pair[1]
            elif tag in ("CodeRef", "SourceRef") and (target := self.ref(child)):
                (case.code_guids if tag == "CodeRef" else case.source_guids).append(target)
            elif tag != "VariableValue":
                self.skip(child, f"case {case.name!r}")
        return case

    # --- texts -----------------------------------------------------------------------------

    def stored_text(self, element: Element, what: str) -> str | None:
        """The text as stored (a file's BOM removed), from ``PlainTextContent`` or a file."""
        content = _child(element, "PlainTextContent")
        if content is not None:
            return content.text or ""  # XML text: a U+FEFF here is a character, not a BOM
        path = element.get("plainTextPath")
        if not path:
            self.warn(f"skipped {what}: it has no plain text (only rich text or nothing)")
            return None
        member = self.member_for(path.strip(), what)
        assert self.archive is not None  # member_for refuses when there is no archive
        data = self.archive.read(member, self.limits.max_uncompressed_bytes)
        return decode_bytes(data, self.file, f"{what} ({member})")[0]

    def held_text(self, stored: str, what: str) -> tuple[str, Callable[[int], int]]:
        """The text as collabmap holds it, and the map of stored positions into it."""
        text, remap, controls = text_map(stored)
        if controls:
            self.warn(f"removed {controls} invisible character(s) from the text of {what}")
        return text, remap

    def member_for(self, path: str, what: str) -> str:
        """The archive member a ``plainTextPath`` names: ``internal://``, ``relative://``, bare."""
        scheme, sep, rest = path.partition("://")
        if sep and scheme.lower() == "internal":
            names = [f"sources/{rest}"]
        elif (sep and scheme.lower() == "relative") or (not sep and not unsafe_name(path)):
            rest = rest if sep else path
            names = [f"sources/{rest}", rest]
        else:
            raise ImportRefused(
                self.file,
                f"{what} refers to {path!r}, outside the archive; export with sources embedded",
            )
        names = [str(PurePosixPath(self.base, n.replace("\\", "/"))) for n in names]
        names += [unquote(n) for n in names]
        found = self.archive.find(*names) if self.archive else None
        if found is None:
            problem = f"{what} refers to {path!r}, but the archive has no {names[0]}"
            raise ImportRefused(self.file, problem)
        return found

    def source(self, element: Element) -> RefiSource | None:
        path = element.get("plainTextPath") or ""
        name = element.get("name")  # qc leaves it out: the file name is what its users saw
        name = PurePosixPath(path.partition("://")[2] or path).stem if name is None else name
        guid = self.guid(element, f"source {name!r}")
        what = f"source {name or guid!r}"
        stored = self.stored_text(element, what)
        if stored is None:
            return None
        text, remap = self.held_text(stored, what)
        source = RefiSource(
            guid=guid, name=name, text=text, creating_user=self.ref(element, "creatingUser")
        )
        source.created = self.when(element)
        for child in element:
            tag = _local(child.tag)
            if tag == "Description":
                source.description = self.text_of(child)
            elif tag == "PlainTextSelection":
                source.selections.append(self.selection(child, what, len(stored), remap))
            elif tag == "NoteRef" and (target := self.ref(child)):
                source.note_guids.append(target)
            elif tag == "VariableValue" and (pair := self.value(child)):
                source.variables[pair[0]] = pair[1]
            elif tag not in ("PlainTextContent", "VariableValue"):
                self.skip(child, what)
        return source

    def selection(
        self, element: Element, what: str, length: int, remap: Callable[[int], int]
    ) -> RefiSelection:
        guid = self.guid(element, what)
        try:
            start, end = int(element.get("startPosition", "")), int(element.get("endPosition", ""))
        except ValueError:
            raise ImportRefused(
                self.file, f"{what}: selection {guid} has no valid positions"
            ) from None
        if not 0 <= start <= end <= length:
            problem = (
                f"{what}: selection {guid} ({start}–{end}) is out of range; "
                f"the text has {length} characters"
            )
            raise ImportRefused(self.file, problem)
        selection = RefiSelection(guid=guid, start=remap(start), end=remap(end), code_guids=[])
        selection.name = element.get("name")
        selection.creating_user = self.ref(element, "creatingUser")
        selection.created = self.when(element)
        for child in element:
            tag = _local(child.tag)
            code_ref = _child(child, "CodeRef") if tag == "Coding" else None
            target = None if code_ref is None else self.ref(code_ref)
            if tag == "Description":
                selection.description = self.text_of(child)
            elif target is not None:
                selection.code_guids.append(target)
                selection.coding_guids.append(self.guid(child, what))
                selection.creating_user = selection.creating_user or self.ref(child, "creatingUser")
                selection.created = selection.created or self.when(child)
            elif tag == "Coding":
                self.warn(f"ignored a <Coding> without a <CodeRef> in {what}")
            else:
                self.skip(child, f"a selection in {what}")
        return selection

    def note(self, element: Element) -> RefiNote | None:
        name = element.get("name", "")
        what = f"note {name!r}"
        stored = self.stored_text(element, what)
        if stored is None:
            return None
        for child in element:
            if _local(child.tag) not in ("PlainTextContent",):
                self.skip(child, what)
        return RefiNote(
            guid=self.guid(element, what),
            name=name,
            text=self.held_text(stored, what)[0],
            creating_user=self.ref(element, "creatingUser"),
            created=self.when(element),
        )

    # --- the whole project -----------------------------------------------------------------

    def codes(self, codebook: Element) -> list[RefiCode]:
        codes = _child(codebook, "Codes")
        return [] if codes is None else [self.code(c, 1) for c in _children(codes, "Code")]

    def project(self, root: Element) -> RefiProject:
        if _local(root.tag) != "Project":
            raise ImportRefused(self.file, f"project.qde has <{_local(root.tag)}>, not <Project>")
        project = RefiProject(name=root.get("name", ""), origin=root.get("origin"))
        project.creating_user = self.ref(root, "creatingUserGUID")
        project.created = self.when(root)
        readers: dict[str, tuple[str, Callable[[Element], Any]]] = {
            "Users": (
                "User",
                lambda e: RefiUser(self.guid(e, "users"), e.get("name", ""), e.get("id")),
            ),
            "Variables": ("Variable", self.variable),
            "Cases": ("Case", self.case),
            "Sources": ("TextSource", self.source),
            "Notes": ("Note", self.note),
        }
        for child in root:
            tag = _local(child.tag)
            if tag == "CodeBook":
                project.codes = self.codes(child)
            elif tag == "Description":
                project.description = self.text_of(child)
            elif tag in readers:
                item_tag, read = readers[tag]
                items = getattr(project, tag.lower())
                for item in child:
                    if _local(item.tag) == item_tag:
                        if (value := read(item)) is not None:
                            items.append(value)
                    elif tag == "Sources":
                        self.warn(
                            f"skipped a <{_local(item.tag)}>: collabmap imports text sources only"
                        )
                    else:
                        self.skip(item, tag)
            else:
                self.skip(child, "the project")
        _drop_dangling(project, self.warn)
        return project


def _drop_dangling(project: RefiProject, warn: Callable[[str], None]) -> None:
    """Remove references to objects the file does not contain (or that were skipped)."""
    codes: set[str] = set()
    stack = list(project.codes)
    while stack:
        code = stack.pop()
        codes.add(code.guid)
        stack.extend(code.children)
    sources = {s.guid for s in project.sources}
    notes = {n.guid for n in project.notes}
    variables = {v.guid for v in project.variables}

    def keep(guids: list[str], known: set[str], what: str) -> list[str]:
        kept = [g for g in guids if g in known]
        for _ in range(len(guids) - len(kept)):
            warn(f"dropped a reference to a {what} the file does not contain")
        return kept

    for values in [c.variables for c in project.cases] + [s.variables for s in project.sources]:
        for guid in [g for g in values if g not in variables]:
            del values[guid]
            warn("dropped a value of a variable the file does not declare")
    for case in project.cases:
        case.code_guids = keep(case.code_guids, codes, "code")
        case.source_guids = keep(case.source_guids, sources, "source")
    for source in project.sources:
        source.note_guids = keep(source.note_guids, notes, "note")
        for sel in source.selections:
            pairs = zip(sel.code_guids, sel.coding_guids, strict=True)
            kept = [(code, coding) for code, coding in pairs if code in codes]
            sel.code_guids = keep(sel.code_guids, codes, "code")
            sel.coding_guids = [coding for _, coding in kept]


def read_qdpx(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    limits: RefiLimits | None = None,
    name: str | None = None,
) -> RefiImport:
    """Read a ``.qdpx`` archive into a :class:`RefiProject`, with warnings for what was skipped.

    ``source`` is a path or a binary file object; ``name`` labels it in errors (default: the
    path, or the file object's ``name``). Raises :class:`ImportRefused` for anything unsafe
    or unusable; see the module docstring for what is refused and what only warned about.
    """
    limits = limits or RefiLimits()
    file = name or (os.fspath(source) if isinstance(source, str | os.PathLike) else "")
    file = file or str(getattr(source, "name", "") or "<qdpx>")
    _check_size(source, file, limits)
    with open_zip(source, file) as archive_zip:
        archive = Archive(file, archive_zip, limits)
        qde = archive.project_member()
        root = parse_xml(archive.read(qde, limits.max_xml_bytes), file, qde)
        reader = _Reader(file, archive, str(PurePosixPath(qde).parent), limits)
        project = reader.project(root)
    return RefiImport(project, reader.warnings)


def read_qdc(path: str | os.PathLike[str], *, limits: RefiLimits | None = None) -> list[RefiCode]:
    """Read a REFI-QDA codebook (``.qdc``), or the codebook of a bare ``project.qde``."""
    return _read_codebook(os.fspath(path), limits or RefiLimits()).project.codes


def read_refi(path: str | os.PathLike[str], *, limits: RefiLimits | None = None) -> RefiImport:
    """Read a REFI-QDA file of either kind, judged by its content rather than its name.

    A zip archive is a project (see :func:`read_qdpx`). XML is a codebook: a ``.qdc``, or a
    ``project.qde`` taken out of its archive, of which only the codebook is read (its sources
    are files in the archive), with a warning if it lists sources, cases, notes or variables.
    """
    limits = limits or RefiLimits()
    file = os.fspath(path)
    try:
        with Path(file).open("rb") as handle:
            zipped = handle.read(2) == b"PK"
    except OSError:
        zipped = False  # the XML reader says why the file cannot be read
    return read_qdpx(file, limits=limits) if zipped else _read_codebook(file, limits)


def _check_size(source: str | os.PathLike[str] | BinaryIO, file: str, limits: RefiLimits) -> None:
    """Refuse a file larger than the limit for one file, before reading any of it."""
    try:
        if isinstance(source, str | os.PathLike):
            length = Path(source).stat().st_size
        else:
            position = source.tell()
            length = source.seek(0, os.SEEK_END)
            source.seek(position)
    except (OSError, ValueError):
        return  # not there, or not seekable: the reader says what is wrong with it
    if length > limits.max_file_bytes:
        problem = f"is larger than {mb(limits.max_file_bytes)}, the limit for one file"
        raise ImportRefused(file, problem)


def _read_codebook(file: str, limits: RefiLimits) -> RefiImport:
    _check_size(file, file, limits)
    root = parse_xml(read_file(file, limits.max_xml_bytes, file), file, PurePosixPath(file).name)
    reader = _Reader(file, None, "", limits)
    if _local(root.tag) == "Project":
        if any(len(e) for e in root if _local(e.tag) in ("Sources", "Cases", "Notes", "Variables")):
            reader.warn(
                "read only the codebook: sources, codings, cases and notes need the whole .qdpx "
                "archive, not its project.qde alone"
            )
        codebook = _child(root, "CodeBook")
        root = Element("CodeBook") if codebook is None else codebook
    if _local(root.tag) != "CodeBook":
        raise ImportRefused(file, f"is not a REFI-QDA codebook (its root is <{_local(root.tag)}>)")
    codes = reader.codes(root)
    return RefiImport(RefiProject(name="", codes=codes), reader.warnings, codebook=True)
