"""A project's charts, as the CLI and the web application get them."""

from __future__ import annotations

from pathlib import Path

import pytest

from collabmap.errors import InvalidInput
from collabmap.store import Store
from collabmap.store.charts import CHART_KINDS, project_chart, write_chart
from collabmap.store.projects import create_project


def test_every_chart_of_the_reference_cases_has_data_and_draws(
    store: Store, tmp_path: Path
) -> None:
    create_project(store, "Study", with_examples=True)
    for kind in CHART_KINDS:
        partnership = "Plymouth Alliance" if kind == "network" else None
        chart = project_chart(store, "Study", kind, partnership=partnership)
        assert chart.data
        out = write_chart(chart.draw, tmp_path / f"{kind}.svg")
        assert "<svg" in out.read_text()


def test_unknown_kinds_and_file_types_are_refused_and_nothing_is_left(
    store: Store, tmp_path: Path
) -> None:
    create_project(store, "Study", with_examples=True)
    with pytest.raises(InvalidInput, match="a chart is one of typology, activities"):
        project_chart(store, "Study", "pie")
    chart = project_chart(store, "Study", "typology")
    out = tmp_path / "charts"
    out.mkdir()
    with pytest.raises(InvalidInput, match=r"a chart is written as \.svg or \.png"):
        write_chart(chart.draw, out / "t.gif")
    assert list(out.iterdir()) == []
