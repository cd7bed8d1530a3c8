"""Calibration: turning a partnership, or a number, into crisp set membership (0 or 1).

csQCA works on sets a case is in or out of, so every condition needs a rule a reader can
check. The built-in catalogue reads each rule off the profile and its classification, with
the rule in plain words; ``calibrate`` does the same for a numeric attribute with a threshold.

A value that cannot be read (no lead sector recorded, structure undecided, a missing number)
is *missing*, never silently 0: the case is then left out of the truth table with the reason.
Lists in a profile (activities, practices, rationales) are read as complete, so an empty list
means "none" (0), not "unknown".
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from collabmap.classify import INSUFFICIENT, Classification
from collabmap.classify._labels import label_of
from collabmap.compare.qca._table import is_missing
from collabmap.errors import InvalidInput
from collabmap.framework import Framework, default_framework
from collabmap.profile import Profile

__all__ = ["Condition", "Measure", "calibrate", "catalogue"]

Measure = Callable[[Profile, Classification], bool | None]
"""Reads one condition off a partnership: True/False, or None when it is not recorded."""

_ALIASES = {
    "lead_sector_local_authority": ("council_led", "Council-led"),
    "scope_whole_place": ("whole_place", "Whole-place change"),
    "citizen_self_help_present": ("self_help_present", None),
    "community_self_organization_present": ("self_organization_present", None),
}
"""Shorter names (and labels) users know for conditions of the shipped framework's terms; each
is offered only when the framework has the term."""


@dataclass(frozen=True, slots=True)
class Condition:
    """A crisp set: its id, a plain-English label, and the rule that decides membership."""

    id: str
    label: str
    rule: str
    measure: Measure = field(repr=False, compare=False)

    def membership(self, profile: Profile, classification: Classification) -> int | None:
        """1 if the partnership is in the set, 0 if not, ``None`` if it cannot be told."""
        value = self.measure(profile, classification)
        return None if value is None else int(value)

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label, "rule": self.rule}


def calibrate(
    values: Mapping[str, float | None],
    threshold: float,
    *,
    inclusive: bool = True,
    reverse: bool = False,
) -> dict[str, int | None]:
    """Crisp membership from a number: 1 at or above ``threshold`` (above, if not inclusive).

    ``reverse`` makes low values the members (at or below, or below if not inclusive), e.g.
    "stable government: fewer than 10 cabinets". Missing values (``None`` or NaN) stay
    ``None`` so the truth table leaves those cases out and says so; a value that is not a
    number is an error.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise InvalidInput(f"the calibration threshold must be a number, not {threshold!r}")
    if math.isnan(threshold):
        raise InvalidInput("the calibration threshold must be a number, not NaN")
    out: dict[str, int | None] = {}
    for case, value in values.items():
        if is_missing(value):
            out[case] = None
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InvalidInput(
                f"case {case!r}: {value!r} is not a number, so it cannot be calibrated"
            )
        if reverse:
            member = value <= threshold if inclusive else value < threshold
        else:
            member = value >= threshold if inclusive else value > threshold
        out[case] = int(member)
    return out


def _lead_sector(sector: str) -> Measure:
    def measure(profile: Profile, _: Classification) -> bool | None:
        if profile.lead is None or profile.lead.sector is None:
            return None
        return profile.lead.sector == sector

    return measure


def _scope(scope: str) -> Measure:
    def measure(profile: Profile, _: Classification) -> bool | None:
        return None if profile.scope is None else profile.scope == scope

    return measure


def _category(category: str) -> Measure:
    return lambda _, c: any(a.category == category for a in c.activities)


def _structure(structure: str) -> Measure:
    def measure(_: Profile, c: Classification) -> bool | None:
        return None if c.structure.label == INSUFFICIENT else c.structure.label == structure

    return measure


def _practice(practice: str) -> Measure:
    return lambda p, _: practice in p.practices


def _either(words: list[str]) -> str:
    """``a, b or c``: a list of alternatives as a reader would write it."""
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def catalogue(framework: Framework | None = None) -> dict[str, Condition]:
    """The built-in conditions, by id, for ``framework`` (the shipped one by default).

    Fixed: ``co_creation_present``, ``rhetoric_mismatch``, ``transfers_present``,
    ``accountability_gaps``, ``justified_rationale``. From the framework, so that an adapted
    framework gets conditions for its own terms: one ``lead_sector_<id>`` per sector, one
    ``scope_<id>`` per scope, one ``<category>_present`` per activity category, one
    ``structure_<id>`` per structure and one ``practice_<id>`` per practice. Where the
    framework has the shipped terms, shorter names stand for the same conditions:
    ``council_led`` (``lead_sector_local_authority``), ``whole_place`` (``scope_whole_place``),
    ``self_help_present`` and ``self_organization_present``.
    """
    fw = framework or default_framework()
    transfers = _either([label_of(fw, "transfers", t) for t in fw.term_ids("transfers")])
    co_creation = _either(
        [
            label_of(fw, "activity_categories", c.id)
            for c in fw.activity_categories
            if c.family == "co_creation"
        ]
    )
    items = [
        Condition(
            "co_creation_present",
            "Some co-creation",
            f"1 if any activity is co-creation by the framework's rules ({co_creation}), "
            "0 otherwise.",
            lambda _, c: any(a.family == "co_creation" for a in c.activities),
        ),
        Condition(
            "rhetoric_mismatch",
            "Rhetoric beyond practice",
            "1 if any activity is called or claimed co-creation (co-production, co-design …) "
            "but is not co-creation by the framework's rules, 0 otherwise.",
            lambda _, c: any(a.rhetoric_mismatch for a in c.activities),
        ),
        Condition(
            "transfers_present",
            "Something is handed over",
            f"1 if any activity passes {transfers} to residents or community groups, 0 otherwise.",
            lambda p, _: any(a.transfers for a in p.activities),
        ),
        Condition(
            "accountability_gaps",
            "Open accountability questions",
            "1 if the classification raises any accountability flag (a question that no "
            "arrangement in the profile answers), 0 otherwise.",
            lambda _, c: bool(c.accountability_flags),
        ),
        Condition(
            "justified_rationale",
            "A justified rationale",
            "1 if any stated rationale comes with a mechanism saying how collaboration will "
            "achieve it, 0 if none does or none is stated.",
            lambda _, c: any(r.justified for r in c.rationales),
        ),
    ]
    for sector in fw.terms("sectors"):
        label = label_of(fw, "sectors", sector.id)
        items.append(
            Condition(
                f"lead_sector_{sector.id}",
                f"Lead sector: {sector.label}",
                f"1 if the lead organisation's sector is {label}, 0 if it is another sector; "
                "missing if the lead or its sector is not recorded.",
                _lead_sector(sector.id),
            )
        )
    for scope in fw.terms("scopes"):
        label = label_of(fw, "scopes", scope.id)
        items.append(
            Condition(
                f"scope_{scope.id}",
                f"Scope: {scope.label}",
                f"1 if the scope of change sought is {label}, 0 if it is another scope; "
                "missing if the scope is not recorded.",
                _scope(scope.id),
            )
        )
    for category in fw.activity_categories:
        label = label_of(fw, "activity_categories", category.id)
        items.append(
            Condition(
                f"{category.id}_present",
                f"Some activity is {label}",
                f"1 if any activity is classified as {label}, 0 otherwise.",
                _category(category.id),
            )
        )
    for structure in fw.structures:
        label = label_of(fw, "structures", structure.id)
        items.append(
            Condition(
                f"structure_{structure.id}",
                f"Structure: {label}",
                f"1 if the partnership's best-fitting structure is {label}, 0 if it is "
                "another; missing if the profile is too thin to classify its structure.",
                _structure(structure.id),
            )
        )
    for practice in fw.practices:
        label = label_of(fw, "practices", practice.id)
        items.append(
            Condition(
                f"practice_{practice.id}",
                f"Practice: {practice.label}",
                f"1 if the profile lists the practice \u2018{label}\u2019, 0 otherwise.",
                _practice(practice.id),
            )
        )
    known = {item.id: item for item in items}
    for target, (alias, alias_label) in _ALIASES.items():
        if target in known:
            known[alias] = replace(
                known[target], id=alias, label=alias_label or known[target].label
            )
    return known
