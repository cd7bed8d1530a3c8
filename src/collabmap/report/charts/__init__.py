"""Static charts (SVG/PNG) for reports; each chart also gives its data as JSON."""

from collabmap.report.charts._style import PALETTE, ChartFormat

__all__ = ["PALETTE", "ChartFormat"]
