"""Projects through the API: mine only, and new ones owned by their creator."""

from __future__ import annotations

from tests.web.api.conftest import PROJECT, World, is_problem, project_url


def test_a_user_lists_only_the_projects_they_belong_to_with_their_role(world: World) -> None:
    (project,) = world.person("vera").get("/api/projects").json()
    assert project["name"] == PROJECT
    assert project["role"] == "viewer"
    assert project["partnerships"] == 5
    assert world.person("oscar").get("/api/projects").json() == []


def test_the_creator_of_a_project_becomes_its_owner(world: World) -> None:
    oscar = world.person("oscar")
    answer = oscar.send("POST", "/api/projects", json={"name": "Riverside study"})
    assert answer.status_code == 201
    assert answer.headers["location"] == "/api/projects/Riverside%20study"
    assert answer.json() == {
        "name": "Riverside study",
        "role": "owner",
        "description": None,
        "partnerships": 0,
        "sources": 0,
    }
    assert oscar.get(answer.headers["location"]).json()["role"] == "owner"
    members = oscar.get("/api/projects/Riverside%20study/members").json()
    assert members == [{"name": "oscar", "display_name": "Oscar", "role": "owner"}]


def test_a_taken_project_name_is_a_conflict(world: World) -> None:
    # oscar does not belong to the project, but a name is unique across the store
    body = is_problem(
        world.person("oscar").send("POST", "/api/projects", json={"name": PROJECT}), 409
    )
    assert body["detail"] == f"project {PROJECT!r} already exists"


def test_a_blank_project_name_is_refused_by_field(world: World) -> None:
    olive = world.person("olive")
    body = is_problem(olive.send("POST", "/api/projects", json={"name": ""}), 422)
    assert body["errors"][0]["field"] == "name"
    body = is_problem(olive.send("POST", "/api/projects", json={"name": "   "}), 422)
    assert "1 to 200 characters" in body["detail"]
    assert [p["name"] for p in olive.get("/api/projects").json()] == [PROJECT]


def test_a_project_of_others_is_as_unknown_as_one_that_does_not_exist(world: World) -> None:
    oscar = world.person("oscar")
    hidden = is_problem(oscar.get(project_url()), 404)
    missing = is_problem(oscar.get(project_url("Nowhere")), 404)
    assert hidden["detail"] == f"unknown project {PROJECT!r}"
    assert missing["detail"] == "unknown project 'Nowhere'"
    is_problem(oscar.get(project_url() + "/partnerships"), 404)


def test_nobody_signed_in_is_asked_to_sign_in(world: World) -> None:
    client = world.client()
    for url in ["/api/projects", project_url(), project_url() + "/partnerships"]:
        is_problem(client.get(url), 401)
    is_problem(client.post("/api/projects", json={"name": "x"}), 401)
