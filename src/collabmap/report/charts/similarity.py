"""Chart of the similarity map: partnerships as labelled points, closer = more alike.

The positions come from multidimensional scaling, so the axes have no units or meaning and
their numbers are hidden; only distances matter, and the title says so. Points are coloured
and shaped by the structure each partnership was classified as (two channels, with a
legend). Labels are offset from their points and placed one by one where they overlap no
other label or point, with a thin leader line when a label has to move further away.
"""

from __future__ import annotations

import textwrap

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from collabmap.classify import INSUFFICIENT
from collabmap.classify._labels import label_of
from collabmap.compare.similarity import SimilarityMap
from collabmap.framework import Framework, default_framework
from collabmap.report.charts._style import PALETTE, ChartFormat, chart_style, new_figure, render

__all__ = ["similarity_chart"]

_MARKERS = ("o", "s", "^", "D", "v", "P", "*", "h")
_DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
_RADII = (9, 18, 30, 44, 60, 80)
_MAX_LABELS = 40
_POINT_SIZE = 110


def _structure_styles(fw: Framework) -> dict[str, tuple[str, str, str]]:
    """Colour, marker and label for each structure label the classifier can give."""
    styles = {
        s.id: (PALETTE[i % len(PALETTE)], _MARKERS[i % len(_MARKERS)], s.label)
        for i, s in enumerate(x for x in fw.structures if x.id != "other")
    }
    styles["other"] = ("white", "X", "Other (no structure fits well)")
    styles[INSUFFICIENT] = ("white", "o", label_of(fw, "structures", INSUFFICIENT, lower=False))
    return styles


def _stress_words(stress: float | None) -> str:
    """Kruskal's rule of thumb for Stress-1, in words."""
    if stress is None:
        return ""
    quality = (
        "excellent"
        if stress <= 0.025
        else "good"
        if stress <= 0.05
        else "fair"
        if stress <= 0.1
        else "rough"
        if stress <= 0.2
        else "poor"
    )
    return f" How faithfully the flat map shows the differences: {quality} (stress {stress:.2f})."


def _place_labels(
    fig: Figure, ax: Axes, names: list[str], points: list[tuple[float, float]]
) -> None:
    """Put each label where it overlaps no placed label, no point, and stays in the axes."""
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    fig.draw_without_rendering()
    fig.set_layout_engine("none")  # freeze the layout so measured positions stay true
    frame = ax.get_window_extent(renderer)
    radius = (_POINT_SIZE**0.5) / 2 * fig.dpi / 72 + 2
    point_boxes = []
    for x, y in points:
        px, py = ax.transData.transform((x, y))
        point_boxes.append(Bbox.from_extents(px - radius, py - radius, px + radius, py + radius))
    placed: list[Bbox] = []
    for i, name in enumerate(names):
        text = "\n".join("\n".join(textwrap.wrap(part, 30)) or part for part in name.split("\n"))
        best: tuple[float, int, int, int, Bbox] | None = None
        for r in _RADII:
            for dx, dy in _DIRECTIONS:
                # measured without its leader line, which would always touch its own point
                probe = _annotate(ax, text, points[i], dx, dy, r, leader=False)
                box = probe.get_window_extent(renderer).padded(1)
                probe.remove()
                clash = sum(_overlap(box, other) for other in placed + point_boxes)
                outside = box.width * box.height - _overlap(box, frame)
                cost = clash + 4 * outside
                if best is None or cost < best[0]:
                    best = (cost, dx, dy, r, box)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if best is not None:
            _, dx, dy, r, box = best
            _annotate(ax, text, points[i], dx, dy, r, leader=r > _RADII[0])
            placed.append(box)


def _annotate(
    ax: Axes, text: str, xy: tuple[float, float], dx: int, dy: int, r: int, *, leader: bool
) -> Annotation:
    """A label ``r`` points from its point in direction (dx, dy), aligned away from it."""
    return ax.annotate(
        text,
        xy,
        xytext=(dx * r, dy * r),
        textcoords="offset points",
        ha="left" if dx > 0 else "right" if dx < 0 else "center",
        va="bottom" if dy > 0 else "top" if dy < 0 else "center",
        fontsize=10,
        arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.7, "shrinkB": 5}
        if leader
        else None,
        zorder=4,
    )


def _merge_coincident(
    names: list[str], points: list[tuple[float, float]]
) -> tuple[list[str], list[tuple[float, float]]]:
    """One label for partnerships at the same spot (identical answers), names one per line."""
    span = max([abs(v) for p in points for v in p] + [1e-9])
    groups: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(points):
        groups.setdefault((round(x / span * 500), round(y / span * 500)), []).append(i)
    merged = [(" /\n".join(names[i] for i in group), points[group[0]]) for group in groups.values()]
    return [m[0] for m in merged], [m[1] for m in merged]


def _overlap(a: Bbox, b: Bbox) -> float:
    width: float = min(a.x1, b.x1) - max(a.x0, b.x0)
    height: float = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def similarity_chart(
    data: SimilarityMap, format: ChartFormat = "svg", framework: Framework | None = None
) -> bytes:
    """The similarity map as SVG or PNG bytes (see the module's description).

    ``framework`` (the shipped one by default) names the structures in the legend; give the
    one the map was made with.
    """
    styles = _structure_styles(framework or default_framework())
    names = list(data.partnerships)
    points = [(float(x), float(y)) for x, y in data.coordinates]
    with chart_style():
        fig = new_figure(7.0, 5.2)
        ax = fig.add_subplot()
        ax.set_title("How alike the partnerships are (closer = more alike)", loc="left")
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(True)
            ax.spines[side].set_color("#BBBBBB")
        used: list[str] = []
        for (x, y), structure in zip(points, data.structures, strict=True):
            key = structure if structure in styles else "other"
            colour, marker, _ = styles[key]
            if key not in used:
                used.append(key)
            ax.scatter(
                [x],
                [y],
                s=_POINT_SIZE,
                c=colour,
                marker=marker,
                edgecolors="black",
                linewidths=0.9,
                zorder=3,
            )
        span = max(
            [abs(v) for p in points for v in p] + [0.05],
        )
        ax.set_xlim(-span * 1.9, span * 1.9)
        ax.set_ylim(-span * 1.5, span * 1.5)
        message = _message(data)
        if message:
            ax.text(
                0.5,
                0.78,
                message,
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=12,
                bbox={"boxstyle": "round,pad=0.5", "fc": "#F2F2F2", "ec": "#555555"},
            )
        order = list(styles)
        used.sort(key=order.index)
        if used:
            ax.legend(
                handles=[
                    Line2D(
                        [],
                        [],
                        marker=styles[k][1],
                        markersize=9,
                        markerfacecolor=styles[k][0],
                        markeredgecolor="black",
                        linestyle="none",
                        label=styles[k][2],
                    )
                    for k in used
                ],
                title="Classified as",
                loc="upper center",
                bbox_to_anchor=(0.5, -0.02),
                ncol=min(3, len(used)),
                frameon=False,
                fontsize=9.5,
            )
        fig.supxlabel(_caption(data), fontsize=9.5, x=0.02, ha="left")
        if 0 < len(names) <= _MAX_LABELS:
            _place_labels(fig, ax, *_merge_coincident(names, points))
        return render(fig, format)


def _caption(data: SimilarityMap) -> str:
    text = (
        "Each point is a partnership; the distance between two points shows how differently "
        "they answered and were classified (1 − cosine similarity). The axes have no units."
        + _stress_words(data.stress)
    )
    lines = [textwrap.fill(text, 105)]
    unanswered = [
        name for name, row in zip(data.partnerships, data.vectors, strict=True) if not any(row)
    ]
    if unanswered:
        lines.append(textwrap.fill(f"No answers to compare for {', '.join(unanswered)}.", 105))
    if len(data.partnerships) > _MAX_LABELS:
        lines.append(
            f"Names are left off above {_MAX_LABELS} partnerships; the table lists each one's "
            "nearest neighbour."
        )
    return "\n".join(lines)


def _message(data: SimilarityMap) -> str | None:
    if not data.partnerships:
        return "No partnerships to compare"
    if len(data.partnerships) == 1:
        return "Only one partnership: add another to compare"
    return None
