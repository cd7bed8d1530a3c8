"""The guided assessment over the JSON API: same questions, same checks, problem documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from collabmap.store import Store
from collabmap.store.accounts import add_member, create_user
from collabmap.store.projects import create_project
from collabmap.web import create_app
from collabmap.web.api import assessments as api

PASSWORD = "correct horse battery"


class Api:
    """A client signed in through the pages' session, sending the CSRF header."""

    def __init__(self, store: Store, name: str) -> None:
        from tests.web.test_assessment_pages import _sign_in

        browser = _sign_in(store, name)
        self.client = browser.client
        self.headers = {"X-CSRF-Token": browser.csrf}

    def call(self, method: str, url: str, body: Any = None, *, csrf: bool = True) -> Any:
        return self.client.request(
            method, "/api" + url, json=body, headers=self.headers if csrf else {}
        )


@pytest.fixture
def project(store: Store) -> Iterator[Store]:
    for name in ("olga", "vic"):
        create_user(store, name, PASSWORD, actor="test")
    create_project(store, "Riverside", with_examples=True, owner="olga", actor="test")
    add_member(store, "Riverside", "vic", "viewer", actor="test")
    yield store


def test_an_assessment_is_answered_page_by_page_and_saved_as_a_partnership(
    project: Store,
) -> None:
    olga = Api(project, "olga")
    started = olga.call("POST", "/projects/Riverside/assessments", {})
    assert started.status_code == 201
    assert started.headers["location"].startswith("/api/projects/Riverside/assessments/")
    base = f"/projects/Riverside/assessments/{started.json()['id']}"
    pages: list[tuple[str, dict[str, Any]]] = [
        ("/topics/about", {"name": "Riverside Libraries"}),
        (
            "/topics/lead",
            {"lead.organisation": "Riverside Council", "lead.sector": "local_authority"},
        ),
        ("/topics/lead-role", {"lead_role": "reformer"}),
        ("/topics/scope", {"scope": "whole_place"}),
    ]
    for path, answers in pages:
        reply = olga.call("PUT", base + path, {"answers": answers})
        assert reply.status_code == 200, reply.json()
    added = olga.call("POST", base + "/topics/activities/items", {})
    assert added.json()["answers"]["activities"] == [{}]
    item_pages: list[tuple[str, dict[str, Any]]] = [
        ("what", {"name": "Library transfer", "called": "co-production"}),
        ("who", {"participants": ["community_group"], "level": "collective"}),
        ("phases", {"phases.delivery.citizens": "lead"}),
        ("transfers", {"transfers": ["assets"], "professionals_involved": "no"}),
    ]
    for page, answers in item_pages:
        body = {"answers": {f"activities[0].{k}": v for k, v in answers.items()}}
        reply = olga.call("PUT", f"{base}/topics/activities/items/0/{page}", body)
        assert reply.status_code == 200, reply.json()
    state = reply.json()
    assert state["problems"] == []
    assert state["classification"]["structure"]["label"] == "collaborative_council"
    activity = state["classification"]["activities"][0]
    assert activity["category"] == "community_self_organization" and activity["rhetoric_mismatch"]

    saved = olga.call("POST", base + "/submit", {"version": state["version"]})
    assert saved.json() == {"partnership": "Riverside Libraries"}


def test_a_wrong_answer_gives_field_level_problems(project: Store) -> None:
    olga = Api(project, "olga")
    base = f"/projects/Riverside/assessments/{olga.call('POST', '/projects/Riverside/assessments', {}).json()['id']}"
    reply = olga.call("PUT", base + "/topics/about", {"answers": {"name": ""}})
    assert reply.status_code == 422
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["errors"] == [{"field": "name", "message": "Enter the partnership’s name"}]
    reply = olga.call("PUT", base + "/topics/scope", {"answers": {"scope": 7}})
    assert reply.status_code == 422 and reply.json()["errors"]


def test_answers_from_a_stale_version_conflict(project: Store) -> None:
    olga = Api(project, "olga")
    state = olga.call("POST", "/projects/Riverside/assessments", {}).json()
    base = f"/projects/Riverside/assessments/{state['id']}"
    body = {"version": state["version"], "answers": {"name": "One"}}
    assert olga.call("PUT", base + "/topics/about", body).status_code == 200
    again = olga.call("PUT", base + "/topics/about", {**body, "answers": {"name": "Two"}})
    assert again.status_code == 409
    assert olga.call("GET", base).json()["answers"]["name"] == "One"


def test_refusals_are_problem_documents(project: Store) -> None:
    olga = Api(project, "olga")
    assert olga.call("POST", "/projects/Riverside/assessments", {}, csrf=False).status_code == 403
    assert olga.call("GET", "/projects/Elsewhere/assessments").status_code == 404
    state = olga.call("POST", "/projects/Riverside/assessments", {}).json()
    base = f"/projects/Riverside/assessments/{state['id']}"
    assert olga.call("PUT", base + "/topics/nowhere", {"answers": {}}).status_code == 404
    assert olga.call("PUT", base + "/topics/activities", {"answers": {}}).status_code == 422
    assert (
        olga.call("PUT", base + "/topics/activities/items/3/what", {"answers": {}}).status_code
        == 404
    )
    viewer = Api(project, "vic")
    refused = viewer.call("POST", "/projects/Riverside/assessments", {})
    assert refused.status_code == 403
    assert (
        refused.json()["detail"] == "you may not change this project"
    )  # starting one adds a partnership
    assert viewer.call("GET", base).status_code == 403
    anonymous = TestClient(create_app(project))
    assert anonymous.get("/api" + base).status_code == 401


def test_the_questions_and_every_assessment_route_are_in_the_openapi_document(
    project: Store,
) -> None:
    client = TestClient(create_app(project))
    assert client.get("/api/assessment-questions").status_code == 401
    client = Api(project, "olga").client
    questions = client.get("/api/assessment-questions").json()
    assert [t["id"] for t in questions][:2] == ["about", "lead"]
    sectors = questions[1]["questions"][1]["options"]
    assert {"value": "local_authority", "text": "Local authority"}.items() <= sectors[0].items()
    paths = client.get("/openapi.json").json()["paths"]
    for route in api.router.routes:
        assert "/api" + route.path in paths  # type: ignore[attr-defined]
