"""The published JSON Schema of the profile format, with the framework's allowed values.

The pydantic model marks each field that takes a vocabulary value with ``x-vocabulary``;
here those markers become ``enum`` lists from the given framework, so editors that read JSON
Schema (VS Code with the YAML extension, for instance) can offer the allowed values.
"""

from __future__ import annotations

from typing import Any

from collabmap.framework import Framework, default_framework
from collabmap.profile._model import Profile
from collabmap.profile._validate import allowed_values

__all__ = ["SCHEMA_ID", "profile_json_schema"]

SCHEMA_ID = "https://collabmap.invalid/schemas/profile.schema.json"


def profile_json_schema(framework: Framework | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for a partnership profile under ``framework``."""
    fw = framework or default_framework()
    values = allowed_values(fw)
    schema = Profile.model_json_schema()
    _fill(schema, values)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "x-framework": f"{fw.id} {fw.version}",
        **schema,
    }


def _fill(node: Any, values: dict[str, list[str]]) -> None:
    if isinstance(node, dict):
        vocabulary = node.pop("x-vocabulary", None)
        if vocabulary is not None:
            _constrain(node, values[vocabulary])
        for child in node.values():
            _fill(child, values)
    elif isinstance(node, list):
        for child in node:
            _fill(child, values)


def _constrain(node: dict[str, Any], allowed: list[str]) -> None:
    if node.get("type") == "array":
        node["items"] = {"type": "string", "enum": allowed}
    elif node.get("type") == "object":
        node["propertyNames"] = {"enum": allowed}
    elif "anyOf" in node:  # optional value: string or null
        node["anyOf"] = [{"type": "string", "enum": allowed}, {"type": "null"}]
    else:
        node["enum"] = allowed
