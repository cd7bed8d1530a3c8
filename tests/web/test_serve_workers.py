"""`collabmap serve --workers 2` runs the real server as several processes over one store."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx

from collabmap.store import open_store
from collabmap.store.accounts import create_user
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from tests.web.server import running

PASSWORD = "a long enough password"


INTERVIEW = (
    "Interviewer: How did you redesign the library service?\n\n"
    "Bea Jones: We sat down with former service users and changed it together.\n\n"
    "Interviewer: Who decides in the end?\n\n"
    "Sam Patel: The cabinet decides after a survey of residents.\n"
)


def test_two_worker_processes_serve_signed_in_pages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    store = open_store(url)
    create_user(store, "officer", PASSWORD, actor="test")
    create_project(store, "Borough", with_examples=True, owner="officer", actor="test")
    interview = tmp_path / "interview.txt"
    interview.write_text(INTERVIEW, encoding="utf-8")
    import_files(store, "Borough", [interview])
    store.close()
    with running("--db", url, "serve", "--workers", "2", log=tmp_path / "server.log") as base:
        _pages_from_either_worker(base)


def _pages_from_either_worker(base: str) -> None:
    with httpx.Client(base_url=base) as browser:
        token = re.search(r'name="form_token" value="([^"]+)"', browser.get("/sign-in").text)
        assert token is not None
        signed = browser.post(
            "/sign-in",
            data={"name": "officer", "password": PASSWORD, "form_token": token[1]},
        )
        assert signed.status_code == 303
        # each request may reach either worker: the session is in the shared store
        for _ in range(6):
            page = browser.get("/projects/Borough")
            assert page.status_code == 200
            assert ">Wigan Deal</a>" in page.text
        _a_report_job_is_found_by_every_worker(base, browser)
        _a_suggestion_run_is_followed_through_every_worker(base, browser)


def _a_report_job_is_found_by_every_worker(base: str, signed_in: httpx.Client) -> None:
    """A report started through one worker is followed, and downloaded, through whichever
    worker a new connection reaches (each request below opens a connection of its own)."""
    csrf = signed_in.get("/api/session").json()["csrf_token"]
    cookies = dict(signed_in.cookies)

    def fresh() -> httpx.Client:
        return httpx.Client(base_url=base, cookies=cookies, headers={"X-CSRF-Token": csrf})

    with fresh() as client:
        started = client.post(
            "/api/projects/Borough/reports", json={"format": "md", "partnership": "Wirral"}
        )
    assert started.status_code == 202, started.text
    job = started.json()["id"]
    deadline = time.monotonic() + 60
    while True:
        with fresh() as client:
            state = client.get(f"/api/jobs/{job}")
        assert state.status_code == 200, state.text  # never "unknown" on the other worker
        if state.json()["state"] == "done":
            break
        assert time.monotonic() < deadline, state.json()
        time.sleep(0.2)
    for _ in range(6):  # both workers see it finished
        with fresh() as client:
            assert client.get(f"/api/jobs/{job}").json()["state"] == "done"
    with fresh() as client:
        report = client.get(f"/api/jobs/{job}/result")
    assert report.status_code == 200 and "Wirral" in report.text


def _a_suggestion_run_is_followed_through_every_worker(base: str, signed_in: httpx.Client) -> None:
    """ "Suggest codes" started through one worker: every worker reports the same run while it
    goes and once it is done, a second start while it runs joins it rather than starting
    another, and the workspace's progress panel shows the finished run from either worker."""
    csrf = signed_in.get("/api/session").json()["csrf_token"]
    cookies = dict(signed_in.cookies)
    runs = "/api/projects/Borough/sources/interview.txt/suggestion-runs"

    def fresh() -> httpx.Client:
        return httpx.Client(base_url=base, cookies=cookies, headers={"X-CSRF-Token": csrf})

    with fresh() as client:
        started = client.post(runs)
    assert started.status_code == 202, started.text
    with fresh() as client:
        again = client.post(runs)  # perhaps on the other worker, while the first runs
    assert again.status_code == 202, again.text
    deadline = time.monotonic() + 180
    while True:
        with fresh() as client:
            run = client.get(runs + "/latest")
        assert run.status_code == 200, run.text  # never "unknown" on the other worker
        if not run.json()["running"]:
            break
        assert time.monotonic() < deadline, run.json()
        time.sleep(0.3)
    assert run.json()["stage"] == "done", run.json()
    report = run.json()["report"]
    for _ in range(6):  # both workers see the same finished run
        with fresh() as client:
            assert client.get(runs + "/latest").json()["report"] == report
    with fresh() as client:
        suggestions = client.get("/api/projects/Borough/sources/interview.txt/suggestions")
    assert len(suggestions.json()) == report["suggested"]  # one run's worth, not two
    with fresh() as client:
        panel = client.get("/projects/Borough/sources/interview.txt/suggestions/progress")
    assert "Suggestions made in" in panel.text
