"""A project's charts: the data behind each (JSON-ready) and its drawing, for CLI and web.

Each chart is drawn by :mod:`collabmap.report.charts` from the project's classified
partnerships; this module only chooses the partnerships and writes the file whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from collabmap._output import whole_file
from collabmap.compare.network import partnership_network
from collabmap.compare.similarity import similarity_map
from collabmap.errors import InvalidInput, UnknownName
from collabmap.report.charts import ChartFormat
from collabmap.report.charts.network import network_chart
from collabmap.report.charts.similarity import similarity_chart
from collabmap.report.charts.typology import (
    activity_chart,
    activity_data,
    iap2_chart,
    iap2_data,
    typology_chart,
    typology_data,
)
from collabmap.store._engine import Store
from collabmap.store.matrix import project_profiles

__all__ = ["CHART_KINDS", "Chart", "ChartKind", "chart_format", "project_chart", "write_chart"]

ChartKind = Literal["typology", "activities", "iap2", "network", "similarity"]
CHART_KINDS: tuple[ChartKind, ...] = get_args(ChartKind)


@dataclass(frozen=True)
class Chart:
    """What a chart shows (``data``, JSON-ready) and how to draw it as SVG or PNG."""

    kind: str
    data: object
    draw: Callable[[ChartFormat], bytes]


def project_chart(
    store: Store, project_name: str, kind: str, *, partnership: str | None = None
) -> Chart:
    """One chart of the project's partnerships, or of one (a network is always of one)."""
    if kind not in CHART_KINDS:
        raise InvalidInput(f"a chart is one of {', '.join(CHART_KINDS)}; got {kind!r}")
    names, profiles, results, _ = project_profiles(store, project_name)
    if partnership is not None:
        if partnership not in profiles:
            raise UnknownName("partnership with a profile", partnership, sorted(profiles))
        names = [partnership]
    chosen = [results[n] for n in names if n in results]
    if kind == "network":
        if partnership is None:
            raise InvalidInput("a network chart is of one partnership: give --partnership NAME")
        network = partnership_network(profiles[partnership])
        return Chart(kind, network.to_dict(), lambda f: network_chart(network, f))
    if kind == "similarity":
        mapped = similarity_map([profiles[n] for n in names if n in profiles])
        return Chart(kind, mapped.to_dict(), lambda f: similarity_chart(mapped, f))
    if kind == "typology":
        return Chart(kind, typology_data(chosen), lambda f: typology_chart(chosen, f))
    if kind == "activities":
        return Chart(kind, activity_data(chosen), lambda f: activity_chart(chosen, f))
    return Chart(kind, iap2_data(chosen), lambda f: iap2_chart(chosen, f))


def chart_format(out: Path) -> ChartFormat:
    """SVG or PNG, from the file name; anything else is refused before any drawing."""
    suffix = out.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise InvalidInput(f"{out}: a chart is written as .svg or .png")
    return "png" if suffix == ".png" else "svg"


def write_chart(draw: Callable[[ChartFormat], bytes], out: Path) -> Path:
    """Draw the chart in the format its file name asks for and write it whole."""
    format = chart_format(out)
    with whole_file(out) as tmp:
        tmp.write_bytes(draw(format))
    return out
