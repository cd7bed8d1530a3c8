"""Segmentation: paragraphs, sentences, speaker turns and normalisation of stored text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collabmap.evidence.model import Segment
from collabmap.evidence.segment import (
    normalise,
    paragraphs,
    segment_text,
    sentences,
    speaker_turns,
    split_label,
)


def spans(text: str, segments: list[Segment]) -> list[str]:
    return [text[s.start : s.end] for s in segments]


# --- normalise ---------------------------------------------------------------------------


def test_normalise_turns_crlf_and_cr_into_lf() -> None:
    assert normalise("a\r\nb\rc\nd") == "a\nb\nc\nd"


def test_normalise_strips_a_leading_byte_order_mark() -> None:
    assert normalise("\ufeffHello") == "Hello"


def test_normalise_removes_nul_and_control_codes_but_keeps_tabs_and_newlines() -> None:
    assert normalise("a\x00b\x07c\x1bd\te\nf\x7f") == "abcd\te\nf"


def test_normalise_composes_to_nfc() -> None:
    assert normalise("cafe\u0301") == "caf\u00e9"


def test_normalise_replaces_lone_surrogates_that_could_not_be_stored() -> None:
    assert normalise("a\ud800b") == "a\ufffdb"


def test_normalise_is_idempotent_on_plain_text() -> None:
    text = "Already clean.\n\nTwo paragraphs."
    assert normalise(text) is text or normalise(text) == text


# --- paragraphs --------------------------------------------------------------------------


def test_paragraphs_are_blocks_separated_by_blank_lines() -> None:
    text = "  First line\nstill first.  \n\n \t \nSecond.\n\n\n\nThird\n"
    assert spans(text, paragraphs(text)) == ["First line\nstill first.", "Second.", "Third"]


def test_paragraphs_of_blank_text_are_none() -> None:
    assert paragraphs(" \n\n\t\n") == []


# --- sentences ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We met Mr. Jones and Mrs. Patel at the hall.",
        "Dr. Okafor chaired it.",
        "Some groups, e.g. the food bank, joined.",
        "Some groups, i.e. the food bank, joined.",
        "Leaflets, posters etc. were printed.",
        "See item No. 5 on the agenda.",
        "The budget rose by 3.5 per cent.",
        "The report by J. Smith was read.",
        "Cllr. Ahmed spoke, cf. the minutes.",
        "Past work (Bovaird et al. 2012) helps.",
    ],
)
def test_sentences_do_not_split_after_abbreviations_decimals_or_initials(text: str) -> None:
    assert spans(text, sentences(text)) == [text]


def test_sentences_split_after_full_stops_question_and_exclamation_marks() -> None:
    text = 'We tried. Did it work? Yes! "It did." Then we stopped… Later we met again.'
    assert spans(text, sentences(text)) == [
        "We tried.",
        "Did it work?",
        "Yes!",
        '"It did."',
        "Then we stopped…",
        "Later we met again.",
    ]


def test_sentences_split_after_a_plain_no_but_not_before_a_number() -> None:
    text = "Were you asked? No. We were not. Ward No. 12 was."
    assert spans(text, sentences(text)) == [
        "Were you asked?",
        "No.",
        "We were not.",
        "Ward No. 12 was.",
    ]


def test_sentences_split_after_i_at_the_end_of_a_sentence() -> None:
    text = "So did I. Then we left."
    assert spans(text, sentences(text)) == ["So did I.", "Then we left."]


def test_a_lower_case_word_after_a_full_stop_continues_the_sentence() -> None:
    text = "They said 5 p.m. was fine. it was not."
    assert spans(text, sentences(text)) == ["They said 5 p.m. was fine. it was not."]


def test_sentences_never_cross_a_paragraph_boundary() -> None:
    text = "A heading without a stop\n\nThe body starts here. And goes on"
    assert spans(text, sentences(text)) == [
        "A heading without a stop",
        "The body starts here.",
        "And goes on",
    ]


def test_sentences_within_spans_stay_inside_them_and_split_at_blank_lines() -> None:
    text = "Q: First. Second.\n\nstill Q.\nA: Answer."
    second = text.index("Answer")
    within = [Segment("speaker_turn", 3, 27), Segment("speaker_turn", second, len(text))]
    assert spans(text, within) == ["First. Second.\n\nstill Q.", "Answer."]
    assert spans(text, sentences(text, within)) == ["First.", "Second.", "still Q.", "Answer."]


# --- speaker turns -----------------------------------------------------------------------


def test_speaker_turns_cover_what_was_said_after_each_label() -> None:
    text = (
        "Interviewer: How did it start?\nR1: With a meeting.\nInterviewer: Who came?\nR1: Everyone."
    )
    turns = speaker_turns(text)
    assert turns is not None
    assert [t.speaker for t in turns] == ["Interviewer", "R1", "Interviewer", "R1"]
    assert spans(text, turns) == ["How did it start?", "With a meeting.", "Who came?", "Everyone."]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Q", "A"),
        ("P2", "Interviewer"),
        ("Jane Smith", "Tom O'Neill"),
        ("INTERVIEWER", "RESPONDENT"),
        ("Speaker 1", "Speaker 2"),
        ("Dr. Patel", "Cllr Jones"),
    ],
)
def test_speaker_labels_of_many_shapes_are_recognised(first: str, second: str) -> None:
    text = f"{first}: One.\n\n{second}: Two.\n\n{first}: Three.\n\n{second}: Four."
    turns = speaker_turns(text)
    assert turns is not None
    assert [t.speaker for t in turns] == [first, second, first, second]


def test_timestamps_before_or_after_a_label_are_not_part_of_the_turn() -> None:
    text = "[00:01:02] Speaker 1: Hello.\n[00:01:05] Speaker 2: Hi.\nSpeaker 1 (00:01:09): Bye."
    turns = speaker_turns(text)
    assert turns is not None
    assert [(t.speaker, text[t.start : t.end]) for t in turns] == [
        ("Speaker 1", "Hello."),
        ("Speaker 2", "Hi."),
        ("Speaker 1", "Bye."),
    ]


def test_lines_without_a_label_continue_the_previous_turn() -> None:
    text = "Interviewer: Tell me\nabout it.\n\nR1: It began\nin 2019.\n\nsecond paragraph.\nInterviewer: Thanks."
    turns = speaker_turns(text)
    assert turns is not None
    assert spans(text, turns) == [
        "Tell me\nabout it.",
        "It began\nin 2019.\n\nsecond paragraph.",
        "Thanks.",
    ]


def test_a_label_alone_on_its_line_starts_a_turn_on_the_next_line() -> None:
    text = "INTERVIEWER:\nWhat happened?\nRESPONDENT:\nWe met.\nINTERVIEWER:\nGood."
    turns = speaker_turns(text)
    assert turns is not None
    assert spans(text, turns) == ["What happened?", "We met.", "Good."]


def test_text_before_the_first_label_is_not_a_turn() -> None:
    text = "Interview 3, 12 May 2023\n\nQ: Ready?\n\nA: Yes.\n\nQ: Go on.\n\nA: Fine."
    turns = speaker_turns(text)
    assert turns is not None
    assert spans(text, turns)[0] == "Ready?"


@pytest.mark.parametrize(
    "text",
    [
        "An ordinary report.\n\nIt has paragraphs.\n\nNote: one has a colon.",
        "Name: Jane\nAge: 34\nTown: Wigan\nRole: Manager",
        "See http://example.org for more.\n\nAnd https://gov.uk too.",
        "Meeting at 10:30 today.\n\nAnother at 14:00 tomorrow.",
        "",
    ],
)
def test_documents_that_are_not_transcripts_have_no_speaker_turns(text: str) -> None:
    assert speaker_turns(text) is None


def test_a_few_labelled_lines_in_a_long_document_do_not_make_it_a_transcript() -> None:
    body = "\n\n".join(f"Paragraph {i} of the report says something." for i in range(10))
    text = f"{body}\n\nQ: one?\nA: two.\nQ: three?\nA: four."
    assert speaker_turns(text) is None


def test_split_label_separates_the_speaker_from_the_utterance() -> None:
    assert split_label("Jane Smith: hello there") == ("Jane Smith", "hello there")
    assert split_label("no label here") is None


def test_segment_text_marks_transcripts_and_keeps_labels_out_of_sentences() -> None:
    text = "Q: Did it work? I think so.\n\nA: Yes. Mostly.\n\nQ: Why?\n\nA: People came."
    segments, transcript = segment_text(text)
    assert transcript
    kinds = {s.kind for s in segments}
    assert kinds == {"paragraph", "sentence", "speaker_turn"}
    sentence_texts = spans(text, [s for s in segments if s.kind == "sentence"])
    assert sentence_texts == [
        "Did it work?",
        "I think so.",
        "Yes.",
        "Mostly.",
        "Why?",
        "People came.",
    ]


def test_segment_text_of_a_document_has_paragraphs_and_sentences_only() -> None:
    segments, transcript = segment_text("One. Two.\n\nThree.")
    assert not transcript
    assert [s.kind for s in segments] == [
        "paragraph",
        "paragraph",
        "sentence",
        "sentence",
        "sentence",
    ]


# --- properties --------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        ". ",
        "? ",
        "! ",
        "Mr. ",
        "e.g. ",
        "No. 5",
        "3.5",
        "J. ",
        "Q: ",
        "Interviewer: ",
        "[00:01:02] Speaker 1: ",
        "\u00a0",
        "\u2028",
        "…",
        '"',
        "\r\n",
    ]
)
_WORDS = st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
_TEXTS = st.lists(st.one_of(_PIECES, _WORDS), max_size=60).map("".join)


def _check(text: str, segments: list[Segment]) -> None:
    by_kind: dict[str, list[Segment]] = {}
    for seg in segments:
        assert 0 <= seg.start < seg.end <= len(text)
        piece = text[seg.start : seg.end]
        assert piece == piece.strip(), (seg, piece)
        by_kind.setdefault(seg.kind, []).append(seg)
    for same in by_kind.values():
        for before, after in itertools.pairwise(same):
            assert before.end <= after.start, (before, after)
    paras = by_kind.get("paragraph", [])
    for sentence in by_kind.get("sentence", []):
        assert any(p.start <= sentence.start and sentence.end <= p.end for p in paras)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_segments_are_in_range_ordered_non_overlapping_and_trimmed(raw: str) -> None:
    text = normalise(raw)
    segments, _ = segment_text(text)
    _check(text, segments)
    _check(text, paragraphs(text) + sentences(text))
    assert normalise(text) == text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["Q", "A", "R1", "Jane Smith"]), _TEXTS), min_size=2, max_size=12
    )
)
def test_transcript_segments_keep_the_same_invariants(turns: list[tuple[str, str]]) -> None:
    text = normalise("\n".join(f"{speaker}: {said}" for speaker, said in turns))
    segments, _ = segment_text(text)
    _check(text, segments)
