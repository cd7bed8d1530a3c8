"""Interviewees' names are replaced by pseudonyms, and coded passages keep their words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from collabmap.evidence.pseudonymise import Pseudonyms, is_role_label

TRANSCRIPT = """Interviewer: How did the lunch club start?
Jane Smith: The council asked us. Jane ran it with Bob Lee.
Interviewer: Who runs it now?
Bob Lee: Volunteers, since JANE SMITH moved away.
Jane Smith: I still help.
Bob Lee: So do I.
R1: I agree with Bob.
"""


def test_speakers_become_speakers_and_roles_stay() -> None:
    names = Pseudonyms.for_texts([TRANSCRIPT], ["Jane", "Bob"])
    assert names.names == {
        "Jane Smith": "Speaker 1",
        "Bob Lee": "Speaker 2",
        "Jane": "Person 1",
        "Bob": "Person 2",
    }
    text = names.replace(TRANSCRIPT).text
    assert "Jane" not in text and "JANE" not in text and "Bob" not in text
    assert (
        text.splitlines()[1] == "Speaker 1: The council asked us. Person 1 ran it with Speaker 2."
    )
    assert text.splitlines()[3] == "Speaker 2: Volunteers, since Speaker 1 moved away."
    assert text.startswith("Interviewer: ") and "\nR1: " in text


def test_a_name_inside_a_longer_word_is_left_alone() -> None:
    names = Pseudonyms({"Ann": "Person 1"})
    assert names.replace("Ann met Annabel at the Annexe; ann said so.").text == (
        "Person 1 met Annabel at the Annexe; Person 1 said so."
    )


def test_role_labels() -> None:
    for role in ("Interviewer", "R1", "P 12", "Q", "Facilitator", "note taker", "Speaker 3"):
        assert is_role_label(role), role
    for person in ("Jane", "Jane Smith", "Dr Who"):
        assert not is_role_label(person), person


def test_a_coded_passage_keeps_its_words() -> None:
    names = Pseudonyms.for_texts([TRANSCRIPT])
    replaced = names.replace(TRANSCRIPT)
    quote = "Volunteers, since JANE SMITH moved away."
    start = TRANSCRIPT.index(quote)
    new_start, new_end = replaced.span(start, start + len(quote))
    assert replaced.text[new_start:new_end] == "Volunteers, since Speaker 1 moved away."


_WORDS = st.lists(st.sampled_from(["Jane", "Smith", "the", "club", "Jane Smith", "ran", "x"]))


@given(_WORDS, st.data())
def test_any_span_between_names_maps_to_the_same_text(
    words: list[str], data: st.DataObject
) -> None:
    text = " ".join(words)
    names = Pseudonyms({"Jane Smith": "Speaker 1", "Jane": "Person 1"})
    replaced = names.replace(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    new_start, new_end = replaced.span(start, end)
    assert 0 <= new_start <= new_end <= len(replaced.text)
    original = text[start:end]
    if "Jane" not in text[max(0, start - 10) : end + 10]:
        assert replaced.text[new_start:new_end] == original
