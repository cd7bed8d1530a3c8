"""Write REFI-QDA (QDA-XML 1.0) files: a whole project as ``.qdpx``, a codebook as ``.qdc``.

Why it is built this way:

* The output must load in NVivo, ATLAS.ti, MAXQDA and QualCoder, so ``project.qde`` follows
  ``Project-mrt2019.xsd`` exactly: element order, required attributes, GUID and colour patterns.
  Empty lists are left out rather than written as empty containers, because the schema requires
  at least one child in ``Users``, ``Codes``, ``Sources`` and the like.
* GUIDs that are valid but written in upper case or with braces are written in lower case
  without braces. A missing or malformed GUID is replaced by one derived (uuid5) from the
  project name and the object's place, and every reference to the old value follows it. We use
  uuid5 rather than uuid4 so that the same project always gives the same bytes.
* The archive is deterministic (sorted members, fixed timestamps and permissions), so an export
  can be checked into version control or compared by hash.
* Problems in the in-memory project (a colour that is not ``#RRGGBB``, a character XML 1.0
  cannot carry, NaN in a variable, a selection outside its text or backwards, two codes or two
  sources with one GUID) raise :class:`~collabmap.errors.InvalidInput` before anything is
  written, so a failed export never leaves a half-written file, nor one that the reader would
  refuse or misread.
"""

from __future__ import annotations

import io
import math
import os
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from collabmap.errors import InvalidInput
from collabmap.evidence.model import (
    RefiCase,
    RefiCode,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    VariableValue,
)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_RGB = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_GUID_SEED = uuid.UUID("6f1d3c52-8a0e-4c61-9d0b-2f3e7c1a5b90")  # fixed: derived GUIDs are stable
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry

PathOrFile = str | os.PathLike[str] | BinaryIO


def normalise_guid(value: str | None) -> str | None:
    """The canonical (lower-case, brace-less) form of a schema-valid GUID, else ``None``."""
    if value is None:
        return None
    text = value.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    return text.lower() if _GUID.fullmatch(text) else None


def normalise_color(value: str | None) -> str | None:
    """``#RGB`` or ``#RRGGBB`` in any case → ``#RRGGBB`` upper case; anything else → ``None``."""
    if value is None or not _RGB.fullmatch(value.strip()):
        return None
    digits = value.strip()[1:].upper()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def format_datetime(value: datetime) -> str:
    """An ``xsd:dateTime``; offsets with seconds (not allowed by XSD) are converted to UTC."""
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        value = value.astimezone(UTC)
    return value.isoformat()


def _format_decimal(value: float, what: str) -> str:
    """An ``xsd:decimal`` (no exponent) that reads back as exactly ``value``."""
    if not math.isfinite(value):
        raise InvalidInput(f"cannot write REFI-QDA: {what} is {value}, not a decimal number")
    return format(Decimal(repr(value)), "f")


class _Builder:
    """Turns one :class:`RefiProject` into ``project.qde`` and its ``sources/`` files."""

    def __init__(self, project: RefiProject) -> None:
        self._project = project
        self._own: dict[int, str] = {}  # id(object) → GUID written for it
        self._renamed: dict[str, str] = {}  # malformed GUID → its replacement
        self._taken: dict[str, set[str]] = {}  # kind of object → GUIDs written for that kind
        self.files: dict[str, bytes] = {}
        self._assign_guids()
        self._types = {self._guid(v): v.type for v in project.variables}

    # --- GUIDs ---------------------------------------------------------------------------

    def _assign(self, obj: object, guid: str, place: str, kind: str | None = None) -> None:
        """Give ``obj`` its GUID; one ``kind`` of object (code, user …) must not repeat one.

        References name their target by GUID alone, so two codes with one GUID would leave
        every ``CodeRef`` to it ambiguous. (Selections may share one: a selection coded with
        two codes is stored as two codings, and written as two selections.)
        """
        fixed = normalise_guid(guid)
        if fixed is None:
            fixed = str(uuid.uuid5(_GUID_SEED, f"{self._project.name}\0{place}\0{guid}"))
            if guid:
                self._renamed.setdefault(guid, fixed)
        if kind is not None:
            taken = self._taken.setdefault(kind, set())
            if fixed in taken:
                raise InvalidInput(f"cannot write REFI-QDA: two {kind}s share the GUID {fixed}")
            taken.add(fixed)
        self._own[id(obj)] = fixed

    def _assign_guids(self) -> None:
        """First pass, so a reference can point forward (a case to a source, say)."""
        p = self._project
        for i, user in enumerate(p.users):
            self._assign(user, user.guid, f"user/{i}", "user")
        stack = [(code, f"code/{i}") for i, code in enumerate(p.codes)]
        while stack:
            code, place = stack.pop()
            self._assign(code, code.guid, place, "code")
            stack.extend((c, f"{place}/{i}") for i, c in enumerate(code.children))
        for i, variable in enumerate(p.variables):
            self._assign(variable, variable.guid, f"variable/{i}", "variable")
        for i, case in enumerate(p.cases):
            self._assign(case, case.guid, f"case/{i}", "case")
        for i, source in enumerate(p.sources):
            self._assign(source, source.guid, f"source/{i}", "source")
            for j, selection in enumerate(source.selections):
                self._assign(selection, selection.guid, f"selection/{i}/{j}")
        for i, note in enumerate(p.notes):
            self._assign(note, note.guid, f"note/{i}", "note")

    def _guid(self, obj: object) -> str:
        return self._own[id(obj)]

    def _ref(self, value: str | None) -> str | None:
        """The GUID to write for a reference, or ``None`` when it cannot be written."""
        if value is None:
            return None
        return normalise_guid(value) or self._renamed.get(value)

    # --- elements ------------------------------------------------------------------------

    @staticmethod
    def _text(value: str, what: str) -> str:
        bad = _NOT_XML.search(value)
        if bad:
            raise InvalidInput(
                f"cannot write REFI-QDA: {what} contains U+{ord(bad.group()):04X}, "
                "which XML 1.0 cannot carry"
            )
        return value

    def _sub(self, parent: ET.Element, tag: str, what: str, **attrib: str | None) -> ET.Element:
        """A child element with the attributes that have a value, checked for XML."""
        clean = {k: self._text(v, f"{what} {k}") for k, v in attrib.items() if v is not None}
        return ET.SubElement(parent, tag, clean)

    def _description(self, parent: ET.Element, value: str | None, what: str) -> None:
        if value is not None:
            self._sub(parent, "Description", what).text = self._text(value, f"{what} description")

    def _refs(self, parent: ET.Element, tag: str, guids: Iterable[str]) -> None:
        for guid in guids:
            target = self._ref(guid)
            if target is not None:
                self._sub(parent, tag, tag, targetGUID=target)

    @staticmethod
    def _when(value: datetime | None) -> str | None:
        return None if value is None else format_datetime(value)

    def code(self, parent: ET.Element, code: RefiCode) -> None:
        what = f"code {code.name!r}"
        color = normalise_color(code.color)
        if code.color is not None and color is None:
            raise InvalidInput(
                f"cannot write REFI-QDA: {what} colour {code.color!r} is not #RRGGBB"
            )
        element = self._sub(
            parent,
            "Code",
            what,
            guid=self._guid(code),
            name=code.name,
            isCodable="true" if code.is_codable else "false",
            color=color,
        )
        self._description(element, code.description, what)
        for child in code.children:
            self.code(element, child)

    def variable_value(self, parent: ET.Element, guid: str, value: VariableValue) -> None:
        target = self._ref(guid)
        if target is None:
            return
        element = self._sub(parent, "VariableValue", "variable value")
        self._sub(element, "VariableRef", "variable", targetGUID=target)
        declared = self._types.get(target)
        what = f"value of variable {guid}"
        if value is None:
            return
        if isinstance(value, bool):
            tag, text = "BooleanValue", "true" if value else "false"
        elif isinstance(value, int):
            tag, text = "IntegerValue", str(value)
        elif isinstance(value, float):
            tag, text = "FloatValue", _format_decimal(value, what)
        elif declared == "Date" and re.fullmatch(r"-?\d{4,}-\d\d-\d\d(Z|[+-]\d\d:\d\d)?", value):
            tag, text = "DateValue", value
        elif declared == "DateTime" and _is_datetime(value):
            tag, text = "DateTimeValue", value
        else:
            tag, text = "TextValue", value
        self._sub(element, tag, what).text = self._text(text, what)

    def case(self, parent: ET.Element, case: RefiCase) -> None:
        what = f"case {case.name!r}"
        element = self._sub(parent, "Case", what, guid=self._guid(case), name=case.name)
        self._description(element, case.description, what)
        self._refs(element, "CodeRef", case.code_guids)
        for guid, value in case.variables.items():
            self.variable_value(element, guid, value)
        self._refs(element, "SourceRef", case.source_guids)

    def selection(self, parent: ET.Element, selection: RefiSelection, source: RefiSource) -> None:
        what = f"selection {selection.guid}"
        if not 0 <= selection.start <= selection.end <= len(source.text):
            raise InvalidInput(
                f"cannot write REFI-QDA: {what} of source {source.name!r} "
                f"({selection.start}–{selection.end}) is out of range; "
                f"the text has {len(source.text)} characters"
            )
        guid = self._guid(selection)
        user, when = self._ref(selection.creating_user), self._when(selection.created)
        element = self._sub(
            parent,
            "PlainTextSelection",
            what,
            guid=guid,
            name=selection.name,
            startPosition=str(selection.start),
            endPosition=str(selection.end),
            creatingUser=user,
            creationDateTime=when,
        )
        self._description(element, selection.description, what)
        for i, code_guid in enumerate(selection.code_guids):
            target = self._ref(code_guid)
            if target is None:
                continue
            given = selection.coding_guids[i] if i < len(selection.coding_guids) else None
            coding_guid = normalise_guid(given) or str(
                uuid.uuid5(_GUID_SEED, f"{guid}\0coding\0{i}\0{target}")
            )
            coding = self._sub(
                element, "Coding", what, guid=coding_guid, creatingUser=user, creationDateTime=when
            )
            self._sub(coding, "CodeRef", what, targetGUID=target)

    def source(self, parent: ET.Element, source: RefiSource) -> None:
        what = f"source {source.name!r}"
        guid = self._guid(source)
        filename = f"{guid}.txt"
        try:
            # A text that itself begins with U+FEFF gets a BOM in front, which readers drop.
            bom = "\ufeff" if source.text.startswith("\ufeff") else ""
            self.files[f"sources/{filename}"] = (bom + source.text).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidInput(f"cannot write REFI-QDA: {what} text is not valid Unicode") from exc
        element = self._sub(
            parent,
            "TextSource",
            what,
            guid=guid,
            name=source.name,
            plainTextPath=f"internal://{filename}",
            creatingUser=self._ref(source.creating_user),
            creationDateTime=self._when(source.created),
        )
        self._description(element, source.description, what)
        for selection in source.selections:
            self.selection(element, selection, source)
        self._refs(element, "NoteRef", source.note_guids)
        for variable_guid, value in source.variables.items():
            self.variable_value(element, variable_guid, value)

    def note(self, parent: ET.Element, note: RefiNote) -> None:
        what = f"note {note.name!r}"
        element = self._sub(
            parent,
            "Note",
            what,
            guid=self._guid(note),
            name=note.name,
            creatingUser=self._ref(note.creating_user),
            creationDateTime=self._when(note.created),
        )
        self._sub(element, "PlainTextContent", what).text = self._text(note.text, f"{what} text")

    def project(self, origin: str) -> ET.Element:
        """The ``Project`` element, children in the order the schema's sequence demands."""
        p = self._project
        root = ET.Element("Project", {"xmlns": PROJECT_NS})
        root.set("name", self._text(p.name, "project name"))
        root.set("origin", origin)
        if (user := self._ref(p.creating_user)) is not None:
            root.set("creatingUserGUID", user)
        if p.created is not None:
            root.set("creationDateTime", format_datetime(p.created))
        if p.users:
            users = self._sub(root, "Users", "users")
            for u in p.users:
                self._sub(
                    users, "User", f"user {u.name!r}", guid=self._guid(u), name=u.name, id=u.id
                )
        if p.codes:
            codes = self._sub(self._sub(root, "CodeBook", "codebook"), "Codes", "codes")
            for code in p.codes:
                self.code(codes, code)
        if p.variables:
            variables = self._sub(root, "Variables", "variables")
            for v in p.variables:
                what = f"variable {v.name!r}"
                element = self._sub(
                    variables,
                    "Variable",
                    what,
                    guid=self._guid(v),
                    name=v.name,
                    typeOfVariable=v.type,
                )
                self._description(element, v.description, what)
        if p.cases:
            cases = self._sub(root, "Cases", "cases")
            for case in p.cases:
                self.case(cases, case)
        if p.sources:
            sources = self._sub(root, "Sources", "sources")
            for source in p.sources:
                self.source(sources, source)
        if p.notes:
            notes = self._sub(root, "Notes", "notes")
            for note in p.notes:
                self.note(notes, note)
        self._description(root, p.description, "project")
        return root


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value


def _origin() -> str:
    import collabmap  # late: the package imports its parts, not the other way round

    return f"collabmap {collabmap.__version__}"


def _serialise(root: ET.Element) -> bytes:
    """UTF-8 XML with a declaration; a raw CR (ElementTree leaves it in text) becomes ``&#13;``.

    Elements are built without a namespace and the root carries ``xmlns``: ElementTree's
    ``default_namespace`` option would also demand qualified *attribute* names, which is wrong.

    An XML parser turns a literal CR into LF, so without the escape a description or note
    holding CR would not read back as written. Attributes are already escaped by ElementTree.
    """
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the platform, so the bytes do not vary
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name], compresslevel=9)
    return buffer.getvalue()


def _save(data: bytes, path_or_file: PathOrFile) -> None:
    if isinstance(path_or_file, str | os.PathLike):
        Path(path_or_file).write_bytes(data)
    else:
        path_or_file.write(data)


def project_bytes(project: RefiProject) -> tuple[bytes, dict[str, bytes]]:
    """``project.qde`` and the ``sources/…`` members, without writing anything."""
    builder = _Builder(project)
    root = builder.project(_origin())
    return _serialise(root), builder.files


def write_qdpx(project: RefiProject, path_or_file: PathOrFile) -> None:
    """Write ``project`` as a ``.qdpx`` archive: ``project.qde`` plus ``sources/<guid>.txt``.

    Source texts are written as UTF-8 without a BOM, exactly as held (LF line endings), so
    every ``startPosition``/``endPosition`` counts code points of the file as stored. (Only a
    text that itself begins with U+FEFF gets a BOM, which readers drop and do not count.)
    ``origin`` always names collabmap, the software that wrote the file.
    """
    qde, files = project_bytes(project)
    _save(_zip({"project.qde": qde, **files}), path_or_file)


def write_qdc(codes: list[RefiCode], path_or_file: PathOrFile) -> None:
    """Write a REFI-QDA codebook (``.qdc``): ``CodeBook/Codes/Code`` in the codebook namespace.

    The codebook schema has no users, cases or sources: only the code tree travels.
    """
    if not codes:
        raise InvalidInput("cannot write a REFI-QDA codebook without codes: the schema needs one")
    builder = _Builder(RefiProject(name="codebook", codes=codes))
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": _origin()})
    container = ET.SubElement(root, "Codes")
    for code in codes:
        builder.code(container, code)
    _save(_serialise(root), path_or_file)
