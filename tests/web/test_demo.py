"""``collabmap demo``: an officer trying collabmap sees the reference cases at once."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.axe import assert_accessible
from tests.web.conftest import DEMO_PROJECT, REFERENCE_CASES, kind_shown, screenshot


def test_demo_opens_straight_into_the_reference_cases_without_signing_in(
    page: Page, demo: str
) -> None:
    page.goto(demo + "/")

    assert page.url == demo + "/projects/Reference%20cases"
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO_PROJECT)
    expect(page.get_by_text("Demo", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    results = page.locator("#partnership-results")
    for name in REFERENCE_CASES:
        expect(results.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(results).to_contain_text("5 partnerships.")


def test_demo_shows_the_typology_chart_and_its_counts(page: Page, demo: str) -> None:
    page.goto(demo + "/")

    chart = page.locator("img.app-chart")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('img.app-chart').complete")
    assert chart.evaluate("image => image.naturalWidth") > 300, "the chart did not load"
    counts = page.get_by_role("table", name="Partnerships by kind")
    expect(counts.get_by_role("row", name="Collaborative council 3")).to_be_visible()
    expect(counts.get_by_role("row", name="Agent of change 1")).to_be_visible()
    screenshot(page, "demo desktop")
    assert_accessible(page, "the demo's project page")


def test_demo_partnership_shows_classification_with_reasons(page: Page, demo: str) -> None:
    page.goto(demo + "/")
    page.get_by_role("link", name="Golden Key", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Golden Key")
    expect(kind_shown(page)).to_have_text("Agent of change")
    expect(page.get_by_role("heading", name="Why", exact=True)).to_be_visible()
    assert page.locator("h3:text-is('Why') + ul > li").count() >= 2
    assert_accessible(page, "a partnership in the demo")
