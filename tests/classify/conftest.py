"""Shared helpers for the classification tests: profiles and frameworks built from plain data."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from collabmap.framework import Framework, default_framework, default_framework_path
from collabmap.profile import Profile, parse_profile

ProfileFactory = Callable[..., Profile]
"""Builds a checked profile from a dict: ``make_profile(data, framework=None)``."""


@pytest.fixture
def framework() -> Framework:
    """The framework shipped with collabmap."""
    return default_framework()


@pytest.fixture(scope="session")
def _framework_yaml() -> dict[str, Any]:
    data = yaml.safe_load(default_framework_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def framework_data(_framework_yaml: dict[str, Any]) -> dict[str, Any]:
    """A fresh, editable copy of the shipped framework file's data, for adapted frameworks."""
    return copy.deepcopy(_framework_yaml)


@pytest.fixture
def make_profile() -> ProfileFactory:
    """Build a checked :class:`Profile` from a dict via ``parse_profile``.

    ``name`` defaults to "Test partnership" so tests can give only the answers they are about.
    """

    def build(data: dict[str, Any], framework: Framework | None = None) -> Profile:
        return parse_profile({"name": "Test partnership", **data}, framework=framework)

    return build
