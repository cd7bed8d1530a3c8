"""PostgreSQL restarted under load: while it is down, requests fail quickly and cleanly (503
with a problem document saying the database is unavailable, never a 500 or a hang), and once it
is back the running server serves again by itself; every acknowledged write is kept."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from collabmap.store import Store, open_store
from tests.pg import Cluster, cluster
from tests.reliability.coding_client import Coders, Ledger, missing, prepare, signed_in
from tests.reliability.conftest import assert_consistent
from tests.web.server import free_port, start, stop

BOUND = 15.0
"""No request may take longer than this while the database is away (the connect timeout is 10)."""


@pytest.fixture(scope="module")
def restartable() -> Iterator[Cluster]:
    """A cluster of its own, so restarting it disturbs no other test; with PostgreSQL's own
    commit setting (synchronous_commit on), so that a crash keeps what it acknowledged."""
    with cluster(durable=True) as running:
        yield running


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_requests_fail_cleanly_during_a_restart_and_service_resumes(
    restartable: Cluster, tmp_path: Path, mode: str
) -> None:
    store = open_store(restartable.url)
    _empty(store)
    prepare(store, tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "collabmap", "--db", store.url, "serve", "--port", str(port)]
    server = start(command, log=tmp_path / "server.log", base=base)
    ledger = Ledger()
    try:
        reader = signed_in(base)
        with Coders(base, 3, ledger, pause=0.02):
            _wait_for(lambda: len(ledger.acknowledged) >= 30)
            restartable.stop(mode)
            down_at = time.monotonic()
            outage = [_timed(reader, "/api/projects/Study/sources") for _ in range(3)]
            _wait_for(lambda: any(when > down_at for when, *_ in ledger.failures))
            time.sleep(1.0)
            restartable.start()
            up_at = time.monotonic()
            _wait_for(lambda: any(when > up_at for when in ledger.successes), timeout=20)
            resumed_after = min(when for when in ledger.successes if when > up_at) - up_at
            time.sleep(0.5)  # a little more work after the restart
            reader.close()
    finally:
        stop(server)
    try:
        _check(store, ledger, outage, resumed_after)
    finally:
        store.close()


def _check(
    store: Store,
    ledger: Ledger,
    outage: list[tuple[int, dict[str, str], float]],
    resumed_after: float,
) -> None:
    # the reader's requests while the database was down: a problem document, quickly
    for status, body, took in outage:
        assert status == 503, body
        assert body["title"] == "Service unavailable" and "127.0.0.1" in body["detail"], body
        assert took < BOUND
    # the coders' failures: only 503s (none 500, no dropped connection), each within the bound
    assert {outcome for _, outcome, _ in ledger.failures} == {"503"}, ledger.failures[:5]
    assert max(took for _, _, took in ledger.failures) < BOUND
    assert resumed_after < 10, "service did not resume by itself"
    assert missing(store, ledger) == []
    assert_consistent(store)


def _timed(client: httpx.Client, path: str) -> tuple[int, dict[str, str], float]:
    began = time.monotonic()
    answer = client.get(path)
    return answer.status_code, answer.json(), time.monotonic() - began


def _wait_for(condition: object, timeout: float = 30.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _empty(store: Store) -> None:
    from tests.conftest import _empty_postgres

    _empty_postgres(store)
