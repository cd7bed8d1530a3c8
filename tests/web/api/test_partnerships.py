"""Partnerships through the API: the list with the page's filters, one in full, and
profiles created and replaced — with the library's own messages for invalid profiles."""

from __future__ import annotations

from typing import Any

import pytest

from collabmap.classify import classify
from collabmap.examples import load_example
from collabmap.store.audit import project_log
from tests.web.api.conftest import PROJECT, World, is_problem, project_url

PARTNERSHIPS = project_url() + "/partnerships"


def _profile(name: str, **answers: Any) -> dict[str, Any]:
    return {
        "name": name,
        "place": "Riverside",
        "lead": {"organisation": "Riverside Council", "sector": "local_authority"},
        "scope": "whole_place",
        **answers,
    }


def test_the_list_gives_each_partnership_with_its_classification_in_brief(world: World) -> None:
    body = world.person("vera").get(PARTNERSHIPS).json()
    assert body["total"] == body["matching"] == 5
    assert (body["page"], body["pages"], body["per_page"]) == (1, 1, 50)
    wigan = next(item for item in body["items"] if item["name"] == "Wigan Deal")
    expected = classify(load_example("wigan"))
    assert wigan["label"] == expected.structure.label == "collaborative_council"
    assert wigan["scores"] == pytest.approx(expected.structure.scores)
    assert wigan["mismatches"] == sum(a.rhetoric_mismatch for a in expected.activities)


def test_the_list_filters_as_the_page_does(world: World) -> None:
    vera = world.person("vera")
    councils = vera.get(PARTNERSHIPS, params={"structure": "collaborative_council"}).json()
    assert councils["matching"] == 3
    assert all(item["label"] == "collaborative_council" for item in councils["items"])
    assert [i["name"] for i in vera.get(PARTNERSHIPS, params={"q": "wigan"}).json()["items"]] == [
        "Wigan Deal"
    ]
    mismatched = vera.get(PARTNERSHIPS, params={"mismatch": "true"}).json()["items"]
    assert mismatched and all(item["mismatches"] for item in mismatched)
    past_the_end = vera.get(PARTNERSHIPS, params={"page": 9}).json()
    assert past_the_end["page"] == 1 and len(past_the_end["items"]) == 5


def test_one_partnership_has_its_classification_as_classify_json_prints_it(world: World) -> None:
    body = world.person("vera").get(PARTNERSHIPS + "/Wigan%20Deal").json()
    assert body["classification"] == classify(load_example("wigan")).to_dict()
    assert body["profile"]["name"] == "Wigan Deal"
    assert body["problem"] is None
    assert body["evidence"] == {"sources": [], "quotes": []}


def test_an_analyst_adds_a_partnership_and_the_change_is_audited(world: World) -> None:
    ali = world.person("ali")
    answer = ali.send("POST", PARTNERSHIPS, json=_profile("Riverside Together"))
    assert answer.status_code == 201, answer.text
    assert answer.headers["location"] == PARTNERSHIPS + "/Riverside%20Together"
    assert answer.json()["classification"]["partnership"] == "Riverside Together"
    assert ali.get(PARTNERSHIPS).json()["total"] == 6
    event = project_log(world.store, PROJECT)[0]
    assert (event.actor, event.action, event.target) == (
        "ali",
        "partnership.create",
        "Riverside Together",
    )


def test_an_invalid_profile_is_answered_with_the_librarys_paths_and_messages(world: World) -> None:
    profile = _profile(
        "Riverside Together",
        lead={"organisation": "Riverside Council", "sector": "goverment"},
        activities=[{"name": "Health chats", "phases": {"design": {"citizens": "boss"}}}],
    )
    body = is_problem(world.person("ali").send("POST", PARTNERSHIPS, json=profile), 422)
    fields = {error["field"] for error in body["errors"]}
    assert "lead.sector" in fields
    assert any(field.startswith("activities[0].phases.design") for field in fields)
    assert all(error["message"] for error in body["errors"])
    assert world.person("ali").get(PARTNERSHIPS).json()["total"] == 5


def test_a_profile_must_be_a_json_object(world: World) -> None:
    body = is_problem(world.person("ali").send("POST", PARTNERSHIPS, json=["Wigan"]), 422)
    assert body["errors"]


def test_adding_a_partnership_under_a_taken_name_is_a_conflict(world: World) -> None:
    body = is_problem(
        world.person("ali").send("POST", PARTNERSHIPS, json=_profile("Wigan Deal")), 409
    )
    assert body["detail"] == "partnership 'Wigan Deal' already exists"


def test_a_profile_read_can_be_sent_back_unchanged(world: World) -> None:
    olive = world.person("olive")
    name = olive.get(PARTNERSHIPS).json()["items"][0]["name"]
    url = PARTNERSHIPS + "/" + name.replace(" ", "%20")
    read = olive.get(url).json()
    answer = olive.send("PUT", url, json=read["profile"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["classification"] == read["classification"]


def test_replacing_a_profile_can_rename_the_partnership(world: World) -> None:
    olive = world.person("olive")
    url = PARTNERSHIPS + "/Wigan%20Deal"
    profile = olive.get(url).json()["profile"]
    answer = olive.send("PUT", url, json={**profile, "name": "The Wigan Deal", "place": "Wigan"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["location"] == PARTNERSHIPS + "/The%20Wigan%20Deal"
    is_problem(olive.get(url), 404)
    event = project_log(world.store, PROJECT)[0]
    assert event.action == "partnership.update"
    assert event.detail["renamed_from"] == "Wigan Deal"
    assert "name" in event.detail["fields"]


def test_renaming_onto_another_partnership_is_a_conflict(world: World) -> None:
    olive = world.person("olive")
    url = PARTNERSHIPS + "/Wigan%20Deal"
    profile = olive.get(url).json()["profile"]
    other = olive.get(PARTNERSHIPS, params={"q": "oldham"}).json()["items"][0]["name"]
    is_problem(olive.send("PUT", url, json={**profile, "name": other}), 409)


def test_replacing_a_partnership_that_does_not_exist_is_not_found(world: World) -> None:
    body = is_problem(
        world.person("olive").send("PUT", PARTNERSHIPS + "/Nowhere", json=_profile("Nowhere")), 404
    )
    assert body["detail"].startswith("unknown partnership 'Nowhere'")


@pytest.mark.parametrize("who", ["vera", "rhea"])
def test_viewers_and_respondents_cannot_change_partnerships(world: World, who: str) -> None:
    person = world.person(who)
    body = is_problem(person.send("POST", PARTNERSHIPS, json=_profile("Riverside")), 403)
    assert body["detail"] == "you may not change this project"
    profile = world.person("olive").get(PARTNERSHIPS + "/Wigan%20Deal").json()["profile"]
    is_problem(person.send("PUT", PARTNERSHIPS + "/Wigan%20Deal", json=profile), 403)


def test_a_respondent_cannot_read_partnerships(world: World) -> None:
    rhea = world.person("rhea")
    is_problem(rhea.get(PARTNERSHIPS), 403)
    is_problem(rhea.get(PARTNERSHIPS + "/Wigan%20Deal"), 403)


def test_changes_need_the_csrf_header(world: World) -> None:
    olive = world.person("olive")
    is_problem(olive.client.post(PARTNERSHIPS, json=_profile("Riverside")), 403)
    is_problem(
        olive.send("POST", PARTNERSHIPS, json=_profile("Riverside"), headers={"X-CSRF-Token": ""}),
        403,
    )
    assert olive.get(PARTNERSHIPS).json()["total"] == 5


def test_the_typology_chart_data_and_image(world: World) -> None:
    vera = world.person("vera")
    data = vera.get(project_url() + "/charts/typology").json()
    assert [t["id"] for t in data["types"]][:1] == ["collaborative_council"]
    assert {p["name"] for p in data["partnerships"]} >= {"Wigan Deal"}
    image = vera.get(project_url() + "/charts/typology.svg")
    assert image.headers["content-type"] == "image/svg+xml"
    assert image.content.lstrip().startswith(b"<?xml") and b"<svg" in image.content
    is_problem(world.person("rhea").get(project_url() + "/charts/typology"), 403)
    is_problem(world.person("rhea").get(project_url() + "/charts/typology.svg"), 403)
