"""Reference profiles of the partnerships the article and the 2019 report name.

Each is built only from public sources, each fact with its source, unverified facts marked.
``example_names()`` lists them; ``load_example(name)`` reads one as a checked profile.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from collabmap.errors import UnknownName
from collabmap.framework import Framework
from collabmap.profile import Profile, load_profile

__all__ = ["example_names", "example_path", "load_example"]


def _folder() -> Path:
    return Path(str(resources.files("collabmap.examples") / "data"))


def example_names() -> list[str]:
    """Names of the shipped reference profiles, sorted."""
    return sorted(path.stem for path in _folder().glob("*.yaml"))


def example_path(name: str) -> Path:
    """The file of a shipped reference profile; raises :class:`UnknownName` if there is none."""
    if name not in example_names():
        raise UnknownName("example", name, example_names())
    return _folder() / f"{name}.yaml"


def load_example(name: str, *, framework: Framework | None = None) -> Profile:
    """Read a shipped reference profile."""
    return load_profile(example_path(name), framework=framework)
