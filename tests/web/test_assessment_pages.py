"""An officer completes the guided assessment in the web application (HTTP level; the
browser journeys are in the Playwright tests). Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from collabmap.store import Store
from collabmap.store.accounts import add_member, create_user
from collabmap.store.assessments import start_assessment
from collabmap.store.models import AuditEvent, Partnership, ProfileAnswer, User
from collabmap.store.projects import create_project
from collabmap.web import create_app

PASSWORD = "correct horse battery"


@dataclass
class Browser:
    """A signed-in client that knows its CSRF token."""

    client: TestClient
    csrf: str

    def post(self, url: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            url, data={**(data or {}), "csrf_token": self.csrf}, follow_redirects=False
        )

    def get(self, url: str) -> Any:
        return self.client.get(url, follow_redirects=False)


def _sign_in(store: Store, name: str) -> Browser:
    client = TestClient(create_app(store))
    page = client.get("/sign-in")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(
        "/sign-in",
        data={"form_token": token.group(1), "name": name, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert csrf is not None
    return Browser(client, csrf.group(1))


@pytest.fixture
def project(store: Store) -> Iterator[Store]:
    for name in ("olga", "vic", "rita", "ann"):
        create_user(store, name, PASSWORD, actor="test")
    create_project(store, "Riverside", with_examples=True, owner="olga", actor="test")
    add_member(store, "Riverside", "vic", "viewer", actor="test")
    add_member(store, "Riverside", "rita", "respondent", actor="test")
    add_member(store, "Riverside", "ann", "analyst", actor="test")
    yield store


def _start(browser: Browser) -> str:
    started = browser.post("/projects/Riverside/assessments")
    assert started.status_code == 303
    location: str = started.headers["location"]
    assert location.endswith("/about")
    return location.rsplit("/", 1)[0]


def _complete(browser: Browser, base: str) -> None:
    steps: list[tuple[str, dict[str, Any]]] = [
        ("/about", {"name": "Riverside Libraries", "place": "Riverside"}),
        ("/lead", {"lead.organisation": "Riverside Council", "lead.sector": "local_authority"}),
        ("/lead-role", {"lead_role": "reformer"}),
        ("/scope", {"scope": "whole_place"}),
        ("/practices", {"practices": ["internal_reform"]}),
        ("/partners", {}),
        ("/rationales", {"rationales": ["better_impact_value"]}),
    ]
    for path, data in steps:
        answer = browser.post(base + path, data)
        assert answer.status_code == 303, (path, answer.text[:2000])
    added = browser.post(base + "/activities/add")
    assert added.headers["location"].endswith("/activities/0/what")
    item_pages: list[tuple[str, dict[str, Any]]] = [
        ("what", {"name": "Library transfer", "called": "co-production"}),
        (
            "who",
            {
                "initiated_by": "public_body",
                "participants": ["community_group"],
                "level": "collective",
            },
        ),
        ("phases", {"phases.delivery.citizens": "lead"}),
        ("transfers", {"transfers": ["responsibility", "assets"], "professionals_involved": "no"}),
    ]
    for page, data in item_pages:
        prefixed = {f"activities[0].{k}": v for k, v in data.items()}
        answer = browser.post(f"{base}/activities/0/{page}", prefixed)
        assert answer.status_code == 303, (page, answer.text[:2000])


def test_an_officer_completes_an_assessment_and_sees_the_classification_with_reasons(
    project: Store,
) -> None:
    olga = _sign_in(project, "olga")
    base = _start(olga)
    _complete(olga, base)

    check = olga.get(base + "/check")
    assert check.status_code == 200
    text = check.text
    assert "Check your answers" in text
    assert "Collaborative council" in text
    assert "Community self-organization" in text
    assert "Mismatch" in text  # called co-production, but is self-organization
    assert "Who is responsible if the group or organisation cannot manage" in text

    saved = olga.post(base + "/save")
    assert saved.status_code == 303
    assert (
        saved.headers["location"]
        == "/projects/Riverside/partnerships/Riverside%20Libraries?saved=1"
    )
    shown = olga.get(saved.headers["location"])
    assert "Riverside Libraries" in shown.text and "Success" in shown.text
    listed = olga.get("/projects/Riverside")
    assert "Riverside Libraries" in listed.text and "6 partnerships" in listed.text


def test_a_page_with_a_blank_required_answer_shows_the_error_summary(project: Store) -> None:
    olga = _sign_in(project, "olga")
    base = _start(olga)
    page = olga.post(base + "/about", {"name": " "})
    assert page.status_code == 422
    assert "There is a problem" in page.text
    assert "<title>Error: About the partnership" in page.text
    assert 'href="#name"' in page.text and "Enter the partnership’s name" in page.text


def test_saving_is_refused_until_every_activity_is_complete(project: Store) -> None:
    olga = _sign_in(project, "olga")
    base = _start(olga)
    olga.post(base + "/about", {"name": "Half done"})
    olga.post(base + "/activities/add")
    olga.post(base + "/activities/0/what", {"activities[0].name": "Pledges"})
    check = olga.get(base + "/check")
    assert "Some answers need attention" in check.text
    assert f"{base}/activities/0/phases?back=check" in check.text
    refused = olga.post(base + "/save")
    assert refused.status_code == 422
    with project.reading() as session:
        assert session.scalar(select(Partnership).where(Partnership.name == "Half done")) is None


def test_changing_a_partnerships_answers_keeps_the_evidence_links_of_unchanged_answers(
    project: Store,
) -> None:
    with project.reading() as session:
        case = session.scalars(select(Partnership).where(Partnership.name == "Wigan Deal")).one()
        before = {
            row.path: row.id
            for row in session.scalars(
                select(ProfileAnswer).where(ProfileAnswer.partnership_id == case.id)
            )
        }
    ann = _sign_in(project, "ann")
    edit = ann.post("/projects/Riverside/partnerships/Wigan%20Deal/edit")
    assert edit.status_code == 303 and edit.headers["location"].endswith("/check")
    base = edit.headers["location"].rsplit("/", 1)[0]
    changed = ann.post(base + "/scope?", {"scope": "service_system", "back": "check"})
    assert changed.headers["location"] == base + "/check"
    saved = ann.post(base + "/save")
    assert saved.headers["location"].startswith("/projects/Riverside/partnerships/Wigan%20Deal")
    with project.reading() as session:
        case = session.scalars(select(Partnership).where(Partnership.name == "Wigan Deal")).one()
        after = {
            row.path: (row.id, row.value)
            for row in session.scalars(
                select(ProfileAnswer).where(ProfileAnswer.partnership_id == case.id)
            )
        }
        assert case.revision == 2
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "ann")))
    assert after["scope"] == (before["scope"], "service_system")
    assert {path: row for path, (row, _) in after.items()} == before
    assert actions.count("partnership.update") == 1 and "assessment.answer" in actions


def test_a_viewer_cannot_start_or_edit(project: Store) -> None:
    vic = _sign_in(project, "vic")
    assert "Start a guided assessment" not in vic.get("/projects/Riverside").text
    assert vic.post("/projects/Riverside/assessments").status_code == 403
    assert vic.post("/projects/Riverside/partnerships/Wigan%20Deal/edit").status_code == 403


def test_a_respondent_submits_answers_without_changing_the_partnerships(project: Store) -> None:
    rita = _sign_in(project, "rita")
    assert rita.get("/projects/Riverside/partnerships/Wigan%20Deal").status_code == 403
    # a respondent answers the assessment made for them (as an invitation does), and
    # cannot start others of their own
    assert rita.post("/projects/Riverside/assessments").status_code == 403
    with project.reading() as session:
        rita_id = session.scalar(select(User.id).where(User.name == "rita"))
    assert rita_id is not None
    draft = start_assessment(project, "Riverside", rita_id, actor="olga")
    base = f"/projects/Riverside/assessments/{draft.id}"
    _complete(rita, base)
    check = rita.get(base + "/check")
    assert "Submit answers" in check.text
    done = rita.post(base + "/save")
    assert done.status_code == 200 and "Answers submitted" in done.text
    with project.reading() as session:
        assert session.scalar(select(func.count()).select_from(Partnership)) == 5


def test_nobody_else_can_open_someones_assessment(project: Store) -> None:
    olga = _sign_in(project, "olga")
    base = _start(olga)
    ann = _sign_in(project, "ann")
    assert ann.get(base + "/about").status_code == 404
    assert ann.post(base + "/about", {"name": "Taken over"}).status_code == 404


def test_answers_from_an_out_of_date_page_are_refused_not_lost(project: Store) -> None:
    olga = _sign_in(project, "olga")
    base = _start(olga)
    first = olga.post(base + "/about", {"name": "First", "version": "1"})
    assert first.status_code == 303
    stale = olga.post(base + "/about", {"name": "Second", "version": "1"})
    assert stale.status_code == 422
    assert "changed in another window" in stale.text
    assert 'value="First"' in stale.text


def test_a_form_without_its_csrf_token_is_refused(project: Store) -> None:
    olga = _sign_in(project, "olga")
    answer = olga.client.post("/projects/Riverside/assessments", data={}, follow_redirects=False)
    assert answer.status_code == 403
    assert "did not come from collabmap" in answer.text


def test_a_tampered_choice_shows_a_field_message_not_an_error_page(project: Store) -> None:
    olga = _sign_in(project, "olga")
    base = _start(olga)
    page = olga.post(base + "/lead", {"lead.sector": "<script>alert(1)</script>"})
    assert page.status_code == 422
    assert "Choose one of the options" in page.text
    assert "<script>alert(1)</script>" not in page.text


def test_an_address_with_a_control_character_is_not_found_on_either_database(
    project: Store,
) -> None:
    olga = _sign_in(project, "olga")
    for url in ("/projects/%00", "/projects/Riverside/partnerships/Wig%00an", "/api/projects/%01x"):
        answer = olga.get(url)
        assert answer.status_code == 404, (url, answer.text[:300])
