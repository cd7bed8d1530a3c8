"""Two respondents disagree and the owner sees the conflict, in a real browser.

The owner invites two people from partner organisations by personal link; each opens their own
link in a browser of their own and answers the guided assessment about the same partnership,
differently on one question (what residents do when the day centre is designed). The owner
sees the answers side by side, the disagreement marked and the classification each set of
answers implies (co-design for the council, consultation for the community group), then agrees
a final profile from the group's answers; what each respondent said is still there afterwards.
A respondent can reach their own assessment and nothing else. Every page state is checked with
axe-core; the side-by-side view is also checked at phone width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from collabmap.store.models import Assessment, Project
from collabmap.store.projects import create_project
from tests.web.conftest import OWNER, Site, kind_shown, screenshot, sign_in
from tests.web.test_assessment_journey import Officer

COUNCIL = "Cath Brown, Wigan Council"
GROUP = "Gus Hale, Friends of the Day Centre"
PARTNERSHIP = "Wigan Deal"
ACTIVITY = "Day centre redesign"


@dataclass
class Answered:
    """A respondent's browser after submitting, and the address of their own assessment."""

    officer: Officer
    assessment: str


@pytest.fixture
def project(site: Site, request: pytest.FixtureRequest) -> str:
    """A project of this test's own on the shared site, holding the reference cases, so the
    respondents it invites change nothing other tests see."""
    name = f"Day centres {request.node.callspec.id}"
    store = site.open_store()
    try:
        create_project(store, name, with_examples=True, owner=OWNER.name, actor="test set-up")
    finally:
        store.close()
    return name


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser profiles opened by the test (one per person), all closed at the end."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _new_tab(browser: Browser, contexts: list[BrowserContext], width: int = 1280) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    contexts.append(context)
    return context.new_page()


def _invite(owner: Officer, respondent: str) -> str:
    """Make a personal link on the partnership's Respondents page, as the owner would."""
    page = owner.page
    page.get_by_label("Name and organisation").fill(respondent)
    page.get_by_label("7 days").check()
    page.get_by_role("button", name="Make a personal link").click()
    expect(page.get_by_role("heading", name="Invitation made")).to_be_visible()
    expect(page.locator("main")).to_contain_text(respondent)
    owner.check_page(f"respondents, {respondent} invited")
    link = page.locator("#link").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/respond/[A-Za-z0-9_-]{40,}", link), link
    return link


def _respond(tab: Page, link: str, *, residents_in_design: str, checked: bool) -> Answered:
    """Open the personal link and answer the assessment; ``checked``: run every page's checks
    (the second respondent sees the same pages, so only their last two are checked again)."""
    respondent = Officer(tab, "desktop")

    def check(name: str) -> None:
        if checked:
            respondent.check_page(f"respondent's {name}")

    tab.goto(link)
    tab.wait_for_url("**/about")
    assessment = tab.url.rsplit("/", 1)[0]
    expect(tab.locator('input[name="name"]')).to_have_value(PARTNERSHIP)  # named for them
    check("about")
    respondent.next()
    check("lead")
    respondent.fill("lead.organisation", "Wigan Council")
    respondent.choose("lead.sector", "local_authority")
    respondent.next()
    check("lead-role")
    respondent.choose("lead_role", "reformer")
    respondent.next()
    check("scope")
    respondent.choose("scope", "whole_place")
    respondent.next()
    while "/activities" not in tab.url:  # practices, partners, rationales: left as they are
        tab.wait_for_load_state("load")
        check(tab.url.rsplit("/", 1)[1])
        respondent.next()
    tab.get_by_role("button", name="Add an activity").click()
    tab.wait_for_url("**/activities/0/what")
    check("activity: what")
    respondent.fill("activities[0].name", ACTIVITY)
    respondent.fill("activities[0].called", "co-design")
    respondent.next()
    check("activity: who")
    respondent.choose("activities[0].participants", "service_users")
    respondent.choose("activities[0].level", "group")
    respondent.next()
    check("activity: phases")
    respondent.choose("activities[0].phases.design.professionals", "active")
    respondent.choose("activities[0].phases.design.citizens", residents_in_design)
    respondent.next()
    check("activity: transfers")
    respondent.next()
    check("activities")
    respondent.next()
    for _ in range(10):  # the topics after the activities are left as they are
        tab.wait_for_load_state("load")
        if tab.url.endswith("/check"):
            break
        check(tab.url.rsplit("/", 1)[1])
        respondent.next()
    tab.wait_for_url("**/check")
    respondent.check_page("respondent's check your answers")
    tab.get_by_role("button", name="Submit answers").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Answers submitted")
    respondent.check_page("respondent's answers submitted")
    return Answered(respondent, assessment)


def _refused(tab: Page, url: str) -> int:
    """The HTTP status a respondent gets on opening ``url`` in their browser."""
    response = tab.goto(url)
    assert response is not None
    return response.status


def test_two_respondents_disagree_and_the_owner_sees_the_conflict_and_agrees(
    browser: Browser, contexts: list[BrowserContext], site: Site, project: str
) -> None:
    project_url = site.at(f"/projects/{quote(project, safe='')}")
    partnership_url = f"{project_url}/partnerships/{quote(PARTNERSHIP, safe='')}"
    owner = Officer(_new_tab(browser, contexts), "desktop")
    sign_in(owner.page, site, OWNER)

    # the owner invites a respondent from each of two partner organisations
    owner.page.goto(partnership_url)
    owner.page.get_by_role("link", name="Respondents", exact=True).click()
    owner.check_page("respondents, nobody invited")
    council_link = _invite(owner, COUNCIL)
    group_link = _invite(owner, GROUP)
    assert council_link != group_link
    invited = owner.page.get_by_role("table", name="Invited")
    expect(invited).to_contain_text("Not opened")

    # each answers in a browser of their own; they differ on what residents do in design
    council = _respond(
        _new_tab(browser, contexts), council_link, residents_in_design="active", checked=True
    )
    group = _respond(
        _new_tab(browser, contexts), group_link, residents_in_design="consulted", checked=False
    )

    # the owner sees both answered, and the answers side by side (the page is opened afresh:
    # reloading the page the invitation form was posted to would post it again)
    owner.page.goto(f"{partnership_url}/respondents")
    expect(invited.get_by_role("row", name=re.compile(re.escape(COUNCIL)))).to_contain_text(
        "Answered"
    )
    owner.check_page("respondents, both answered")
    owner.page.get_by_role("link", name="See the answers side by side").click()
    expect(owner.page.get_by_role("heading", level=1)).to_have_text("Answers side by side")
    _the_conflict_is_shown(owner.page)
    owner.check_page("answers side by side")
    screenshot(owner.page, "consensus side by side 1280")
    owner.page.set_viewport_size({"width": 375, "height": 800})
    owner.width = "mobile"
    owner.check_page("answers side by side")
    screenshot(owner.page, "consensus side by side 375")
    # on a phone each answer takes the width of the screen, under the name of who gave it
    questions = owner.page.get_by_role("table", name="Each respondent's answer to each question")
    for answer in questions.locator("tr.app-disagree td").all():
        box = answer.bounding_box()
        assert box is not None and box["width"] > 300, box
    expect(questions.locator("tr.app-disagree td").first).to_have_attribute("data-label", COUNCIL)
    owner.page.set_viewport_size({"width": 1280, "height": 900})
    owner.width = "desktop"

    # a respondent reaches their own assessment, and nothing else
    tab = council.officer.page
    assert _refused(tab, f"{group.assessment}/about") == 404
    expect(tab.locator('input[name="name"]')).to_have_count(0)  # no form of theirs
    council.officer.check_page("another respondent's assessment, refused")
    for refused in (
        project_url,
        f"{project_url}/sources",
        partnership_url,
        f"{partnership_url}/responses",
        f"{partnership_url}/respondents",
        f"{project_url}/audit",
    ):
        assert _refused(tab, refused) == 403, refused
        expect(tab.get_by_role("heading", level=1)).not_to_contain_text(PARTNERSHIP)
    council.officer.check_page("the partnership, refused")
    assert _refused(tab, f"{council.assessment}/check") == 200
    expect(tab.get_by_role("heading", level=1)).to_have_text("Check your answers")

    # the owner agrees a final profile from the community group's answers
    owner.page.get_by_label(GROUP).check()
    owner.page.get_by_role("button", name="Start the agreed profile").click()
    owner.page.wait_for_url("**/check")
    expect(owner.page.locator("main")).to_contain_text("Consultation only")
    owner.check_page("agreed profile, check your answers")
    owner.page.get_by_role("button", name="Save changes").click()
    expect(owner.page.get_by_role("heading", level=1)).to_have_text(PARTNERSHIP)
    expect(owner.page.locator("main")).to_contain_text(ACTIVITY)
    expect(kind_shown(owner.page)).to_be_visible()
    owner.check_page("partnership with the agreed profile")

    # the record of who said what is kept: the view is unchanged, and the log says whose
    owner.page.get_by_role("link", name="Respondents’ answers side by side").click()
    _the_conflict_is_shown(owner.page)
    owner.page.goto(f"{project_url}/audit")
    expect(owner.page.locator("main")).to_contain_text(f"agreeing from {GROUP}'s answers")
    owner.check_page("audit log")
    _both_respondents_answers_are_kept(site, project)


def _the_conflict_is_shown(page: Page) -> None:
    implied = page.get_by_role("table", name="The classification each respondent's answers imply")
    expect(implied.get_by_role("row", name=re.compile(re.escape(COUNCIL)))).to_contain_text(
        "Co-design"
    )
    expect(implied.get_by_role("row", name=re.compile(re.escape(GROUP)))).to_contain_text(
        "Consultation only"
    )
    expect(implied.get_by_role("columnheader", name=re.compile(ACTIVITY))).to_contain_text(
        "Disagree"
    )
    expect(page.locator("main")).to_contain_text(re.compile(r"The answers differ on 1 of \d+ "))
    questions = page.get_by_role("table", name="Each respondent's answer to each question")
    design = questions.locator("tr.app-disagree", has_text="In design, what do residents do?")
    expect(design).to_have_count(1)
    expect(design).to_contain_text("Disagree")
    cells = design.locator("td")
    assert cells.nth(0).inner_text() != cells.nth(1).inner_text()
    agreed = questions.locator("tr", has_text="Which sector is the lead organisation in?")
    expect(agreed).not_to_contain_text("Disagree")
    expect(agreed.locator("td").last).to_have_text("100%")


def _both_respondents_answers_are_kept(site: Site, project: str) -> None:
    store = site.open_store()
    try:
        with store.reading() as session:
            kept = [
                row.answers
                for row in session.scalars(
                    select(Assessment)
                    .join(Project, Project.id == Assessment.project_id)
                    .where(Project.name == project, Assessment.submitted_at.is_not(None))
                    .order_by(Assessment.id)
                )
            ]
    finally:
        store.close()
    residents = [a["activities"][0]["phases"]["design"]["citizens"] for a in kept]
    # the council's answers, the group's, and the agreed profile made from the group's
    assert residents == ["active", "consulted", "consulted"], residents
