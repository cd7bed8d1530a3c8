"""Chart of consensus and conflict: a grid of questions × respondents, answers as text.

Each respondent is a column; each answered question a row, with the share of respondents
giving the most common answer at the right. Rows where respondents disagree are shaded *and*
marked with a diamond (so the chart survives black-and-white printing), and the top block
shows what each respondent's answers make of the partnership — its structure and each
activity's category — because that is where a disagreement matters: the council's answers
may make an activity co-design while the community group's make it consultation. Missing
answers read "— missing", in grey, and are not counted as disagreement.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from collabmap.classify._labels import label_of
from collabmap.compare.consensus import ConsensusReport
from collabmap.framework import Framework, default_framework
from collabmap.report.charts._style import PALETTE, ChartFormat, chart_style, new_figure, render

__all__ = ["consensus_chart"]

_CONFLICT = PALETTE[5]  # vermilion
_MISSING = "— missing"
_LINE = 0.165  # inches per line of 9.5-point text, with matplotlib's 1.2 leading
_PAD = 0.08  # inches above and below a row's text
_MARGIN = 0.15  # inches left of the grid
_TITLE_LINE = 0.24  # inches per line of the 12-point bold title
_BOTTOM = 0.75  # inches below the grid: legend and caption
_QUESTION_WIDTH = 2.9  # inches
_ANSWER_WIDTH = 1.75
_AGREE_WIDTH = 0.8
_TOP_LABELS = {
    "lead.organisation": "Lead organisation",
    "lead.sector": "Lead's sector",
    "lead.size": "Lead's size",
    "lead_role": "Lead's role",
    "scope": "Scope of change",
    "practices": "Practices",
    "partners": "Partners",
    "rationales": "Rationales",
}


@dataclass(frozen=True, slots=True)
class _Row:
    label: str
    cells: list[str | None]
    disagree: bool
    agreement: str
    section: bool = False


def _readable(path: str) -> str:
    """A question path as a row label: 'Community conversations · citizens' part in design'."""
    if path in _TOP_LABELS:
        return _TOP_LABELS[path]
    found = re.fullmatch(r"(\w+)\[(.*)\]\.(.+)", path)
    if not found:
        return path.replace("_", " ")
    name, rest = found.group(2), found.group(3)
    parts = rest.split(".")
    if parts[0] == "phases" and len(parts) == 3:
        return f"{name} · {parts[2]}' part in {parts[1]}"
    return f"{name} · {rest.replace('_', ' ')}"


def _rows(data: ConsensusReport, fw: Framework) -> list[_Row]:
    categories = {c.id: c.label for c in fw.activity_categories}
    rows: list[_Row] = []
    if data.implied:
        rows.append(_Row("What each respondent's answers make of it", [], False, "", True))
        labels: list[str | None] = [
            label_of(fw, "structures", i.structure, lower=False) + (" (hybrid)" if i.hybrid else "")
            for i in data.implied
        ]
        rows.append(
            _Row("Collaborative structure", labels, data.structure_disagreement, _share(labels))
        )
        for view in data.activities:
            cells = [
                categories.get(c, c) if c else None
                for c in (view.categories[who] for who in data.respondents)
            ]
            rows.append(_Row(f"{view.name} — category", cells, view.disagreement, _share(cells)))
    if data.questions:
        rows.append(_Row("Answers given", [], False, "", True))
    for q in data.questions:
        cells = [q.answers[who] for who in data.respondents]
        shown = [c.replace("_", " ") if c else None for c in cells]
        rows.append(_Row(_readable(q.path), shown, q.disagreement, f"{q.agreement:.0%}"))
    return rows


def _share(cells: list[str | None]) -> str:
    """Share of those with an answer who give the most common one, as a percentage."""
    given = [c for c in cells if c is not None]
    if not given:
        return ""
    return f"{max(given.count(c) for c in given) / len(given):.0%}"


def _wrap(text: str, inches: float) -> str:
    """Wrap to a column ``inches`` wide (about 11 characters an inch at 9.5 points)."""
    return "\n".join(textwrap.wrap(text, max(int(inches * 11), 8))) or text


def consensus_chart(
    data: ConsensusReport, format: ChartFormat = "svg", framework: Framework | None = None
) -> bytes:
    """The consensus grid as SVG or PNG bytes (see the module's description).

    ``framework`` (the shipped one by default) names the structures and activity categories;
    give the one the report was made with.
    """
    rows = _rows(data, framework or default_framework())
    k = len(data.respondents)
    widths = [_QUESTION_WIDTH] + [_ANSWER_WIDTH] * k + [_AGREE_WIDTH]
    lefts = [sum(widths[:i]) for i in range(len(widths))]
    total_w = sum(widths)
    header = [_wrap(who, _ANSWER_WIDTH - 0.15) for who in data.respondents]
    header_h = max([t.count("\n") + 1 for t in header] + [1]) * _LINE + 2 * _PAD
    wrapped: list[tuple[_Row, str, list[str]]] = []
    heights: list[float] = []
    for row in rows:
        label = _wrap(row.label, _QUESTION_WIDTH - 0.3)
        cells = [_wrap(c, _ANSWER_WIDTH - 0.15) if c else _MISSING for c in row.cells]
        lines = max([t.count("\n") + 1 for t in [label, *cells]])
        wrapped.append((row, label, cells))
        heights.append(lines * _LINE + 2 * _PAD)
    message = _message(data)
    top = (0.6 if message else 0.0) + header_h
    body_h = top + sum(heights)
    with chart_style():
        fig_w = max(7.0, total_w + 2 * _MARGIN)
        title = "\n".join(
            textwrap.wrap(
                "Where respondents agree and disagree about "
                f"{data.partnership or 'the partnership'}",
                int((fig_w - 2 * _MARGIN) * 8.5),
            )
        )
        title_h = 0.12 + _TITLE_LINE * (title.count("\n") + 1)
        fig_h = body_h + title_h + 0.45 + _BOTTOM
        fig = new_figure(fig_w, fig_h)
        # a fixed layout, so that one data unit is one inch and rows fit their text exactly
        fig.set_layout_engine("none")
        ax = fig.add_axes((_MARGIN / fig_w, _BOTTOM / fig_h, total_w / fig_w, body_h / fig_h))
        ax.set_axis_off()
        ax.set_xlim(0, total_w)
        ax.set_ylim(body_h, 0)
        fig.text(_MARGIN / fig_w, 1 - 0.1 / fig_h, title, fontsize=12, fontweight="bold", va="top")
        fig.text(
            _MARGIN / fig_w, 1 - (title_h + 0.05) / fig_h, _summary(data), fontsize=10, va="top"
        )
        if not k:
            ax.text(total_w / 2, 0.3, message or "", ha="center", va="center", fontsize=12)
            return render(fig, format)
        _draw_header(ax, header, lefts, widths, top, k)
        y = top
        for (row, label, cells), h in zip(wrapped, heights, strict=True):
            _draw_row(ax, row, label, cells, lefts, widths, y, h)
            y += h
        if message:
            ax.text(
                total_w / 2,
                0.3,
                message,
                ha="center",
                va="center",
                fontsize=12,
                bbox={"boxstyle": "round,pad=0.5", "fc": "#F2F2F2", "ec": "#555555"},
                zorder=5,
            )
        shade = Patch(facecolor=_CONFLICT, alpha=0.22, edgecolor="none")
        mark = Line2D([], [], marker="D", color=_CONFLICT, markersize=7, linestyle="none")
        gap = Line2D([], [], linestyle="none")
        ax.legend(
            [(shade, mark), gap],
            [
                "Respondents disagree (shaded, ◆)",
                "— missing: no answer, not counted as disagreement",
            ],
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)},
            loc="upper left",
            bbox_to_anchor=(0.0, 0.0),
            ncol=2,
            frameon=False,
            fontsize=9.5,
            handlelength=2.4,
        )
        fig.text(_MARGIN / fig_w, 0.05 / fig_h, _caption(data), fontsize=9.5, va="bottom")
        return render(fig, format)


def _draw_header(
    ax: Axes, header: list[str], lefts: list[float], widths: list[float], h: float, k: int
) -> None:
    ax.text(0.1, h - _PAD, "Question", fontweight="bold", va="bottom")
    for i, text in enumerate(header):
        ax.text(lefts[i + 1] + 0.08, h - _PAD, text, fontweight="bold", va="bottom")
    if k:
        ax.text(lefts[-1] + 0.08, h - _PAD, "Agree", fontweight="bold", va="bottom")
    ax.plot([0, sum(widths)], [h, h], color="#333333", linewidth=1.0)


def _draw_row(
    ax: Axes,
    row: _Row,
    label: str,
    cells: list[str],
    lefts: list[float],
    widths: list[float],
    y: float,
    h: float,
) -> None:
    total = sum(widths)
    if row.section:
        ax.text(0.1, y + h - _PAD, row.label, fontweight="bold", fontsize=10.5, va="bottom")
        return
    if row.disagree:
        ax.add_patch(Rectangle((0, y), total, h, facecolor=_CONFLICT, alpha=0.22, edgecolor="none"))
        ax.plot([0.1], [y + _PAD + _LINE / 2], marker="D", color=_CONFLICT, markersize=7)
    ax.text(
        0.3,
        y + _PAD,
        label,
        va="top",
        fontsize=9.5,
        fontweight="bold" if row.disagree else "normal",
    )
    for i, text in enumerate(cells):
        missing = text == _MISSING
        ax.text(
            lefts[i + 1] + 0.08,
            y + _PAD,
            text,
            va="top",
            fontsize=9.5,
            color="#767676" if missing else "black",
            fontstyle="italic" if missing else "normal",
        )
    ax.text(lefts[-1] + 0.08, y + _PAD, row.agreement, va="top", fontsize=9.5)
    ax.plot([0, total], [y + h, y + h], color="#DDDDDD", linewidth=0.6)


def _summary(data: ConsensusReport) -> str:
    """One line under the title: how much disagreement, and whether it changes the result."""
    if not data.respondents:
        return "Nothing to compare yet."
    if len(data.respondents) == 1:
        return f"One respondent; {len(data.questions)} questions answered."
    differ = sum(v.disagreement for v in data.activities)
    parts = [
        f"{len(data.disagreements)} of {len(data.questions)} answered questions show "
        f"disagreement among {len(data.respondents)} respondents",
        f"{differ} activit{'y' if differ == 1 else 'ies'} classified differently",
    ]
    if data.structure_disagreement:
        parts.append("the structure differs")
    return "; ".join(parts) + "."


def _caption(data: ConsensusReport) -> str:
    lines = [
        "'Agree' is the share of the respondents who answered that gave the most common answer."
    ]
    names = list(dict.fromkeys(data.names.values()))
    if len(names) > 1:
        lines.append(f"Respondents name the partnership differently: {', '.join(names)}.")
    return "\n".join(textwrap.fill(line, 110) for line in lines)


def _message(data: ConsensusReport) -> str | None:
    if not data.respondents:
        return "No respondents' answers given"
    if len(data.respondents) == 1:
        return "Only one respondent: there is nothing to compare yet"
    if not data.questions:
        return "No questions answered by any respondent"
    return None
