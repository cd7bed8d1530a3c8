"""A respondent's invitation link reaches their own assessment and nothing else: the holes
the access matrix (tests/web/test_access_matrix.py) found, each kept shut, on SQLite and
PostgreSQL."""

from __future__ import annotations

from collabmap.store.accounts import open_session_for
from tests.web.api.conftest import PROJECT, SOURCE, Person, World, is_problem, project_url
from tests.web.api.things import add_things


def _invited(world: World) -> Person:
    """The respondent as their link signs them in (an account with no password)."""
    things = add_things(world.store, PROJECT, "olive", source=SOURCE)
    client = world.client()
    token, signed_in = open_session_for(world.store, things.invited)
    client.cookies.set("collabmap_session", token)
    return Person(things.invited, client, signed_in.csrf_token)


def test_a_respondent_cannot_create_a_project_even_one_whose_name_is_taken(world: World) -> None:
    bea = _invited(world)
    body = is_problem(bea.send("POST", "/api/projects", json={"name": "Mine now"}), 403)
    assert "invitation link" in body["detail"]
    # a taken name gets the same answer, so the refusal tells nothing about other projects
    is_problem(bea.send("POST", "/api/projects", json={"name": PROJECT}), 403)
    page = bea.client.post("/projects", data={"name": "Mine now", "csrf_token": bea.csrf})
    assert page.status_code == 403
    assert [p["name"] for p in bea.get("/api/projects").json()] == [PROJECT]


def test_a_respondent_cannot_start_assessments_of_their_own(world: World) -> None:
    for respondent in (_invited(world), world.person("rhea")):
        before = respondent.get(project_url() + "/assessments").json()
        is_problem(respondent.send("POST", project_url() + "/assessments", json={}), 403)
        page = respondent.client.post(
            f"/projects/{PROJECT}/assessments", data={"csrf_token": respondent.csrf}
        )
        assert page.status_code == 403
        assert respondent.get(project_url() + "/assessments").json() == before


def test_those_who_add_partnerships_still_start_assessments(world: World) -> None:
    for name in ("olive", "ali"):
        answer = world.person(name).send("POST", project_url() + "/assessments", json={})
        assert answer.status_code == 201, answer.text


def test_a_respondent_does_not_see_what_the_project_holds(world: World) -> None:
    bea = _invited(world)
    is_problem(bea.get(project_url()), 403)
    assert world.person("vera").get(project_url()).json()["partnerships"] == 5


def test_a_body_that_is_not_text_is_a_documented_answer(world: World) -> None:
    """schemathesis found the 400 for an unreadable body missing from the document."""
    document = world.client().get("/openapi.json").json()
    for item in document["paths"].values():
        for operation in item.values():
            assert ("400" in operation["responses"]) == ("requestBody" in operation)
    olive = world.person("olive")
    answer = olive.send(
        "POST",
        project_url() + "/assessments",
        content=b"\xff\xfe not json",
        headers={"Content-Type": "application/json"},
    )
    is_problem(answer, 400)
