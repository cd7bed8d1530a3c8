"""A team coding as fast as it can through the JSON API, keeping a ledger of every answer:
which codings the server acknowledged (2xx), and every failure with its status and time."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from collabmap.store import Store
from collabmap.store.accounts import create_user
from collabmap.store.models import Coding
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files

PASSWORD = "a long enough password"
SOURCE = "notes.txt"
TEXT = "We designed the new youth club together with the young people. " * 40


def prepare(store: Store, folder: Path) -> None:
    """A project with one source and an analyst, ``ann``, who may code it."""
    create_user(store, "ann", PASSWORD, actor="test")
    create_project(store, "Study", owner="ann", actor="test")
    path = folder / SOURCE
    path.write_text(TEXT)
    import_files(store, "Study", [path])


@dataclass
class Ledger:
    """What the clients saw: acknowledged codings (id → span), and every other answer."""

    acknowledged: dict[int, tuple[int, int]] = field(default_factory=dict)
    failures: list[tuple[float, str, float]] = field(default_factory=list)
    """(when, status or exception name, seconds the request took)"""
    successes: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    answer = client.post("/api/session", json={"name": "ann", "password": PASSWORD})
    answer.raise_for_status()
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


class Coders:
    """``count`` threads, each applying codes in a loop through its own signed-in client until
    stopped; they go on through failures (as a person retrying would)."""

    def __init__(self, base: str, count: int, ledger: Ledger, *, pause: float = 0.0) -> None:
        self.base, self.ledger, self.pause = base, ledger, pause
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._code, args=(n,), daemon=True) for n in range(count)
        ]

    def __enter__(self) -> Coders:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _code(self, number: int) -> None:
        client = signed_in(self.base)
        step = 0
        url = f"/api/projects/Study/sources/{SOURCE}/codings"
        while not self.stopping.is_set():
            start = (number * 97 + step * 13) % (len(TEXT) - 20)
            step += 1
            began = time.monotonic()
            try:
                answer = client.post(
                    url, json={"code": "activity:co_design", "start": start, "end": start + 12}
                )
                outcome = str(answer.status_code)
            except httpx.HTTPError as exc:
                answer, outcome = None, type(exc).__name__
            took = time.monotonic() - began
            with self.ledger.lock:
                if answer is not None and answer.is_success:
                    self.ledger.acknowledged[answer.json()["id"]] = (start, start + 12)
                    self.ledger.successes.append(time.monotonic())
                else:
                    self.ledger.failures.append((time.monotonic(), outcome, took))
            if answer is None or not answer.is_success:
                time.sleep(0.05)  # the server is away: do not spin
            elif self.pause:
                time.sleep(self.pause)
        client.close()


def missing(store: Store, ledger: Ledger) -> list[int]:
    """Acknowledged codings that the store does not hold, or holds with another span."""
    with store.reading() as session:
        held = {
            row.id: (row.start, row.end)
            for row in session.query(Coding.id, Coding.start, Coding.end)
        }
    return [i for i, span in ledger.acknowledged.items() if held.get(i) != span]
