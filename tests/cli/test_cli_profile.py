"""`collabmap profile …` and how the command line answers bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Run


def test_new_writes_a_commented_template(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    result = run("profile", "new", "-o", str(path))
    assert result.code == 0
    text = path.read_text()
    assert text.startswith("# collabmap partnership profile")
    assert "collabmap classify" in result.err
    assert run("profile", "validate", str(path)).code == 0


def test_new_does_not_overwrite_without_force(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text("name: Precious work\n")
    result = run("profile", "new", "-o", str(path))
    assert result.code == 2
    assert "already exists; use --force" in result.err
    assert path.read_text() == "name: Precious work\n"
    assert run("profile", "new", "-o", str(path), "--force").code == 0


def test_new_to_standard_output(run: Run) -> None:
    assert run("profile", "new").out.startswith("# collabmap partnership profile")


def test_validate_names_the_field_and_allowed_values(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: Ours\nscope: everything\n")
    result = run("profile", "validate", str(path))
    assert result.code == 2
    assert result.err.strip() == (
        f"error: {path} is not a valid partnership profile: line 2, scope: expected one of "
        "whole_place, service_system, targeted_group, single_project; got 'everything'"
    )


def test_schema_has_the_allowed_values(run: Run) -> None:
    data = json.loads(run("profile", "schema").out)
    assert "local_authority" in json.dumps(data)


def test_hostile_yaml_runs_no_code_and_gives_exit_2(run: Run, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    result = run("classify", str(path))
    assert result.code == 2
    assert "tags that construct objects are not allowed" in result.err
    assert not marker.exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: Ours\nscope: everything\n")
    command = [sys.executable, "-m", "collabmap"]
    plain = subprocess.run([*command, "classify", str(path)], capture_output=True, text=True)
    assert plain.returncode == 2
    assert "Traceback" not in plain.stderr
    assert len(plain.stderr.strip().splitlines()) == 1
    debug = subprocess.run(
        [*command, "--debug", "classify", str(path)], capture_output=True, text=True
    )
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr


def test_unknown_command_is_a_usage_error(run: Run) -> None:
    result = run("clasify")
    assert result.code == 2
    assert "No such command" in result.err


def test_version(run: Run) -> None:
    assert run("--version").out.strip() == "collabmap 0.1.0"


def test_debug_is_accepted_after_the_command_and_keeps_the_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: Ours\nscope: everything\n")
    result = subprocess.run(
        [sys.executable, "-m", "collabmap", "classify", str(path), "--debug"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" in result.stderr
    assert "scope: expected one of" in result.stderr


def test_a_python_tag_is_named_in_the_message(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text("name: !!python/object:os.system Riverside\n")
    result = run("profile", "validate", str(path))
    assert (
        "YAML tags that construct objects are not allowed (found !!python/object:os.system)"
        in result.err
    )


def test_an_adapted_framework_with_a_gap_in_its_rules_is_refused(run: Run, tmp_path: Path) -> None:
    import yaml

    from collabmap.framework import default_framework_path

    data = yaml.safe_load(default_framework_path().read_text())
    data["activity_categories"] = [
        c for c in data["activity_categories"] if c["id"] != "consultation_only"
    ]
    path = tmp_path / "gappy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = run("framework", "validate", str(path))
    assert result.code == 2
    assert "no category's rule covers an activity in commissioning" in result.err
    assert "citizens consulted" in result.err


def test_a_huge_number_or_a_set_as_a_key_is_a_one_line_error(run: Run, tmp_path: Path) -> None:
    huge, odd_key = tmp_path / "huge.yaml", tmp_path / "key.yaml"
    huge.write_text("name: Ours\nscope: " + "9" * 5000 + "\n")
    odd_key.write_text("? !!set {a: null}\n: 1\n")
    for command in ("profile", "framework"):
        result = run(command, "validate", str(huge))
        assert result.code == 2
        assert result.err.strip().endswith(
            "line 2, (document): a number is too long (more than 4,300 digits)"
        )
        result = run(command, "validate", str(odd_key))
        assert result.code == 2
        assert result.err.strip().endswith("line 1, (document): a mapping key must be plain text")
