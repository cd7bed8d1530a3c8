"""Loading a framework file and checking it, reporting every problem with its exact path.

Validation has two layers: the shape (pydantic, from the model) and the meaning (every id a
rule or signal refers to exists in the right vocabulary, ids are unique, sources are cited).
A research team adapting the framework gets all problems at once, each naming its path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from collabmap._documents import DEFAULT_MAX_BYTES, Document, DocumentError, read_document
from collabmap._messages import describe_pydantic_error, pydantic_path
from collabmap.errors import InvalidFramework, Issue
from collabmap.framework._model import Framework

__all__ = [
    "REQUIRED_VOCABULARIES",
    "default_framework",
    "default_framework_path",
    "load_framework",
    "validation_issues",
]

REQUIRED_VOCABULARIES = (
    "sectors",
    "lead_roles",
    "scopes",
    "lead_sizes",
    "actors",
    "participants",
    "levels",
    "phases",
    "professional_roles",
    "citizen_roles",
    "transfers",
    "fact_status",
)
"""Vocabularies the profile format refers to by id; an adapted framework must keep them."""

_SIGNAL_VOCABULARY = {
    "lead_sector": "sectors",
    "lead_role": "lead_roles",
    "scope": "scopes",
    "lead_size": "lead_sizes",
}


def default_framework_path() -> Path:
    """Path of the framework file shipped inside the package."""
    return Path(str(resources.files("collabmap.framework") / "data" / "framework.yaml"))


@cache
def default_framework() -> Framework:
    """The shipped framework, loaded once per process."""
    return load_framework(default_framework_path())


def load_framework(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Framework:
    """Read and check a framework file; raise :class:`InvalidFramework` listing every problem."""
    try:
        document = read_document(path, max_bytes=max_bytes)
    except DocumentError as exc:
        raise InvalidFramework(str(path), [exc.issue]) from None
    framework, issues = _validate(document)
    if issues or framework is None:
        raise InvalidFramework(str(path), issues)
    return framework


def validation_issues(data: Any, *, lines: Mapping[str, int] | None = None) -> list[Issue]:
    """Every problem in framework ``data`` (already parsed), or an empty list if it is valid."""
    return _validate(Document(data, lines or {}))[1]


def _validate(document: Document) -> tuple[Framework | None, list[Issue]]:
    if not isinstance(document.data, dict):
        return None, [Issue("", "a framework file must be a mapping of keys to values", 1)]
    try:
        framework = Framework.model_validate(document.data)
    except ValidationError as exc:
        return None, [_issue_from_pydantic(error, document) for error in exc.errors()]
    issues = [
        Issue(path, message, document.line_of(path))
        for path, message in _semantic_problems(framework)
    ]
    return framework, issues


def _issue_from_pydantic(error: Mapping[str, Any], document: Document) -> Issue:
    path = pydantic_path(error["loc"])
    return Issue(path, describe_pydantic_error(error), document.line_of(path))


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dupes: list[str] = []
    for item in ids:
        if item in seen and item not in dupes:
            dupes.append(item)
        seen.add(item)
    return dupes


def _semantic_problems(fw: Framework) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []

    def check_ids(path: str, ids: list[str]) -> None:
        for dupe in _duplicates(ids):
            problems.append((path, f"the id {dupe!r} is used more than once"))

    source_ids = {ref.id for ref in fw.sources}
    check_ids("sources", [ref.id for ref in fw.sources])
    vocab = {v.id: {t.id for t in v.terms} for v in fw.vocabularies}
    check_ids("vocabularies", [v.id for v in fw.vocabularies])
    for index, v in enumerate(fw.vocabularies):
        check_ids(f"vocabularies[{index}].terms", [t.id for t in v.terms])
    for name in REQUIRED_VOCABULARIES:
        if name not in vocab:
            problems.append(("vocabularies", f"the vocabulary {name!r} is required by profiles"))
    practices = {p.id for p in fw.practices}
    check_ids("practices", [p.id for p in fw.practices])
    check_ids("structures", [s.id for s in fw.structures])
    check_ids("rationales", [r.id for r in fw.rationales])
    check_ids("activity_categories", [a.id for a in fw.activity_categories])
    check_ids("accountability", [a.id for a in fw.accountability])
    iap2 = {level.id for level in fw.iap2_levels}
    modes = {mode.id for mode in fw.governance_modes}
    cgr = {t.id for t in fw.cgr_types}

    def check_in(path: str, value: str, allowed: set[str], what: str) -> None:
        if value not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            problems.append((path, f"{value!r} is not a known {what}; known: {known}"))

    def check_sources(path: str, refs: Iterable[Any]) -> None:
        for index, ref in enumerate(refs):
            check_in(f"{path}.sources[{index}].source", ref.source, source_ids, "source")

    for index, v in enumerate(fw.vocabularies):
        check_sources(f"vocabularies[{index}]", v.sources)
        for t_index, term in enumerate(v.terms):
            mapping = term.maps_to.get("cgr_type")
            if mapping is not None:
                path = f"vocabularies[{index}].terms[{t_index}].maps_to.cgr_type.target"
                check_in(path, mapping.target, cgr, "collaborative governance regime type")
    for group_name in (
        "dimensions",
        "practices",
        "structures",
        "rationales",
        "activity_categories",
        "accountability",
        "reflective_questions",
        "iap2_levels",
        "governance_modes",
        "cgr_types",
    ):
        for index, item in enumerate(getattr(fw, group_name)):
            check_sources(f"{group_name}[{index}]", item.sources)
    for index, dim in enumerate(fw.dimensions):
        check_in(f"dimensions[{index}].vocabulary", dim.vocabulary, set(vocab), "vocabulary")

    structure_ids = {s.id for s in fw.structures}
    if "other" not in structure_ids:
        problems.append(("structures", "a structure with id 'other' is required"))
    for index, structure in enumerate(fw.structures):
        base = f"structures[{index}]"
        if structure.id != "other" and not any(s.weight > 0 for s in structure.signals):
            problems.append((f"{base}.signals", "needs at least one signal with positive weight"))
        if structure.governance_mode is not None:
            check_in(
                f"{base}.governance_mode.target",
                structure.governance_mode.target,
                modes,
                "governance mode",
            )
        for s_index, signal in enumerate(structure.signals):
            allowed = (
                practices
                if signal.answer == "practice"
                else vocab.get(_SIGNAL_VOCABULARY[signal.answer], set())
            )
            for v_index, value in enumerate(signal.any_of):
                what = "practice" if signal.answer == "practice" else f"{signal.answer} value"
                check_in(f"{base}.signals[{s_index}].any_of[{v_index}]", value, allowed, what)

    rule_vocab = {
        "joint_phase": "phases",
        "level_any_of": "levels",
        "participants_any_of": "participants",
        "transfers_any_of": "transfers",
    }
    priorities = [a.priority for a in fw.activity_categories]
    for dupe in _duplicates(str(p) for p in priorities):
        problems.append(("activity_categories", f"two categories share priority {dupe}"))
    for index, category in enumerate(fw.activity_categories):
        base = f"activity_categories[{index}]"
        check_in(f"{base}.iap2", category.iap2, iap2, "IAP2 level")
        if category.phase is not None:
            check_in(f"{base}.phase", category.phase, vocab.get("phases", set()), "phase")
        for r_index, rule in enumerate(category.rules):
            given = rule.model_dump(exclude_none=True)
            if not given:
                problems.append((f"{base}.rules[{r_index}]", "a rule needs at least one condition"))
            for key, vocab_name in rule_vocab.items():
                given_value = given.get(key)
                values: list[str] = (
                    given_value
                    if isinstance(given_value, list)
                    else [given_value]
                    if given_value
                    else []
                )
                for value_item in values:
                    check_in(
                        f"{base}.rules[{r_index}].{key}",
                        value_item,
                        vocab.get(vocab_name, set()),
                        vocab_name.rstrip("s") + " value",
                    )
    claimable = {"co_creation"} | {a.id for a in fw.activity_categories}
    for index, rhetoric in enumerate(fw.rhetoric):
        check_in(f"rhetoric[{index}].claims", rhetoric.claims, claimable, "activity category")

    settings = fw.classification
    role_checks = [
        ("joint_roles_professionals", settings.joint_roles_professionals, "professional_roles"),
        ("joint_roles_citizens", settings.joint_roles_citizens, "citizen_roles"),
        ("consulted_roles", settings.consulted_roles, "citizen_roles"),
        ("active_citizen_roles", settings.active_citizen_roles, "citizen_roles"),
    ]
    for key, values, vocab_name in role_checks:
        for v_index, value in enumerate(values):
            check_in(
                f"classification.{key}[{v_index}]",
                value,
                vocab.get(vocab_name, set()),
                vocab_name.rstrip("s").replace("_", " "),
            )
    for power, level in settings.iap2_by_decision_power.items():
        check_in(
            f"classification.iap2_by_decision_power.{power}",
            power,
            vocab.get("actors", set()),
            "actor",
        )
        check_in(f"classification.iap2_by_decision_power.{power}", level, iap2, "IAP2 level")
    if settings.min_key_answers > len(settings.key_answers):
        problems.append(
            ("classification.min_key_answers", "cannot be more than the number of key_answers")
        )
    return problems
