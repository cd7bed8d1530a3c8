"""A research team's adapted framework gets every problem, each with its exact path and line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from collabmap.errors import InvalidFramework
from collabmap.framework import default_framework_path, load_framework


def _adapted(tmp_path: Path, old: str, new: str) -> Path:
    text = default_framework_path().read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path = tmp_path / "adapted.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InvalidFramework) as caught:
        load_framework(path)
    return [str(issue) for issue in caught.value.issues]


def test_an_unchanged_copy_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(default_framework_path().read_text(encoding="utf-8"), encoding="utf-8")
    assert load_framework(path).id == "rallying-together"


def test_an_unknown_practice_in_a_signal_names_its_path_and_line(tmp_path: Path) -> None:
    path = _adapted(tmp_path, "any_of: [internal_reform]", "any_of: [internal_reforms]")
    (problem,) = _problems(path)
    assert "structures[0].signals[4].any_of[0]" in problem
    assert "'internal_reforms' is not a known practice" in problem
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "internal_reforms" in text
    )
    assert problem.startswith(f"line {line},")


def test_a_weight_of_the_wrong_type_says_what_is_expected(tmp_path: Path) -> None:
    path = _adapted(tmp_path, "any_of: [reformer], weight: 2", "any_of: [reformer], weight: high")
    (problem,) = _problems(path)
    assert "structures[0].signals[2].weight" in problem
    assert "expected a number; got 'high'" in problem


def test_a_missing_required_field_is_named(tmp_path: Path) -> None:
    path = _adapted(tmp_path, "  min_fit: 0.45\n", "")
    (problem,) = _problems(path)
    assert "classification.min_fit: required, but missing" in problem


def test_an_unknown_field_is_named(tmp_path: Path) -> None:
    path = _adapted(tmp_path, "  min_fit: 0.45\n", "  min_fit: 0.45\n  min_fitt: 0.5\n")
    assert any("classification.min_fitt: not a known field" in p for p in _problems(path))


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    path = _adapted(tmp_path, "iap2: empower\n", "iap2: empowered\n")
    text = path.read_text().replace("- id: system_connector", "- id: collaborative_market")
    path.write_text(text)
    problems = _problems(path)
    assert any("'empowered' is not a known IAP2 level" in p for p in problems)
    assert any("the id 'collaborative_market' is used more than once" in p for p in problems)


def test_a_framework_without_other_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(default_framework_path().read_text())
    data["structures"] = [s for s in data["structures"] if s["id"] != "other"]
    path = tmp_path / "no-other.yaml"
    path.write_text(yaml.safe_dump(data))
    assert any("'other' is required" in p for p in _problems(path))


def test_a_rule_using_an_unknown_phase_is_refused(tmp_path: Path) -> None:
    path = _adapted(tmp_path, "rules: [{joint_phase: design}]", "rules: [{joint_phase: desing}]")
    (problem,) = _problems(path)
    assert "activity_categories[1].rules[0].joint_phase" in problem
    assert "'desing' is not a known phase value" in problem


def test_a_citation_to_an_unknown_source_is_refused(tmp_path: Path) -> None:
    path = _adapted(
        tmp_path,
        "{source: iap2, status: stated, note: consult level}",
        "{source: iap3, status: stated, note: consult level}",
    )
    (problem,) = _problems(path)
    assert "'iap3' is not a known source" in problem


def test_an_adapted_framework_can_add_a_practice_and_use_it(tmp_path: Path) -> None:
    data = yaml.safe_load(default_framework_path().read_text())
    data["practices"].append(
        {
            "id": "place_based_budget",
            "label": "Place-based budget",
            "definition": "Partners pool their budgets for one neighbourhood.",
            "sources": [{"source": "collabmap", "status": "inferred"}],
        }
    )
    data["structures"][0]["signals"].append(
        {"answer": "practice", "any_of": ["place_based_budget"], "weight": 1, "because": "x"}
    )
    data["version"] = "1.1.0"
    path = tmp_path / "extended.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert load_framework(path).version == "1.1.0"


def test_a_framework_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    assert _problems(path) == [
        "line 1, (document): a framework file must be a mapping of keys to values"
    ]
