"""`collabmap serve --workers 2` runs the real server as several processes over one store."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx

from collabmap.store import open_store
from collabmap.store.accounts import create_user
from collabmap.store.projects import create_project
from tests.web.server import running

PASSWORD = "a long enough password"


def test_two_worker_processes_serve_signed_in_pages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    store = open_store(url)
    create_user(store, "officer", PASSWORD, actor="test")
    create_project(store, "Borough", with_examples=True, owner="officer", actor="test")
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
