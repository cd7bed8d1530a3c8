"""Evidence in memory: what importers produce and what REFI-QDA exchange reads and writes.

Plain dataclasses, no I/O. Positions are counted in Unicode code points of the LF-normalised
plain text (Python ``str`` indices), which is what REFI-QDA's ``startPosition`` and
``endPosition`` count, so a span means the same thing in collabmap, NVivo and QualCoder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "CODING_STATUSES",
    "SEGMENT_KINDS",
    "ImportedSource",
    "RefiCase",
    "RefiCode",
    "RefiNote",
    "RefiProject",
    "RefiSelection",
    "RefiSource",
    "RefiUser",
    "RefiVariable",
    "Segment",
    "VariableValue",
]

SegmentKind = Literal["paragraph", "sentence", "speaker_turn"]
SEGMENT_KINDS: tuple[SegmentKind, ...] = ("paragraph", "sentence", "speaker_turn")
CODING_STATUSES = ("suggested", "accepted", "rejected")

VariableValue = str | int | float | bool | None
VariableType = Literal["Text", "Boolean", "Integer", "Float", "Date", "DateTime"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of a source's text: a paragraph, a sentence or one speaker's turn.

    ``start`` and ``end`` are code-point offsets into the normalised text, ``end`` exclusive;
    ``text[start:end]`` is the segment without surrounding whitespace.
    """

    kind: SegmentKind
    start: int
    end: int
    speaker: str | None = None


@dataclass(slots=True)
class ImportedSource:
    """One source read from a file, ready to store: normalised text, segments, variables.

    A survey file gives one ``ImportedSource`` per response row; other files give one.
    """

    name: str
    text: str
    kind: Literal["document", "transcript", "survey_response"]
    media_type: str
    segments: list[Segment] = field(default_factory=list)
    variables: dict[str, VariableValue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# --- REFI-QDA (QDA-XML 1.0) -----------------------------------------------------------------


@dataclass(slots=True)
class RefiUser:
    guid: str
    name: str
    id: str | None = None


@dataclass(slots=True)
class RefiCode:
    """A code and its sub-codes (the codebook is a tree)."""

    guid: str
    name: str
    is_codable: bool = True
    description: str | None = None
    color: str | None = None
    children: list[RefiCode] = field(default_factory=list)


@dataclass(slots=True)
class RefiSelection:
    """A coded span of a text source (``PlainTextSelection``) and the codes applied to it."""

    guid: str
    start: int
    end: int
    code_guids: list[str]
    creating_user: str | None = None
    created: datetime | None = None
    name: str | None = None
    description: str | None = None
    coding_guids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RefiVariable:
    guid: str
    name: str
    type: VariableType = "Text"
    description: str | None = None


@dataclass(slots=True)
class RefiSource:
    """A text source with its plain text (LF-normalised) and its coded selections."""

    guid: str
    name: str
    text: str
    selections: list[RefiSelection] = field(default_factory=list)
    variables: dict[str, VariableValue] = field(default_factory=dict)  # variable guid → value
    note_guids: list[str] = field(default_factory=list)
    creating_user: str | None = None
    created: datetime | None = None
    description: str | None = None


@dataclass(slots=True)
class RefiCase:
    guid: str
    name: str
    description: str | None = None
    variables: dict[str, VariableValue] = field(default_factory=dict)  # variable guid → value
    source_guids: list[str] = field(default_factory=list)
    code_guids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RefiNote:
    """A memo: free text, optionally attached to sources (``NoteRef``) or codes."""

    guid: str
    name: str
    text: str
    creating_user: str | None = None
    created: datetime | None = None


@dataclass(slots=True)
class RefiProject:
    """A whole project as REFI-QDA sees it: the unit of ``.qdpx`` exchange."""

    name: str
    origin: str | None = None
    creating_user: str | None = None
    created: datetime | None = None
    description: str | None = None
    users: list[RefiUser] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
