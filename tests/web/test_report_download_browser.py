"""A PDF report downloads and opens, in a real browser.

The owner asks for a PDF of the whole project from its page, watches it being made, and clicks
the download link; the file Chromium saves is then opened the way a reader would: pypdf reads
its pages and text (every partnership named), and poppler's ``pdftoppm`` draws its first page,
which must be a real picture, not a blank page. The job's pages are checked with axe-core.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.web.axe import assert_accessible
from tests.web.conftest import OWNER, REFERENCE_CASES, Site, screenshot, sign_in

PDFTOPPM = shutil.which("pdftoppm")

pytestmark = pytest.mark.skipif(
    PDFTOPPM is None, reason="needs pdftoppm: scripts/test.sh installs Debian's poppler-utils"
)


def _first_page_as_png(pdf: Path) -> Path:
    """Page 1 drawn by poppler at 60 dots per inch, as a reader's PDF viewer would."""
    assert PDFTOPPM is not None
    out = pdf.with_suffix("")
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out.with_suffix(".png")


def _watch(page: Page) -> list[str]:
    """What the job's page says until the report is ready: each progress sentence seen."""
    said: list[str] = []
    ready = page.get_by_role("heading", name="Your report is ready")
    status = page.locator("#report-status")
    for _ in range(600):  # at most two minutes, a look every fifth of a second
        if ready.is_visible():
            return said
        if status.count() and status.is_visible():
            text = status.inner_text()
            if not said or said[-1] != text:
                said.append(text)
        page.wait_for_timeout(200)
    raise AssertionError(f"the report was not ready after two minutes; the page said {said}")


def test_the_owner_downloads_a_pdf_report_and_it_opens(
    page: Page, site: Site, tmp_path: Path
) -> None:
    sign_in(page, site, OWNER)
    page.goto(site.project_url)
    page.get_by_role("link", name=re.compile(r"^PDF report")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a PDF report")
    assert_accessible(page, "the page asking for a PDF report")
    page.get_by_role("button", name="Create report").click()
    page.wait_for_url(re.compile(r"/jobs/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("PDF report")
    job_url = page.url
    if page.locator("progress").is_visible():
        assert_accessible(page, "a report being made")
        screenshot(page, "report being made")

    said = _watch(page)
    percents = [int(m.group(1)) for s in said if (m := re.search(r"\((\d+)% done\)", s))]
    odd = [s for s in said if not re.search(r"\(\d+% done\)\.$|^Waiting", s)]
    assert odd == [], f"progress the page said in no known form: {odd}"
    assert percents == sorted(percents), f"progress went backwards: {said}"
    assert_accessible(page, "a report that is ready")
    screenshot(page, "report ready")

    link = page.get_by_role("link", name=re.compile(r"^Download .+\.pdf$"))
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.failure() is None
    assert download.suggested_filename == "Riverside-partnerships-report.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)

    assert pdf.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    text = " ".join(p.extract_text() for p in reader.pages)
    missing = [name for name in REFERENCE_CASES if name not in text]
    assert missing == [], f"the report does not name {missing}"
    assert "Riverside partnerships" in text

    png = _first_page_as_png(pdf)
    picture = Image.open(png)
    assert picture.format == "PNG"
    width, height = picture.size
    assert 400 < width < height, "an A4 page, upright"
    grey = picture.convert("L")
    inked = sum(grey.histogram()[:200]) / (width * height)
    assert 0.005 < inked < 0.5, f"{inked:.1%} of page 1 is ink: blank, or all black"
    assert ImageStat.Stat(grey).stddev[0] > 10, "page 1 has text on it, not one flat colour"
    shots = Path(os.environ.get("COLLABMAP_SCREENSHOTS") or tmp_path)  # for people to look at
    shots.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, shots / "report-page-1.png")

    # collabmap kept no copy once it was downloaded; the job's page says so
    page.goto(job_url)
    expect(page.locator("main")).to_contain_text("The report has been downloaded")
    assert_accessible(page, "a report that has been downloaded")
