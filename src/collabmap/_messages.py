"""Plain-English messages for validation errors, shared by every document type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["describe_pydantic_error", "pydantic_path"]


def pydantic_path(loc: Sequence[int | str]) -> str:
    """A pydantic error location as the user's path, e.g. ``activities[0].phases.design``.

    Union members appear in locations with internal names (``function-after[...]``); they are
    not part of the user's document and are dropped.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or part.startswith("function-"):
            continue
        else:
            out += f".{part}" if out else part
    return out


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
}


def describe_pydantic_error(error: Mapping[str, Any]) -> str:
    """One plain sentence for a pydantic error, naming what was expected and what was given."""
    kind = error.get("type", "")
    given = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required, but missing"
    if kind == "extra_forbidden":
        return "not a known field here (check the spelling)"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '')}; got {_show(given)}"
    if kind == "string_pattern_mismatch":
        return f"{_show(given)} does not match the required pattern {ctx.get('pattern')}"
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return f"expected {expected}; got {_show(given)}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "too_long":
        return f"too many items: at most {ctx.get('max_length')}"
    if kind == "string_too_long":
        return f"too long: at most {ctx.get('max_length')} characters"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}; got {_show(given)}"
    if kind in {"less_than_equal", "less_than"}:
        return f"must be at most {ctx.get('le', ctx.get('lt'))}; got {_show(given)}"
    message = str(error.get("msg", "invalid value"))
    return message[0].lower() + message[1:] if message else "invalid value"


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
