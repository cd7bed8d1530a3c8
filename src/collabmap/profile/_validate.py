"""Reading a profile and checking every answer against the framework's vocabularies.

The reader collects all problems before raising, and each names the field (with its line when
the profile came from a file) and the values that would be accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from collabmap._documents import DEFAULT_MAX_BYTES, Document, DocumentError, read_document
from collabmap._messages import describe_pydantic_error, pydantic_path
from collabmap.errors import InvalidProfile, Issue
from collabmap.framework import Framework, default_framework
from collabmap.profile._model import Profile, activity_key

__all__ = ["allowed_values", "claimed_category", "load_profile", "parse_profile"]


def allowed_values(framework: Framework) -> dict[str, list[str]]:
    """Every vocabulary a profile field may draw on, by the name used in ``x-vocabulary``."""
    values = {v.id: [t.id for t in v.terms] for v in framework.vocabularies}
    values["rationales"] = [r.id for r in framework.rationales]
    values["practices"] = [p.id for p in framework.practices]
    values["accountability"] = [a.id for a in framework.accountability]
    values["claimable"] = ["co_creation", *(a.id for a in framework.activity_categories)]
    return values


def claimed_category(called: str | None, framework: Framework) -> str | None:
    """The category the partnership's own name for an activity claims, e.g. 'co-design'."""
    if not called:
        return None
    text = called.lower()
    # more specific claims (co-design) win over the general one (co-production)
    for term in sorted(framework.rhetoric, key=lambda t: t.claims == "co_creation"):
        for phrase in term.phrases:
            if re.search(rf"(?<![a-z]){re.escape(phrase.lower())}(?![a-z])", text):
                return term.claims
    return None


def load_profile(
    path: str | Path,
    *,
    framework: Framework | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Profile:
    """Read a YAML or JSON profile file; raise :class:`InvalidProfile` naming every problem."""
    try:
        document = read_document(path, max_bytes=max_bytes)
    except DocumentError as exc:
        raise InvalidProfile(str(path), [exc.issue]) from None
    return _parse(document, str(path), framework or default_framework())


def parse_profile(
    data: Any,
    *,
    source: str = "profile",
    framework: Framework | None = None,
    lines: Mapping[str, int] | None = None,
) -> Profile:
    """Check already-parsed profile ``data`` (e.g. from a form or an API call)."""
    return _parse(Document(data, lines or {}), source, framework or default_framework())


def _parse(document: Document, source: str, framework: Framework) -> Profile:
    if not isinstance(document.data, dict):
        raise InvalidProfile(
            source, [Issue("", "a profile must be a mapping of fields to answers", 1)]
        )
    try:
        profile = Profile.model_validate(document.data)
    except ValidationError as exc:
        issues = []
        for error in exc.errors():
            path = pydantic_path(error["loc"])
            issues.append(Issue(path, describe_pydantic_error(error), document.line_of(path)))
        raise InvalidProfile(source, issues) from None
    problems = _semantic_problems(profile, framework)
    if problems:
        raise InvalidProfile(
            source, [Issue(path, message, document.line_of(path)) for path, message in problems]
        )
    return profile


def _semantic_problems(profile: Profile, fw: Framework) -> list[tuple[str, str]]:
    allowed = allowed_values(fw)
    problems: list[tuple[str, str]] = []

    def check(path: str, value: str | None, vocabulary: str) -> None:
        if value is None:
            return
        choices = allowed[vocabulary]
        if value not in choices:
            problems.append((path, f"expected one of {', '.join(choices)}; got {value!r}"))

    def check_all(path: str, values: list[str], vocabulary: str) -> None:
        for index, value in enumerate(values):
            check(f"{path}[{index}]", value, vocabulary)

    source_ids = [s.id for s in profile.sources]
    for index, source_id in enumerate(source_ids):
        if source_ids.index(source_id) != index:
            problems.append((f"sources[{index}].id", f"the id {source_id!r} is used twice"))

    def check_fact(path: str, fact: Any) -> None:
        check(f"{path}.status" if path else "status", fact.status, "fact_status")
        for index, ref in enumerate(fact.sources):
            if ref not in source_ids:
                known = ", ".join(source_ids) or "none are listed"
                problems.append(
                    (
                        f"{path}.sources[{index}]",
                        f"{ref!r} is not the id of an entry in the profile's sources ({known})",
                    )
                )

    if profile.lead is not None:
        check("lead.sector", profile.lead.sector, "sectors")
        check("lead.size", profile.lead.size, "lead_sizes")
        check_fact("lead", profile.lead)
    check("lead_role", profile.lead_role, "lead_roles")
    check("scope", profile.scope, "scopes")
    check_all("practices", profile.practices, "practices")
    for key, basis in profile.basis.items():
        if key not in {"lead_role", "scope", "practices"}:
            problems.append((f"basis.{key}", "expected one of lead_role, scope, practices"))
        check_fact(f"basis.{key}", basis)
    for index, partner in enumerate(profile.partners):
        check(f"partners[{index}].sector", partner.sector, "sectors")
        check(f"partners[{index}].size", partner.size, "lead_sizes")
        check_fact(f"partners[{index}]", partner)
    for index, rationale in enumerate(profile.rationales):
        check(f"rationales[{index}].code", rationale.code, "rationales")
        check_fact(f"rationales[{index}]", rationale)

    names = [a.name for a in profile.activities]
    first_by_key: dict[str, int] = {}
    prof_active = set(fw.classification.joint_roles_professionals)
    for index, activity in enumerate(profile.activities):
        base = f"activities[{index}]"
        first = first_by_key.setdefault(activity_key(activity.name), index)
        if names[first] == activity.name and first != index:
            problems.append(
                (f"{base}.name", f"another activity is already named {activity.name!r}")
            )
        elif first != index:
            problems.append(
                (
                    f"{base}.name",
                    f"{activity.name!r} and {names[first]!r} (activities[{first}]) differ only "
                    "in case or spacing, so they would be taken for one activity; name them "
                    "apart or make them one",
                )
            )
        check(f"{base}.claimed", activity.claimed, "claimable")
        check(f"{base}.initiated_by", activity.initiated_by, "actors")
        check_all(f"{base}.participants", activity.participants, "participants")
        check(f"{base}.level", activity.level, "levels")
        check(f"{base}.decision_power", activity.decision_power, "actors")
        check_all(f"{base}.transfers", activity.transfers, "transfers")
        check_all(f"{base}.transfer_to", activity.transfer_to, "actors")
        check_fact(base, activity)
        for phase, part in activity.phases.items():
            check(f"{base}.phases", phase, "phases")
            check(f"{base}.phases.{phase}.professionals", part.professionals, "professional_roles")
            check(f"{base}.phases.{phase}.citizens", part.citizens, "citizen_roles")
        if not activity.phases or all(p.citizens == "none" for p in activity.phases.values()):
            problems.append(
                (
                    f"{base}.phases",
                    "say what citizens or community groups do in at least one phase "
                    f"({', '.join(allowed['phases'])}); activities describe work with the public",
                )
            )
        if activity.level is None and not activity.participants:
            problems.append(
                (
                    f"{base}.level",
                    f"give the level ({', '.join(allowed['levels'])}) or the participants, "
                    "so that individual and community action can be told apart",
                )
            )
        citizens_active = set(fw.classification.active_citizen_roles)
        alongside = any(
            p.professionals in prof_active and p.citizens in citizens_active
            for p in activity.phases.values()
        )
        if activity.professionals_involved is False and alongside:
            problems.append(
                (
                    f"{base}.professionals_involved",
                    "false, but a phase shows public professionals active alongside "
                    "active citizens",
                )
            )
        if activity.professionals_involved is True and activity.phases and not alongside:
            problems.append(
                (
                    f"{base}.professionals_involved",
                    "true, but no phase shows public professionals active where "
                    "citizens are active",
                )
            )

    for index, mechanism in enumerate(profile.accountability):
        base = f"accountability[{index}]"
        check_all(f"{base}.covers", mechanism.covers, "accountability")
        for a_index, name in enumerate(mechanism.applies_to):
            if name not in names:
                problems.append(
                    (
                        f"{base}.applies_to[{a_index}]",
                        f"no activity is named {name!r}; activities: {', '.join(names) or 'none'}",
                    )
                )
        check_fact(base, mechanism)
    return problems
