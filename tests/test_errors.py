"""Errors read as one short line, however many names collabmap knows."""

from __future__ import annotations

from collabmap.errors import UnknownName

SOURCES = [f"interview-{i:03d}.txt" for i in range(500)]


def test_many_known_names_are_counted_not_listed_when_none_is_close() -> None:
    message = str(UnknownName("source", "minutes.docx", SOURCES))
    assert message == (
        "unknown source 'minutes.docx'; none of the 500 known is close; "
        "they include interview-000.txt, interview-001.txt, interview-002.txt …"
    )
    listed = UnknownName("source", "minutes.docx", SOURCES, listing="`ls sources/` lists them")
    assert str(listed).endswith("none of the 500 known is close; `ls sources/` lists them")
    # close matches are still offered, and a few names still listed in full
    assert str(UnknownName("source", "interview-0007.txt", SOURCES)).startswith(
        "unknown source 'interview-0007.txt'; did you mean "
    )
    assert str(UnknownName("coder", "bobby", ["ann", "bob"])) == (
        "unknown coder 'bobby'; known: ann, bob"
    )
