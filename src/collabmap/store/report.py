"""Gathering a project's report from the store (the rendering is in :mod:`collabmap.report`)."""

from __future__ import annotations

from pathlib import Path

from collabmap._output import whole_file
from collabmap.compare.matrix import Quote
from collabmap.errors import InvalidInput, UnknownName
from collabmap.report.context import ReportContext, build_report_context
from collabmap.report.progress import Progress, quiet, span
from collabmap.report.render import ReportFormat, render_report
from collabmap.store._engine import Store
from collabmap.store.coding import project_code_paths
from collabmap.store.matrix import partnership_quotes, project_profiles
from collabmap.store.projects import get_project

__all__ = ["project_report", "write_report"]


def project_report(
    store: Store,
    project_name: str,
    *,
    partnership: str | None = None,
    progress: Progress = quiet,
) -> ReportContext:
    """The report of a whole project, or of one partnership in it."""
    progress(0.0, "Reading and classifying the partnerships")
    names, profiles, results, left_out = project_profiles(store, project_name)
    if partnership is not None:
        if partnership not in names:
            raise UnknownName("partnership", partnership, names)
        names = [partnership]
    progress(0.6, "Gathering the quotations")
    quotes: dict[str, list[tuple[str, Quote]]] = {name: [] for name in names}
    with store.reading() as session:
        project = get_project(session, project_name)
        paths = project_code_paths(session, project.id)
        for case, code_id, quote in partnership_quotes(session, project, partnerships=names):
            quotes[case].append((paths[code_id], quote))
    progress(0.9, "Comparing the partnerships")
    return build_report_context(
        project_name,
        names,
        profiles,
        results,
        quotes,
        left_out=left_out,
        single=partnership is not None,
    )


def write_report(
    store: Store,
    project_name: str,
    format: ReportFormat,
    out: Path,
    *,
    partnership: str | None = None,
    progress: Progress = quiet,
) -> Path:
    """Render the report and write it whole (via a temporary file) to ``out``.

    ``progress(fraction, sentence)`` is called between steps; raising
    :class:`~collabmap.errors.Cancelled` from it stops the work and leaves ``out`` as it was.
    """
    if format not in ("html", "pdf", "md"):
        raise InvalidInput(f"a report is html, pdf or md; got {format!r}")
    with whole_file(out) as tmp:
        context = project_report(
            store, project_name, partnership=partnership, progress=span(progress, 0.0, 0.1)
        )
        tmp.write_bytes(render_report(context, format, progress=span(progress, 0.1, 0.99)))
    progress(1.0, "The report is ready")
    return out
