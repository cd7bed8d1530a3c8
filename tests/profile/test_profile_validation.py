"""A malformed, incomplete or hostile profile gets messages naming the field and what is expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from collabmap._documents import read_document
from collabmap.classify import classify
from collabmap.errors import InvalidProfile
from collabmap.examples import example_names, example_path
from collabmap.profile import load_profile, parse_profile, profile_json_schema, profile_template

ACTIVITY: dict[str, Any] = {
    "name": "Litter picking",
    "participants": ["residents"],
    "level": "individual",
    "phases": {"delivery": {"professionals": "none", "citizens": "lead"}},
}


def _problems(data: Any) -> list[str]:
    with pytest.raises(InvalidProfile) as caught:
        parse_profile(data)
    return [str(issue) for issue in caught.value.issues]


def test_a_profile_needs_only_a_name() -> None:
    assert parse_profile({"name": "Just a name"}).name == "Just a name"


def test_an_unknown_value_lists_the_allowed_values() -> None:
    (problem,) = _problems({"name": "X", "lead": {"organisation": "C", "sector": "council"}})
    assert problem == (
        "lead.sector: expected one of local_authority, other_public_body, voluntary_sector, "
        "private_sector, community_group; got 'council'"
    )


def test_a_wrong_type_says_what_is_expected() -> None:
    problems = _problems({"name": "X", "practices": "alliance_contract", "partners": {"a": 1}})
    assert "practices: expected a list; got 'alliance_contract'" in problems
    assert "partners: expected a list; got {'a': 1}" in problems


def test_an_unknown_field_is_named() -> None:
    assert _problems({"name": "X", "leader": "C"}) == [
        "leader: not a known field here (check the spelling)"
    ]


def test_a_missing_name_is_named() -> None:
    assert _problems({"place": "Here"}) == ["name: required, but missing"]


def test_a_profile_that_is_not_a_mapping_is_refused() -> None:
    assert _problems(["name", "X"]) == [
        "line 1, (document): a profile must be a mapping of fields to answers"
    ]


def test_activity_roles_are_checked_against_the_framework() -> None:
    activity = {**ACTIVITY, "phases": {"delivery": {"professionals": "none", "citizens": "maybe"}}}
    (problem,) = _problems({"name": "X", "activities": [activity]})
    assert problem.startswith("activities[0].phases.delivery.citizens: expected one of none,")
    assert "got 'maybe'" in problem


def test_an_unknown_phase_is_refused() -> None:
    activity = {**ACTIVITY, "phases": {"planning": {"professionals": "lead", "citizens": "active"}}}
    problems = _problems({"name": "X", "activities": [activity]})
    assert any("expected one of commissioning, design, delivery, assessment" in p for p in problems)


def test_an_activity_must_say_what_citizens_do() -> None:
    activity = {**ACTIVITY, "phases": {"design": {"professionals": "lead"}}}
    (problem,) = _problems({"name": "X", "activities": [activity]})
    assert problem.startswith("activities[0].phases: say what citizens or community groups do")


def test_an_activity_needs_a_level_or_participants() -> None:
    activity = {k: v for k, v in ACTIVITY.items() if k not in {"level", "participants"}}
    (problem,) = _problems({"name": "X", "activities": [activity]})
    assert problem.startswith("activities[0].level: give the level (individual, group, collective)")


def test_professionals_involved_must_agree_with_the_phases() -> None:
    activity = {**ACTIVITY, "professionals_involved": True}
    (problem,) = _problems({"name": "X", "activities": [activity]})
    assert problem.startswith("activities[0].professionals_involved: true, but no phase")


def test_two_activities_cannot_share_a_name() -> None:
    problems = _problems({"name": "X", "activities": [ACTIVITY, ACTIVITY]})
    assert problems == ["activities[1].name: another activity is already named 'Litter picking'"]


def test_two_activities_cannot_have_names_that_differ_only_in_case_or_spacing() -> None:
    panel = {**ACTIVITY, "name": "Residents' panel"}
    shouting = {**ACTIVITY, "name": "RESIDENTS'  panel"}
    problems = _problems({"name": "X", "activities": [panel, shouting]})
    assert problems == [
        'activities[1].name: "RESIDENTS\'  panel" and "Residents\' panel" (activities[0]) differ '
        "only in case or spacing, so they would be taken for one activity; name them apart or "
        "make them one"
    ]


def test_sources_must_exist_and_be_unique() -> None:
    data = {
        "name": "X",
        "lead": {"organisation": "C", "sources": ["strategy", "missing"]},
        "sources": [{"id": "strategy", "title": "S"}, {"id": "strategy", "title": "T"}],
    }
    problems = _problems(data)
    assert "sources[1].id: the id 'strategy' is used twice" in problems
    assert any(
        p.startswith("lead.sources[1]: 'missing' is not the id of an entry") for p in problems
    )


def test_accountability_must_name_real_activities_and_questions() -> None:
    data = {
        "name": "X",
        "activities": [ACTIVITY],
        "accountability": [{"name": "Lease", "covers": ["failures"], "applies_to": ["Libraries"]}],
    }
    problems = _problems(data)
    assert any(
        p.startswith("accountability[0].covers[0]: expected one of failure,") for p in problems
    )
    assert any(
        "accountability[0].applies_to[0]: no activity is named 'Libraries'" in p for p in problems
    )


def test_oversized_text_fields_are_refused() -> None:
    (problem,) = _problems({"name": "X" * 301})
    assert problem == "name: too long: at most 300 characters"


def test_messages_from_a_file_carry_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text("name: Ours\nlead:\n  organisation: C\n  sector: council\n")
    with pytest.raises(InvalidProfile) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"{path} is not a valid partnership profile: line 4, lead.sector:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: &a X\nplace: *a\n", "YAML aliases"),
        ("name: !!python/object/new:os.system [ls]\n", "tags that construct objects"),
        ("name: X\nname: Y\n", "appears twice"),
        ("name: [unclosed\n", "not valid YAML"),
    ],
)
def test_hostile_profiles_are_refused_with_one_clear_message(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    with pytest.raises(InvalidProfile, match=expected):
        load_profile(path)


def test_a_huge_profile_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("name: X\nsummary: " + "a" * 2_000_000 + "\n")
    with pytest.raises(InvalidProfile, match="the limit is 1,000,000 bytes"):
        load_profile(path)


def test_the_template_is_a_valid_profile_that_classifies() -> None:
    document = read_document("template.yaml", text=profile_template())
    profile = parse_profile(document.data)
    result = classify(profile)
    assert result.structure.label == "collaborative_council"
    assert result.activities[0].category == "co_design"


def test_the_template_lists_the_allowed_values_from_the_framework() -> None:
    text = profile_template()
    for value in ("local_authority", "embedded_challenger", "whole_place", "alliance_contract"):
        assert value in text


@pytest.mark.parametrize("name", example_names())
def test_the_published_schema_accepts_the_reference_profiles(name: str) -> None:
    jsonschema.validate(yaml.safe_load(example_path(name).read_text()), profile_json_schema())


def test_the_published_schema_refuses_an_unknown_sector() -> None:
    data = {"name": "X", "lead": {"organisation": "C", "sector": "council"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, profile_json_schema())


def test_an_unquoted_date_is_kept_as_the_date_written() -> None:
    document = read_document(
        "p.yaml", text="name: X\nsources:\n  - id: s\n    title: S\n    accessed: 2024-03-12\n"
    )
    assert parse_profile(document.data).sources[0].accessed == "2024-03-12"
