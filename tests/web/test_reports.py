"""Reports from the web: asked for on a page or through the API, made in the background,
followed, cancelled and downloaded — by the user who asked, and only with a role that allows
downloads. Over real SQLite and PostgreSQL stores, with real report processes."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from pypdf import PdfReader

from collabmap.store import Store
from collabmap.store.accounts import add_member, list_users
from tests.web.reports_support import NAMES, PROJECT, Browser, app, signed_in, wait_for

__all__ = ["app", "signed_in"]  # fixtures used here

SignIn = Callable[[str], Browser]
P = quote(PROJECT)


def _csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def test_an_owner_creates_a_pdf_of_the_project_from_its_page_and_downloads_it(
    signed_in: SignIn,
) -> None:
    ann = signed_in("ann")
    project_page = ann.client.get(f"/projects/{P}")
    assert '<h2 class="govuk-heading-m">Reports and downloads</h2>' in project_page.text
    assert f'href="/projects/{P}/report.pdf"' in project_page.text

    start = ann.client.get(f"/projects/{P}/report.pdf")
    assert start.status_code == 200 and "Create report" in start.text
    created = ann.client.post(
        f"/projects/{P}/reports", data={"csrf_token": _csrf_of(start.text), "format": "pdf"}
    )
    assert created.status_code == 303 and created.headers["location"].startswith("/jobs/")
    job_page = created.headers["location"]
    first = ann.client.get(job_page)
    assert first.status_code == 200 and "PDF report of the whole project" in first.text

    job_id = job_page.rsplit("/", 1)[1]
    assert wait_for(ann, job_id)["state"] == "done"
    ready = ann.client.get(job_page)
    assert "Your report is ready" in ready.text and f"{job_page}/download" in ready.text
    download = ann.client.get(f"{job_page}/download")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert 'filename="Reference-cases-report.pdf"' in download.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    for name in NAMES:
        assert name in text


def test_a_partnership_page_links_to_a_report_of_that_partnership_alone(
    signed_in: SignIn,
) -> None:
    ann = signed_in("ann")
    page = ann.client.get(f"/projects/{P}/partnerships/{quote('Golden Key')}")
    link = f"/projects/{P}/report.pdf?partnership=Golden%20Key"
    assert link in page.text
    start = ann.client.get(link)
    assert "Golden Key" in start.text and 'name="partnership" value="Golden Key"' in start.text
    job = ann.api(
        "POST", f"/api/projects/{P}/reports", json={"format": "pdf", "partnership": "Golden Key"}
    )
    assert wait_for(ann, job.json()["id"])["state"] == "done"
    pdf = ann.client.get(f"/api/jobs/{job.json()['id']}/result")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Golden Key" in text and "Wigan Deal" not in text


@pytest.mark.parametrize(("format", "media_type"), [("html", "text/html"), ("md", "text/markdown")])
def test_web_page_and_markdown_reports_come_through_the_api(
    signed_in: SignIn, format: str, media_type: str
) -> None:
    ann = signed_in("ann")
    started = ann.api("POST", f"/api/projects/{P}/reports", json={"format": format})
    assert started.status_code == 202
    body = started.json()
    assert started.headers["location"] == f"/api/jobs/{body['id']}"
    assert body["state"] in ("queued", "running") and len(body["id"]) >= 32

    finished = wait_for(ann, body["id"])
    assert finished["state"] == "done" and finished["progress"]["fraction"] == 1.0
    assert finished["result"] == f"/api/jobs/{body['id']}/result"
    result = ann.client.get(finished["result"])
    assert result.status_code == 200
    assert result.headers["content-type"].startswith(media_type)
    assert f'filename="Reference-cases-report.{format}"' in result.headers["content-disposition"]
    for name in NAMES:
        assert name in result.text


def test_a_report_file_is_deleted_once_downloaded(
    signed_in: SignIn, app: FastAPI, store: Store
) -> None:
    ann = signed_in("ann")
    job_id = ann.api("POST", f"/api/projects/{P}/reports", json={"format": "md"}).json()["id"]
    assert wait_for(ann, job_id)["state"] == "done"
    kept = app.state.report_jobs.get(job_id, _user_id(store, "ann")).result
    assert kept is not None and kept.is_file()
    assert ann.client.get(f"/api/jobs/{job_id}/result").status_code == 200
    assert not kept.exists()
    again = ann.client.get(f"/api/jobs/{job_id}/result")
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"
    assert "downloaded" in ann.client.get(f"/jobs/{job_id}").text


def _user_id(store: Store, name: str) -> int:
    return next(account.id for account in list_users(store) if account.name == name)


def test_another_user_cannot_see_cancel_or_download_a_job(signed_in: SignIn) -> None:
    ann, bob = signed_in("ann"), signed_in("bob")
    job_id = ann.api("POST", f"/api/projects/{P}/reports", json={"format": "md"}).json()["id"]
    assert wait_for(ann, job_id)["state"] == "done"
    for method, url in [
        ("GET", f"/api/jobs/{job_id}"),
        ("DELETE", f"/api/jobs/{job_id}"),
        ("GET", f"/api/jobs/{job_id}/result"),
    ]:
        answer = bob.api(method, url)
        assert answer.status_code == 404, (method, url)
        assert answer.headers["content-type"] == "application/problem+json"
        assert PROJECT not in answer.text
    assert bob.client.get(f"/jobs/{job_id}").status_code == 404
    assert bob.client.get(f"/jobs/{job_id}/download").status_code == 404
    assert ann.client.get(f"/api/jobs/{job_id}/result").status_code == 200, "still ann's"


def test_a_viewer_can_download_a_report_and_a_respondent_cannot(signed_in: SignIn) -> None:
    vic, rex = signed_in("vic"), signed_in("rex")
    assert f"/projects/{P}/report.pdf" in vic.client.get(f"/projects/{P}").text
    started = vic.api("POST", f"/api/projects/{P}/reports", json={"format": "md"})
    assert started.status_code == 202
    assert wait_for(vic, started.json()["id"])["state"] == "done"

    refused = rex.api("POST", f"/api/projects/{P}/reports", json={"format": "md"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "you may not download from this project"
    assert rex.client.get(f"/projects/{P}/report.pdf").status_code == 403
    form = rex.client.post(f"/projects/{P}/reports", data={"csrf_token": rex.csrf, "format": "pdf"})
    assert form.status_code == 403
    assert "report.pdf" not in rex.client.get(f"/projects/{P}").text


def test_bad_report_requests_get_problem_documents_naming_the_problem(
    signed_in: SignIn,
) -> None:
    ann = signed_in("ann")
    url = f"/api/projects/{P}/reports"
    cases = [
        ({"format": "docx"}, 422, "format"),
        (
            {"format": "pdf", "partnership": "Nowhere Deal"},
            404,
            "unknown partnership 'Nowhere Deal'",
        ),
        ({"format": "pdf", "partnership": ""}, 422, "partnership"),
        ({"format": "pdf", "partnership": "x" * 501}, 422, "partnership"),
        ({"format": "pdf", "colour": "red"}, 422, "colour"),
        ({}, 422, "format"),
    ]
    for body, status, says in cases:
        answer = ann.api("POST", url, json=body)
        assert answer.status_code == status, body
        assert answer.headers["content-type"] == "application/problem+json"
        assert says in answer.text
    not_json = ann.api(
        "POST", url, content=b"{format", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    unknown_project = ann.api("POST", "/api/projects/Nope/reports", json={"format": "md"})
    assert unknown_project.status_code == 404
    no_token = ann.client.post(url, json={"format": "md"})
    assert no_token.status_code == 403 and "X-CSRF-Token" in no_token.json()["detail"]
    nobody = ann.client.__class__(ann.client.app).get("/api/jobs/abc")
    assert nobody.status_code == 401


def test_bad_report_links_and_forms_get_pages_not_errors(signed_in: SignIn) -> None:
    ann = signed_in("ann")
    assert ann.client.get(f"/projects/{P}/report.docx").status_code == 404
    unknown = ann.client.get(f"/projects/{P}/report.pdf?partnership=Nowhere")
    assert unknown.status_code == 404 and "unknown partnership" in unknown.text.lower()
    assert "collabmap partnership list" not in unknown.text, "no command line on a web page"
    form = ann.client.post(
        f"/projects/{P}/reports",
        data={"csrf_token": ann.csrf, "format": "pdf", "partnership": "Nowhere Deal"},
    )
    assert form.status_code == 422
    assert "govuk-error-summary" in form.text and "Unknown partnership" in form.text
    assert "<title>Error: " in form.text
    forged = ann.client.post(f"/projects/{P}/reports", data={"format": "pdf"})
    assert forged.status_code == 403
    assert ann.client.get("/jobs/not-a-job").status_code == 404


def test_the_job_page_refreshes_itself_with_or_without_javascript(signed_in: SignIn) -> None:
    ann = signed_in("ann")
    job_id = ann.api("POST", f"/api/projects/{P}/reports", json={"format": "pdf"}).json()["id"]
    running = ann.client.get(f"/jobs/{job_id}").text
    if "Your report is ready" not in running:  # caught while being made
        assert 'hx-trigger="every 1s"' in running
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in running
        assert "Cancel report" in running and "<progress" in running
        partial = ann.client.get(f"/jobs/{job_id}", headers={"HX-Request": "true"}).text
        assert partial.lstrip().startswith('<div id="report-progress"')
        assert "<html" not in partial and "Cancel report" not in partial, "focus stays put"
    assert wait_for(ann, job_id)["state"] == "done"
    done = ann.client.get(f"/jobs/{job_id}").text
    assert "every 1s" not in done and 'http-equiv="refresh"' not in done
    assert "Cancel report" not in done and "Your report is ready" in done
    polled = ann.client.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})
    assert polled.status_code == 204 and polled.headers["HX-Refresh"] == "true"


@pytest.fixture
def long_project(store: Store, tmp_path: Path) -> None:
    """Sixty more partnerships (the benchmark's generator), so a PDF takes a while."""
    from benchmarks.compare_report import build

    if store.dialect != "sqlite":
        pytest.skip("the generator builds its own SQLite file")
    folder = tmp_path / "bench"
    folder.mkdir()
    build(Path(store.url.removeprefix("sqlite:///")), 60, folder)


def test_cancelling_stops_a_long_pdf_between_pages(
    signed_in: SignIn, long_project: None, app: FastAPI, store: Store
) -> None:
    add_member(store, "Bench", "ann", "owner", actor="test")
    ann = signed_in("ann")
    job_id = ann.api("POST", "/api/projects/Bench/reports", json={"format": "pdf"}).json()["id"]
    deadline = time.monotonic() + 120
    while (
        "Laying out page" not in ann.client.get(f"/api/jobs/{job_id}").json()["progress"]["message"]
    ):
        assert time.monotonic() < deadline, "the PDF never started its pages"
        time.sleep(0.1)
    asked = time.monotonic()
    cancelled = ann.api("DELETE", f"/api/jobs/{job_id}")
    assert cancelled.status_code == 202
    finished = wait_for(ann, job_id)
    took = time.monotonic() - asked
    assert finished["state"] == "cancelled" and finished["result"] is None
    assert took < 3, f"stopped {took:.1f} s after the cancel"
    assert ann.client.get(f"/api/jobs/{job_id}/result").status_code == 422
    page = ann.client.get(f"/jobs/{job_id}").text
    assert "The report was cancelled" in page
    assert list(app.state.report_jobs._folder.iterdir()) == [], "nothing half-made is kept"
