"""The one way collabmap parses XML it did not write: defusedxml, and every failure refused.

REFI-QDA projects, OpenDocument text and the parts of Word and Excel files may come from
anyone. They are parsed with defusedxml, which refuses a DTD, entity declarations and
external references before anything expands (billion laughs, external entities). Whatever
else goes wrong in the parser — malformed XML, a declared encoding that does not exist or
that the parser cannot handle — becomes an :class:`~collabmap.errors.ImportRefused` naming
the file and the member, so no parser exception escapes to the caller.

REFI-QDA and office files word their refusals differently (:data:`REFI` and :data:`OFFICE`);
the checks are the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn, cast
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    DefusedXMLParser,
)

from collabmap.errors import ImportRefused

__all__ = ["OFFICE", "REFI", "Wording", "check_prolog", "parse_xml"]

_FORBIDDEN = {
    "DTDForbidden": "a DTD",
    "EntitiesForbidden": "entities",
    "ExternalReferenceForbidden": "an external reference",
}
_MAX_DETAIL = 200  # a parser message can quote a declared encoding of any length


@dataclass(frozen=True, slots=True)
class Wording:
    """How a refusal reads: format strings with ``{member}``, ``{found}`` and ``{detail}``."""

    forbidden: str
    malformed: str


REFI = Wording(
    forbidden="{member} declares {found}; XML with a DTD or entities is not accepted",
    malformed="{member} is not well-formed XML ({detail})",
)
OFFICE = Wording(
    forbidden=(
        "{member!r} declares a DTD or entities, which office files never need "
        "(a possible entity-expansion attack)"
    ),
    malformed="is damaged: {member!r} cannot be read as XML ({detail})",
)


class _RootReached(Exception):
    """Raised by the parser target at the first element: the prolog has been read."""


class _StopAtRoot:
    """Parser target that stops at the root element, so only the prolog is parsed."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def _parse(
    chunks: Iterable[bytes], target: object, file: str, member: str, wording: Wording
) -> object:
    """Feed ``chunks`` to a hardened parser; any parse failure is refused by name."""
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
        return parser.close()
    except DefusedXmlException as exc:
        found = _FORBIDDEN.get(type(exc).__name__, "a DTD")
        _refuse(file, wording.forbidden.format(member=member, found=found, detail=exc))
    # ParseError: not well-formed. LookupError: an unknown or non-text encoding declared.
    # ValueError (and UnicodeError): an encoding expat cannot use, e.g. a multi-byte one.
    except (ParseError, LookupError, ValueError) as exc:
        detail = str(exc) or type(exc).__name__
        if len(detail) > _MAX_DETAIL:
            detail = detail[:_MAX_DETAIL] + "…"
        _refuse(file, wording.malformed.format(member=member, found="", detail=detail))


def _refuse(file: str, problem: str) -> NoReturn:
    raise ImportRefused(file, problem) from None


def parse_xml(data: bytes, file: str, member: str, wording: Wording = REFI) -> Element:
    """The root element of ``data``, member ``member`` of ``file``; refused if unsafe or bad."""
    return cast(Element, _parse([data], TreeBuilder(), file, member, wording))


def check_prolog(chunks: Iterable[bytes], file: str, member: str, wording: Wording) -> None:
    """Refuse ``member`` if its prolog declares a DTD or entities, or it is not XML.

    Parsing stops at the first element: a DTD can only appear before it, so the check costs
    a few kilobytes of ``chunks`` however large the member is.
    """
    try:
        _parse(chunks, _StopAtRoot(), file, member, wording)
    except _RootReached:
        return
    _refuse(file, wording.malformed.format(member=member, found="", detail="no element found"))
