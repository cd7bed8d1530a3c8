"""Moving through a page with the Tab key, as a keyboard user does."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

__all__ = ["FOCUSABLE", "Look", "TabWalk", "has_focus_ring", "tab_to", "walk_with_tab"]

FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), [tabindex]"
)

_MARK = """(selector) => {
  const found = [...document.querySelectorAll(selector)].filter(
    (el) => el.tabIndex >= 0 && !el.closest("[inert]") && el.checkVisibility()
  );
  found.forEach((el, i) => { el.dataset.kbOrder = String(i); });
  return found.map((el) =>
    (el.getAttribute("aria-label") || el.textContent || el.id || el.tagName).trim().slice(0, 60)
  );
}"""

_STYLE = """(el) => {
  const s = getComputedStyle(el);
  const look = {
    outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    shadow: s.boxShadow,
    background: s.backgroundColor,
    colour: s.color,
    underline: `${s.textDecorationLine} ${s.textDecorationThickness}`,
  };
  const label = el.matches("input[type=checkbox], input[type=radio]") && el.labels[0];
  if (label) {
    const box = getComputedStyle(label, "::before");
    look.labelShadow = box.boxShadow;
    look.labelBorder = box.borderWidth;
  }
  return look;
}"""

Look = dict[str, str]


def has_focus_ring(look: Look) -> bool:
    """A GOV.UK focus indicator: a box shadow (links, buttons, inputs, the label's box of a
    checkbox) or an opaque outline of 2px or more."""
    style, width, *colour = look["outline"].split(" ", 2)
    opaque_outline = (
        style != "none"
        and float(width.removesuffix("px")) >= 2
        and "rgba(0, 0, 0, 0)" not in " ".join(colour)
    )
    return look["shadow"] != "none" or look.get("labelShadow", "none") != "none" or opaque_outline


@dataclass(frozen=True)
class TabWalk:
    """``names``: the page's focusable elements in document order (their texts);
    ``reached``: Tab by Tab from the top, the position in ``names`` of the element that took
    focus; ``resting`` and ``focused``: each element's computed look before any focus and
    while it had focus (its label's box too, for a GOV.UK checkbox whose input is invisible)."""

    names: list[str]
    reached: list[int | None]
    resting: list[Look]
    focused: list[Look]


def walk_with_tab(page: Page) -> TabWalk:
    """Press Tab once per focusable element, from a freshly loaded page."""
    names: list[str] = page.evaluate(_MARK, FOCUSABLE)
    resting = [_style(page, i) for i in range(len(names))]
    reached: list[int | None] = []
    focused: list[Look] = [{} for _ in names]
    for _ in names:
        page.keyboard.press("Tab")
        order = page.evaluate("document.activeElement?.dataset?.kbOrder ?? null")
        reached.append(int(order) if order is not None else None)
        if order is not None:
            focused[int(order)] = _style(page, int(order))
    return TabWalk(names, reached, resting, focused)


def _style(page: Page, index: int) -> Look:
    style: Look = page.locator(f'[data-kb-order="{index}"]').evaluate(_STYLE)
    return style


def tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has focus (fail after ``limit``),
    and check that it shows a focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            look: Look = page.evaluate(f"({_STYLE})(document.activeElement)")
            assert has_focus_ring(look), f"{selector} has focus but shows no indicator: {look}"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")
