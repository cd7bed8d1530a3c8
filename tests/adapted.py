"""Adapted frameworks for tests: the shipped framework's data, edited and checked."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

import yaml

from collabmap.framework import Framework, default_framework_path, validation_issues

Edit = Callable[[dict[str, Any]], None]


@cache
def _shipped() -> dict[str, Any]:
    data = yaml.safe_load(default_framework_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def adapted(*edits: Edit) -> Framework:
    """The shipped framework with ``edits`` applied to a copy of its data; it must be valid."""
    data = copy.deepcopy(_shipped())
    for edit in edits:
        edit(data)
    assert validation_issues(data) == []
    return Framework.model_validate(data)


def term(data: dict[str, Any], vocabulary: str, term_id: str) -> dict[str, Any]:
    """A term of a vocabulary in framework ``data``, to edit in place."""
    found = next(v for v in data["vocabularies"] if v["id"] == vocabulary)
    item = next(t for t in found["terms"] if t["id"] == term_id)
    assert isinstance(item, dict)
    return item


def concept(data: dict[str, Any], group: str, concept_id: str) -> dict[str, Any]:
    """A concept (structure, rationale, activity category …) in framework ``data``."""
    item = next(c for c in data[group] if c["id"] == concept_id)
    assert isinstance(item, dict)
    return item


def rename_sector(old: str, new: str, label: str) -> Edit:
    """An edit giving a sector a new id and label, in its vocabulary and in every signal."""

    def edit(data: dict[str, Any]) -> None:
        term(data, "sectors", old).update(id=new, label=label)
        for structure in data["structures"]:
            for signal in structure.get("signals", []):
                if signal["answer"] == "lead_sector":
                    signal["any_of"] = [new if v == old else v for v in signal["any_of"]]

    return edit
