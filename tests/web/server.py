"""The real web application in a child process, as a user runs it: ``collabmap serve`` or
``collabmap demo`` on a free loopback port, stopped when the test is done."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["free_port", "running", "start", "stop"]

_START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


def start(command: list[str], *, log: Path, base: str) -> subprocess.Popen[bytes]:
    """Start ``command`` (a server listening at ``base``) in a session of its own, so that a
    test can kill it and every process it started at once; return once it answers.

    The child gets this process's environment, so ``PYTHONPATH`` (a worktree's ``src``) reaches
    it. Its output is appended to ``log``, which a failure to start quotes.
    """
    with log.open("ab") as output:
        child = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(os.environ),
            start_new_session=True,
        )
    deadline = time.monotonic() + _START_TIMEOUT
    while not _answers(f"{base}/sign-in"):
        if child.poll() is not None or time.monotonic() > deadline:
            stop(child)
            raise RuntimeError(
                f"{' '.join(command)} did not start:\n" + log.read_text(errors="replace")
            )
        time.sleep(0.1)
    return child


def stop(child: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop (SIGTERM), and kill it if it has not within 15 seconds."""
    child.terminate()
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


@contextmanager
def running(*arguments: str, log: Path) -> Iterator[str]:
    """Run ``python -m collabmap ARGUMENTS --port FREE``; yield its base URL once it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log.write_bytes(b"")
    child = start(
        [sys.executable, "-m", "collabmap", *arguments, "--port", str(port)], log=log, base=base
    )
    try:
        yield base
    finally:
        stop(child)
