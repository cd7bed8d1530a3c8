"""What the fault tests share: collabmap as a child process that can be killed at any moment,
generated interview files, and a look at what a store holds."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from collabmap.store import Store
from collabmap.store.check import check_store
from collabmap.store.models import Coding, Source

_WORDS = [
    *("we", "the", "council", "residents", "co-designed", "service", "together", "budget"),
    *("meeting", "decided", "community", "library", "park", "youth", "volunteers", "officers"),
    *("agreed", "plan", "partners", "housing", "trust", "funding"),
]


def collabmap(url: str, *arguments: str, hooks: tuple[str, ...] = ()) -> list[str]:
    """The command line for ``collabmap --db URL ARGUMENTS``, through the fault-hook wrapper
    when ``hooks`` are given."""
    if hooks:
        return [
            sys.executable,
            "-m",
            "tests.reliability.child",
            *hooks,
            "--",
            "--db",
            url,
            *arguments,
        ]
    return [sys.executable, "-m", "collabmap", "--db", url, *arguments]


def spawn(command: list[str], **options: object) -> subprocess.Popen[str]:
    """Start a command in a process group of its own (so a kill reaches its helpers too)."""
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        command, text=True, start_new_session=True, env=dict(os.environ), **options
    )


def kill(child: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """SIGKILL the child and every process it started, as a crash or the OOM killer would."""
    with contextlib.suppress(ProcessLookupError):  # gone already
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    for pipe in (child.stdout, child.stderr):
        if pipe is not None:
            pipe.close()


def interviews(folder: Path, count: int, *, seed: int = 1, paragraphs: int = 40) -> dict[str, str]:
    """``count`` interview files of about 24 kB each; their names and texts."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for number in range(count):
        body = "\n\n".join(
            " ".join(rng.choice(_WORDS) for _ in range(80)).capitalize() + "."
            for _ in range(paragraphs)
        )
        name = f"interview-{seed}-{number:03d}.txt"
        (folder / name).write_text(body, encoding="utf-8")
        written[name] = body
    return written


def stored_texts(store: Store) -> dict[str, list[str]]:
    """Every source's text, by name (a list, so a file stored twice would show)."""
    found: dict[str, list[str]] = {}
    with store.reading() as session:
        for name, body in session.execute(select(Source.name, Source.text)):
            found.setdefault(name, []).append(body)
    return found


def count_codings(store: Store, **where: object) -> int:
    with store.reading() as session:
        query = select(func.count()).select_from(Coding)
        for column, value in where.items():
            query = query.where(getattr(Coding, column) == value)
        return int(session.scalar(query) or 0)


def assert_consistent(store: Store) -> None:
    """The store-level check (and, on SQLite, integrity_check and foreign_key_check) is clean."""
    problems = check_store(store)
    assert problems == [], "\n".join(map(str, problems))
