"""Every page, at desktop and mobile width: no serious or critical WCAG 2.2 A/AA problem (axe),
no script or Content-Security-Policy error, and nothing wider than the screen.

To check a new page, add one :class:`Visit` to :data:`VISITS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, ConsoleMessage, FilePayload, Page, Response

from tests.web.axe import assert_accessible
from tests.web.conftest import (
    ANALYST,
    OWNER,
    RESPONDENT,
    VIEWER,
    Person,
    Site,
    StorageState,
    screenshot,
)

WIDTHS = {"desktop": 1280, "mobile": 375}


def _submit_empty_sign_in(page: Page) -> None:
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".govuk-error-summary")


def _submit_wrong_password(page: Page) -> None:
    page.get_by_label("User name").fill(OWNER.name)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".govuk-error-summary")


def _try_a_weak_password(page: Page) -> None:
    """Type a common password: the strength meter says why, the form refuses it."""
    page.get_by_label("Current password").fill(ANALYST.password)
    page.get_by_label("New password", exact=True).fill("password1234")
    page.locator("#password-strength", has_text="not accepted").wait_for()
    page.get_by_label("New password again").fill("password1234")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_selector(".govuk-error-summary")


def _start_unnamed_project(page: Page) -> None:
    page.get_by_role("button", name="Start project").click()
    page.wait_for_selector(".govuk-error-summary")


def _filter_by_mismatch(page: Page) -> None:
    """Tick a filter: htmx replaces the results and the address without a page load."""
    with page.expect_response(lambda r: "mismatch=true" in r.url):
        page.get_by_label("With a rhetoric mismatch").check()
    page.wait_for_url("**mismatch=true**")


def _edit_a_matrix_cell(page: Page) -> None:
    """Edit a cell: in place on a wide screen, on a page of its own on a phone."""
    page.locator(".app-cell a", has_text="Edit").first.click()
    page.wait_for_selector("textarea:focus")


def _upload_nothing(page: Page) -> None:
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_selector(".govuk-error-summary")


def _upload_a_broken_file(page: Page) -> None:
    """Upload a file that is refused (so the shared site's project is left as it was) and
    wait for the results."""
    broken: FilePayload = {
        "name": "minutes.docx",
        "mimeType": "application/zip",
        "buffer": b"PK\x03\x04 broken",
    }
    page.get_by_label("Files").set_input_files([broken])
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/jobs/**")
    page.get_by_role("heading", name="0 of 1 file imported").wait_for(timeout=60_000)


def _make_the_matrix(page: Page) -> None:
    page.get_by_role("button", name="Create the spreadsheet").click()
    page.wait_for_url("**/jobs/**")
    page.get_by_role("link", name="Download").wait_for(timeout=60_000)


@dataclass(frozen=True)
class Visit:
    """A page as someone reaches it: ``path`` may name ``{project}``; ``then`` does what the
    person does on the page before it is checked; ``status`` is the answer expected."""

    name: str
    who: Person | None
    path: str
    then: Callable[[Page], None] | None = None
    status: int = 200


P = "/projects/{project}"
VISITS = [
    Visit("sign-in", None, "/sign-in"),
    Visit("sign-in with nothing entered", None, "/sign-in", _submit_empty_sign_in),
    Visit("sign-in with a wrong password", None, "/sign-in", _submit_wrong_password),
    Visit("project list", OWNER, "/"),
    Visit("project list with a project left unnamed", OWNER, "/", _start_unnamed_project),
    Visit("partnership list", OWNER, P),
    Visit("partnership list filtered", OWNER, P + "?structure=collaborative_council&flagged=true"),
    Visit("partnership list filtered to nothing", OWNER, P + "?q=nowhere"),
    Visit("partnership list filtered by htmx", OWNER, P, _filter_by_mismatch),
    Visit("partnership list for a viewer", VIEWER, P),
    Visit("partnership page", OWNER, P + "/partnerships/Wigan%20Deal"),
    Visit("partnership page for a viewer", VIEWER, P + "/partnerships/Golden%20Key"),
    Visit("assessments", OWNER, P + "/assessments"),
    Visit("respondents of a partnership", OWNER, P + "/partnerships/Wigan%20Deal/respondents"),
    Visit("respondents' answers side by side", OWNER, P + "/partnerships/Wigan%20Deal/responses"),
    Visit("respondent's link that is not valid", None, "/respond/not-a-real-link", status=403),
    Visit("not found", OWNER, "/no-such-page", status=404),
    Visit("unknown partnership", OWNER, P + "/partnerships/Atlantis", status=404),
    Visit("not allowed", RESPONDENT, P + "/partnerships/Wirral", status=403),
    Visit("bad filter", OWNER, P + "?page=0", status=422),
    Visit("framework matrix", OWNER, P + "/matrix?group=Activities"),
    Visit("framework matrix cell being edited", OWNER, P + "/matrix", _edit_a_matrix_cell),
    Visit("framework matrix for a viewer", VIEWER, P + "/matrix?group=Accountability"),
    Visit("comparison", VIEWER, P + "/compare"),
    Visit("agreement between coders", OWNER, P + "/agreement"),
    Visit("unknown theme group", OWNER, P + "/matrix?group=Nowhere", status=404),
    Visit("your account", ANALYST, "/account"),
    Visit("change your password", ANALYST, "/account/password", _try_a_weak_password),
    Visit("a respondent's account", RESPONDENT, "/account"),
    Visit("upload documents", OWNER, P + "/upload"),
    Visit("upload with no file chosen", OWNER, P + "/upload", _upload_nothing),
    Visit("upload's results with a refused file", OWNER, P + "/upload", _upload_a_broken_file),
    Visit("project export", OWNER, P + "/export.qdpx"),
    Visit("matrix download ready", VIEWER, P + "/matrix.xlsx", _make_the_matrix),
    Visit("project export for a viewer", VIEWER, P + "/export.qdpx", status=403),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.name)
def test_page_is_accessible_and_fits_the_screen(
    browser: Browser,
    sqlite_site: Site,
    signed_in_states: dict[str, StorageState],
    visit: Visit,
    width: str,
) -> None:
    state = signed_in_states[visit.who.name] if visit.who else None
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900},
        storage_state=state,  # type: ignore[arg-type]
    )
    try:
        page = context.new_page()
        problems: list[str] = []

        def console(message: ConsoleMessage) -> None:
            # a page answered with its expected 4xx status is logged too: judged below instead
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                problems.append(message.text)

        def answered(response: Response) -> None:
            if response.request.resource_type != "document" and response.status >= 400:
                problems.append(f"{response.url} answered {response.status}")

        page.on("console", console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", answered)
        response = page.goto(sqlite_site.at(visit.path.format(project="Riverside%20partnerships")))
        assert response is not None and response.status == visit.status
        if visit.then:
            visit.then(page)
        page.wait_for_load_state("load")
        screenshot(page, f"{visit.name} {width}")

        assert_accessible(page, f"{visit.name} ({width})")
        assert problems == [], f"errors in the browser console on {visit.name}"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{visit.name} is {overflow}px wider than a {width} screen"
    finally:
        context.close()
