"""The typology chart of a project's partnership list, drawn once per state of its
classifications.

A few partnerships get the report's fit grid (one row per partnership, a cell per structure).
Beyond :data:`GRID_LIMIT` rows that grid is unreadable in a page and slow to draw (500
partnerships took 14 seconds of matplotlib layout), so a larger project gets a bar chart of how
many partnerships are of each kind, hybrids hatched — the counts of the table beside it, drawn
from the classifications the list already holds, with no second read of the profiles.

Drawings are kept by the list's fingerprint, which changes with any partnership's revision
(and so with any profile change): a change gives a new drawing on the next view, and nothing
stale can be served.
"""

from __future__ import annotations

import threading
from collections import Counter

from fastapi.responses import Response

from collabmap.classify._labels import label_of
from collabmap.framework import default_framework
from collabmap.report.charts._style import HATCHES, PALETTE, chart_style, new_figure, render
from collabmap.store import Store
from collabmap.web._data import (
    ClassifiedPartnership,
    PartnershipList,
    project_partnerships,
    structure_counts,
)

__all__ = [
    "GRID_LIMIT",
    "chart_alt",
    "drawing_lock",
    "svg_response",
    "typology_response",
    "typology_svg",
]

GRID_LIMIT = 30
"""Up to this many partnerships, the chart is the fit grid; beyond, counts by kind."""

_KEPT = 64
drawing_lock = threading.Lock()
"""matplotlib draws one chart at a time in a process; every web chart takes this lock."""
_drawn: dict[tuple[str, str, str], bytes] = {}


def chart_alt(total: int) -> str:
    """The chart's text alternative, saying what this size of project is shown as."""
    if total <= GRID_LIMIT:
        return (
            "Chart of how well each partnership fits each kind of collaborative structure; "
            "the counts of each kind are in the table below."
        )
    return (
        "Bar chart of how many partnerships are of each kind; "
        "the same counts are in the table below."
    )


def typology_svg(store: Store, project: str, listing: PartnershipList) -> bytes:
    """The chart of the project's classified partnerships, drawn at most once per state of
    the list (its fingerprint); matplotlib draws one chart at a time."""
    rows = listing.rows
    key = (store.url, project, listing.fingerprint)
    svg = _drawn.get(key)
    if svg is not None:
        return svg
    with drawing_lock:
        svg = _drawn.get(key)
        if svg is None:
            if len(rows) <= GRID_LIMIT:
                # imported here: the chart module brings scikit-learn and SciPy, which a
                # server of large projects need not load
                from collabmap.store.charts import project_chart

                svg = project_chart(store, project, "typology").draw("svg")
            else:
                svg = _counts_chart(rows)
            if len(_drawn) >= _KEPT:
                _drawn.clear()
            _drawn[key] = svg
    return svg


def _counts_chart(rows: list[ClassifiedPartnership]) -> bytes:
    fw = default_framework()
    counts = structure_counts(rows)
    hybrids = Counter(row.label for row in rows if row.hybrid)
    labels = [label_of(fw, "structures", label, lower=False) for label, _ in counts]
    with chart_style():
        figure = new_figure(7.0, max(2.4, 0.55 * len(counts) + 1.4))
        axes = figure.add_subplot()
        for row, (label, count) in enumerate(counts):
            hybrid = hybrids[label]
            colour = PALETTE[row % len(PALETTE)]
            axes.barh(row, count - hybrid, color=colour, edgecolor="white", height=0.6)
            if hybrid:
                axes.barh(
                    row,
                    hybrid,
                    left=count - hybrid,
                    color=colour,
                    hatch=HATCHES[1],
                    edgecolor="white",
                    alpha=0.6,
                    height=0.6,
                )
            note = f"  {count}" + (f" ({hybrid} hybrid)" if hybrid else "")
            axes.text(count, row, note, va="center", fontsize=9)
        axes.set_yticks(range(len(counts)), labels)
        axes.invert_yaxis()
        widest = max((count for _, count in counts), default=1)
        axes.set_xlim(0, widest * 1.35)
        axes.set_xlabel("Number of partnerships")
        hatched = "; hatched: hybrids of two kinds" if hybrids else ""
        axes.set_title(f"Kinds of partnership ({len(rows)}{hatched})", loc="left")
        return render(figure, "svg")


_SVG_HEADERS = {
    "Cache-Control": "private, max-age=60",
    # matplotlib styles the drawing with a <style> element: the site-wide policy would block
    # it when the chart is opened on its own (drawn all black); it may run no script
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


def typology_response(store: Store, project: str) -> Response:
    """The typology chart as the page and the API serve it: SVG with its own content policy."""
    return svg_response(typology_svg(store, project, project_partnerships(store, project)))


def svg_response(svg: bytes) -> Response:
    """A drawn chart as served: SVG, cached briefly, with a policy that lets its styles work."""
    return Response(svg, media_type="image/svg+xml", headers=_SVG_HEADERS)
