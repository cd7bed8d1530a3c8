"""Chart of a partnership's stakeholder network: who is in it, from which sector, who leads.

The lead sits in the middle, drawn as a larger square so that it stands out without colour;
partners sit round it, coloured and hatched by sector (a legend names the sectors). The caption
gives the degree centralisation and the Provan & Kenis governance mode the network suggests,
and says when ties are only those the profile records (lead to partner), so nobody reads the
star shape as a finding. Missing information is written on the chart, never left blank.
"""

from __future__ import annotations

import math
import textwrap

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from collabmap.compare.network import NetworkNode, PartnershipNetwork
from collabmap.framework import Framework, default_framework
from collabmap.report.charts._style import (
    HATCHES,
    PALETTE,
    ChartFormat,
    chart_style,
    new_figure,
    render,
)

__all__ = ["network_chart"]

_NOT_RECORDED = "not_recorded"
_EDGE = "#555555"


def _sector_styles(fw: Framework) -> dict[str, tuple[str, str, str]]:
    """Colour, hatch and label for each sector, in the framework's order."""
    terms = fw.terms("sectors")
    styles = {
        term.id: (PALETTE[i % len(PALETTE)], HATCHES[i % len(HATCHES)], term.label)
        for i, term in enumerate(terms)
    }
    styles[_NOT_RECORDED] = ("white", "", "Sector not recorded")
    return styles


def _positions(network: PartnershipNetwork) -> dict[str, tuple[float, float]]:
    """The lead at the centre; the others evenly round a circle.

    An odd number starts at the top; an even number is turned half a step, so that no name
    sits straight below another's node or runs into the lead's label.
    """
    lead = network.lead
    others = [n for n in network.nodes if not n.is_lead]
    places = {lead.name: (0.0, 0.0)} if lead else {}
    step = 2 * math.pi / max(len(others), 1)
    start = math.pi / 2 - (step / 2 if len(others) % 2 == 0 else 0.0)
    for i, node in enumerate(others):
        angle = start - step * i
        places[node.name] = (math.cos(angle), math.sin(angle))
    return places


def _label(ax: Axes, node: NetworkNode, x: float, y: float) -> None:
    """The organisation's name just outside its node, aligned away from the centre."""
    text = "\n".join(textwrap.wrap(node.name, 22)) or node.name
    if node.is_lead:
        ax.annotate(
            "Lead: " + text,
            (x, y),
            xytext=(0, -24),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=10,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.9},
            zorder=5,
        )
        return
    ha = "left" if x > 0.2 else "right" if x < -0.2 else "center"
    va = "bottom" if y > 0.2 else "top" if y < -0.2 else "center"
    dx = 14 if ha == "left" else -14 if ha == "right" else 0
    dy = 12 if va == "bottom" else -12 if va == "top" else 0
    ax.annotate(
        text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=9.5
    )


def _caption(network: PartnershipNetwork) -> str:
    lines = []
    if network.centralisation is not None:
        lines.append(
            f"Degree centralisation {network.centralisation:.2f} (1 = every tie runs through "
            "one organisation; 0 = ties evenly spread)."
        )
    if network.governance.mode is None:
        lines.append("Suggested governance (Provan & Kenis): none — too little is recorded.")
    else:
        lines.append(f"Suggested governance (Provan & Kenis): {network.governance.label}.")
    if network.ties_recorded == "lead_only" and network.edges:
        lines.append("Lines show only the lead–partner ties the profile records.")
    unrecorded = [node.name for node in network.nodes if node.sector is None]
    if unrecorded:
        lines.append(f"Sector not recorded for {', '.join(unrecorded)}.")
    return "\n".join(textwrap.fill(line, 110) for line in lines)


def network_chart(
    data: PartnershipNetwork, format: ChartFormat = "svg", framework: Framework | None = None
) -> bytes:
    """The partnership's network as SVG or PNG bytes (see the module's description).

    ``framework`` (the shipped one by default) names and orders the sectors in the legend;
    give the one the network was built with.
    """
    styles = _sector_styles(framework or default_framework())
    count = len(data.nodes)
    height = 5.2 if count <= 8 else 6.4
    with chart_style():
        fig = new_figure(7.0, height)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_title(f"Who is in {data.partnership}, and who leads", loc="left")
        places = _positions(data)
        for a, b in data.edges:
            (xa, ya), (xb, yb) = places[a], places[b]
            ax.plot([xa, xb], [ya, yb], color=_EDGE, linewidth=1.2, zorder=1)
        used: list[str] = []
        for node in data.nodes:
            sector = node.sector or _NOT_RECORDED
            if sector not in styles:
                sector = _NOT_RECORDED
            colour, hatch, _ = styles[sector]
            if sector not in used:
                used.append(sector)
            x, y = places[node.name]
            ax.scatter(
                [x],
                [y],
                s=900 if node.is_lead else 380,
                marker="s" if node.is_lead else "o",
                c=colour,
                hatch=hatch,
                edgecolors="black",
                linewidths=2.2 if node.is_lead else 1.0,
                zorder=3,
            )
            _label(ax, node, x, y)
        message = _message(data)
        if message:
            ax.text(
                0.5,
                0.5 if not data.nodes else 0.08,
                message,
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=12,
                bbox={"boxstyle": "round,pad=0.5", "fc": "#F2F2F2", "ec": _EDGE},
            )
        ax.set_xlim(-2.2, 2.2)
        ax.set_ylim(-1.45, 1.7)
        used.sort(key=list(styles).index)
        handles: list[Patch | Line2D] = [
            Patch(
                facecolor=styles[s][0],
                hatch=styles[s][1],
                edgecolor="black",
                label=styles[s][2],
            )
            for s in used
        ]
        if data.lead is not None:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="s",
                    markersize=13,
                    markerfacecolor="white",
                    markeredgecolor="black",
                    markeredgewidth=2.2,
                    linestyle="none",
                    label="Lead organisation (large square)",
                )
            )
        if handles:
            ax.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, 0.0),
                ncol=min(3, len(handles)),
                frameon=False,
                fontsize=9.5,
                handlelength=1.6,
                handleheight=1.3,
            )
        fig.supxlabel(_caption(data), fontsize=9.5, x=0.02, ha="left")
        return render(fig, format)


def _message(data: PartnershipNetwork) -> str | None:
    """What the chart must say because the profile does not."""
    if not data.nodes:
        return "No organisations recorded in the profile"
    if data.lead is None:
        return "No lead organisation recorded in the profile,\nso no ties can be drawn"
    if len(data.nodes) == 1:
        return "No partners recorded in the profile"
    return None
