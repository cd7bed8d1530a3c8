"""One look for every chart: a colour-blind-safe palette, legible type, SVG or PNG out.

Charts are for council officers and board members: plain titles that say what the chart
shows, labelled axes, no chart junk, colours from the Okabe–Ito palette (safe for the common
forms of colour-blindness) and never colour alone to carry meaning (labels or hatching too).
Figures are made with ``Figure()`` directly (never pyplot), so rendering needs no display and
keeps no global state; output is deterministic (no timestamps in SVG or PNG).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import matplotlib
from matplotlib.figure import Figure

__all__ = ["HATCHES", "PALETTE", "ChartFormat", "chart_style", "new_figure", "render"]

ChartFormat = Literal["svg", "png"]

PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermilion
    "#F0E442",  # yellow
    "#000000",  # black
)
"""Okabe & Ito (2008) colours, in the order charts use them."""

HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")
"""Second channel for categories, so a chart survives black-and-white printing."""

_RC: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "svg.hashsalt": "collabmap",
    "svg.fonttype": "none",
    "figure.dpi": 100,
    "savefig.bbox": "tight",
}


@contextmanager
def chart_style() -> Iterator[None]:
    """Draw a chart inside this block so that it takes the house style (and nothing global
    changes for other matplotlib users in the same process)."""
    with matplotlib.rc_context(_RC):
        yield


def new_figure(width: float = 7.0, height: float = 4.0) -> Figure:
    """A figure (inches: 7 wide fits an A4 page with margins); draw on it in chart_style()."""
    return Figure(figsize=(width, height), layout="constrained")


def render(figure: Figure, format: ChartFormat = "svg", *, dpi: int = 150) -> bytes:
    """The chart as SVG text (bytes) or PNG, with no timestamp so output is reproducible."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        if format == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        else:
            figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
