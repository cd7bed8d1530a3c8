"""The matrix and reports from a real project, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from collabmap.errors import InvalidInput, UnknownName
from collabmap.store import Store
from collabmap.store.coding import apply_code
from collabmap.store.links import set_matrix_cell
from collabmap.store.matrix import export_matrix, project_matrix
from collabmap.store.models import Partnership
from collabmap.store.projects import create_project, get_project, new_guid
from collabmap.store.report import project_report, write_report
from collabmap.store.sources import import_files

QUOTE = "A residents' group runs the library under a lease."


@pytest.fixture
def project(store: Store, tmp_path: Path) -> Store:
    create_project(store, "Study", with_examples=True)
    path = tmp_path / "trustee.txt"
    path.write_text(f"Interviewer: Who runs it?\nR1: {QUOTE} =SUM(A1)\n")
    import_files(store, "Study", [path], partnership="Wigan Deal")
    apply_code(
        store,
        "Study",
        "trustee.txt",
        "activity:community_self_organization",
        quote=QUOTE,
        coder="ann",
    )
    return store


def test_the_matrix_holds_the_quote_in_its_partnerships_cell(project: Store) -> None:
    matrix = project_matrix(project, "Study")
    assert len(matrix.themes) == 27 and len(matrix.partnerships) == 5
    theme = next(t for t in matrix.themes if t.concept == "activity:community_self_organization")
    cell = matrix.cell("Wigan Deal", theme.id)
    assert [q.text for q in cell.quotes] == [QUOTE]
    assert cell.drafted and QUOTE in cell.summary
    assert matrix.cell("Golden Key", theme.id).quotes == ()


def test_written_summaries_replace_drafts(project: Store) -> None:
    set_matrix_cell(
        project,
        "Study",
        "Wigan Deal",
        "activity:community_self_organization",
        summary="Assets pass to groups.",
        author="ann",
        status="agreed",
    )
    matrix = project_matrix(project, "Study", themes=["activity:community_self_organization"])
    cell = matrix.cell("Wigan Deal", matrix.themes[0].id)
    assert (cell.summary, cell.status, cell.drafted) == ("Assets pass to groups.", "agreed", False)


def test_matrix_exports_to_xlsx_and_csv(project: Store, tmp_path: Path) -> None:
    matrix = project_matrix(project, "Study")
    export_matrix(matrix, "xlsx", tmp_path / "m.xlsx")
    book = load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames[:5] == [
        "Collaborative structure",
        "Rationales for collaboration",
        "Rationales for co-creation",
        "Activities",
        "Accountability",
    ]
    assert "Quotes" in book.sheetnames
    quotes = list(book["Quotes"].iter_rows(values_only=True))
    assert quotes[1][6] == QUOTE
    activities = book["Activities"]
    header = [c.value for c in activities[1]]
    column = header.index("Community self-organization") + 1
    wigan_row = next(
        r for r in range(2, activities.max_row + 1) if activities.cell(r, 1).value == "Wigan Deal"
    )
    cell = activities.cell(wigan_row, column)
    assert cell.comment is not None and QUOTE in cell.comment.text
    export_matrix(matrix, "csv", tmp_path / "m.csv")
    assert "Wigan Deal" in (tmp_path / "m.csv").read_text()
    with pytest.raises(InvalidInput, match="xlsx or csv"):
        export_matrix(matrix, "pdf", tmp_path / "m.pdf")


def test_reports_in_every_format_carry_the_evidence_and_questions(
    project: Store, tmp_path: Path
) -> None:
    html = write_report(project, "Study", "html", tmp_path / "r.html").read_text()
    assert "Collaborative structures and activities" in html
    assert QUOTE.replace("'", "&#39;") in html or QUOTE in html
    assert "Where are the mechanisms for ensuring democratic accountability" in html
    assert "<svg" in html
    for fetch in ('src="http', "src='http", 'href="http', "url(http", "@import"):
        assert fetch not in html, f"the report must not fetch anything ({fetch})"
    markdown = write_report(project, "Study", "md", tmp_path / "r.md").read_text()
    assert "| Structure |" in markdown and "rhetoric mismatch" in markdown
    pdf = write_report(project, "Study", "pdf", tmp_path / "r.pdf")
    reader = PdfReader(pdf)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Wigan Deal" in text and len(reader.pages) > 5


def test_a_one_partnership_report(project: Store, tmp_path: Path) -> None:
    context = project_report(project, "Study", partnership="Golden Key")
    assert context.single and [s.name for s in context.sections] == ["Golden Key"]
    assert "coded evidence from documents or interviews" in context.sections[0].missing
    out = write_report(project, "Study", "pdf", tmp_path / "gk.pdf", partnership="Golden Key")
    assert PdfReader(out).pages
    with pytest.raises(UnknownName, match="unknown partnership 'Leeds'"):
        project_report(project, "Study", partnership="Leeds")


def test_a_partnership_without_a_profile_is_noted_once_and_only_in_its_own_reports(
    project: Store,
) -> None:
    """Cases imported from another QDA tool arrive without a profile; the report says so
    once, and a report on "Wigan Deal" says nothing about "Wigan Deal (2019 pilot)"."""
    with project.transaction() as session:
        study = get_project(session, "Study")
        session.add(
            Partnership(project_id=study.id, guid=new_guid(), name="Wigan Deal (2019 pilot)")
        )
    whole = project_report(project, "Study")
    about_pilot = [n for n in whole.notes if "2019 pilot" in n]
    assert about_pilot == ["Wigan Deal (2019 pilot) has no profile yet."]
    single = project_report(project, "Study", partnership="Wigan Deal")
    assert not [n for n in single.notes if "2019 pilot" in n]
    pilot = project_report(project, "Study", partnership="Wigan Deal (2019 pilot)")
    assert [n for n in pilot.notes if "2019 pilot" in n] == [
        "Wigan Deal (2019 pilot) has no profile yet."
    ]


def test_an_empty_project_still_gives_a_report_that_says_so(store: Store, tmp_path: Path) -> None:
    create_project(store, "Empty")
    html = write_report(store, "Empty", "html", tmp_path / "e.html").read_text()
    assert "There are no classified partnerships to report on yet." in html
    assert write_report(store, "Empty", "pdf", tmp_path / "e.pdf").stat().st_size > 0
