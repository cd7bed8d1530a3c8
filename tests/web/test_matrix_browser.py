"""In a real browser (Debian's Chromium: the session's ``browser`` from ``conftest.py``) against
a real server: two analysts edit the same matrix cell by keyboard alone and the second is shown
the conflict with both texts; the new pages have no serious or critical accessibility
violations (axe-core)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from collabmap.store import open_store
from collabmap.store.accounts import add_member, create_user
from collabmap.store.coding import apply_code
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from tests.web.server import running

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery"
INTERVIEW = (
    "Resident: Our group took over the community centre on a 25-year lease. Nobody told us "
    "who is responsible if the group folds.\n\n"
    "Officer: We were asked, but the budget was ours.\n"
)
LEASE = "Our group took over the community centre on a 25-year lease."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real collabmap server over a SQLite project with a coded interview."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'collabmap.db'}"
    store = open_store(url)
    for name in ("olga", "ann"):
        create_user(store, name, PASSWORD, actor="test")
    create_project(store, "Riverside", with_examples=True, owner="olga", actor="test")
    add_member(store, "Riverside", "ann", "analyst", actor="test")
    path = folder / "wigan-interview.txt"
    path.write_text(INTERVIEW)
    import_files(store, "Riverside", [path], partnership="Wigan Deal")
    for coder in ("olga", "ann"):
        apply_code(
            store,
            "Riverside",
            path.name,
            "activity:community_self_organization",
            quote=LEASE,
            coder=coder,
        )
    apply_code(
        store,
        "Riverside",
        path.name,
        "activity:consultation_only",
        quote="We were asked, but the budget was ours.",
        coder="ann",
    )
    store.close()
    with running("--db", url, "serve", log=folder / "server.log") as base:
        yield base


def _signed_in(browser: Any, server: str, name: str, width: int = 1280) -> Any:
    """A new browser context (CSP bypassed, so axe can be injected), signed in as ``name``;
    ``browser`` is the session's Chromium from ``tests/web/conftest.py``."""
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/sign-in")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/")
    return page


def _shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("COLLABMAP_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _edit_by_keyboard(page: Any, label: str) -> None:
    """Reach the cell's Edit link with the Tab key alone and press Enter."""
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == label:
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"{label!r} cannot be reached with the keyboard")


def test_two_analysts_edit_the_same_cell_and_the_second_sees_the_conflict(
    server: str, browser: Any, tmp_path: Path
) -> None:
    shots = _shots_folder(tmp_path)
    matrix = f"{server}/projects/Riverside/matrix?group=Activities"
    olga = _signed_in(browser, server, "olga")
    ann = _signed_in(browser, server, "ann")
    label = "Edit Community self-organization for Wigan Deal"
    for page in (olga, ann):
        page.goto(matrix)
        _edit_by_keyboard(page, label)
        page.wait_for_selector("textarea:focus")  # the form replaced the cell, focus in it
    olga.keyboard.press("Control+A")
    olga.keyboard.type("Olga: the centre was transferred; who answers if it fails?")
    olga.get_by_role("button", name="Save Community self-organization for Wigan Deal").click()
    olga.wait_for_selector("text=Written by olga")
    assert olga.locator("text=Olga: the centre was transferred").count() == 1
    # back on the cell's Edit link (htmx focuses it as the swap settles), to carry on by keyboard
    olga.wait_for_function(
        "label => document.activeElement.textContent.trim() === label", arg=label, timeout=5000
    )
    ann.keyboard.press("Control+A")
    ann.keyboard.type("Ann: self-organisation called co-production.")
    ann.keyboard.press("Tab")  # on to the status, the quotations, then Save
    save = ann.get_by_role("button", name="Save Community self-organization for Wigan Deal")
    save.focus()
    ann.keyboard.press("Enter")
    summary = ann.locator(".govuk-error-summary")
    summary.wait_for()
    assert "olga changed this cell after you opened it" in summary.inner_text()
    assert "Olga: the centre was transferred" in ann.locator(".app-cell__theirs").inner_text()
    assert ann.locator("textarea").input_value() == "Ann: self-organisation called co-production."
    ann.screenshot(path=str(shots / "matrix-conflict-1280.png"), full_page=False)
    save.click()  # saving again is a deliberate replacement
    ann.wait_for_selector("text=Written by ann")
    olga.reload()
    assert olga.locator("text=Ann: self-organisation called co-production.").count() == 1
    olga.context.close()
    ann.context.close()


def _serious(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(found)


@pytest.mark.skipif(not AXE.exists(), reason="run scripts/build-assets.sh for axe-core")
@pytest.mark.parametrize("width", [1280, 375])
def test_the_new_pages_have_no_serious_accessibility_violations(
    server: str, browser: Any, tmp_path: Path, width: int
) -> None:
    shots = _shots_folder(tmp_path)
    page = _signed_in(browser, server, "olga", width)
    problems: dict[str, list[str]] = {}
    for name, path in [
        ("matrix", "/projects/Riverside/matrix?group=Activities"),
        ("compare", "/projects/Riverside/compare"),
        ("agreement", "/projects/Riverside/agreement?coder_a=olga&coder_b=ann&unit=sentence"),
        ("cell", "/projects/Riverside/matrix?group=Accountability"),
    ]:
        page.goto(server + path)
        if name == "cell":  # the edit form open in place
            page.get_by_role("link", name="Edit If it fails for Wigan Deal").click()
            page.wait_for_selector("textarea:focus")
            # in place on a wide screen; on a phone, on a page of its own
            assert ("/matrix/cell?" in page.url) == (width < 641)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        problems[name] = _serious(page)
    assert problems == {name: [] for name in problems}
    page.context.close()
