"""Roles as a user meets them: a viewer reads but cannot change, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from collabmap.store.audit import project_log
from collabmap.store.partnerships import partnership_rows
from tests.web.conftest import ANALYST, OWNER, PROJECT, VIEWER, Person, Site, kind_shown, sign_in

CHANGE_CONTROLS = ["Change answers", "Start a guided assessment"]

_FORGE = """([action, token]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  const field = document.createElement("input");
  field.type = "hidden";
  field.name = "csrf_token";
  field.value = token;
  form.append(field);
  document.body.append(form);
  form.submit();
}"""


def test_viewer_sees_partnerships_but_no_controls_to_change_them(page: Page, site: Site) -> None:
    sign_in(page, site, VIEWER)
    page.goto(site.project_url)

    expect(page.get_by_role("link", name="Wigan Deal")).to_be_visible()
    expect(page.get_by_role("button", name="Start a guided assessment")).to_have_count(0)
    page.get_by_role("link", name="Wigan Deal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wigan Deal")
    expect(kind_shown(page)).to_have_text("Collaborative council")
    expect(page.get_by_role("button", name="Change answers")).to_have_count(0)


@pytest.mark.parametrize("person", [OWNER, ANALYST], ids=lambda p: p.role)
def test_those_who_may_edit_see_the_controls(page: Page, site: Site, person: Person) -> None:
    sign_in(page, site, person)
    page.goto(site.project_url)
    expect(page.get_by_role("button", name="Start a guided assessment")).to_be_visible()
    page.goto(site.partnership_url("Wigan Deal"))
    expect(page.get_by_role("button", name="Change answers")).to_be_visible()


@pytest.mark.parametrize(
    "target", ["/partnerships/Wigan%20Deal/edit", "/assessments"], ids=["edit", "assess"]
)
def test_forged_change_by_a_viewer_is_refused_and_changes_nothing(
    page: Page, site: Site, target: str
) -> None:
    """The viewer builds the form the page does not give them, with their own valid CSRF
    token, and submits it: refused with the 'Not allowed' page; the project is as it was."""
    sign_in(page, site, VIEWER)
    if page.request.get(site.project_url + target).status == 404:  # 405 once the POST exists
        pytest.skip(f"POST …{target} is not on this branch yet (the guided assessment's pages)")
    store = site.open_store()
    try:
        before = (partnership_rows(store, PROJECT), len(project_log(store, PROJECT)))
        page.goto(site.partnership_url("Wigan Deal"))
        token = page.locator('meta[name="csrf-token"]').get_attribute("content")
        with page.expect_navigation() as navigation:
            page.evaluate(_FORGE, [site.project_url + target, token])
        response = navigation.value
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
        expect(page.locator("main")).to_contain_text("You may not")
        after = (partnership_rows(store, PROJECT), len(project_log(store, PROJECT)))
        assert after == before
    finally:
        store.close()
