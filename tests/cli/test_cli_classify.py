"""`collabmap classify` and `collabmap examples` as scripts and officers use them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.conftest import Run

CONTRACT_STRUCTURE = {"label", "scores", "hybrid", "reasons"}
CONTRACT_ACTIVITY = {"name", "category", "claimed", "rhetoric_mismatch", "reasons"}
PARTNERSHIP_LABELS = {
    "collaborative_council",
    "collaborative_market",
    "system_connector",
    "agent_of_change",
    "other",
    "insufficient_information",
}
ACTIVITY_LABELS = {
    "co_design",
    "co_delivery",
    "co_commissioning",
    "co_assessment",
    "citizen_self_help",
    "community_self_organization",
    "consultation_only",
}


def test_examples_lists_one_name_a_line(run: Run) -> None:
    result = run("examples")
    assert result.code == 0
    assert result.out.splitlines() == ["golden-key", "oldham", "plymouth", "wigan", "wirral"]


def test_examples_with_classification_shows_each_case(run: Run) -> None:
    result = run("examples", "--classify")
    assert result.code == 0
    assert "Wigan Deal (wigan): Collaborative council" in result.out
    assert "Golden Key (golden-key): Agent of change" in result.out
    assert "Our part – your part pledges → Citizen self-help ⚠ rhetoric mismatch" in result.out


def test_classify_example_json_follows_the_contract(run: Run) -> None:
    result = run("classify", "--example", "wigan", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["partnership"] == "Wigan Deal"
    assert set(data["structure"]) >= CONTRACT_STRUCTURE
    assert data["structure"]["label"] in PARTNERSHIP_LABELS
    assert set(data["structure"]["scores"]) == PARTNERSHIP_LABELS - {"insufficient_information"}
    for activity in data["activities"]:
        assert set(activity) >= CONTRACT_ACTIVITY
        assert activity["category"] in ACTIVITY_LABELS
    for rationale in data["rationales"]:
        assert {"code", "justified"} <= set(rationale)
    for flag in data["accountability_flags"]:
        assert {"question", "reason"} <= set(flag)


def test_classify_a_profile_file_in_yaml_and_json(run: Run, tmp_path: Path) -> None:
    yaml_path = tmp_path / "ours.yaml"
    assert run("profile", "new", "-o", str(yaml_path)).code == 0
    from_yaml = json.loads(run("classify", str(yaml_path), "--json").out)
    json_path = tmp_path / "ours.json"
    json_path.write_text(json.dumps(yaml.safe_load(yaml_path.read_text())))
    from_json = json.loads(run("classify", str(json_path), "--json").out)
    assert from_yaml == from_json
    assert from_yaml["structure"]["label"] == "collaborative_council"


def test_readable_output_explains_itself_to_an_officer(run: Run) -> None:
    out = run("classify", "--example", "wigan").out
    assert "Collaborative structure: Collaborative council (fit 0.91)" in out
    assert "Why:" in out
    assert "Rhetoric mismatch: called 'co-creation'" in out
    assert "Who is responsible if the group or organisation cannot manage" in out
    assert "Questions for reflection" in out
    assert "Traceback" not in out


def test_an_incomplete_profile_is_classified_as_insufficient(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "thin.yaml"
    path.write_text("name: Thin\nlead:\n  organisation: A council\n  sector: local_authority\n")
    data = json.loads(run("classify", str(path), "--json").out)
    assert data["structure"]["label"] == "insufficient_information"
    assert "missing the lead's role, the scope of change" in data["structure"]["reasons"][0]


def test_classify_needs_exactly_one_of_file_or_example(run: Run, tmp_path: Path) -> None:
    neither = run("classify")
    assert neither.code == 2
    assert "give a profile file or --example NAME" in neither.err
    both = run("classify", str(tmp_path / "x.yaml"), "--example", "wigan")
    assert both.code == 2


def test_an_unknown_example_lists_the_known_ones(run: Run) -> None:
    result = run("classify", "--example", "leeds")
    assert result.code == 2
    assert result.err.strip() == (
        "error: unknown example 'leeds'; known: golden-key, oldham, plymouth, wigan, wirral"
    )
