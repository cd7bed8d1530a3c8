"""`collabmap serve --workers 2` runs the real server as several processes over one store."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from collabmap.store import open_store
from collabmap.store.accounts import create_user
from collabmap.store.projects import create_project

PASSWORD = "a long enough password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_worker_processes_serve_signed_in_pages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    store = open_store(url)
    create_user(store, "officer", PASSWORD, actor="test")
    create_project(store, "Borough", with_examples=True, owner="officer", actor="test")
    store.close()
    port = free_port()
    command = [sys.executable, "-m", "collabmap", "--db", url, "serve", "--port", str(port)]
    log = tmp_path / "server.log"
    with log.open("wb") as errors:
        server = subprocess.Popen([*command, "--workers", "2"], stderr=errors)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                httpx.get(f"{base}/sign-in", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start within 60 s"
                time.sleep(0.2)
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
    finally:
        server.terminate()
        server.wait(timeout=20)
