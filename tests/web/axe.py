"""Accessibility checks with axe-core (the npm package, injected into the page under test).

:func:`assert_accessible` runs axe with the WCAG 2.0, 2.1 and 2.2 A and AA rules and fails
listing every serious or critical violation: the rule, what it asks, and the elements at fault.
Minor and moderate findings are left to people reviewing the screenshots.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

__all__ = ["WCAG_TAGS", "assert_accessible", "violations"]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}

_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """Every WCAG A/AA violation axe finds on the page as it is now. The script is evaluated
    through the browser's debugging protocol, which the page's Content-Security-Policy does not
    govern, so the page is checked with its real policy in force."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_source() + "\n;undefined")
    found: list[dict[str, Any]] = page.evaluate(_RUN, WCAG_TAGS)
    return found


def assert_accessible(page: Page, where: str) -> None:
    """Fail listing every serious or critical violation on the page."""
    blocking = [v for v in violations(page) if v["impact"] in BLOCKING]
    if blocking:
        lines = [f"{len(blocking)} serious or critical accessibility problems on {where}:"]
        for v in blocking:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    {node}" for node in v["nodes"])
        raise AssertionError("\n".join(lines))
