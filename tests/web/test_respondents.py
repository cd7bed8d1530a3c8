"""Several respondents assess one partnership separately; the owner sees where they disagree
and agrees a final profile. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from collabmap.store import Store
from collabmap.store.accounts import create_user
from collabmap.store.invitations import invite_respondent
from collabmap.store.models import Assessment, AuditEvent, Invitation, Partnership
from collabmap.store.projects import create_project
from collabmap.web import create_app
from tests.web.test_assessment_pages import PASSWORD, Browser, _sign_in


@pytest.fixture
def project(store: Store) -> Iterator[Store]:
    create_user(store, "olga", PASSWORD, actor="test")
    create_project(store, "Riverside", with_examples=True, owner="olga", actor="test")
    yield store


RESPONDENTS = "/projects/Riverside/partnerships/Wigan%20Deal/respondents"


def _invite(olga: Browser, respondent: str) -> str:
    made = olga.post(RESPONDENTS, {"respondent": respondent, "days": "14"})
    assert made.status_code == 303, made.text  # redirected, so a reload cannot post again
    page = olga.get(made.headers["location"])
    assert page.status_code == 200, page.text
    link = re.search(r'id="link" type="text" value="([^"]+)"', page.text)
    assert link is not None
    return link.group(1)


def _respond(store: Store, link: str, *, design: str) -> Browser:
    """A respondent follows their link and answers about one activity."""
    client = TestClient(create_app(store))
    opened = client.get(link.replace("http://testserver", ""), follow_redirects=False)
    assert opened.status_code == 303
    about = opened.headers["location"]
    assert re.fullmatch(r"/projects/Riverside/assessments/\d+/about", about)
    page = client.get(about)
    assert 'value="Wigan Deal"' in page.text  # the partnership is named for them
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert csrf is not None
    browser = Browser(client, csrf.group(1))
    base = about.rsplit("/", 1)[0]
    for path, data in [
        ("/about", {"name": "Wigan Deal"}),
        ("/lead", {"lead.organisation": "Wigan Council", "lead.sector": "local_authority"}),
        ("/lead-role", {"lead_role": "reformer"}),
        ("/scope", {"scope": "whole_place"}),
    ]:
        assert browser.post(base + path, data).status_code == 303
    browser.post(base + "/activities/add")
    item_pages: list[tuple[str, dict[str, Any]]] = [
        ("what", {"name": "Day centre redesign", "called": "co-design"}),
        ("who", {"participants": ["service_users"], "level": "group"}),
        (
            "phases",
            {"phases.design.professionals": "active", "phases.design.citizens": design},
        ),
        ("transfers", {}),
    ]
    for item_page, data in item_pages:
        prefixed = {f"activities[0].{k}": v for k, v in data.items()}
        answer = browser.post(f"{base}/activities/0/{item_page}", prefixed)
        assert answer.status_code == 303, answer.text[:3000]
    done = browser.post(base + "/save")
    assert "Answers submitted" in done.text
    return browser


def test_two_respondents_disagree_and_the_owner_sees_the_conflict(project: Store) -> None:
    olga = _sign_in(project, "olga")
    council = _respond(project, _invite(olga, "Cath, Wigan Council"), design="active")
    group = _respond(project, _invite(olga, "Gus, Friends of the Day Centre"), design="consulted")

    page = olga.get("/projects/Riverside/partnerships/Wigan%20Deal/responses")
    assert page.status_code == 200
    text = page.text
    assert "Cath, Wigan Council" in text and "Gus, Friends of the Day Centre" in text
    # the council's answers make it co-design; the group's make it consultation
    assert "Co-design" in text and "Consultation only" in text
    assert text.count("Disagree") >= 2  # the activity, and the design-phase question
    assert "In design, what do residents do?" in text

    # each respondent sees only their own assessment
    mine = council.get("/projects/Riverside/assessments")
    assert mine.text.count("/check") == 1
    assert council.get("/projects/Riverside/partnerships/Wigan%20Deal").status_code == 403
    assert group.get("/projects/Riverside/partnerships/Wigan%20Deal/responses").status_code == 403


def test_the_owner_agrees_a_final_profile_and_the_respondents_answers_are_kept(
    project: Store,
) -> None:
    olga = _sign_in(project, "olga")
    _respond(project, _invite(olga, "Cath, Wigan Council"), design="active")
    _respond(project, _invite(olga, "Gus, Friends"), design="consulted")
    started = olga.post(
        "/projects/Riverside/partnerships/Wigan%20Deal/responses/agree",
        {"basis": "Gus, Friends"},
    )
    assert started.status_code == 303
    base = started.headers["location"].rsplit("/", 1)[0]
    check = olga.get(base + "/check")
    assert "Consultation only" in check.text
    saved = olga.post(base + "/save")
    assert saved.headers["location"].startswith("/projects/Riverside/partnerships/Wigan%20Deal")
    with project.reading() as session:
        case = session.scalars(select(Partnership).where(Partnership.name == "Wigan Deal")).one()
        assert case.profile is not None
        assert case.profile["activities"][0]["name"] == "Day centre redesign"
        kept = list(session.scalars(select(Assessment).where(Assessment.submitted_at.is_not(None))))
        reasons = list(
            session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "assessment.start")
            )
        )
    assert len(kept) == 3  # two respondents' answers, and the agreed one
    assert {"editing": "Wigan Deal", "reason": "agreeing from Gus, Friends's answers"} in reasons


def test_a_link_that_is_expired_withdrawn_or_made_up_lets_nobody_in(project: Store) -> None:
    token, invitation = invite_respondent(
        project, "Riverside", "Wigan Deal", "Ann, Partner", actor="olga"
    )
    client = TestClient(create_app(project))
    assert client.get("/respond/not-a-real-token").status_code == 403
    with project.transaction() as session:
        session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id)
            .values(expires_at=invitation.created_at - timedelta(days=1))
        )
    expired = client.get(f"/respond/{token}")
    assert expired.status_code == 403 and "expired" in expired.text

    token, invitation = invite_respondent(project, "Riverside", "Wigan Deal", "Bo", actor="olga")
    assert client.get(f"/respond/{token}", follow_redirects=False).status_code == 303
    olga = _sign_in(project, "olga")
    olga.post(f"/projects/Riverside/partnerships/Wigan%20Deal/respondents/{invitation.id}/revoke")
    # the withdrawn link no longer opens, and the session it opened has ended
    assert client.get(f"/respond/{token}").status_code == 403
    assert client.get("/projects/Riverside/assessments", follow_redirects=False).status_code == 303


def test_the_link_is_shown_once_and_reloading_makes_no_second_invitation(
    project: Store,
) -> None:
    olga = _sign_in(project, "olga")
    link = _invite(olga, "Ann Smith, Wigan Council")
    again = olga.get(RESPONDENTS)  # the officer reloads the page
    assert link not in again.text and 'id="link"' not in again.text
    with project.reading() as session:
        assert len(session.scalars(select(Invitation)).all()) == 1
    # the link still works
    client = TestClient(create_app(project))
    assert (
        client.get(link.replace("http://testserver", ""), follow_redirects=False).status_code == 303
    )


def test_only_the_owner_invites(project: Store) -> None:
    from collabmap.store.accounts import add_member

    create_user(project, "ann", PASSWORD, actor="test")
    add_member(project, "Riverside", "ann", "analyst", actor="test")
    ann = _sign_in(project, "ann")
    refused = ann.post(
        "/projects/Riverside/partnerships/Wigan%20Deal/respondents", {"respondent": "Someone"}
    )
    assert refused.status_code == 403
    olga = _sign_in(project, "olga")
    blank = olga.post(
        "/projects/Riverside/partnerships/Wigan%20Deal/respondents", {"respondent": " "}
    )
    assert blank.status_code == 422 and "Enter the respondent’s name and organisation" in blank.text


def test_the_respondent_api_invites_compares_and_agrees(project: Store) -> None:
    olga = _sign_in(project, "olga")
    headers = {"X-CSRF-Token": olga.csrf}
    url = "/api/projects/Riverside/partnerships/Wigan%20Deal"
    invited = olga.client.post(url + "/respondents", json={"respondent": "Cath"}, headers=headers)
    assert invited.status_code == 201
    assert invited.json()["link"].startswith("http://testserver/respond/")
    _respond(project, invited.json()["link"], design="active")
    second = olga.client.post(url + "/respondents", json={"respondent": "Gus"}, headers=headers)
    _respond(project, second.json()["link"], design="consulted")

    listed = olga.client.get(url + "/respondents").json()
    assert [(i["respondent"], i["status"]) for i in listed] == [
        ("Gus", "submitted"),
        ("Cath", "submitted"),
    ]
    assert all("link" not in i for i in listed)  # the link is given once
    report = olga.client.get(url + "/responses").json()
    assert report["respondents"] == ["Cath", "Gus"] and report["pending"] == []
    [activity] = report["activities"]
    assert activity["categories"] == {"Cath": "co_design", "Gus": "consultation_only"}
    assert activity["disagreement"] is True

    agreed = olga.client.post(url + "/responses/agree", json={"basis": "Gus"}, headers=headers)
    assert agreed.status_code == 201 and agreed.json()["partnership"] == "Wigan Deal"
    unknown = olga.client.post(url + "/responses/agree", json={"basis": "Zed"}, headers=headers)
    assert unknown.status_code == 404

    gone = olga.client.delete(f"{url}/respondents/{listed[0]['id']}", headers=headers)
    assert gone.status_code == 204
    no_csrf = olga.client.post(url + "/respondents", json={"respondent": "X"})
    assert no_csrf.status_code == 403
    assert no_csrf.headers["content-type"] == "application/problem+json"


def test_a_respondent_sees_their_project_named_but_not_its_contents(project: Store) -> None:
    token, _ = invite_respondent(project, "Riverside", "Wigan Deal", "Ann, Partner", actor="olga")
    client = TestClient(create_app(project))
    assert client.get(f"/respond/{token}", follow_redirects=False).status_code == 303
    (listed,) = client.get("/api/projects").json()
    assert listed["name"] == "Riverside" and listed["role"] == "respondent"
    assert listed["partnerships"] is None and listed["sources"] is None
    page = client.get("/")
    assert "Riverside" in page.text and "not shown to respondents" in page.text
    assert "Start a project" not in page.text  # they could not: see the access matrix
    olga = _sign_in(project, "olga")
    (own,) = olga.client.get("/api/projects").json()
    assert own["partnerships"] > 0 and own["sources"] == 0
    assert "Start a project" in olga.client.get("/").text
