"""Reading JSON Lines input: every bad line is named, and the good lines still answered."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["LineError", "Passage", "read_passages"]

MAX_LINE = 1_000_000


@dataclass(frozen=True)
class Passage:
    line: int
    id: object
    text: str
    label: str | None = None


@dataclass(frozen=True)
class LineError:
    line: int
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}"


def read_passages(lines: Iterable[str]) -> Iterator[Passage | LineError]:
    """One Passage per good line, one LineError per bad line, in order (blank lines skipped)."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE:
            yield LineError(number, f"the line is over {MAX_LINE:,} characters")
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            problem = exc.msg.removesuffix(" at")
            yield LineError(number, f"not valid JSON ({problem}, column {exc.colno})")
            continue
        if not isinstance(item, dict):
            yield LineError(number, 'expected an object like {"id": ..., "text": ...}')
            continue
        text = item.get("text")
        if not isinstance(text, str):
            yield LineError(number, 'missing "text" (a string)')
            continue
        label = item.get("label")
        yield Passage(
            number,
            item.get("id", number),
            text.replace("\x00", ""),
            label if isinstance(label, str) else None,
        )
