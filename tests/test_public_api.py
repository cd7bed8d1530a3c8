"""The public API: what `import collabmap` offers, and that it stays light and sorted."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

import collabmap

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [
    "collabmap",
    "collabmap.framework",
    "collabmap.profile",
    "collabmap.classify",
    "collabmap.examples",
    "collabmap.report",
    "collabmap.errors",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_exists_once(name: str) -> None:
    """(ruff's RUF022 keeps each ``__all__`` sorted.)"""
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported))
    for member in exported:
        assert hasattr(module, member), f"{name}.{member}"


def test_the_package_is_typed() -> None:
    assert (Path(collabmap.__file__).parent / "py.typed").exists()


def test_the_default_install_is_light() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    heavy = ("torch", "tensorflow", "jax", "nvidia", "cuda")
    for requirement in project["dependencies"]:
        assert not requirement.lower().startswith(heavy), requirement


def test_the_core_does_no_input_or_output() -> None:
    """classify/ is pure: it imports nothing that reads files, the network or the terminal."""
    forbidden = ("open(", "import os", "import socket", "import subprocess", "print(", "Path(")
    for path in (ROOT / "src" / "collabmap" / "classify").glob("*.py"):
        text = path.read_text()
        for word in forbidden:
            assert word not in text, f"{path.name} uses {word}"


def test_the_version_matches_the_project() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert collabmap.__version__ == project["version"]
