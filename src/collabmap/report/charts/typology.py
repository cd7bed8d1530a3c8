"""Charts of classifications: structure fits, activity profiles and IAP2 participation levels.

Each ``*_chart`` returns SVG or PNG bytes; each ``*_data`` returns the same numbers as JSON
for the web application. Empty or one-partnership input gives a chart that says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from collabmap.classify import INSUFFICIENT, Classification
from collabmap.framework import Framework, default_framework
from collabmap.report.charts._style import (
    HATCHES,
    PALETTE,
    ChartFormat,
    chart_style,
    new_figure,
    render,
)

__all__ = [
    "activity_chart",
    "activity_data",
    "iap2_chart",
    "iap2_data",
    "typology_chart",
    "typology_data",
]


def _message(figure: Figure, text: str) -> None:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=11)


def _height(rows: int) -> float:
    return max(2.2, 0.45 * rows + 1.4)


def typology_data(
    results: Sequence[Classification], framework: Framework | None = None
) -> dict[str, Any]:
    fw = framework or default_framework()
    types = [s.id for s in fw.structures]
    return {
        "types": [{"id": s.id, "label": s.label} for s in fw.structures],
        "partnerships": [
            {
                "name": r.partnership,
                "label": r.structure.label,
                "hybrid": r.structure.hybrid,
                "scores": {t: r.structure.scores.get(t, 0.0) for t in types},
            }
            for r in results
        ],
    }


def typology_chart(
    results: Sequence[Classification],
    format: ChartFormat = "svg",
    framework: Framework | None = None,
) -> bytes:
    """How well each partnership fits each collaborative structure (a shaded grid of fits)."""
    fw = framework or default_framework()
    types = list(fw.structures)
    with chart_style():
        figure = new_figure(7.0, _height(len(results)))
        if not results:
            _message(figure, "No partnerships to place yet: add a profile to see its structure.")
            return render(figure, format)
        axes = figure.add_subplot()
        for row, result in enumerate(results):
            for column, structure in enumerate(types):
                score = result.structure.scores.get(structure.id, 0.0)
                shade = (0.0, 0.447, 0.698, 0.12 + 0.88 * score)  # PALETTE[0] with fit as opacity
                axes.add_patch(Rectangle((column, row), 0.96, 0.9, color=shade, linewidth=0))
                axes.text(
                    column + 0.48,
                    row + 0.45,
                    f"{score:.2f}",
                    ha="center",
                    va="center",
                    color="white" if score > 0.55 else "black",
                    fontsize=9,
                )
                if result.structure.label == structure.id:
                    axes.add_patch(
                        Rectangle(
                            (column, row),
                            0.96,
                            0.9,
                            fill=False,
                            edgecolor=PALETTE[5],
                            linewidth=2.5,
                        )
                    )
        axes.set_xlim(0, len(types))
        axes.set_ylim(len(results), 0)
        axes.set_xticks(
            [i + 0.48 for i in range(len(types))], [s.label.replace(" ", "\n", 1) for s in types]
        )
        names = [
            r.partnership
            + (" (hybrid)" if r.structure.hybrid else "")
            + (" (insufficient information)" if r.structure.label == INSUFFICIENT else "")
            for r in results
        ]
        axes.set_yticks([i + 0.45 for i in range(len(results))], names)
        axes.tick_params(length=0)
        axes.xaxis.tick_top()
        for side in ("left", "bottom"):
            axes.spines[side].set_visible(False)
        axes.set_title(
            "Fit to each collaborative structure (0 to 1; outlined: its classification)",
            loc="left",
            pad=28,
        )
        return render(figure, format)


def _counts(result: Classification, category: str) -> tuple[int, int]:
    found = [a for a in result.activities if a.category == category]
    return len(found), sum(1 for a in found if a.rhetoric_mismatch)


def activity_data(
    results: Sequence[Classification], framework: Framework | None = None
) -> dict[str, Any]:
    fw = framework or default_framework()
    ordered = sorted(fw.activity_categories, key=lambda c: c.priority)
    return {
        "categories": [{"id": c.id, "label": c.label, "family": c.family} for c in ordered],
        "partnerships": [
            {
                "name": r.partnership,
                "counts": {c.id: _counts(r, c.id)[0] for c in ordered},
                "mismatches": {c.id: _counts(r, c.id)[1] for c in ordered},
            }
            for r in results
        ],
    }


def activity_chart(
    results: Sequence[Classification],
    format: ChartFormat = "svg",
    framework: Framework | None = None,
) -> bytes:
    """Each partnership's activities by category: co-creation in cool colours, what is often
    mistaken for it in warm colours with hatching, rhetoric mismatches counted at the bar end."""
    fw = framework or default_framework()
    ordered = sorted(fw.activity_categories, key=lambda c: c.priority)
    cool = [PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[4]]
    warm = [PALETTE[5], PALETTE[1], PALETTE[6]]
    styles: dict[str, tuple[str, str]] = {}
    for index, category in enumerate(c for c in ordered if c.family == "co_creation"):
        styles[category.id] = (cool[index % len(cool)], "")
    for index, category in enumerate(c for c in ordered if c.family != "co_creation"):
        styles[category.id] = (warm[index % len(warm)], HATCHES[1 + index % (len(HATCHES) - 1)])
    with chart_style():
        figure = new_figure(7.0, _height(len(results)) + 0.6)
        total = sum(len(r.activities) for r in results)
        if not results or not total:
            _message(figure, "No activities with residents or community groups are recorded yet.")
            return render(figure, format)
        axes: Axes = figure.add_subplot()
        for row, result in enumerate(results):
            left = 0
            for category in ordered:
                count, _ = _counts(result, category.id)
                if count:
                    colour, hatch = styles[category.id]
                    axes.barh(
                        row,
                        count,
                        left=left,
                        color=colour,
                        hatch=hatch,
                        edgecolor="white",
                        height=0.6,
                    )
                    axes.text(
                        left + count / 2,
                        row,
                        str(count),
                        ha="center",
                        va="center",
                        fontsize=9,
                        color="black",
                    )
                    left += count
            mismatches = sum(1 for a in result.activities if a.rhetoric_mismatch)
            note = f"  {mismatches} called co-creation" if mismatches else ""
            if not result.activities:
                note = "  no activities recorded"
            axes.text(left, row, note, va="center", fontsize=9, color=PALETTE[7])
        axes.set_yticks(range(len(results)), [r.partnership for r in results])
        axes.invert_yaxis()
        axes.set_xlabel("Number of activities")
        widest = max(len(r.activities) for r in results)
        axes.set_xlim(0, widest + max(2.5, widest * 0.6))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        handles = [
            Patch(
                facecolor=styles[c.id][0],
                hatch=styles[c.id][1],
                edgecolor="white",
                label=c.label + ("" if c.family == "co_creation" else " (not co-creation)"),
            )
            for c in ordered
        ]
        figure.legend(
            handles=handles, loc="outside lower center", ncols=2, frameon=False, fontsize=8
        )
        axes.set_title("Activities by category", loc="left")
        return render(figure, format)


_MARKERS = {"co_creation": "o", "not_co_creation": "s"}


def iap2_data(
    results: Sequence[Classification], framework: Framework | None = None
) -> dict[str, Any]:
    fw = framework or default_framework()
    return {
        "levels": [{"id": level.id, "label": level.label} for level in fw.iap2_levels],
        "activities": [
            {
                "partnership": r.partnership,
                "name": a.name,
                "level": a.iap2_level,
                "category": a.category,
                "family": a.family,
            }
            for r in results
            for a in r.activities
        ],
    }


def iap2_chart(
    results: Sequence[Classification],
    format: ChartFormat = "svg",
    framework: Framework | None = None,
) -> bytes:
    """Where each activity sits on the IAP2 spectrum, from inform to empower."""
    fw = framework or default_framework()
    levels = [level.id for level in fw.iap2_levels]
    rows = [(r.partnership, a) for r in results for a in r.activities]
    with chart_style():
        figure = new_figure(9.0, _height(len(rows)) + 0.4)
        if not rows:
            _message(figure, "No activities recorded, so no participation levels to show.")
            return render(figure, format)
        axes = figure.add_subplot()
        for index, (_, activity) in enumerate(rows):
            x = levels.index(activity.iap2_level) if activity.iap2_level in levels else 0
            family = activity.family
            axes.scatter(
                [x],
                [index],
                s=70,
                marker=_MARKERS.get(family, "o"),
                color=PALETTE[0] if family == "co_creation" else PALETTE[5],
                zorder=3,
            )
            axes.hlines(index, 0, x, color="#BBBBBB", linewidth=1, zorder=1)
        axes.set_yticks(range(len(rows)), [f"{p}: {a.name}" for p, a in rows], fontsize=8)
        axes.invert_yaxis()
        axes.set_xticks(range(len(levels)), [level.label for level in fw.iap2_levels], fontsize=9)
        axes.set_xlim(-0.4, len(levels) - 0.6)
        axes.grid(axis="x", color="#EEEEEE")
        figure.legend(
            handles=[
                axes.scatter([], [], marker="o", color=PALETTE[0], label="co-creation"),
                axes.scatter([], [], marker="s", color=PALETTE[5], label="not co-creation"),
            ],
            loc="outside lower center",
            frameon=False,
            fontsize=9,
            ncols=2,
        )
        axes.set_title("Participation level of each activity (IAP2 spectrum)", loc="left")
        return render(figure, format)
