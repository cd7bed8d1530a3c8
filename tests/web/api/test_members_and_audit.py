"""Members and the audit log through the API: owners only, and never a project without an
owner."""

from __future__ import annotations

import pytest

from collabmap.store.audit import record
from collabmap.store.models import Project
from tests.web.api.conftest import PROJECT, World, is_problem, project_url

MEMBERS = project_url() + "/members"
AUDIT = project_url() + "/audit"


def test_an_owner_lists_the_members_with_their_roles(world: World) -> None:
    members = world.person("olive").get(MEMBERS).json()
    assert [(m["name"], m["role"]) for m in members] == [
        ("ali", "analyst"),
        ("olive", "owner"),
        ("rhea", "respondent"),
        ("vera", "viewer"),
    ]


def test_an_owner_gives_a_user_a_role_and_it_takes_effect(world: World) -> None:
    olive, oscar = world.person("olive"), world.person("oscar")
    is_problem(oscar.get(project_url()), 404)
    answer = olive.send("PUT", MEMBERS + "/Oscar", json={"role": "viewer"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"name": "oscar", "display_name": "Oscar", "role": "viewer"}
    assert oscar.get(project_url()).json()["role"] == "viewer"
    event = olive.get(AUDIT).json()["items"][0]
    assert (event["actor"], event["action"], event["target"]) == ("olive", "member.set", "oscar")
    assert event["detail"] == {"role": "viewer", "before": None}


def test_an_owner_removes_a_member_who_then_cannot_see_the_project(world: World) -> None:
    olive = world.person("olive")
    assert olive.send("DELETE", MEMBERS + "/vera").status_code == 204
    is_problem(world.person("vera").get(project_url() + "/partnerships"), 404)
    event = olive.get(AUDIT).json()["items"][0]
    assert (event["action"], event["target"], event["detail"]) == (
        "member.remove",
        "vera",
        {"before": "viewer"},
    )
    body = is_problem(olive.send("DELETE", MEMBERS + "/vera"), 404)
    assert body["detail"].startswith("unknown member 'vera'")


def test_the_last_owner_can_be_neither_removed_nor_demoted(world: World) -> None:
    olive = world.person("olive")
    body = is_problem(olive.send("DELETE", MEMBERS + "/olive"), 422)
    assert (
        body["detail"] == f"olive is the last owner of {PROJECT!r}; make another member owner first"
    )
    is_problem(olive.send("PUT", MEMBERS + "/olive", json={"role": "analyst"}), 422)
    assert olive.get(project_url()).json()["role"] == "owner"
    # with a second owner, the first may step down
    assert olive.send("PUT", MEMBERS + "/ali", json={"role": "owner"}).status_code == 200
    assert olive.send("PUT", MEMBERS + "/olive", json={"role": "viewer"}).status_code == 200
    is_problem(world.person("ali").send("DELETE", MEMBERS + "/ali"), 422)


def test_a_role_must_be_one_of_the_four(world: World) -> None:
    body = is_problem(
        world.person("olive").send("PUT", MEMBERS + "/oscar", json={"role": "admin"}), 422
    )
    assert body["errors"][0]["field"] == "role"


def test_giving_a_role_to_an_unknown_user_is_not_found(world: World) -> None:
    body = is_problem(
        world.person("olive").send("PUT", MEMBERS + "/nobody", json={"role": "viewer"}), 404
    )
    assert body["detail"] == "unknown user 'nobody'"


@pytest.mark.parametrize("who", ["ali", "rhea", "vera"])
def test_only_owners_manage_members_and_read_the_audit_log(world: World, who: str) -> None:
    person = world.person(who)
    assert is_problem(person.get(MEMBERS), 403)["detail"] == (
        "you may not manage who belongs to this project"
    )
    is_problem(person.send("PUT", MEMBERS + "/oscar", json={"role": "owner"}), 403)
    is_problem(person.send("DELETE", MEMBERS + "/olive"), 403)
    assert (
        is_problem(person.get(AUDIT), 403)["detail"] == "you may not read this project's audit log"
    )


def test_the_audit_log_is_newest_first_and_paged(world: World) -> None:
    with world.store.transaction() as session:
        project = session.query(Project).filter_by(name=PROJECT).one()
        for number in range(1, 121):
            record(session, "olive", "test.step", project=project, target=f"step {number}")
    olive = world.person("olive")
    first = olive.get(AUDIT).json()
    assert first["total"] >= 120 and first["per_page"] == 50
    assert [e["target"] for e in first["items"][:3]] == ["step 120", "step 119", "step 118"]
    assert first["items"][0]["at"].endswith("Z")  # UTC, said so
    second = olive.get(AUDIT, params={"page": 2, "per_page": 50}).json()
    assert second["items"][0]["target"] == "step 70"
    last = olive.get(AUDIT, params={"page": 999}).json()
    assert last["page"] == last["pages"] == first["pages"]
    is_problem(olive.get(AUDIT, params={"per_page": 0}), 422)
    is_problem(olive.get(AUDIT, params={"page": "first"}), 422)
