"""Answers to the guided assessment, kept as a draft profile (a plain dict).

Each page's form replaces the answers to that page's questions and leaves every other part of
the draft alone, so a profile edited through the assessment keeps what the assessment does not
ask (sources, notes, statuses). Whether the draft is a valid profile is decided by the profile
validator itself (:func:`collabmap.profile.parse_profile`), so the pages and the command line
can never disagree about what is allowed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from collabmap.assessment._questions import Question, Questionnaire, Topic, options_for
from collabmap.errors import InvalidProfile
from collabmap.framework import Framework
from collabmap.profile import Profile, parse_profile

__all__ = [
    "Form",
    "PageResult",
    "Problem",
    "SummaryRow",
    "add_item",
    "check_draft",
    "dom_id",
    "draft_profile",
    "field_name",
    "get_path",
    "read_page",
    "remove_item",
    "summary",
]

Form = Mapping[str, Sequence[str]]
"""A submitted form: each field name with the values sent for it (checkboxes send several)."""

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MAX_ITEMS = 200
"""Items a collection may hold in an assessment (partners, activities, arrangements)."""


def _tokens(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in _TOKEN.findall(path)]


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` (``activities[0].phases.design``), or None."""
    node = data
    for token in _tokens(path):
        if isinstance(token, int):
            if not isinstance(node, list) or token >= len(node):
                return None
        elif not isinstance(node, dict):
            return None
        node = node[token] if isinstance(token, int) else node.get(token)
    return node


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with ``None`` delete) the value at ``path``, making dicts on the way."""
    tokens = _tokens(path)
    node: Any = data
    for token, following in pairwise(tokens):
        if isinstance(token, int):
            if not isinstance(node, list) or token >= len(node):
                return  # an item that is not there (removed meanwhile): nothing to set
            node = node[token]
            continue
        wanted = list if isinstance(following, int) else dict
        if not isinstance(node.get(token), wanted):
            if value is None or wanted is list:
                return
            node[token] = {}
        node = node[token]
    last = tokens[-1]
    assert isinstance(last, str)
    if value is None or value == [] or value == "":
        node.pop(last, None)
        if len(tokens) == 2 and node == {}:
            data.pop(str(tokens[0]), None)  # an emptied top-level part (``lead``) goes too
    else:
        node[last] = value


def field_name(prefix: str, question: Question) -> str:
    """The form field (and profile path) a question's answer is sent in."""
    return f"{prefix}{question.field}"


def dom_id(name: str) -> str:
    """A form field name as an HTML id and link target."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


@dataclass
class PageResult:
    """The draft after a page's answers, and the problems found on that page's fields."""

    draft: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)


def _first(form: Form, name: str) -> str:
    values = form.get(name) or []
    return values[0].strip() if values else ""


def _read_question(
    draft: dict[str, Any],
    prefix: str,
    question: Question,
    form: Form,
    framework: Framework,
    errors: dict[str, str],
) -> None:
    name = field_name(prefix, question)
    allowed = {o.value for o in options_for(question, framework, draft)}
    if question.kind in ("text", "textarea"):
        value = _first(form, name)
        if question.kind == "text":
            value = " ".join(value.split())
        if not value and question.required:
            errors[name] = question.required
        _set_path(draft, name, value or None)
    elif question.kind == "radios":
        value = _first(form, name)
        if value and value not in allowed:
            errors[name] = "Choose one of the options"
            return
        _set_path(draft, name, value or None)
    elif question.kind == "checkboxes":
        values = [v for v in dict.fromkeys(form.get(name) or []) if v]
        if any(v not in allowed for v in values):
            errors[name] = "Choose from the options shown"
            return
        if not values and question.required:
            errors[name] = question.required
        order = {o.value: i for i, o in enumerate(options_for(question, framework, draft))}
        before = get_path(draft, name)
        kept = [v for v in before if v in values] if isinstance(before, list) else []
        added = sorted((v for v in values if v not in kept), key=order.__getitem__)
        _set_path(draft, name, kept + added or None)  # earlier answers keep their order
    elif question.kind == "yes_no":
        value = _first(form, name)
        if value not in ("", "yes", "no"):
            errors[name] = "Choose yes, no or not sure"
            return
        _set_path(draft, name, None if not value else value == "yes")
    elif question.kind == "phases":
        _read_phases(draft, name, form, framework, errors)
    elif question.kind == "rationales":
        _read_rationales(draft, name, form, allowed, errors)


def _read_phases(
    draft: dict[str, Any], name: str, form: Form, framework: Framework, errors: dict[str, str]
) -> None:
    professional = {t.id for t in framework.terms("professional_roles")}
    citizen = {t.id for t in framework.terms("citizen_roles")}
    phases: dict[str, dict[str, str]] = {}
    for phase in framework.terms("phases"):
        pro_field, cit_field = f"{name}.{phase.id}.professionals", f"{name}.{phase.id}.citizens"
        pro = _first(form, pro_field) or "none"
        cit = _first(form, cit_field) or "none"
        if pro not in professional:
            errors[pro_field] = "Choose one of the options"
            return
        if cit not in citizen:
            errors[cit_field] = "Choose one of the options"
            return
        if pro != "none" or cit != "none":
            phases[phase.id] = {"professionals": pro, "citizens": cit}
    _set_path(draft, name, phases or None)


def _read_rationales(
    draft: dict[str, Any], name: str, form: Form, allowed: set[str], errors: dict[str, str]
) -> None:
    chosen = [v for v in dict.fromkeys(form.get(name) or []) if v]
    if any(v not in allowed for v in chosen):
        errors[name] = "Choose from the reasons shown"
        return
    before = {r.get("code"): r for r in get_path(draft, name) or [] if isinstance(r, dict)}
    found = []
    for code in chosen:
        item = dict(before.get(code) or {"code": code})
        for part in ("statement", "mechanism"):
            text = _first(form, f"{name}.{code}.{part}")
            if text:
                item[part] = text
            else:
                item.pop(part, None)
        found.append(item)
    _set_path(draft, name, found or None)


def read_page(
    draft: dict[str, Any],
    questions: Sequence[Question],
    form: Form,
    framework: Framework,
    *,
    prefix: str = "",
) -> PageResult:
    """The draft with one page's answers replaced by the form's, and that page's problems.

    ``prefix`` places an item page's questions (``activities[2].``). A value that is not one
    of a question's options (a tampered form) leaves that answer as it was.
    """
    updated = copy.deepcopy(draft)
    errors: dict[str, str] = {}
    for question in questions:
        _read_question(updated, prefix, question, form, framework, errors)
    names = {field_name(prefix, q): q for q in questions}
    for path, message in _problems(updated, framework).items():
        target = _field_for(path, names, updated)
        if target is not None:
            errors.setdefault(target, message)
    return PageResult(updated, errors)


def _field_for(path: str, names: Mapping[str, Question], draft: dict[str, Any]) -> str | None:
    """The form field on this page that a validator problem at ``path`` belongs to."""
    for name, question in names.items():
        if question.kind == "rationales" and path.startswith(f"{name}["):
            match = re.match(rf"{re.escape(name)}\[(\d+)\](?:\.(\w+))?", path)
            if match is None:
                return name
            item = get_path(draft, f"{name}[{match.group(1)}]") or {}
            part = match.group(2)
            if part in ("statement", "mechanism"):
                return f"{name}.{item.get('code')}.{part}"
            return name
        if path == name or path.startswith((f"{name}.", f"{name}[")):
            return path if question.kind == "phases" and path != name else name
    return None


def _problems(draft: dict[str, Any], framework: Framework) -> dict[str, str]:
    """Every validator problem with the draft, by profile path, worded for a person."""
    try:
        parse_profile(draft, source="your answers", framework=framework)
    except InvalidProfile as exc:
        found: dict[str, str] = {}
        for issue in exc.issues:
            found.setdefault(issue.path, issue.message[:1].upper() + issue.message[1:])
        return found
    return {}


def add_item(draft: dict[str, Any], collection: str) -> tuple[dict[str, Any], int]:
    """The draft with a new, empty item at the end of a collection, and the item's index."""
    updated = copy.deepcopy(draft)
    items = updated.setdefault(collection, [])
    if not isinstance(items, list):
        items = updated[collection] = []
    if len(items) >= _MAX_ITEMS:
        from collabmap.errors import InvalidInput

        raise InvalidInput(f"an assessment holds at most {_MAX_ITEMS} {collection}")
    items.append({})
    return updated, len(items) - 1


def remove_item(draft: dict[str, Any], collection: str, index: int) -> dict[str, Any]:
    """The draft without one item of a collection (answers linked to later items move up)."""
    updated = copy.deepcopy(draft)
    items = updated.get(collection)
    if isinstance(items, list) and 0 <= index < len(items):
        del items[index]
        if not items:
            updated.pop(collection)
    return updated


def _without_empty_items(draft: dict[str, Any], questionnaire: Questionnaire) -> dict[str, Any]:
    cleaned = copy.deepcopy(draft)
    for topic in questionnaire.topics:
        if topic.collection and isinstance(cleaned.get(topic.collection), list):
            kept = [i for i in cleaned[topic.collection] if isinstance(i, dict) and i]
            if kept:
                cleaned[topic.collection] = kept
            else:
                cleaned.pop(topic.collection)
    return cleaned


@dataclass(frozen=True)
class Problem:
    """A problem with the whole draft, with the page to go back to."""

    message: str
    topic: str
    page: str | None = None
    index: int | None = None
    field: str | None = None


def check_draft(
    draft: dict[str, Any], questionnaire: Questionnaire, framework: Framework
) -> list[Problem]:
    """Every problem that stops the draft being saved, each pointing at the page that fixes it."""
    cleaned = _without_empty_items(draft, questionnaire)
    found = []
    for path, message in _problems(cleaned, framework).items():
        found.append(_locate(path, message, questionnaire))
    return found


def _locate(path: str, message: str, questionnaire: Questionnaire) -> Problem:
    tokens = _tokens(path)
    head = tokens[0] if tokens else ""
    for topic in questionnaire.topics:
        if topic.collection and head == topic.collection and len(tokens) > 1:
            index = tokens[1] if isinstance(tokens[1], int) else 0
            rest = ".".join(str(t) for t in tokens[2:] if isinstance(t, str))
            for page in topic.pages:
                if any(rest.split(".")[0] == q.field.split(".")[0] for q in page.questions):
                    return Problem(_where(topic, index, message), topic.id, page.id, index, path)
            return Problem(_where(topic, index, message), topic.id, topic.pages[0].id, index, path)
        for question in topic.questions:
            if head == question.field.split(".")[0]:
                return Problem(message, topic.id, field=path)
    return Problem(message, questionnaire.topics[0].id, field=path)


def _where(topic: Topic, index: int, message: str) -> str:
    return f"{(topic.item or 'item').capitalize()} {index + 1}: {message[:1].lower()}{message[1:]}"


def draft_profile(
    draft: dict[str, Any], questionnaire: Questionnaire, framework: Framework
) -> Profile:
    """The draft as a profile (empty items dropped); raises InvalidProfile if it is not one."""
    return parse_profile(
        _without_empty_items(draft, questionnaire), source="your answers", framework=framework
    )


@dataclass(frozen=True)
class SummaryRow:
    """One answer on the check-your-answers page."""

    label: str
    value: str | list[str]
    topic: str
    page: str | None = None
    index: int | None = None
    name: str = ""


def _shown(question: Question, value: Any, framework: Framework, draft: dict[str, Any]) -> Any:
    if value is None or value == [] or value == {}:
        return "Not answered"
    if question.kind in ("text", "textarea"):
        return str(value)
    if question.kind == "yes_no":
        return "Yes" if value else "No"
    texts = {o.value: o.text for o in options_for(question, framework, draft)}
    if question.kind == "radios":
        return texts.get(value, str(value))
    if question.kind == "checkboxes":
        return [texts.get(v, str(v)) for v in value]
    if question.kind == "phases":
        lines = []
        for phase, parts in value.items():
            label = next((t.label for t in framework.terms("phases") if t.id == phase), phase)
            pro = next(
                (
                    t.label
                    for t in framework.terms("professional_roles")
                    if t.id == parts.get("professionals")
                ),
                "",
            )
            cit = next(
                (
                    t.label
                    for t in framework.terms("citizen_roles")
                    if t.id == parts.get("citizens")
                ),
                "",
            )
            lines.append(f"{label}: professionals — {pro.lower()}; community — {cit.lower()}")
        return lines
    if question.kind == "rationales":
        lines = []
        for item in value:
            text = texts.get(item.get("code"), item.get("code"))
            how = item.get("mechanism")
            lines.append(f"{text}: {how}" if how else f"{text} (no way of achieving it stated)")
        return lines
    return str(value)


def summary(
    draft: dict[str, Any], questionnaire: Questionnaire, framework: Framework
) -> list[tuple[Topic, list[SummaryRow] | list[list[SummaryRow]]]]:
    """Each topic with its answers as rows (a collection: rows per item), for checking."""
    found: list[tuple[Topic, Any]] = []
    for topic in questionnaire.topics:
        if topic.collection:
            items = draft.get(topic.collection) or []
            cards = []
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                rows = []
                for page in topic.pages:
                    for question in page.questions:
                        value = get_path(item, question.field)
                        rows.append(
                            SummaryRow(
                                question.label,
                                _shown(question, value, framework, draft),
                                topic.id,
                                page.id,
                                index,
                                field_name(f"{topic.collection}[{index}].", question),
                            )
                        )
                cards.append(rows)
            found.append((topic, cards))
        else:
            rows = [
                SummaryRow(
                    q.label,
                    _shown(q, get_path(draft, q.field), framework, draft),
                    topic.id,
                    name=q.field,
                )
                for q in topic.questions
            ]
            found.append((topic, rows))
    return found
