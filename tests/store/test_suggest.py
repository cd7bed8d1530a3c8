"""Machine suggestions: made for uncoded segments only, learnt from the team's decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabmap.errors import InvalidInput
from collabmap.store import Store
from collabmap.store.coding import apply_code, list_codings, review_coding
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from collabmap.store.suggest import suggest

TEXT = (
    "Every household is asked to recycle more, keep active and clear the snow outside their "
    "own home, so the council can keep council tax low. "
    "The library was transferred on a long lease to the residents' association, which now "
    "runs it with volunteers and no council staff. "
    "Residents were sent a survey about the new bin rounds and the cabinet then decided the "
    "timetable. "
    "We work together because sharing the cost and the risk is the only way to keep services "
    "going while our budget shrinks."
)


@pytest.fixture
def project(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "notes.txt"
    path.write_text(TEXT)
    create_project(store, "Study")
    import_files(store, "Study", [path])
    return store


def test_suggestions_are_machine_codings_waiting_for_review(project: Store) -> None:
    report = suggest(project, "Study", min_confidence=0.3)
    assert report.segments == 4 and report.suggested >= 3
    suggestions = list_codings(project, "Study", status="suggested")
    assert all(s.origin == "machine" and s.coder == "collabmap" for s in suggestions)
    confidences = [s.confidence or 0 for s in suggestions]
    assert confidences == sorted(confidences, reverse=True)  # most confident first
    codes = {s.code for s in suggestions}
    assert "Activities/Citizen self-help" in codes


def test_each_sentence_gets_the_code_of_what_it_describes(project: Store) -> None:
    # one model weighs activity and rationale codes against each other: a sentence about a
    # lease is an activity, never a confident rationale, and the reason-giving one a rationale
    suggest(project, "Study", min_confidence=0.5)
    by_start = {s.text[:20]: s.code for s in list_codings(project, "Study", status="suggested")}
    assert by_start["The library was tran"] == "Activities/Community self-organization"
    assert by_start["Residents were sent "] == "Activities/Consultation only"
    assert by_start["We work together bec"].startswith("Rationales for collaboration/Share")


def test_a_sentence_that_is_neither_activity_nor_rationale_gets_no_code(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(
        "The partnership board meets every quarter and is chaired by the council's chief "
        "executive. Its members are the NHS trust, the police and the fire service."
    )
    create_project(store, "Minutes")
    import_files(store, "Minutes", [path])
    assert suggest(store, "Minutes").suggested == 0


def test_coded_segments_are_left_alone_and_decisions_teach_it(project: Store) -> None:
    apply_code(
        project,
        "Study",
        "notes.txt",
        "activity:consultation_only",
        quote="Residents were sent a survey about the new bin rounds and the cabinet then "
        "decided the timetable.",
        coder="ann",
    )
    first = suggest(project, "Study", min_confidence=0.3)
    assert first.segments == 3 and first.learned_from == 1
    suggestion = list_codings(project, "Study", status="suggested")[0]
    review_coding(project, "Study", suggestion.id, "rejected")
    suggest(project, "Study", min_confidence=0.3)
    again = [
        s
        for s in list_codings(project, "Study", status="suggested")
        if s.text == suggestion.text and s.code == suggestion.code
    ]
    assert again == []  # a rejected suggestion is never made again


def test_bad_options_are_refused(project: Store) -> None:
    with pytest.raises(InvalidInput, match="unit must be"):
        suggest(project, "Study", unit="word")
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        suggest(project, "Study", min_confidence=2)


def test_people_can_code_while_the_model_reads_and_their_decision_wins(project: Store) -> None:
    """A long run holds no write lock: a coding made meanwhile is saved, and the run does not
    then store a suggestion over the passage the person has just coded."""
    sentence = (
        "The library was transferred on a long lease to the residents' association, which "
        "now runs it with volunteers and no council staff."
    )

    def code_meanwhile(done: int, total: int) -> None:
        apply_code(
            project,
            "Study",
            "notes.txt",
            "activity:community_self_organization",
            quote=sentence,
            coder="ann",
        )

    suggest(project, "Study", min_confidence=0.3, progress=code_meanwhile)
    assert [c.text for c in list_codings(project, "Study", status="accepted")] == [sentence]
    assert sentence not in [s.text for s in list_codings(project, "Study", status="suggested")]
