"""Readable names for framework ids, used in reasons (so reasons read as sentences)."""

from __future__ import annotations

from collections.abc import Sequence

from collabmap.classify._results import INSUFFICIENT
from collabmap.framework import Framework

__all__ = ["label_of", "what_passes"]


def label_of(framework: Framework, group: str, value: str, *, lower: bool = True) -> str:
    """The plain-English label of ``value`` in a vocabulary or concept list.

    Besides the framework's own ids, ``co_creation`` (the family) is an activity category and
    ``insufficient_information`` (too few answers to place a partnership) a structure.
    Lower-cased by default, to sit inside a sentence; ``lower=False`` keeps the label as
    written, for headings.
    """
    if group == "practices":
        items = {p.id: p.label for p in framework.practices}
    elif group == "structures":
        items = {INSUFFICIENT: "Not enough information"}
        items.update((s.id, s.label) for s in framework.structures)
    elif group == "activity_categories":
        items = {a.id: a.label for a in framework.activity_categories}
        items["co_creation"] = "co-creation"
    elif group == "rationales":
        items = {r.id: r.label for r in framework.rationales}
    elif group == "accountability":
        items = {a.id: a.label for a in framework.accountability}
    elif group == "governance_modes":
        items = {m.id: m.label for m in framework.governance_modes}
    elif group == "cgr_types":
        items = {m.id: m.label for m in framework.cgr_types}
    elif group == "iap2":
        items = {m.id: m.label for m in framework.iap2_levels}
    else:
        items = {t.id: t.label for t in framework.terms(group)}
    text = items.get(value, value.replace("_", " "))
    if not lower:
        return text[:1].upper() + text[1:]
    if len(text) > 1 and text[1].isupper():  # an acronym such as "IAP2" keeps its case
        return text
    return text[:1].lower() + text[1:]


def what_passes(framework: Framework, transfers: Sequence[str], to: Sequence[str]) -> str:
    """What passes to whom, as a clause: 'assets and money pass to a community group'.

    ``to`` are actors; when none is named the clause says 'non-governmental actors'.
    """
    what = " and ".join(label_of(framework, "transfers", t) for t in transfers)
    verb = "pass" if len(transfers) > 1 or what.endswith("s") else "passes"
    whom = ", ".join(label_of(framework, "actors", r) for r in to) or "non-governmental actors"
    return f"{what} {verb} to {whom}"
