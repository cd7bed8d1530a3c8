"""Questions of the guided assessment as the templates draw them (one view per form field)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from collabmap.assessment import Question, dom_id, field_name, get_path, options_for
from collabmap.framework import Framework

__all__ = ["FieldView", "field_views"]


@dataclass
class FieldView:
    """What a template needs to draw one question: names, wording, choices, answer, error."""

    name: str
    id: str
    kind: str
    label: str
    hint: str | None
    options: list[tuple[str, str, str | None]]
    value: Any
    error: str | None
    parts: list[dict[str, Any]] = field(default_factory=list)
    """Sub-fields: a phase's two choices, or a reason's statement and mechanism."""


def _phases(name: str, value: Any, framework: Framework, errors: dict[str, str]) -> list[Any]:
    value = value if isinstance(value, dict) else {}
    pro = [(t.id, t.label) for t in framework.terms("professional_roles")]
    cit = [(t.id, t.label) for t in framework.terms("citizen_roles")]
    parts = []
    for phase in framework.terms("phases"):
        current = value.get(phase.id) or {}
        parts.append(
            {
                "label": phase.label,
                "hint": phase.definition,
                "id": dom_id(f"{name}.{phase.id}"),
                "fields": [
                    {
                        "name": f"{name}.{phase.id}.{role}",
                        "id": dom_id(f"{name}.{phase.id}.{role}"),
                        "label": label,
                        "options": options,
                        "value": current.get(role, "none"),
                        "error": errors.get(f"{name}.{phase.id}.{role}"),
                    }
                    for role, label, options in (
                        ("professionals", "Public professionals", pro),
                        ("citizens", "Residents or community groups", cit),
                    )
                ],
            }
        )
    return parts


def _rationales(
    name: str, value: Any, options: list[tuple[str, str, str | None]], errors: dict[str, str]
) -> list[Any]:
    chosen = {r.get("code"): r for r in value or [] if isinstance(r, dict)}
    parts = []
    for code, label, hint in options:
        item = chosen.get(code) or {}
        parts.append(
            {
                "value": code,
                "label": label,
                "hint": hint,
                "checked": code in chosen,
                "id": dom_id(f"{name}.{code}"),
                "statement": {
                    "name": f"{name}.{code}.statement",
                    "id": dom_id(f"{name}.{code}.statement"),
                    "value": item.get("statement", ""),
                    "error": errors.get(f"{name}.{code}.statement"),
                },
                "mechanism": {
                    "name": f"{name}.{code}.mechanism",
                    "id": dom_id(f"{name}.{code}.mechanism"),
                    "value": item.get("mechanism", ""),
                    "error": errors.get(f"{name}.{code}.mechanism"),
                },
            }
        )
    return parts


def field_views(
    questions: Sequence[Question],
    draft: dict[str, Any],
    framework: Framework,
    errors: dict[str, str],
    *,
    prefix: str = "",
) -> list[FieldView]:
    """The questions of one page, with the draft's answers and the page's errors."""
    views = []
    for question in questions:
        name = field_name(prefix, question)
        value = get_path(draft, name)
        options = [(o.value, o.text, o.hint) for o in options_for(question, framework, draft)]
        view = FieldView(
            name=name,
            id=dom_id(name),
            kind=question.kind,
            label=question.label,
            hint=question.hint,
            options=options,
            value=value,
            error=errors.get(name),
        )
        if question.kind == "phases":
            view.parts = _phases(name, value, framework, errors)
        elif question.kind == "rationales":
            view.parts = _rationales(name, value, options, errors)
        elif question.kind == "yes_no":
            view.value = "" if value is None else ("yes" if value else "no")
        views.append(view)
    return views
