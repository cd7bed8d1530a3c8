"""The coding workspace in a real browser (Debian's Chromium through Playwright) against the
real server in a child process: an analyst selects words with the mouse and codes them, then
reviews suggestions with the keyboard; axe-core finds no serious or critical problems on the
workspace's pages. Screenshots are kept in the test's folder (or COLLABMAP_SCREENSHOTS)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from collabmap.store import open_store
from collabmap.store.accounts import add_member, create_user
from collabmap.store.coding import apply_code, list_codings
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from tests.web.server import running

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery"
INTERVIEW = (
    "Interviewer: How did you redesign the library service?\n\n"
    "Bea Jones: We sat down with former service users 😀 and changed it together. "
    "The council asked every household to recycle more.\n\n"
    "Interviewer: Who decides in the end?\n\n"
    "Sam Patel: The cabinet decides after a survey of residents. "
    "Volunteers now run the library on a long lease.\n"
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() or not AXE.exists(), reason="needs /usr/bin/chromium and axe-core"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The real server over a SQLite store with a coded interview and two suggestions."""
    url = f"sqlite:///{tmp_path / 'study.db'}"
    store = open_store(url)
    create_user(store, "ann", PASSWORD, display_name="Ann Analyst", actor="test")
    create_project(store, "Riverside", actor="test")  # made at the command line: no owner
    add_member(store, "Riverside", "ann", "analyst", actor="test")
    path = tmp_path / "interview.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    import_files(store, "Riverside", [path])
    apply_code(
        store, "Riverside", "interview.txt", "activity:co_design", quote="changed it together"
    )
    for quote, code, confidence in [
        ("The cabinet decides after a survey of residents.", "activity:consultation_only", 0.62),
        (
            "Volunteers now run the library on a long lease.",
            "activity:community_self_organization",
            0.91,
        ),
    ]:
        apply_code(
            store,
            "Riverside",
            "interview.txt",
            code,
            quote=quote,
            coder="collabmap",
            origin="machine",
            status="suggested",
            confidence=confidence,
        )
    store.close()
    with running("--db", url, "serve", log=tmp_path / "server.log") as base:
        yield base, url


@pytest.fixture
def page(server: tuple[str, str], browser: Browser) -> Iterator[Page]:
    """Ann, signed in, in a browser context of her own (the session's Chromium)."""
    base, _ = server
    context = browser.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.goto(base + "/sign-in")
    tab.fill("#name", "ann")
    tab.fill("#password", PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(base + "/**")
    try:
        yield tab
    finally:
        context.close()


def _shots(default: Path) -> Path:
    folder = Path(os.environ.get("COLLABMAP_SCREENSHOTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _serious(tab: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, as readable lines."""
    tab.add_script_tag(path=str(AXE))
    found = tab.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def _drag_over(tab: Any, words: str) -> None:
    """Select ``words`` in the source's text with the mouse, from the left edge of the first
    character to the right edge of the last."""
    box = tab.evaluate(
        """(words) => {
          const pieces = document.querySelectorAll('#source-text [data-s]');
          for (const piece of pieces) {
            const node = piece.firstChild;
            const at = node.data.indexOf(words);
            if (at < 0) continue;
            const first = document.createRange();
            first.setStart(node, at); first.setEnd(node, at + 1);
            const last = document.createRange();
            last.setStart(node, at + words.length - 1); last.setEnd(node, at + words.length);
            const a = first.getBoundingClientRect(), z = last.getBoundingClientRect();
            return {x1: a.left + 1, y1: a.top + a.height / 2, x2: z.right - 1, y2: z.top + z.height / 2};
          }
          return null;
        }""",
        words,
    )
    assert box is not None, words
    tab.mouse.move(box["x1"], box["y1"])
    tab.mouse.down()
    tab.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=5)
    tab.mouse.move(box["x2"], box["y2"], steps=5)
    tab.mouse.up()


def test_an_analyst_codes_a_selection_and_accepts_a_suggestion_by_keyboard(
    server: tuple[str, str], page: Any, tmp_path: Path
) -> None:
    base, url = server
    shots = _shots(tmp_path)
    page.goto(base + "/projects/Riverside/sources")
    assert _serious(page) == []
    page.screenshot(path=str(shots / "sources.png"), full_page=True)
    page.get_by_role("link", name="interview.txt").click()
    page.wait_for_selector("#source-text")
    assert _serious(page) == []

    # after the emoji (two UTF-16 units, one code point) in the same piece of text
    _drag_over(page, "every household")
    preview = page.locator("#selection-preview")
    expect(preview).to_have_text("Selected: “every household”")
    page.select_option("#selection-code", label="Citizen self-help")
    page.get_by_role("button", name="Apply code").click()
    announcer = page.locator("#workspace-announcer")
    expect(announcer).to_have_text("Coded as Citizen self-help.")
    expect(page.locator("mark", has_text="every household")).to_have_count(1)
    page.screenshot(path=str(shots / "workspace-coded.png"), full_page=True)

    page.locator("h1").click()  # focus back on the page, away from the form
    page.keyboard.press("j")
    expect(announcer).to_contain_text("Suggestion 1 of 2: Community self-organization, 91%")
    page.screenshot(path=str(shots / "workspace-reviewing.png"))
    page.keyboard.press("a")
    expect(announcer).to_contain_text("Accepted Community self-organization.")
    expect(announcer).to_contain_text("Suggestion 1 of 1: Consultation only")
    page.keyboard.press("r")
    expect(announcer).to_contain_text("Rejected Consultation only. No suggestions left")
    assert _serious(page) == []

    store = open_store(url)
    try:
        codings = {(c.text, c.code, c.status) for c in list_codings(store, "Riverside")}
    finally:
        store.close()
    assert ("every household", "Activities/Citizen self-help", "accepted") in codings
    assert (
        "Volunteers now run the library on a long lease.",
        "Activities/Community self-organization",
        "accepted",
    ) in codings
    assert (
        "The cabinet decides after a survey of residents.",
        "Activities/Consultation only",
        "rejected",
    ) in codings

    page.get_by_role("link", name=re.compile(r"^Code this passage \(Sam Patel")).click()
    page.wait_for_selector("h1:has-text('Code a passage')")
    assert _serious(page) == []
    page.screenshot(path=str(shots / "passage.png"), full_page=True)
    page.go_back()
    page.get_by_role("link", name="Write a memo about this source").click()
    assert _serious(page) == []
    page.screenshot(path=str(shots / "memo.png"), full_page=True)
