"""`collabmap framework …`: show, export, validate and schema."""

from __future__ import annotations

import json
from pathlib import Path

from collabmap.framework import default_framework_path
from tests.cli.conftest import Run


def test_show_prints_a_readable_outline(run: Run) -> None:
    result = run("framework", "show")
    assert result.code == 0
    for heading in ("Collaborative structures", "Activity categories", "Accountability questions"):
        assert heading in result.out
    assert "Citizen self-help (not co-creation)" in result.out


def test_export_json_is_the_whole_framework(run: Run) -> None:
    result = run("framework", "export", "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["id"] == "rallying-together"
    assert len(data["activity_categories"]) == 7
    assert data["structures"][0]["signals"]


def test_export_markdown_has_every_section(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "framework.md"
    assert run("framework", "export", "--format", "markdown", "-o", str(out)).code == 0
    text = out.read_text()
    for heading in ("## Collaborative structures", "## Activity categories", "## Sources"):
        assert heading in text
    assert "### Citizen self-help (`citizen_self_help`)" in text


def test_export_refuses_an_unknown_format(run: Run) -> None:
    result = run("framework", "export", "--format", "pdf")
    assert result.code == 2
    assert "pdf" in result.err


def test_validate_accepts_the_shipped_file(run: Run) -> None:
    result = run("framework", "validate", str(default_framework_path()))
    assert result.code == 0
    assert "is a valid framework: rallying-together" in result.out


def test_validate_names_the_path_of_each_problem(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    text = default_framework_path().read_text().replace("min_fit: 0.45", "min_fit: 1.5")
    path.write_text(text)
    result = run("framework", "validate", str(path))
    assert result.code == 2
    assert result.out == ""
    assert "classification.min_fit: must be at most 1.0; got 1.5" in result.err
    assert "Traceback" not in result.err


def test_validate_a_missing_file(run: Run, tmp_path: Path) -> None:
    result = run("framework", "validate", str(tmp_path / "nope.yaml"))
    assert result.code == 2
    assert result.err.strip().endswith("is not a valid framework: (document): no such file")


def test_an_adapted_framework_changes_classification(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "strict.yaml"
    path.write_text(default_framework_path().read_text().replace("min_fit: 0.45", "min_fit: 0.95"))
    data = json.loads(
        run("classify", "--example", "wirral", "--json", "--framework", str(path)).out
    )
    assert data["structure"]["label"] == "other"


def test_schema_is_json_schema(run: Run) -> None:
    data = json.loads(run("framework", "schema").out)
    assert data["$schema"].endswith("2020-12/schema")
    assert "structures" in data["properties"]
