"""Filtering the partnership list: the results and the address change in place (htmx), and
the address, opened again, shows the same results."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import OWNER, Site, StorageState


@pytest.fixture
def owner_page(browser: Browser, signed_in_states: dict[str, StorageState]) -> Iterator[Page]:
    context = browser.new_context(storage_state=signed_in_states[OWNER.name])  # type: ignore[arg-type]
    try:
        yield context.new_page()
    finally:
        context.close()


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _listed(page: Page) -> list[str]:
    return page.locator("#partnership-results tbody a").all_inner_texts()


def test_choosing_a_kind_updates_results_and_address_without_reloading(
    owner_page: Page, sqlite_site: Site
) -> None:
    page = owner_page
    page.goto(sqlite_site.project_url)
    page.evaluate("window.sameDocument = true")

    page.get_by_label("Kind of partnership").select_option(label="Agent of change")

    page.wait_for_url("**structure=agent_of_change**")
    expect(page.locator("#partnership-results")).to_contain_text("1 of 5 partnerships match")
    assert _listed(page) == ["Golden Key"]
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded"
    expect(page.get_by_role("heading", level=1)).to_have_count(1)


def test_typing_a_place_narrows_the_results_after_a_pause(
    owner_page: Page, sqlite_site: Site
) -> None:
    page = owner_page
    page.goto(sqlite_site.project_url)

    page.get_by_label("Name or place").press_sequentially("greater manchester", delay=20)

    page.wait_for_url(lambda url: _query(url).get("q") == ["greater manchester"])
    expect(page.locator("#partnership-results")).to_contain_text("2 of 5 partnerships match")
    assert _listed(page) == ["Co-operative Oldham", "Wigan Deal"]


def test_filters_combine_and_the_address_can_be_opened_again(
    owner_page: Page, sqlite_site: Site
) -> None:
    page = owner_page
    page.goto(sqlite_site.project_url)
    page.get_by_label("Kind of partnership").select_option(label="Collaborative council")
    page.wait_for_url("**structure=collaborative_council**")
    with page.expect_response(lambda response: "flagged=true" in response.url):
        page.get_by_label("With accountability flags").check()
    page.wait_for_url("**flagged=true**")
    assert _listed(page) == ["Co-operative Oldham", "Wigan Deal"]
    address = page.url

    page.goto(address)  # a bookmark, or the address sent to a colleague

    assert _listed(page) == ["Co-operative Oldham", "Wigan Deal"]
    expect(page.get_by_label("Kind of partnership")).to_have_value("collaborative_council")
    expect(page.get_by_label("With accountability flags")).to_be_checked()
    expect(page.get_by_label("With a rhetoric mismatch")).not_to_be_checked()


def test_without_scripts_the_apply_button_filters(
    browser: Browser, sqlite_site: Site, signed_in_states: dict[str, StorageState]
) -> None:
    context = browser.new_context(
        storage_state=signed_in_states[OWNER.name],  # type: ignore[arg-type]
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto(sqlite_site.project_url)
        page.get_by_label("With a rhetoric mismatch").check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**mismatch=true**")
        assert _listed(page) == ["Co-operative Oldham", "Wigan Deal"]
    finally:
        context.close()
