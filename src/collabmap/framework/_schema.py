"""The published JSON Schema of the framework file format."""

from __future__ import annotations

from typing import Any

from collabmap.framework._model import Framework

__all__ = ["SCHEMA_ID", "framework_json_schema"]

SCHEMA_ID = "https://collabmap.invalid/schemas/framework.schema.json"


def framework_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a framework file; the meaning checks are in ``_load``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **Framework.model_json_schema(),
    }
