"""The owners' pages: members (with field-level errors) and the audit log."""

from __future__ import annotations

import re

import pytest

from collabmap.store.accounts import list_members
from collabmap.store.audit import record
from collabmap.store.models import Project
from tests.web.api.conftest import PROJECT, World

PAGE = "/projects/Reference%20cases"


def _roles(world: World) -> dict[str, str]:
    return {account.name: role for account, role in list_members(world.store, PROJECT)}


def test_an_owner_sees_the_members_with_their_roles(world: World) -> None:
    page = world.person("olive").get(PAGE + "/members")
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Members</h1>' in page.text
    for name, role in [("ali", "Analyst"), ("rhea", "Respondent"), ("vera", "Viewer")]:
        assert re.search(rf"<td[^>]*>{name}</td>\s*<td[^>]*>{role}</td>", page.text)


def test_an_owner_gives_a_user_a_role_through_the_form(world: World) -> None:
    olive = world.person("olive")
    answer = olive.client.post(
        PAGE + "/members",
        data={"csrf_token": olive.csrf, "user": "Oscar", "role": "analyst"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert _roles(world)["oscar"] == "analyst"
    shown = olive.get(answer.headers["location"])
    assert "oscar is now analyst of this project." in shown.text


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"user": "", "role": "viewer"}, "user", "Enter the user name of the person to add"),
        ({"user": "oscar"}, "role", "Select a role"),
        ({"user": "oscar", "role": "admin"}, "role", "Select a role"),
        (
            {"user": "nobody", "role": "viewer"},
            "user",
            "There is no user called nobody; check the spelling",
        ),
        (
            {"user": "olive", "role": "viewer"},
            "role",
            "The project must keep an owner: make another member an owner before changing olive’s role",
        ),
    ],
    ids=["no-user", "no-role", "unknown-role", "unknown-user", "last-owner"],
)
def test_a_bad_role_form_shows_the_error_summary_and_the_field_message(
    world: World, form: dict[str, str], field: str, message: str
) -> None:
    olive = world.person("olive")
    before = _roles(world)
    page = olive.client.post(PAGE + "/members", data={"csrf_token": olive.csrf, **form})
    assert page.status_code == 422
    assert "<title>Error: " in page.text
    assert "There is a problem" in page.text
    escaped = message.replace("'", "&#39;")
    assert f'<a href="#{field}">{escaped}</a>' in page.text
    assert f'id="{field}-error"' in page.text
    assert _roles(world) == before


def test_an_owner_removes_a_member(world: World) -> None:
    olive = world.person("olive")
    answer = olive.client.post(
        PAGE + "/members/vera/remove", data={"csrf_token": olive.csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert "vera" not in _roles(world)
    assert "vera no longer belongs to this project." in olive.get(answer.headers["location"]).text
    again = olive.client.post(PAGE + "/members/vera/remove", data={"csrf_token": olive.csrf})
    assert again.status_code == 422
    assert "vera is not a member of this project" in again.text


def test_the_last_owner_cannot_be_removed_from_the_page(world: World) -> None:
    olive = world.person("olive")
    assert "/members/olive/remove" not in olive.get(PAGE + "/members").text  # no button
    page = olive.client.post(PAGE + "/members/olive/remove", data={"csrf_token": olive.csrf})
    assert page.status_code == 422
    assert (
        "The project must keep an owner: make another member an owner before removing olive"
        in page.text
    )
    assert _roles(world)["olive"] == "owner"


def test_member_forms_need_the_csrf_token(world: World) -> None:
    olive = world.person("olive")
    answer = olive.client.post(PAGE + "/members", data={"user": "oscar", "role": "owner"})
    assert answer.status_code == 403
    answer = olive.client.post(PAGE + "/members/vera/remove", data={"csrf_token": "forged"})
    assert answer.status_code == 403
    assert _roles(world) == {
        "ali": "analyst",
        "olive": "owner",
        "rhea": "respondent",
        "vera": "viewer",
    }


@pytest.mark.parametrize("who", ["ali", "vera", "rhea"])
def test_only_owners_reach_the_members_and_audit_pages(world: World, who: str) -> None:
    person = world.person(who)
    assert person.get(PAGE + "/members").status_code == 403
    assert person.get(PAGE + "/audit").status_code == 403
    answer = person.client.post(
        PAGE + "/members", data={"csrf_token": person.csrf, "user": who, "role": "owner"}
    )
    assert answer.status_code == 403
    assert _roles(world)[who] != "owner"


def test_an_outsider_is_told_the_project_does_not_exist(world: World) -> None:
    oscar = world.person("oscar")
    assert oscar.get(PAGE + "/members").status_code == 404
    assert oscar.get(PAGE + "/audit").status_code == 404


def test_the_audit_log_page_lists_changes_newest_first_a_page_at_a_time(world: World) -> None:
    with world.store.transaction() as session:
        project = session.query(Project).filter_by(name=PROJECT).one()
        for number in range(1, 61):
            record(
                session,
                "olive",
                "test.step",
                project=project,
                target=f"step {number}",
                detail={"fields": ["place", "scope"], "renamed_from": None},
            )
    olive = world.person("olive")
    page = olive.get(PAGE + "/audit")
    assert page.status_code == 200
    assert page.text.index("step 60") < page.text.index("step 59")
    assert "fields: place, scope; renamed from: none" in page.text
    assert "Page 1 of 2" in page.text
    assert "step 10<" not in page.text
    older = olive.get(PAGE + "/audit", params={"page": 2})
    assert "step 10<" in older.text and "Page 2 of 2" in older.text
    assert olive.get(PAGE + "/audit", params={"page": "x"}).status_code == 422


def test_the_project_page_links_an_owner_to_members_and_audit(world: World) -> None:
    page = world.person("olive").get(PAGE)
    assert 'href="/projects/Reference%20cases/members"' in page.text
    assert 'href="/projects/Reference%20cases/audit"' in page.text
