"""A long report tells whoever waits how far it has got, and stops when asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from collabmap.errors import Cancelled
from collabmap.store import Store
from collabmap.store.projects import create_project
from collabmap.store.report import write_report


@pytest.fixture
def project(store: Store) -> Store:
    create_project(store, "Study", with_examples=True)
    return store


@pytest.mark.parametrize("format", ["html", "md", "pdf"])
def test_progress_rises_from_nothing_to_done_with_a_sentence_at_each_step(
    project: Store, tmp_path: Path, format: str
) -> None:
    heard: list[tuple[float, str]] = []
    write_report(
        project,
        "Study",
        format,  # type: ignore[arg-type]
        tmp_path / f"r.{format}",
        progress=lambda fraction, sentence: heard.append((fraction, sentence)),
    )
    fractions = [f for f, _ in heard]
    assert fractions == sorted(fractions), "progress never goes backwards"
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(sentence and sentence[0].isupper() for _, sentence in heard)
    if format == "pdf":
        assert any(sentence.startswith("Laying out page") for _, sentence in heard)


def test_cancelling_a_pdf_between_pages_keeps_nothing(project: Store, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / "report.pdf"
    pages: list[str] = []

    def stop_on_second_page(fraction: float, sentence: str) -> None:
        if sentence.startswith("Laying out page"):
            pages.append(sentence)
            if len(pages) == 2:
                raise Cancelled()

    with pytest.raises(Cancelled):
        write_report(project, "Study", "pdf", out, progress=stop_on_second_page)
    assert pages == ["Laying out page 1", "Laying out page 2"]
    assert list(folder.iterdir()) == [], "no report and no partial file"


def test_without_a_progress_callback_reports_are_made_as_before(
    project: Store, tmp_path: Path
) -> None:
    out = write_report(project, "Study", "pdf", tmp_path / "report.pdf")
    assert "Wigan" in "".join(page.extract_text() for page in PdfReader(out).pages)
