"""In Chromium against a real server: an analyst uploads two files, one good and one broken, and
sees what became of each; then downloads the framework matrix as a spreadsheet and the whole
project as a REFI-QDA file, and opens both (openpyxl, collabmap's own REFI-QDA reader)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from collabmap.evidence.refi import read_qdpx
from tests.web.axe import assert_accessible
from tests.web.conftest import ANALYST, Site, screenshot, sign_in

INTERVIEW = (
    "Interviewer: How was the park redesigned?\n\n"
    "Priya Shah: We planned it with residents, week by week.\n\n"
    "Interviewer: Who decided?\n\n"
    "Priya Shah: The residents' group, in the end.\n"
)


def _job_page_finished(page: Page) -> None:
    """Wait on the job's page until it shows the finished state (htmx reloads it)."""
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0, timeout=60_000)


def test_an_analyst_uploads_files_and_downloads_the_matrix_and_the_project(
    browser: Browser, fresh_site: Site, tmp_path: Path
) -> None:
    good = tmp_path / "park interview.txt"
    good.write_text(INTERVIEW, encoding="utf-8")
    broken = tmp_path / "minutes.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a Word file")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True
    )
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        sign_in(page, fresh_site, ANALYST)
        page.goto(fresh_site.project_url)
        page.get_by_role("link", name="Upload documents").click()
        page.get_by_label("Files").set_input_files([str(good), str(broken)])
        page.get_by_label("Partnership (optional)").select_option("Wigan Deal")
        page.get_by_role("button", name="Upload and import").click()
        page.wait_for_url("**/jobs/**")
        _job_page_finished(page)
        expect(page.get_by_role("heading", name="1 of 2 files imported")).to_be_visible()
        rows = page.locator(".govuk-summary-list__row")
        expect(rows.nth(0)).to_contain_text("park interview.txt")
        expect(rows.nth(0)).to_contain_text("Imported")
        expect(rows.nth(1)).to_contain_text("minutes.docx")
        expect(rows.nth(1)).to_contain_text("Refused")
        expect(rows.nth(1)).to_contain_text("The file is damaged or truncated")
        assert_accessible(page, "the upload's results")
        screenshot(page, "upload results")

        # the imported source is there to code
        page.get_by_role("link", name="park interview.txt").click()
        expect(page.locator("h1")).to_contain_text("park interview.txt")

        page.goto(fresh_site.project_url + "/matrix")
        page.get_by_role("link", name="Download the matrix as a spreadsheet (XLSX)").click()
        page.get_by_role("button", name="Create the spreadsheet").click()
        _job_page_finished(page)
        with page.expect_download() as matrix_download:
            page.get_by_role("link", name="Download Riverside-partnerships-matrix.xlsx").click()
        matrix = tmp_path / "matrix.xlsx"
        matrix_download.value.save_as(matrix)
        sheet = load_workbook(matrix).worksheets[0]
        assert sheet.cell(1, 1).value == "Partnership"
        assert "Wigan Deal" in {row[0].value for row in sheet.iter_rows(min_row=2)}

        page.goto(fresh_site.project_url)
        page.get_by_role("link", name="Whole project as a REFI-QDA file (.qdpx)").click()
        page.get_by_label("Replace interviewees’ names with pseudonyms").check()
        assert_accessible(page, "the project export's page")
        page.get_by_role("button", name="Create the export").click()
        _job_page_finished(page)
        with page.expect_download() as project_download:
            page.get_by_role("link", name="Download Riverside-partnerships-pseudonymised").click()
        exported = tmp_path / "project.qdpx"
        project_download.value.save_as(exported)
        sources = read_qdpx(exported).project.sources
        texts = " ".join(s.text for s in sources)
        assert "We planned it with residents" in texts and "Priya Shah" not in texts
        page.reload()  # the file is sent once: the page now says so
        expect(page.get_by_role("status")).to_contain_text("collabmap has deleted its copy")
    finally:
        context.close()
