"""Shared material for the REFI-QDA tests: fixture paths, hand-made archives, a rich project.

Hand-made archives are built byte by byte with :mod:`zipfile` so that tests can contain what
collabmap itself would never write (CRLF text, hostile member names, DTDs, other dialects).
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from collabmap.evidence.model import (
    RefiCase,
    RefiCode,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
    RefiUser,
    RefiVariable,
)

ROOT = Path(__file__).resolve().parents[2]
REFI_FIXTURES = ROOT.parent / "shared" / "fixtures" / "refi"
"""``shared/`` sits beside the repository, locally (/work/shared) and in CI alike."""

QC_DEMO = REFI_FIXTURES / "qc_demo.qdpx"
PROJECT_XSD = REFI_FIXTURES / "Project-mrt2019.xsd"
NS = "urn:QDA-XML:project:1.0"


def require(path: Path) -> Path:
    """``path``, or skip the test saying which shared fixture is missing."""
    if not path.exists():
        pytest.skip(f"shared fixture {path} is absent (expected shared/ beside the repository)")
    return path


def guid(n: int) -> str:
    """A valid, readable GUID: ``guid(7)`` → ``00000000-0000-4000-8000-000000000007``."""
    return f"00000000-0000-4000-8000-{n:012x}"


def make_qdpx(path: Path, members: Mapping[str, bytes | str]) -> Path:
    """Write a zip with exactly these members (text is encoded as UTF-8, nothing normalised)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def qde(body: str, *, name: str = "hand-made") -> str:
    """A ``project.qde`` document around ``body`` (the children of ``<Project>``)."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="{NS}" name="{name}">{body}</Project>'


def codes_by_path(codes: list[RefiCode], prefix: str = "") -> dict[str, RefiCode]:
    """Every code in the tree keyed by its slash-separated path of names."""
    found: dict[str, RefiCode] = {}
    for code in codes:
        path = f"{prefix}{code.name}"
        found[path] = code
        found.update(codes_by_path(code.children, f"{path}/"))
    return found


def differences(expected: Any, actual: Any, path: str = "project") -> list[str]:
    """Field-by-field comparison of dataclasses, lists and dicts; each difference by its path."""
    if dataclasses.is_dataclass(expected) and type(expected) is type(actual):
        found: list[str] = []
        for f in dataclasses.fields(expected):
            found += differences(
                getattr(expected, f.name), getattr(actual, f.name), f"{path}.{f.name}"
            )
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in differences(e, a, f"{path}[{i}]")
        ]
    if isinstance(expected, dict) and isinstance(actual, dict) and expected.keys() == actual.keys():
        return [d for k in expected for d in differences(expected[k], actual[k], f"{path}[{k!r}]")]
    same = expected == actual and type(expected) is type(actual)
    return [] if same else [f"{path}: expected {expected!r}, got {actual!r}"]


def rich_project() -> RefiProject:
    """A project using every field the model has, with awkward but legal values."""
    ana, ben = guid(1), guid(2)
    when = datetime(2024, 3, 5, 14, 30, 15, 250000, tzinfo=UTC)
    text = "Café board minutes 😀.\nWe agreed: e\u0301xcellent work!\n\nNext: joint budget."
    start = text.index("agreed")
    return RefiProject(
        name="Wigan pilot — evidence",
        creating_user=ana,
        created=when,
        description="Interviews and board papers.\r\nKept as typed, CR included.",
        users=[RefiUser(ana, "Ana", "AN"), RefiUser(ben, "Ben Ó")],
        codes=[
            RefiCode(
                guid(10),
                "structure",
                is_codable=False,
                description="How the partnership is organised",
                color="#1F77B4",
                children=[
                    RefiCode(
                        guid(11),
                        "lead",
                        color="#FF7F0E",
                        children=[RefiCode(guid(12), "board <&> chair")],
                    ),
                    RefiCode(guid(13), "pooled budget", description=""),
                ],
            ),
            RefiCode(guid(14), "citizens", color="#2CA02C"),
        ],
        variables=[
            RefiVariable(guid(20), "sector", "Text", "lead sector"),
            RefiVariable(guid(21), "statutory", "Boolean"),
            RefiVariable(guid(22), "partners", "Integer"),
            RefiVariable(guid(23), "budget_m", "Float"),
            RefiVariable(guid(24), "founded", "Date"),
            RefiVariable(guid(25), "last_meeting", "DateTime"),
        ],
        cases=[
            RefiCase(
                guid(30),
                "Wigan Deal",
                description="Council-led",
                variables={
                    guid(20): "local government",
                    guid(21): True,
                    guid(22): 12,
                    guid(23): 41.5,
                    guid(24): "2011-04-01",
                    guid(25): "2023-11-02T09:00:00",
                },
                source_guids=[guid(40)],
                code_guids=[guid(14)],
            ),
            RefiCase(guid(31), "Empty case", variables={guid(20): "", guid(22): None}),
        ],
        sources=[
            RefiSource(
                guid(40),
                "board minutes",
                text,
                selections=[
                    RefiSelection(
                        guid(50),
                        start,
                        start + len("agreed: e\u0301xcellent"),
                        [guid(11), guid(14)],
                        creating_user=ben,
                        created=when,
                        name="agreement",
                        description="both codes apply",
                        coding_guids=[guid(51), guid(52)],
                    ),
                    RefiSelection(guid(53), 0, 0, [guid(13)], coding_guids=[guid(54)]),
                    RefiSelection(
                        guid(55),
                        text.index("😀"),
                        len(text),
                        [guid(12)],
                        coding_guids=[guid(56)],
                        created=datetime(2020, 1, 1),
                    ),
                ],
                variables={guid(23): 0.1, guid(21): False},
                note_guids=[guid(60)],
                creating_user=ana,
                created=datetime(2024, 1, 2, 3, 4, 5),
                description="Minutes of 5 March",
            ),
            RefiSource(guid(41), "empty transcript", ""),
        ],
        notes=[
            RefiNote(guid(60), "memo", "Check the budget figure.\n  Indented line.", ana, when),
            RefiNote(guid(61), "blank memo", ""),
        ],
    )
