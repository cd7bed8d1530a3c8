"""Renderings for people: Markdown, and later charts, HTML, PDF and spreadsheets."""

from collabmap.report.framework_markdown import framework_markdown

__all__ = ["framework_markdown"]
