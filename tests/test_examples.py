"""The shipped reference profiles reproduce what the article says about its partnerships."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from collabmap.classify import Classification, classify
from collabmap.examples import example_names, example_path, load_example

NAMES = ["golden-key", "oldham", "plymouth", "wigan", "wirral"]
ARTICLE_TYPES = {
    "wigan": "collaborative_council",
    "oldham": "collaborative_council",
    "wirral": "collaborative_council",
    "golden-key": "agent_of_change",
    "plymouth": "collaborative_market",
}


def _classified(name: str) -> Classification:
    return classify(load_example(name))


def _activity(name: str, activity: str) -> dict[str, Any]:
    activities = _classified(name).to_dict()["activities"]
    found: list[dict[str, Any]] = [a for a in activities if a["name"] == activity]
    assert len(found) == 1, f"{name} has no single activity named {activity!r}"
    return found[0]


def _raw(name: str) -> dict[str, Any]:
    data = yaml.safe_load(example_path(name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _cited(node: Any, top: bool = True) -> Iterator[str]:
    """Every source id cited in a `sources: [id, ...]` list below the top level."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and not top:
                yield from (str(v) for v in value)
            else:
                yield from _cited(value, top=False)
    elif isinstance(node, list):
        for item in node:
            yield from _cited(item, top=False)


def _statuses(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("status"), str):
            yield node["status"]
        for value in node.values():
            yield from _statuses(value)
    elif isinstance(node, list):
        for item in node:
            yield from _statuses(item)


def test_the_shipped_examples_are_the_five_reference_partnerships() -> None:
    assert example_names() == NAMES


@pytest.mark.parametrize(("name", "label"), sorted(ARTICLE_TYPES.items()))
def test_each_reference_partnership_is_classified_as_the_article_types_it(
    name: str, label: str
) -> None:
    structure = _classified(name).structure
    assert structure.label == label
    assert structure.scores[label] == max(
        score for key, score in structure.scores.items() if key != "other"
    )


@pytest.mark.parametrize("name", NAMES)
def test_no_reference_partnership_is_a_hybrid_or_short_of_information(name: str) -> None:
    structure = _classified(name).structure
    assert structure.hybrid is False
    assert structure.label != "insufficient_information"
    assert structure.missing == []


def test_the_wigan_deal_pledges_called_co_creation_are_citizen_self_help() -> None:
    pledges = _activity("wigan", "Our part – your part pledges")
    assert pledges["category"] == "citizen_self_help"
    assert pledges["claimed"] == "co_creation"
    assert pledges["rhetoric_mismatch"] is True
    assert any(r.startswith("Rhetoric mismatch") for r in pledges["reasons"])


def test_wigans_asset_transfers_are_self_organization_with_open_accountability_questions() -> None:
    transfers = _activity("wigan", "Community asset transfers")
    assert transfers["category"] == "community_self_organization"
    flags = _classified("wigan").accountability_flags
    raised = {f.concern for f in flags if f.activity == "Community asset transfers"}
    assert {"failure", "risk"} <= raised
    failure = next(
        f for f in flags if f.activity == "Community asset transfers" and f.concern == "failure"
    )
    assert "‘Community asset transfers’" in failure.reason


def test_oldham_co_designs_through_conversations_and_co_delivers_health_chats() -> None:
    categories = {a.name: a.category for a in _classified("oldham").activities}
    assert categories["Community conversations"] == "co_design"
    assert categories["Make Every Contact Count health chats"] == "co_delivery"
    assert {"co_design", "co_delivery"} <= set(categories.values())


def test_wirral_co_designs_its_food_strategy() -> None:
    categories = {a.name: a.category for a in _classified("wirral").activities}
    assert categories["Better Food Wirral research and strategy"] == "co_design"


def test_golden_key_co_designs_with_former_service_users() -> None:
    categories = {a.name: a.category for a in _classified("golden-key").activities}
    assert categories == {"Service redesign by former service users": "co_design"}


def test_plymouths_alliance_shares_no_decision_power_with_service_users() -> None:
    categories = [a.category for a in _classified("plymouth").activities]
    assert categories == ["consultation_only"]


@pytest.mark.parametrize("name", NAMES)
def test_every_source_an_example_cites_is_listed(name: str) -> None:
    data = _raw(name)
    listed = {source["id"] for source in data["sources"]}
    cited = set(_cited(data))
    assert cited, f"{name} cites no sources"
    assert cited <= listed


@pytest.mark.parametrize("name", NAMES)
def test_every_source_an_example_lists_is_cited_by_some_fact(name: str) -> None:
    data = _raw(name)
    listed = {source["id"] for source in data["sources"]}
    assert listed - set(_cited(data)) == set()


@pytest.mark.parametrize("name", NAMES)
def test_every_example_marks_what_is_inferred_or_unverified(name: str) -> None:
    data = _raw(name)
    inferred = [status for status in _statuses(data) if status == "inferred"]
    assert inferred or data.get("unverified"), f"{name} marks nothing as inferred or unverified"


@pytest.mark.parametrize("name", NAMES)
def test_classification_output_has_the_contracted_shape(name: str) -> None:
    result = _classified(name).to_dict()
    json.dumps(result)  # plain JSON types only
    assert {
        "partnership",
        "structure",
        "activities",
        "rationales",
        "accountability_flags",
    } <= set(result)
    assert result["partnership"] == load_example(name).name
    structure = result["structure"]
    assert {"label", "scores", "hybrid", "reasons"} <= set(structure)
    assert all(isinstance(v, float | int) for v in structure["scores"].values())
    assert isinstance(structure["hybrid"], bool)
    assert structure["reasons"] and all(isinstance(r, str) for r in structure["reasons"])
    assert result["activities"], f"{name} has no activities"
    for activity in result["activities"]:
        assert {"name", "category", "claimed", "rhetoric_mismatch", "reasons"} <= set(activity)
        assert isinstance(activity["rhetoric_mismatch"], bool)
        assert activity["claimed"] is None or isinstance(activity["claimed"], str)
    for rationale in result["rationales"]:
        assert {"code", "justified"} <= set(rationale)
        assert isinstance(rationale["justified"], bool)
    for flag in result["accountability_flags"]:
        assert {"question", "reason"} <= set(flag)
