"""Importing files into a project and coding them, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from collabmap.errors import InvalidInput, UnknownName
from collabmap.evidence.importers import _pool
from collabmap.store import Store
from collabmap.store.coding import (
    CodingChanged,
    apply_code,
    list_codings,
    remove_coding,
    review_coding,
    write_memo,
)
from collabmap.store.models import Coding, Memo, Segment, Source, SourcePartnership
from collabmap.store.projects import create_project
from collabmap.store.segments import list_segments
from collabmap.store.sources import import_files
from tests.evidence.reader_support import misbehave
from tests.evidence.test_importers import make_docx

TRANSCRIPT = """Interviewer: How did the lunch club start?
R1: The council asked us to run it. We designed it with the community team.
Interviewer: Who runs it now?
R1: Volunteers run it on their own since the grant ended.
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    transcript = tmp_path / "interview-1.txt"
    transcript.write_text(TRANSCRIPT.replace("\n", "\r\n"), encoding="utf-8")
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nThe deal asks residents to recycle.\n\nSecond paragraph.\n")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"caf\xe9 \xff")
    return {"transcript": transcript, "notes.md": notes, "broken": broken}


def test_files_are_imported_with_lf_text_and_segmented_on_first_use(
    store: Store, files: dict[str, Path]
) -> None:
    create_project(store, "Study")
    report = import_files(store, "Study", [files["transcript"], files["notes.md"]])
    assert report.exit_code == 0
    assert [r.sources for r in report.results] == [["interview-1.txt"], ["notes.md"]]
    with store.reading() as session:
        source = session.scalar(select(Source).where(Source.name == "interview-1.txt"))
        assert source is not None
        assert "\r" not in source.text
        assert source.kind == "transcript"
        assert source.segmented is False
    turns = list_segments(store, "Study", "interview-1.txt", kind="speaker_turn")
    assert [t.speaker for t in turns] == ["Interviewer", "R1", "Interviewer", "R1"]
    assert turns[1].text.startswith("The council asked us")
    sentences = list_segments(store, "Study", "interview-1.txt", kind="sentence")
    assert [s.text for s in sentences[1:3]] == [
        "The council asked us to run it.",
        "We designed it with the community team.",
    ]
    with store.reading() as session:
        assert session.scalar(select(Source.segmented).where(Source.id == source.id)) is True
        count = session.scalar(select(func.count()).select_from(Segment))
    list_segments(store, "Study", "interview-1.txt")  # a second use computes nothing new
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Segment)) == count


def test_a_refused_file_is_reported_and_the_others_imported(
    store: Store, files: dict[str, Path]
) -> None:
    create_project(store, "Study")
    report = import_files(store, "Study", [files["broken"], files["notes.md"]])
    assert report.exit_code == 1
    refused = report.refused[0]
    assert refused.path.endswith("broken.txt")
    assert refused.message is not None and "UTF-8" in refused.message
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 1


def test_a_file_that_crashes_the_reader_is_refused_alone_and_the_others_imported(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # two workers: the crash comes while another file is still being read beside it
    monkeypatch.setattr(_pool, "_workers", lambda: 2)
    names = ["slow.docx", "crash.docx", *(f"report-{n}.docx" for n in range(6))]
    paths = [make_docx(tmp_path / name, [f"The text of {name}."]) for name in names]
    misbehave(monkeypatch, crash={"crash.docx"}, sleep={"slow.docx": 1.0})
    create_project(store, "Study")
    report = import_files(store, "Study", paths)
    assert [(Path(r.path).name, r.message) for r in report.refused] == [
        ("crash.docx", "the reader crashed on this file")
    ]
    assert len(report.results) == 8


def test_every_file_refused_is_exit_code_2(store: Store, files: dict[str, Path]) -> None:
    create_project(store, "Study")
    assert import_files(store, "Study", [files["broken"]]).exit_code == 2


def test_the_same_text_twice_is_skipped_not_duplicated(
    store: Store, files: dict[str, Path], tmp_path: Path
) -> None:
    create_project(store, "Study")
    copy = tmp_path / "copy.md"
    copy.write_bytes(files["notes.md"].read_bytes())
    report = import_files(store, "Study", [files["notes.md"], copy])
    assert [r.status for r in report.results] == ["imported", "skipped"]


def test_sources_can_be_linked_to_a_partnership(store: Store, files: dict[str, Path]) -> None:
    create_project(store, "Study", with_examples=True)
    import_files(store, "Study", [files["notes.md"]], partnership="Wigan Deal")
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(SourcePartnership)) == 1
    with pytest.raises(UnknownName, match="unknown partnership 'Leeds'"):
        import_files(store, "Study", [files["transcript"]], partnership="Leeds")


def test_importing_into_an_unknown_project_names_the_known_ones(
    store: Store, files: dict[str, Path]
) -> None:
    create_project(store, "Study")
    with pytest.raises(UnknownName, match="known: Study"):
        import_files(store, "Studdy", [files["notes.md"]])


def test_a_code_is_applied_by_quotation_offsets_or_segment(
    store: Store, files: dict[str, Path]
) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["transcript"]])
    by_quote = apply_code(
        store,
        "Study",
        "interview-1.txt",
        "activity:co_design",
        quote="We designed it with the community team.",
    )
    assert by_quote.code == "Activities/Co-design"
    assert by_quote.text == "We designed it with the community team."
    by_offsets = apply_code(
        store,
        "Study",
        "interview-1.txt",
        "Activities/Community self-organization",
        start=by_quote.end + 1,
        end=by_quote.end + 40,
        coder="second coder",
    )
    assert by_offsets.coder == "second coder"
    sentence = list_segments(store, "Study", "interview-1.txt", kind="sentence")[-1]
    by_segment = apply_code(
        store, "Study", "interview-1.txt", "Citizen self-help", segment_id=sentence.id
    )
    assert by_segment.text == "Volunteers run it on their own since the grant ended."
    assert len(list_codings(store, "Study")) == 3
    assert len(list_codings(store, "Study", code="activity:co_design")) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": 5, "end": 5000}, "outside 'interview-1.txt'"),
        ({"start": 9, "end": 3}, "outside"),
        ({"quote": "not in the text"}, "does not occur"),
        ({"quote": "R1"}, "occurs more than once"),
        ({"start": 1}, "give both --start and --end"),
        ({}, "give exactly one of"),
        ({"start": 0, "end": 4, "quote": "x"}, "give exactly one of"),
    ],
)
def test_bad_spans_are_refused_and_nothing_is_written(
    store: Store, files: dict[str, Path], kwargs: dict[str, object], message: str
) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["transcript"]])
    with pytest.raises(InvalidInput, match=message):
        apply_code(store, "Study", "interview-1.txt", "activity:co_design", **kwargs)  # type: ignore[arg-type]
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 0


def test_a_group_cannot_be_applied_and_unknown_codes_are_named(
    store: Store, files: dict[str, Path]
) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["notes.md"]])
    with pytest.raises(InvalidInput, match="is a group"):
        apply_code(store, "Study", "notes.md", "Activities", start=0, end=5)
    with pytest.raises(UnknownName, match="unknown code 'co-dezign'"):
        apply_code(store, "Study", "notes.md", "co-dezign", start=0, end=5)


def test_suggestions_are_reviewed_and_codings_removed(store: Store, files: dict[str, Path]) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["notes.md"]])
    suggestion = apply_code(
        store,
        "Study",
        "notes.md",
        "Citizen self-help",
        quote="The deal asks residents to recycle.",
        coder="collabmap",
        origin="machine",
        confidence=0.8,
        status="suggested",
    )
    assert suggestion.status == "suggested"
    assert review_coding(store, "Study", suggestion.id, "accepted").status == "accepted"
    remove_coding(store, "Study", suggestion.id)
    assert list_codings(store, "Study") == []
    with pytest.raises(UnknownName):
        remove_coding(store, "Study", suggestion.id)


def test_a_removal_sent_again_never_removes_a_newer_coding(
    store: Store, files: dict[str, Path]
) -> None:
    """Removing the newest coding and adding another must not give the new one the removed
    one's id: a removal sent again from a stale page (a second tab, a retried request) would
    then remove someone else's coding, same id, same version (found by benchmarks/soak.py on
    SQLite, which reused the highest id until migration 0006)."""
    create_project(store, "Study")
    import_files(store, "Study", [files["notes.md"]])
    anns = apply_code(store, "Study", "notes.md", "Co-design", start=0, end=7, coder="ann")
    remove_coding(store, "Study", anns.id, version=anns.version, actor="ann")
    bobs = apply_code(store, "Study", "notes.md", "Co-design", start=9, end=20, coder="bob")
    assert bobs.id != anns.id
    with pytest.raises(CodingChanged, match="ann removed this coding"):
        remove_coding(store, "Study", anns.id, version=anns.version, actor="ann")
    assert [c.id for c in list_codings(store, "Study")] == [bobs.id]


def test_a_memo_never_takes_the_id_of_a_removed_one(store: Store, files: dict[str, Path]) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["notes.md"]])
    coding = apply_code(store, "Study", "notes.md", "Co-design", start=0, end=7, coder="ann")
    first = write_memo(store, "Study", "On the coding", "Ann's note.", coding=coding.id)
    remove_coding(store, "Study", coding.id)  # takes its memo with it
    second = write_memo(store, "Study", "Bob's", "Bob's note.", source="notes.md")
    assert second != first


def test_memos_are_saved_about_a_source(store: Store, files: dict[str, Path]) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["notes.md"]])
    write_memo(store, "Study", "First reading", "Looks like self-help.", source="notes.md")
    with store.reading() as session:
        memo = session.scalar(select(Memo))
        assert memo is not None and memo.source_id is not None


def test_a_survey_then_plain_files_in_one_import_all_arrive(store: Store, tmp_path: Path) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_text("id,answer\n1,We run the hall.\n2,Nobody asked us.\n")
    subtitles = tmp_path / "meeting.vtt"
    subtitles.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Officer>Do your part.\n\n"
        "00:00:05.000 --> 00:00:09.000\n<v Resident>We already volunteer.\n"
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("Plain notes.")
    create_project(store, "Study")
    report = import_files(store, "Study", [survey, subtitles, notes])
    assert [r.status for r in report.results] == ["imported", "imported", "imported"]
    turns = list_segments(store, "Study", "meeting.vtt", kind="speaker_turn")
    assert [(t.speaker, t.text) for t in turns] == [
        ("Officer", "Do your part."),
        ("Resident", "We already volunteer."),
    ]


def test_identical_survey_answers_are_kept_as_separate_responses(
    store: Store, tmp_path: Path
) -> None:
    survey = tmp_path / "yesno.csv"
    survey.write_text("id,area,answer\n1,North,Yes\n2,South,Yes\n")
    create_project(store, "Study")
    report = import_files(store, "Study", [survey], text_column="answer")
    assert report.results[0].sources == ["yesno.csv 1", "yesno.csv 2"]
    assert not report.results[0].warnings or all(
        "same text" not in w for w in report.results[0].warnings
    )


def test_the_team_adds_its_own_codes_under_the_framework_tree(store: Store) -> None:
    from collabmap.errors import AlreadyExists
    from collabmap.store.coding import add_code, list_codes

    create_project(store, "Study")
    assert add_code(store, "Study", "Activities/Peer support", description="Mutual aid") == (
        "Activities/Peer support"
    )
    codes = {c.path: c for c in list_codes(store, "Study")}
    assert codes["Activities/Peer support"].origin == "team"
    assert (
        list(codes).index("Activities/Peer support")
        == list(codes).index("Activities/Consultation only") + 1
    )
    with pytest.raises(AlreadyExists):
        add_code(store, "Study", "Activities/Peer support")
    with pytest.raises(UnknownName, match="unknown parent code 'Activites'"):
        add_code(store, "Study", "Activites/Other")
    with pytest.raises(InvalidInput, match="not a code path"):
        add_code(store, "Study", "Activities//x")


def test_an_unknown_code_suggests_close_matches(store: Store, files: dict[str, Path]) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["notes.md"]])
    with pytest.raises(UnknownName, match="did you mean activity:co_design"):
        apply_code(store, "Study", "notes.md", "activity:co_desing", start=0, end=1)


def test_a_code_differing_only_in_case_is_refused(store: Store) -> None:
    """Codes are found ignoring case, so 'co-design' beside 'Co-design' could never be used."""
    from collabmap.errors import AlreadyExists
    from collabmap.store.coding import add_code

    create_project(store, "Study")
    with pytest.raises(AlreadyExists, match="Activities/co-design"):
        add_code(store, "Study", "Activities/co-design")


def test_filters_with_unknown_values_are_refused_not_silently_empty(
    store: Store, files: dict[str, Path]
) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["transcript"]])
    with pytest.raises(InvalidInput, match="status must be one of suggested, accepted, rejected"):
        list_codings(store, "Study", status="bogus")
    with pytest.raises(InvalidInput, match="kind must be paragraph, sentence or speaker_turn"):
        list_segments(store, "Study", "interview-1.txt", kind="bogus")


def test_a_coder_needs_a_name_of_1_to_200_characters(store: Store, files: dict[str, Path]) -> None:
    create_project(store, "Study")
    import_files(store, "Study", [files["transcript"]])
    for name in ("", "   ", "x" * 201):
        with pytest.raises(InvalidInput, match="a coder's name must have 1 to 200 characters"):
            apply_code(
                store, "Study", "interview-1.txt", "activity:co_design", start=0, end=5, coder=name
            )
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 0


def test_an_unknown_source_among_many_suggests_the_close_one(store: Store, tmp_path: Path) -> None:
    create_project(store, "Study")
    paths = []
    for number in range(40):
        path = tmp_path / f"d{number:03}.txt"
        path.write_text(f"Interview number {number}.\n")
        paths.append(path)
    import_files(store, "Study", paths)
    with pytest.raises(UnknownName, match=r"did you mean d039\.txt"):
        list_segments(store, "Study", "d039.tx")


def test_listing_codings_takes_a_few_queries_however_many_there_are(
    store: Store, tmp_path: Path
) -> None:
    from sqlalchemy import event

    create_project(store, "Study")
    paths = []
    for number in range(30):
        path = tmp_path / f"s{number:02}.txt"
        path.write_text(f"Residents run the club {number}.\n")
        paths.append(path)
    import_files(store, "Study", paths)
    for path in paths:
        apply_code(store, "Study", path.name, "activity:co_design", quote="Residents")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        infos = list_codings(store, "Study")
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert [i.source for i in infos] == [p.name for p in paths]
    assert {i.code for i in infos} == {"Activities/Co-design"}
    assert len(statements) <= 8, statements


def test_an_unknown_code_like_none_of_many_says_how_to_list_them(
    store: Store, files: dict[str, Path]
) -> None:
    create_project(store, "Study group")
    import_files(store, "Study group", [files["notes.md"]])
    with pytest.raises(UnknownName) as caught:
        apply_code(store, "Study group", "notes.md", "qqqqq", start=0, end=1)
    message = str(caught.value)
    assert message.startswith("unknown code 'qqqqq'; none of the ")
    assert message.endswith(" known is close; `collabmap codes 'Study group'` lists them")
    assert len(message) < 120


def test_an_unknown_source_is_matched_against_every_source(store: Store, tmp_path: Path) -> None:
    create_project(store, "Study")
    paths = []
    for i in range(25):
        path = tmp_path / f"interview-{i:02d}.txt"
        path.write_text(f"Interview number {i} about the lunch club.\n")
        paths.append(path)
    import_files(store, "Study", paths)
    with pytest.raises(UnknownName, match=r"did you mean interview-24\.txt"):
        list_segments(store, "Study", "interview-24.text")


def test_a_file_the_database_refuses_leaves_no_trace_and_does_not_shadow_a_later_copy(
    tmp_path: Path,
) -> None:
    """The database refuses one file (a trigger stands in for a full disk or a constraint):
    it is reported refused, nothing of it is kept, and an identical file after it is imported
    rather than skipped as a duplicate of text that was never stored."""
    from sqlalchemy import text

    from collabmap.store import open_store

    store = open_store(str(tmp_path / "c.db"))
    try:
        create_project(store, "P")
        with store.engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_bad BEFORE INSERT ON sources "
                    "WHEN NEW.original_name = 'bad.txt' "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
                )
            )
        (tmp_path / "bad.txt").write_text("The same words in two files.\n")
        (tmp_path / "copy.txt").write_text("The same words in two files.\n")
        report = import_files(store, "P", [tmp_path / "bad.txt", tmp_path / "copy.txt"])
        assert [r.status for r in report.results] == ["refused", "imported"]
        assert "refused by the test trigger" in (report.results[0].message or "")
        with store.reading() as session:
            assert list(session.scalars(select(Source.original_name))) == ["copy.txt"]
    finally:
        store.close()
