"""Rendering a report context as self-contained HTML, PDF (WeasyPrint) or Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from typing import Literal

from jinja2 import Environment, PackageLoader, select_autoescape

from collabmap.compare.network import partnership_network
from collabmap.compare.similarity import similarity_map
from collabmap.report.charts.network import network_chart
from collabmap.report.charts.similarity import similarity_chart
from collabmap.report.charts.typology import activity_chart, iap2_chart, typology_chart
from collabmap.report.context import ReportContext
from collabmap.report.progress import Progress, pdf_steps, quiet, span

__all__ = ["ReportFormat", "render_html", "render_markdown", "render_pdf", "render_report"]

ReportFormat = Literal["html", "pdf", "md"]
_IAP2_LIMIT = 12  # partnerships; beyond this one row per activity is too long to read
_NETWORK_LIMIT = 12  # partnerships; beyond this the report would be mostly network charts
_ENV = Environment(
    loader=PackageLoader("collabmap.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _svg(data: bytes) -> str:
    """Inline SVG without its XML prologue (it is not allowed inside HTML)."""
    text = data.decode("utf-8")
    text = re.sub(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", "", text)
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.S)


def _chart_plan(ctx: ReportContext) -> list[tuple[str, Callable[[], bytes]]]:
    """The charts a report shows, each as its key and how to draw it (drawn one at a time,
    so progress can be reported and a cancellation honoured between them)."""
    fw = ctx.framework
    results = [s.result for s in ctx.sections]
    plan: list[tuple[str, Callable[[], bytes]]] = []
    if len(results) <= _NETWORK_LIMIT:  # one network chart per partnership section
        for index, section in enumerate(ctx.sections):
            if section.profile is not None:
                profile = section.profile
                plan.append(
                    (
                        f"network_{index}",
                        lambda p=profile: network_chart(  # type: ignore[misc]
                            partnership_network(p, framework=fw), framework=fw
                        ),
                    )
                )
    if ctx.single or not results:
        return plan
    shown = results if len(results) <= ctx.chart_limit else []
    if shown:
        plan.append(("typology", lambda: typology_chart(shown, framework=fw)))
        plan.append(("activity", lambda: activity_chart(shown, framework=fw)))
    if 3 <= len(results) <= ctx.chart_limit:
        profiles = [s.profile for s in ctx.sections if s.profile is not None]
        plan.append(
            (
                "similarity",
                lambda: similarity_chart(similarity_map(profiles, framework=fw), framework=fw),
            )
        )
    if results and len(results) <= _IAP2_LIMIT:
        plan.append(("iap2", lambda: iap2_chart(results, framework=fw)))
    return plan


def _charts(ctx: ReportContext, progress: Progress = quiet) -> dict[str, str]:
    plan = _chart_plan(ctx)
    charts: dict[str, str] = {}
    for done, (key, draw) in enumerate(plan):
        progress(done / len(plan), f"Drawing chart {done + 1} of {len(plan)}")
        charts[key] = _svg(draw())
    return charts


def render_html(
    ctx: ReportContext,
    *,
    charts: dict[str, str] | None = None,
    progress: Progress = quiet,
) -> str:
    """One self-contained HTML page: styles and charts inline, nothing fetched."""
    css = (resources.files("collabmap.report") / "templates" / "report.css").read_text("utf-8")
    template = _ENV.get_template("report.html.j2")
    if charts is None:
        charts = _charts(ctx, span(progress, 0.0, 0.9))
    progress(0.9, "Writing the web page")
    return template.render(ctx=ctx, css=css, charts=charts)


PAGES_PER_PARTNERSHIP = 1.65
"""Roughly how many A4 pages a partnership takes in a project PDF (measured on generated
projects: 333 pages for 200): how far along the layout is, for progress."""


def render_pdf(ctx: ReportContext, *, progress: Progress = quiet) -> bytes:
    """An A4 PDF of the HTML report, with page numbers."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_html(ctx, progress=span(progress, 0.0, 0.05))
    expected = 3 + round(PAGES_PER_PARTNERSHIP * len(ctx.sections))
    with pdf_steps(span(progress, 0.05, 1.0), expected):
        pdf = HTML(string=html, base_url=None).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(ctx: ReportContext, *, progress: Progress = quiet) -> str:
    """The report as Markdown (tables as pipe tables; no charts)."""
    lines = [f"# {ctx.title}", "", f"*collabmap report, {ctx.generated}*", ""]
    lines += [
        f"- Partnerships: **{len(ctx.sections)}**",
        f"- Activities called co-creation that are not: **{ctx.mismatches}**",
        f"- Accountability questions left open: **{ctx.open_questions}**",
        "",
    ]
    lines += [f"> {note}" for note in ctx.notes] + ([""] if ctx.notes else [])
    if not ctx.single:
        table = ctx.table1
        lines += ["## Collaborative structures and activities", ""]
        if table.rows:
            header = ["Structure", *[table.labels[c] for c in table.categories]]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            for row in table.rows:
                cells = [f"{row.label} ({', '.join(row.partnerships)})"]
                cells += [row.cells[c].marker() or "" for c in table.categories]
                lines.append("| " + " | ".join(_md_escape(c) for c in cells) + " |")
            lines.append("")
        lines += [f"*{note}*" for note in table.notes] + [""]
    for index, section in enumerate(ctx.sections):
        if index % 20 == 0:
            progress(index / len(ctx.sections), f"Writing partnership {index + 1}")
        result = section.result
        lines += [f"## {section.name}", ""]
        if section.summary:
            lines += [section.summary, ""]
        hybrid = " (hybrid)" if result.structure.hybrid else ""
        lines += [f"**Collaborative structure:** {section.structure_label}{hybrid}", ""]
        lines += [f"- {reason}" for reason in result.structure.reasons] + [""]
        if result.activities:
            lines += ["| Activity | Called | Category | IAP2 |", "|---|---|---|---|"]
            for a in result.activities:
                category = ctx.labels[a.category] + (
                    " — **rhetoric mismatch**" if a.rhetoric_mismatch else ""
                )
                lines.append(
                    f"| {_md_escape(a.name)} | {_md_escape(a.called or '—')} | {category} | "
                    f"{ctx.labels['iap2:' + (a.iap2_level or '')] if a.iap2_level else '—'} |"
                )
            lines.append("")
        for r in result.rationales:
            state = "justified" if r.justified else "general belief"
            lines.append(f"- Rationale: {ctx.labels['r:' + r.code]} — {state}")
        if result.rationales:
            lines.append("")
        if section.open_questions:
            lines += ["**Accountability questions left open:**", ""]
            lines += [
                f"- {q} (open for: {'; '.join(where)})" for q, where in section.open_questions
            ]
            lines.append("")
        for code, quotes in section.quotes:
            for q in quotes:
                lines += [
                    f"> {_md_escape(q.text)}",
                    f"> — {code}, {q.source} [{q.start}–{q.end}]",
                    "",
                ]
        if section.missing:
            lines += [f"*Not yet recorded: {'; '.join(section.missing)}.*", ""]
    lines += ["## Questions for the board", ""]
    lines += [f"- {q}" for q in ctx.reflective_questions] + [""]
    about = f"Framework: {ctx.framework_name}. Source: {ctx.citation}"
    lines += ["## About this report", "", about, ""]
    return "\n".join(lines)


_RENDERERS: dict[str, Callable[..., str | bytes]] = {
    "html": render_html,
    "pdf": render_pdf,
    "md": render_markdown,
}


def render_report(ctx: ReportContext, format: ReportFormat, *, progress: Progress = quiet) -> bytes:
    """The report in ``format`` as bytes, ready to write; ``progress`` hears how far it is
    and may stop it by raising :class:`~collabmap.errors.Cancelled`."""
    output = _RENDERERS[format](ctx, progress=progress)
    return output.encode("utf-8") if isinstance(output, str) else output
