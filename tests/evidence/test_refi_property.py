"""Property: any small project survives .qdpx writing and reading, whatever its text holds."""

from __future__ import annotations

import dataclasses
import io
import itertools
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collabmap.evidence.model import (
    RefiCase,
    RefiCode,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiVariable,
    VariableValue,
)
from collabmap.evidence.refi import read_qdpx, write_qdpx
from tests.evidence.refi_support import differences, guid

SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# Emoji (astral, with skin tones and ZWJ), combining marks, CJK, RTL, a BOM character, tabs.
SPECIAL = [
    "😀",
    "👍",
    "\U0001f3fd",
    "\u200d",
    "\u0301",
    "\u0308",
    "e",
    "漢",
    "ש",
    "\ufeff",
    "\t",
    " ",
    "\n",
]
CHARACTER = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), st.sampled_from(SPECIAL)
)


def text(characters: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    """Lists joined rather than ``st.text``, which would merge the alphabet and rarely pick SPECIAL."""
    return st.lists(characters, max_size=max_size).map("".join)


TEXT = text(CHARACTER, 60)
NAME = text(st.one_of(CHARACTER, st.just("\r")), 12)
WHEN = st.none() | st.datetimes(
    min_value=datetime(1900, 1, 1), timezones=st.sampled_from([None, UTC])
)


@st.composite
def spans(draw: st.DrawFn, text: str) -> tuple[int, int]:
    start = draw(st.integers(0, len(text)))
    return start, draw(st.integers(start, len(text)))


@st.composite
def projects(draw: st.DrawFn, *, text: st.SearchStrategy[str] = TEXT) -> RefiProject:
    """A project whose references all resolve, with unique readable GUIDs."""
    ids = itertools.count(1)
    users = [
        RefiUser(guid(next(ids)), draw(NAME), draw(st.none() | NAME))
        for _ in range(draw(st.integers(0, 2)))
    ]
    user = st.none() | st.sampled_from([u.guid for u in users]) if users else st.none()

    def code_tree(depth: int) -> list[RefiCode]:
        return [
            RefiCode(
                guid(next(ids)),
                draw(NAME),
                draw(st.booleans()),
                draw(st.none() | NAME),
                draw(st.none() | st.from_regex(r"#[0-9A-F]{6}", fullmatch=True)),
                code_tree(depth + 1) if depth < 2 else [],
            )
            for _ in range(draw(st.integers(0, 3 - depth)))
        ]

    codes = code_tree(0)
    stack, code_guids = list(codes), []
    while stack:
        code = stack.pop()
        code_guids.append(code.guid)
        stack.extend(code.children)
    variables = [
        RefiVariable(
            guid(next(ids)),
            draw(NAME),
            draw(st.sampled_from(["Text", "Boolean", "Integer", "Float", "Date", "DateTime"])),
            draw(st.none() | NAME),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    value: st.SearchStrategy[VariableValue] = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        NAME,
        st.dates().map(str),
    )
    values = (
        st.dictionaries(st.sampled_from([v.guid for v in variables]), value)
        if variables
        else st.just({})
    )
    notes = [
        RefiNote(guid(next(ids)), draw(NAME), draw(TEXT), draw(user), draw(WHEN))
        for _ in range(draw(st.integers(0, 2)))
    ]
    sources = []
    for _ in range(draw(st.integers(0, 3))):
        body = draw(text)
        selections = []
        for _ in range(draw(st.integers(0, 4))):
            start, end = draw(spans(body))
            applied = draw(st.lists(st.sampled_from(code_guids), max_size=3)) if code_guids else []
            selections.append(
                RefiSelection(
                    guid(next(ids)),
                    start,
                    end,
                    applied,
                    draw(user),
                    draw(WHEN),
                    draw(st.none() | NAME),
                    draw(st.none() | NAME),
                    [guid(next(ids)) for _ in applied],
                )
            )
        note_refs = (
            draw(st.lists(st.sampled_from([n.guid for n in notes]), max_size=2)) if notes else []
        )
        sources.append(
            RefiSource(
                guid(next(ids)),
                draw(NAME),
                body,
                selections,
                draw(values),
                note_refs,
                draw(user),
                draw(WHEN),
                draw(st.none() | NAME),
            )
        )
    cases = [
        RefiCase(
            guid(next(ids)),
            draw(NAME),
            draw(st.none() | NAME),
            draw(values),
            draw(st.lists(st.sampled_from([s.guid for s in sources]), max_size=2))
            if sources
            else [],
            draw(st.lists(st.sampled_from(code_guids), max_size=2)) if code_guids else [],
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    return RefiProject(
        draw(NAME),
        None,
        draw(user),
        draw(WHEN),
        draw(st.none() | NAME),
        users,
        codes,
        variables,
        cases,
        sources,
        notes,
    )


def written_and_read(project: RefiProject) -> RefiProject:
    buffer = io.BytesIO()
    write_qdpx(project, buffer)
    buffer.seek(0)
    read = read_qdpx(buffer, name="memory.qdpx")
    assert read.warnings == []
    return dataclasses.replace(read.project, origin=None)


@SETTINGS
@given(projects())
def test_any_small_project_survives_writing_and_reading(project: RefiProject) -> None:
    assert differences(project, written_and_read(project)) == []


@SETTINGS
@given(projects(text=text(st.one_of(CHARACTER, st.sampled_from(["\r", "\n"])), 40)))
def test_coded_text_survives_when_a_source_holds_cr_line_endings(project: RefiProject) -> None:
    """collabmap keeps LF text; a project holding CR gets LF text with the same coded passages."""
    again = written_and_read(project)
    for before, after in zip(project.sources, again.sources, strict=True):
        assert after.text == before.text.replace("\r\n", "\n").replace("\r", "\n")
        for old, new in zip(before.selections, after.selections, strict=True):
            passage = before.text[old.start : old.end].replace("\r\n", "\n").replace("\r", "\n")
            split = (
                old.end > 0 and before.text[old.end - 1 : old.end + 1] == "\r\n"
            )  # the LF stays outside
            assert after.text[new.start : new.end] == (passage[:-1] if split else passage)
            assert (new.code_guids, new.creating_user, new.created) == (
                old.code_guids,
                old.creating_user,
                old.created,
            )
