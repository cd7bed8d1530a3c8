"""The framework matrix: cells hold quotations and profile answers; missing summaries drafted."""

from __future__ import annotations

from typing import Any

from collabmap.classify import classify
from collabmap.compare.matrix import Quote, Theme, WrittenCell, build_matrix, draft_summary
from collabmap.examples import load_example
from collabmap.profile import parse_profile
from tests.adapted import adapted, concept


def test_a_draft_puts_the_profile_first_then_the_most_central_quotes() -> None:
    quotes = [
        "Residents run the library on their own now.",
        "The weather was cold.",
        "A residents' group runs the library and the hall on their own.",
    ]
    summary = draft_summary(["Library transfer: a rhetoric mismatch"], quotes)
    assert summary.startswith("Library transfer: a rhetoric mismatch.")
    assert "The weather was cold" not in summary
    assert summary.count("\u201c") == 2


def test_a_passage_coded_by_two_coders_is_quoted_once_in_a_draft() -> None:
    quotes = ["Our group took over the centre.", "Our group took  over the centre.", "We run it."]
    summary = draft_summary([], quotes)
    assert summary.count("Our group took over the centre.") == 1
    assert "We run it." in summary


def test_blank_quotations_never_make_a_draft() -> None:
    assert draft_summary([], ["   ", "\n\t"]) == ""
    assert draft_summary(["Fit 0.91"], [" ", "Residents run it."]) == (
        "Fit 0.91. \u201cResidents run it.\u201d"
    )
    blank = Quote("notes.txt", 10, 13, "   ", "ann", 1)
    matrix = build_matrix(
        [Theme("1", "Risk", "Accountability", None)], ["Riverside"], {("Riverside", "1"): [blank]}
    )
    cell = matrix.cell("Riverside", "1")
    assert (cell.summary, cell.drafted, cell.status) == ("", False, "empty")


def test_cells_are_drafted_unless_an_analyst_wrote_them() -> None:
    wigan = load_example("wigan")
    themes = [
        Theme("1", "Citizen self-help", "Activities", "activity:citizen_self_help"),
        Theme("2", "Co-design", "Activities", "activity:co_design"),
    ]
    quote = Quote("interview.txt", 0, 24, "We ask people to recycle", "ann", 7)
    matrix = build_matrix(
        themes,
        ["Wigan Deal"],
        {("Wigan Deal", "1"): [quote]},
        profiles={"Wigan Deal": wigan},
        results={"Wigan Deal": classify(wigan)},
        written={("Wigan Deal", "2"): WrittenCell("No co-design found.", "ann", "reviewed")},
    )
    drafted = matrix.cell("Wigan Deal", "1")
    assert drafted.drafted and drafted.status == "drafted"
    assert drafted.answers == (
        "Our part – your part pledges (called ‘co-creation’): a rhetoric mismatch",
    )
    assert "We ask people to recycle" in drafted.summary
    written = matrix.cell("Wigan Deal", "2")
    assert (written.summary, written.author, written.drafted) == (
        "No co-design found.",
        "ann",
        False,
    )
    assert matrix.groups() == [("Activities", themes)]
    assert matrix.to_records()[0]["quotes"] == 1


def test_a_matrix_with_no_evidence_says_so() -> None:
    matrix = build_matrix([Theme("1", "Risk", "Accountability", None)], ["Empty"], {})
    cell = matrix.cell("Empty", "1")
    assert cell.empty and cell.status == "empty" and cell.summary == ""
    assert matrix.notes == ("1 of 1 cells have no evidence or answers yet.",)
    assert build_matrix([], [], {}).notes == (
        "No partnerships in the project yet.",
        "No themes chosen.",
    )


def _commissioning_council() -> dict[str, Any]:
    """A council commissioning for one group: no structure fits well (market fits 0.40)."""
    return {
        "name": "Riverside",
        "lead": {"organisation": "Riverside Council", "sector": "local_authority"},
        "lead_role": "commissioner",
        "scope": "targeted_group",
        "rationales": [{"code": "better_impact_value"}],
    }


def test_a_structure_cell_shows_a_fit_only_when_it_reaches_the_frameworks_minimum() -> None:
    profile = parse_profile(_commissioning_council())
    result = classify(profile)
    assert result.structure.scores["collaborative_market"] == 0.4  # below min_fit, 0.45
    themes = [
        Theme("1", "Collaborative market", "Structures", "structure:collaborative_market"),
        Theme("2", "Other", "Structures", "structure:other"),
    ]
    matrix = build_matrix(
        themes, ["Riverside"], {}, profiles={"Riverside": profile}, results={"Riverside": result}
    )
    assert matrix.cell("Riverside", "1").answers == ()
    assert matrix.cell("Riverside", "2").answers == ("Fit 0.60 (its classification)",)


def test_a_rationale_without_a_statement_is_named_by_the_frameworks_label() -> None:
    def rename(data: dict[str, Any]) -> None:
        concept(data, "rationales", "better_impact_value")["label"] = (
            "Better outcomes for the money"
        )

    fw = adapted(rename)
    profile = parse_profile(_commissioning_council(), framework=fw)
    theme = Theme("1", "Better impact", "Rationales", "rationale:better_impact_value")
    matrix = build_matrix(
        [theme],
        ["Riverside"],
        {},
        profiles={"Riverside": profile},
        results={"Riverside": classify(profile, fw)},
        framework=fw,
    )
    assert matrix.cell("Riverside", "1").answers == (
        "Better outcomes for the money — no mechanism stated",
    )
