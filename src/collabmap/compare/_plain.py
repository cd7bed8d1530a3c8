"""Comparison results are frozen dataclasses of tuples; JSON output and the web want lists."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

__all__ = ["plain_dict"]


def plain_dict(result: Any) -> dict[str, Any]:
    """``dataclasses.asdict(result)`` with every tuple, at any depth, turned into a list."""
    data: dict[str, Any] = _lists(asdict(result))
    return data


def _lists(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value
