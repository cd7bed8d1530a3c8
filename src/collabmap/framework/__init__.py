"""The framework of "Rallying together" as versioned, validated data.

``default_framework()`` gives the shipped framework; ``load_framework(path)`` reads a team's
adapted copy and raises :class:`collabmap.errors.InvalidFramework` naming every problem.
"""

from collabmap.framework._load import (
    REQUIRED_VOCABULARIES,
    default_framework,
    default_framework_path,
    load_framework,
    validation_issues,
)
from collabmap.framework._model import (
    AccountabilityQuestion,
    ActivityCategory,
    ActivityRule,
    ClassificationSettings,
    Concept,
    Dimension,
    Framework,
    Rationale,
    Signal,
    SourceRef,
    Structure,
    Term,
    Vocabulary,
)
from collabmap.framework._schema import framework_json_schema

__all__ = [
    "REQUIRED_VOCABULARIES",
    "AccountabilityQuestion",
    "ActivityCategory",
    "ActivityRule",
    "ClassificationSettings",
    "Concept",
    "Dimension",
    "Framework",
    "Rationale",
    "Signal",
    "SourceRef",
    "Structure",
    "Term",
    "Vocabulary",
    "default_framework",
    "default_framework_path",
    "framework_json_schema",
    "load_framework",
    "validation_issues",
]
