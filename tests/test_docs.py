"""The docs stay true: every command documented, the README's two commands, CI calling them."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from collabmap.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    root = typer.main.get_command(app)
    names: list[str] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub:
            names.extend(f"{name} {child}" for child in sub)
        else:
            names.append(name)
    return sorted(names)


def test_every_command_has_a_section_in_the_cli_reference() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    for command in _commands():
        assert f"## collabmap {command}" in text, f"docs/cli.md lacks 'collabmap {command}'"


def test_every_command_has_help_text() -> None:
    root = typer.main.get_command(app)
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        assert command.help, name
        for child_name, child in getattr(command, "commands", {}).items():
            assert child.help, f"{name} {child_name}"


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_quick_start_has_exactly_two_commands_and_they_exist() -> None:
    commands = _quick_start()
    assert commands == ["bash scripts/demo.sh", "bash scripts/test.sh"]
    for command in commands:
        assert (ROOT / command.split()[1]).exists()


def test_ci_runs_the_readme_test_command() -> None:
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_docs_links_in_the_readme_resolve() -> None:
    readme = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target
