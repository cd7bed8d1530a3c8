"""What every template can use: the visitor, the CSRF token, and labels from the framework."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from jinja2 import Environment

from collabmap.assessment import dom_id
from collabmap.classify._labels import label_of
from collabmap.framework import default_framework

__all__ = ["install", "page_context"]


def page_context(request: Request) -> dict[str, Any]:
    from collabmap.web._context import visitor

    who = visitor(request)
    return {
        "visitor": who,
        "signed_in": who.signed_in,
        "csrf_token": who.signed_in.csrf_token if who.signed_in else "",
        "demo": who.settings.demo_user is not None,
    }


def _label(value: str | None, group: str, lower: bool = False) -> str:
    if value is None:
        return "Not answered"
    return label_of(default_framework(), group, value, lower=lower)


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _flag_groups(flags: list[Any]) -> list[dict[str, Any]]:
    """Accountability flags grouped by activity: what passes (once) and the open questions,
    so seven questions about one activity read as one block, not seven repeated reasons."""
    groups: dict[str | None, dict[str, Any]] = {}
    for flag in flags:
        group = groups.setdefault(
            flag.activity, {"activity": flag.activity, "situations": [], "questions": []}
        )
        situation = flag.reason.split(", and no arrangement")[0]
        if situation not in group["situations"]:
            group["situations"].append(situation)
        if flag.question not in group["questions"]:
            group["questions"].append(flag.question)
    return list(groups.values())


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def _browser(agent: str) -> str:
    """A browser's self-description in words a user recognises ("Firefox on Windows"): the
    first known name wins, in an order that tells Edge and Chrome (which name Safari) apart."""
    if not agent:
        return "Invitation link or script"
    name = next((label for key, label in _BROWSERS if key in agent), "A program")
    system = next((label for key, label in _SYSTEMS if key in agent), "")
    return f"{name} on {system}" if system else name


def _when(moment: datetime) -> str:
    """A stored (naive UTC) time as people read it, with its zone."""
    return moment.strftime("%-d %b %Y %H:%M UTC")


_VERBS = ("is ", "has ", "contains ", "cannot ", "looks ", "was ", "needs ")


def _about_the_file(reason: str) -> str:
    """A refusal reason as a sentence of its own. The library words reasons to follow the
    file's name ("notes.docx: is damaged …"); under the name on a page, "The file is damaged …"
    reads better than "Is damaged …"."""
    if reason.startswith(_VERBS):
        return f"The file {reason}"
    return reason[:1].upper() + reason[1:]


def _options_of(values: list[str]) -> list[tuple[str, str, None]]:
    """Plain strings as radio or checkbox options (value and text alike, no hint)."""
    return [(value, value, None) for value in values]


def install(env: Environment) -> None:
    env.filters["label"] = _label
    env.filters["percent"] = _percent
    env.filters["dom_id"] = dom_id
    env.filters["flag_groups"] = _flag_groups
    env.filters["browser"] = _browser
    env.filters["when"] = _when
    env.filters["about_the_file"] = _about_the_file
    env.globals["framework"] = default_framework()
    env.globals["options_of"] = _options_of


def structure_options() -> list[tuple[str, str]]:
    """(label id, label) for every structure, plus 'not enough information'."""
    from collabmap.classify._results import INSUFFICIENT

    fw = default_framework()
    return [(s.id, s.label) for s in fw.structures] + [
        (INSUFFICIENT, label_of(fw, "structures", INSUFFICIENT, lower=False))
    ]
