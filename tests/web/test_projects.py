"""Starting a project from the project list: bad input is explained, next to the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.axe import assert_accessible
from tests.web.conftest import ANALYST, Site, StorageState


@pytest.fixture
def analyst_page(browser: Browser, signed_in_states: dict[str, StorageState]) -> Iterator[Page]:
    context = browser.new_context(storage_state=signed_in_states[ANALYST.name])  # type: ignore[arg-type]
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_project_without_a_name_is_refused_with_the_error_summary(
    analyst_page: Page, sqlite_site: Site
) -> None:
    page = analyst_page
    page.goto(sqlite_site.at("/"))
    page.get_by_label("What the project is for (optional)").fill("Looking at our alliances")

    page.get_by_role("button", name="Start project").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    expect(summary.get_by_role("link", name="Enter a name for the project")).to_have_attribute(
        "href", "#name"
    )
    expect(page.locator("#name-error")).to_contain_text("Enter a name for the project")
    expect(page.get_by_label("What the project is for (optional)")).to_have_value(
        "Looking at our alliances"
    )
    expect(page.get_by_role("link", name="Riverside partnerships")).to_be_visible()


def test_a_project_name_too_long_is_refused_and_the_name_kept(
    analyst_page: Page, sqlite_site: Site
) -> None:
    page = analyst_page
    page.goto(sqlite_site.at("/"))
    page.get_by_label("Project name").fill("A" * 201)

    page.get_by_role("button", name="Start project").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Project name must be 200 characters or fewer"
    )
    expect(page.get_by_label("Project name")).to_have_value("A" * 201)
    expect(page.get_by_role("link", name="A" * 201)).to_have_count(0)


def test_a_new_project_opens_empty_and_is_listed(analyst_page: Page, sqlite_site: Site) -> None:
    page = analyst_page
    page.goto(sqlite_site.at("/"))
    page.get_by_label("Project name").fill("Alliances in Northmoor")
    page.get_by_label("What the project is for (optional)").fill("Our alliance contracts")

    page.get_by_role("button", name="Start project").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Alliances in Northmoor")
    expect(page.locator("#partnership-results")).to_contain_text("0 partnerships")
    expect(page.get_by_text("No partnerships yet.")).to_be_visible()
    assert_accessible(page, "a new, empty project")
    page.goto(sqlite_site.at("/"))
    row = page.get_by_role("row", name="Alliances in Northmoor")
    expect(row).to_contain_text("Our alliance contracts")
    expect(row).to_contain_text("Owner")
