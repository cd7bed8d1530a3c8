"""The web server killed with SIGKILL in the middle of a coding session: after a restart every
coding it acknowledged is there, the store passes its checks, and the session goes on."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from collabmap.store import Store
from tests.reliability.coding_client import Coders, Ledger, missing, prepare, signed_in
from tests.reliability.conftest import assert_consistent, kill
from tests.web.server import free_port, start, stop


# SQLite only: there the server process itself writes the database file, so its death is the
# case to prove; on PostgreSQL a dead client's open transactions are the server's to roll back,
# which test_kill_import shows, and test_postgres_restart kills the database under the server
@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_every_acknowledged_coding_survives_a_killed_server(store: Store, tmp_path: Path) -> None:
    prepare(store, tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "collabmap", "--db", store.url, "serve", "--port", str(port)]
    log = tmp_path / "server.log"
    server = start(command, log=log, base=base)
    ledger = Ledger()
    try:
        with Coders(base, 4, ledger):
            deadline = time.monotonic() + 60
            while len(ledger.acknowledged) < 150 and time.monotonic() < deadline:
                time.sleep(0.01)
            kill(server)  # four requests in flight, at whatever point each has reached
        acknowledged = len(ledger.acknowledged)
        assert acknowledged >= 150, log.read_text()
    finally:
        kill(server)

    assert missing(store, ledger) == []
    assert_consistent(store)
    server = start(command, log=log, base=base)
    try:
        client = signed_in(base)
        answer = client.post(
            "/api/projects/Study/sources/notes.txt/codings",
            json={"code": "activity:co_design", "start": 0, "end": 9},
        )
        client.close()
        assert answer.status_code == 201, answer.text
    finally:
        stop(server)
