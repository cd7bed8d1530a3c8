"""The cross-case tables reproduce the article's comparison from the reference cases."""

from __future__ import annotations

from collabmap.classify import Classification, classify
from collabmap.compare.tables import (
    accountability_table,
    rationale_table,
    structure_activity_table,
)
from collabmap.examples import example_names, load_example
from collabmap.profile import parse_profile


def _examples() -> list[Classification]:
    return [classify(load_example(name)) for name in example_names()]


def test_table1_groups_activities_by_structure_and_sets_the_non_co_creation_apart() -> None:
    table = structure_activity_table(_examples())
    assert table.co_creation == ("co_commissioning", "co_design", "co_assessment", "co_delivery")
    assert table.not_co_creation == (
        "community_self_organization",
        "citizen_self_help",
        "consultation_only",
    )
    rows = {row.structure: row for row in table.rows}
    assert list(rows) == ["collaborative_council", "collaborative_market", "agent_of_change"]
    council = rows["collaborative_council"]
    assert council.partnerships == ("Co-operative Oldham", "Wigan Deal", "Wirral")
    assert council.cells["co_design"].count == 2
    assert council.cells["community_self_organization"].count == 3
    assert council.cells["community_self_organization"].marker() == "3 (2 called co-creation)"
    assert (
        "Wigan Deal: Our part – your part pledges" in council.cells["citizen_self_help"].mismatches
    )
    assert rows["agent_of_change"].cells["co_design"].activities == (
        "Golden Key: Service redesign by former service users",
    )


def test_table1_records_are_ready_for_a_dataframe() -> None:
    records = structure_activity_table(_examples()).to_records()
    assert records[0]["structure"] == "Collaborative council"
    assert records[0]["Co-design"] == 2
    assert records[0]["rhetoric mismatches"] == 3


def test_empty_and_single_inputs_say_what_is_missing() -> None:
    assert structure_activity_table([]).notes == ("No partnerships to compare yet.",)
    thin = classify(parse_profile({"name": "Thin"}))
    table = structure_activity_table([thin])
    assert table.rows[0].label == "Not enough information"
    assert "Only one partnership" in table.notes[0]
    assert "No activities recorded for: Thin." in table.notes


def test_rationales_show_whether_each_is_justified() -> None:
    table = rationale_table(_examples())
    assert table.rows["Wigan Deal"] == {
        "share_responsibility": "justified",
        "better_impact_value": "general belief",
    }
    assert table.rows["Plymouth Alliance"] == {}
    assert "No rationales recorded for Plymouth Alliance." in table.notes
    assert "voluntary_sector_role" not in table.codes  # nobody states it


def test_accountability_counts_open_and_answered_questions() -> None:
    table = accountability_table(_examples())
    rows = {row.partnership: row for row in table.rows}
    assert rows["Wigan Deal"].open["failure"] == 3
    assert rows["Golden Key"].open == {}
    assert table.to_records()[1]["If it fails"] == "1 open"  # Oldham's asset lease
