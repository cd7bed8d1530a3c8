"""Agreement between coders of a project, and evidence linked to profile answers and cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabmap.errors import InvalidInput, UnknownName
from collabmap.store import Store
from collabmap.store.agreement import project_agreement
from collabmap.store.coding import apply_code
from collabmap.store.links import answer_evidence, link_answer, matrix_cells, set_matrix_cell
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files

TEXT = (
    "The council asked residents to recycle. Residents now run the library. "
    "Staff and residents redesigned the youth club together. Nobody asked the tenants."
)
SELF_HELP = "The council asked residents to recycle."
SELF_ORG = "Residents now run the library."
CO_DESIGN = "Staff and residents redesigned the youth club together."


@pytest.fixture
def coded(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "notes.txt"
    path.write_text(TEXT)
    create_project(store, "Study", with_examples=True)
    import_files(store, "Study", [path])

    def code(concept: str, quote: str, coder: str, **kwargs: object) -> None:
        apply_code(store, "Study", "notes.txt", concept, quote=quote, coder=coder, **kwargs)  # type: ignore[arg-type]

    code("activity:citizen_self_help", SELF_HELP, "ann")
    code("activity:citizen_self_help", SELF_HELP, "bob")
    code("activity:community_self_organization", SELF_ORG, "ann")
    code("activity:co_design", SELF_ORG, "bob")
    code("activity:co_design", CO_DESIGN, "ann")
    code("activity:co_design", CO_DESIGN, "bob")
    code(
        "activity:co_design",
        CO_DESIGN,
        "collabmap",
        origin="machine",
        confidence=0.9,
        status="suggested",
    )
    code(
        "activity:consultation_only",
        SELF_ORG,
        "collabmap",
        origin="machine",
        confidence=0.4,
        status="rejected",
    )
    return store


def test_two_people_agree_by_sentence_per_code_and_overall(coded: Store) -> None:
    report = project_agreement(coded, "Study", "ann", "bob")
    rows = {row.code: row for row in report.by_code}
    self_help = rows["Activities/Citizen self-help"]
    assert (self_help.both, self_help.only_a, self_help.only_b, self_help.neither) == (1, 0, 0, 3)
    assert self_help.percent_agreement == 1.0 and self_help.cohen_kappa == 1.0
    design = rows["Activities/Co-design"]
    assert (design.both, design.only_a, design.only_b, design.neither) == (1, 0, 1, 2)
    assert design.percent_agreement == pytest.approx(0.75)
    assert design.cohen_kappa == pytest.approx(0.5)
    assert report.pooled.units == 12  # 3 codes x 4 sentences
    assert report.mean.codes == 3


def test_character_level_agreement(coded: Store) -> None:
    report = project_agreement(coded, "Study", "ann", "bob", unit="character")
    rows = {row.code: row for row in report.by_code}
    assert rows["Activities/Citizen self-help"].both == len(SELF_HELP)
    assert rows["Activities/Citizen self-help"].units == len(TEXT)


def test_the_machine_is_judged_on_all_its_suggestions(coded: Store) -> None:
    report = project_agreement(
        coded,
        "Study",
        "ann",
        "collabmap",
        codes=["Activities/Co-design", "Activities/Consultation only"],
    )
    rows = {row.code: row for row in report.by_code}
    assert rows["Activities/Co-design"].both == 1
    assert rows["Activities/Consultation only"].only_b == 1  # the rejected one counts against it


def test_unknown_coders_and_units_are_named(coded: Store) -> None:
    with pytest.raises(UnknownName, match="unknown coder 'carol'; known: ann, bob, collabmap"):
        project_agreement(coded, "Study", "ann", "carol")
    with pytest.raises(InvalidInput, match="unit must be"):
        project_agreement(coded, "Study", "ann", "bob", unit="word")  # type: ignore[arg-type]


def test_codings_are_linked_to_the_profile_answers_they_support(coded: Store) -> None:
    coding = apply_code(
        coded, "Study", "notes.txt", "activity:citizen_self_help", quote=SELF_HELP, coder="carol"
    )
    link_answer(coded, "Study", "Wigan Deal", "activities[0].phases.delivery.citizens", coding.id)
    link_answer(coded, "Study", "Wigan Deal", "activities[0].phases.delivery.citizens", coding.id)
    evidence = answer_evidence(coded, "Study", "Wigan Deal")
    linked = evidence["activities[0].phases.delivery.citizens"]
    assert [e.text for e in linked] == [SELF_HELP]
    with pytest.raises(UnknownName, match=r"unknown profile answer 'activities\[9\]\.level'"):
        link_answer(coded, "Study", "Wigan Deal", "activities[9].level", coding.id)


def test_matrix_cells_hold_a_summary_and_its_quotes(coded: Store) -> None:
    coding = apply_code(
        coded, "Study", "notes.txt", "activity:co_design", quote=CO_DESIGN, coder="carol"
    )
    set_matrix_cell(
        coded,
        "Study",
        "Wirral",
        "activity:co_design",
        summary="Residents and staff redesign services.",
        author="carol",
        coding_ids=[coding.id],
    )
    set_matrix_cell(
        coded,
        "Study",
        "Wirral",
        "activity:co_design",
        summary="Residents and staff redesigned the youth club.",
        author="dan",
        status="reviewed",
    )
    (cell,) = matrix_cells(coded, "Study")
    assert (cell.partnership, cell.code, cell.status, cell.author) == (
        "Wirral",
        "Activities/Co-design",
        "reviewed",
        "dan",
    )
    assert cell.summary == "Residents and staff redesigned the youth club."
    assert [e.text for e in cell.evidence] == [CO_DESIGN]
    with pytest.raises(InvalidInput, match="status must be one of draft, reviewed, agreed"):
        set_matrix_cell(
            coded,
            "Study",
            "Wirral",
            "activity:co_design",
            summary="x",
            author="dan",
            status="final",
        )


def test_a_matrix_cell_is_written_for_a_code_not_a_group(coded: Store) -> None:
    """The matrix shows codes as themes; a cell written for a group could never be seen."""
    with pytest.raises(InvalidInput, match="'Activities' is a group"):
        set_matrix_cell(coded, "Study", "Wirral", "Activities", summary="x", author="carol")
    assert matrix_cells(coded, "Study") == []


def test_an_unknown_profile_answer_is_counted_among_all_the_answers(coded: Store) -> None:
    coding = apply_code(
        coded, "Study", "notes.txt", "activity:citizen_self_help", quote=SELF_HELP, coder="carol"
    )
    with pytest.raises(UnknownName) as caught:
        link_answer(coded, "Study", "Wigan Deal", "nosuch", coding.id)
    count = int(str(caught.value).split("none of the ")[1].split(" ")[0])
    assert count > 40  # every answer path, not the first 40
