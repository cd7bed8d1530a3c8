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

__all__ = ["free_port", "running"]

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


@contextmanager
def running(*arguments: str, log: Path) -> Iterator[str]:
    """Run ``python -m collabmap ARGUMENTS --port FREE``; yield its base URL once it answers.

    The child gets this process's environment, so ``PYTHONPATH`` (a worktree's ``src``) reaches
    it. Its output goes to ``log``, which a failure to start quotes.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    with log.open("wb") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "collabmap", *arguments, "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        try:
            deadline = time.monotonic() + _START_TIMEOUT
            while not _answers(f"{base}/sign-in"):
                if child.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"collabmap {' '.join(arguments)} did not start:\n"
                        + log.read_text(errors="replace")
                    )
                time.sleep(0.1)
            yield base
        finally:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
