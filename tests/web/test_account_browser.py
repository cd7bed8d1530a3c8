"""An officer looks after their own account in the browser: sees where they are signed in,
checks a new password with the strength meter and the Show button, changes it, and the
session they left open on another computer stops working."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.web.axe import assert_accessible
from tests.web.conftest import OWNER, Site, screenshot, sign_in

NEW = "kettle lantern orchard 42"


def test_officer_changes_password_and_the_other_computer_is_signed_out(
    browser: Browser, fresh_site: Site
) -> None:
    office = browser.new_context(viewport={"width": 1280, "height": 900})
    home = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        left_open = home.new_page()
        sign_in(left_open, fresh_site, OWNER)
        page = office.new_page()
        sign_in(page, fresh_site, OWNER)

        page.get_by_role("link", name="Your account").click()
        expect(page.get_by_role("heading", name="Your account")).to_be_visible()
        rows = page.locator("table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.filter(has_text="This session")).to_have_count(1)
        assert_accessible(page, "your account")
        screenshot(page, "your account")

        page.get_by_role("link", name="Change your password").click()
        new = page.get_by_label("New password", exact=True)
        new.fill("password1234")
        meter = page.locator("#password-strength")
        expect(meter).to_contain_text("not accepted")
        expect(meter).to_contain_text("common password")
        new.fill(NEW)
        expect(meter).not_to_contain_text("not accepted")
        expect(meter).to_contain_text("Strength:")

        # the Show button reveals what was typed, and hides it again
        show = page.locator("button[aria-controls='new_password']")
        show.click()
        expect(new).to_have_attribute("type", "text")
        show.click()
        expect(new).to_have_attribute("type", "password")

        page.get_by_label("Current password").fill("not my password")
        page.get_by_label("New password again").fill(NEW)
        page.get_by_role("button", name="Change password").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("password is not right")
        assert page.title().startswith("Error:")
        assert_accessible(page, "change password with an error")

        page.get_by_label("Current password").fill(OWNER.password)
        page.get_by_label("New password", exact=True).fill(NEW)
        page.get_by_label("New password again").fill(NEW)
        expect(page.get_by_label("Sign out of all my other sessions")).to_be_checked()
        page.get_by_role("button", name="Change password").click()
        expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
        expect(page.locator(".govuk-panel__body")).to_contain_text("Signed out of 1 other session")

        # the computer at home is back at the sign-in page at its next click
        left_open.reload()
        expect(left_open).to_have_url(f"{fresh_site.url}/sign-in?next=%2F")
        left_open.get_by_label("User name").fill(OWNER.name)
        left_open.get_by_label("Password").fill(OWNER.password)
        left_open.get_by_role("button", name="Sign in").click()
        expect(left_open.locator(".govuk-error-summary")).to_be_visible()
        left_open.get_by_label("Password").fill(NEW)
        left_open.get_by_role("button", name="Sign in").click()
        expect(left_open.get_by_role("heading", name="Projects")).to_be_visible()
    finally:
        office.close()
        home.close()


def test_officer_signs_out_a_session_they_do_not_recognise(
    browser: Browser, fresh_site: Site
) -> None:
    office, stranger = browser.new_context(), browser.new_context()
    try:
        theirs = stranger.new_page()
        sign_in(theirs, fresh_site, OWNER)
        page = office.new_page()
        sign_in(page, fresh_site, OWNER)
        page.goto(fresh_site.at("/account"))
        page.get_by_role("button", name="Sign out of these sessions").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your password")
        page.get_by_label("Your password").fill(OWNER.password)
        page.get_by_role("button", name="Sign out of these sessions").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Signed out of 1 other session"
        )
        expect(page.locator("table tbody tr")).to_have_count(1)
        theirs.reload()
        assert "/sign-in" in theirs.url
    finally:
        office.close()
        stranger.close()
