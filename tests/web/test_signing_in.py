"""Signing in and out, as an owner sees it, on SQLite and on PostgreSQL."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import OWNER, PROJECT, Site, sign_in


def test_owner_signs_in_and_reaches_their_project(page: Page, site: Site) -> None:
    page.goto(site.project_url)
    assert "/sign-in?next=" in page.url, "a visitor who is not signed in is asked to sign in"

    page.get_by_label("User name").fill(OWNER.name)
    page.get_by_label("Password").fill(OWNER.password)
    page.get_by_role("button", name="Sign in").click()

    assert page.url == site.project_url
    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECT)
    expect(page.get_by_text(f"Signed in as {OWNER.display_name}")).to_be_visible()
    expect(page.get_by_role("link", name="Wigan Deal")).to_be_visible()


def test_wrong_password_shows_the_error_summary_linked_to_the_field(page: Page, site: Site) -> None:
    page.goto(site.at("/sign-in"))
    page.get_by_label("User name").fill(OWNER.name)
    page.get_by_label("Password").fill("a wrong password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    link = summary.get_by_role("link", name="The user name or password is not right")
    assert link.get_attribute("href") == "#name"
    expect(page.locator("#name-error")).to_contain_text("The user name or password is not right")
    link.click()
    expect(page.get_by_label("User name")).to_be_focused()
    expect(page.get_by_label("User name")).to_have_value(OWNER.name)
    expect(page.get_by_label("Password")).to_have_value("")


def test_empty_sign_in_names_each_missing_field(page: Page, site: Site) -> None:
    page.goto(site.at("/sign-in"))
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter your user name")).to_have_attribute(
        "href", "#name"
    )
    expect(summary.get_by_role("link", name="Enter your password")).to_have_attribute(
        "href", "#password"
    )
    assert page.title().startswith("Error: ")


def test_signing_out_ends_the_session_for_good(browser: Browser, page: Page, site: Site) -> None:
    sign_in(page, site, OWNER)
    old = {c["name"]: c for c in page.context.cookies()}["collabmap_session"]

    page.get_by_role("button", name="Sign out").click()

    assert page.url.startswith(site.at("/sign-in"))
    replay = browser.new_context()
    try:
        # someone kept a copy of the cookie
        replay.add_cookies([{"name": old["name"], "value": old["value"], "url": site.url}])
        again = replay.new_page()
        again.goto(site.project_url)
        assert "/sign-in" in again.url
        expect(again.get_by_role("link", name="Wigan Deal")).to_have_count(0)
    finally:
        replay.close()


def test_repeated_failures_are_throttled_with_a_clear_message(page: Page, fresh_site: Site) -> None:
    page.goto(fresh_site.at("/sign-in"))
    for _ in range(5):
        page.get_by_label("User name").fill(OWNER.name)
        page.get_by_label("Password").fill("guessing again")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("not right")

    page.get_by_label("User name").fill(OWNER.name)
    page.get_by_label("Password").fill(OWNER.password)  # even the right password, for now
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Too many failed sign-ins; wait 15 minutes and try again")
    assert "/sign-in" in page.url
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
