"""A throwaway PostgreSQL cluster on loopback for the tests: started once, removed after.

The cluster lives in a temporary folder, listens only on 127.0.0.1 at a free port, trusts local
connections (it holds only test data) and is stopped and deleted when the session ends. When
the tests run as root, the server runs as the ``postgres`` system user, as PostgreSQL requires.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cluster", "cluster", "find_bindir", "throwaway_cluster"]


def find_bindir() -> Path | None:
    """The folder of initdb and pg_ctl, newest PostgreSQL first."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists():
            return folder
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class Cluster:
    """A running throwaway cluster: its URL, and the means to stop and start it again (to
    test what collabmap does while its database restarts)."""

    url: str
    bindir: Path
    data: Path
    log: Path
    options: str
    port: int

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            text=True,
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends sessions cleanly, ``immediate`` as a crash would."""
        self._pg_ctl("-m", mode, "-w", "stop")

    def start(self) -> None:
        """Start it again on the same port, and return once it accepts connections."""
        self._pg_ctl("-l", str(self.log), "-o", self.options, "-w", "-t", "60", "start")
        self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL on port {self.port} is not ready after {timeout} s")


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Yield a URL of a fresh database on a new cluster; stop and delete it afterwards."""
    with cluster() as running:
        yield running.url


@contextmanager
def cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """A fresh cluster with a ``collabmap`` database; stopped and deleted afterwards.

    For speed, commits do not wait for the write-ahead log to be written, which loses the last
    acknowledged transactions if the server crashes; ``durable`` restores PostgreSQL's own
    setting, for tests that crash the server and count what it acknowledged.
    """
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (scripts/test.sh installs it)")
    root = Path(tempfile.mkdtemp(prefix="collabmap-pg-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()

    def run(*args: object) -> None:
        subprocess.run(
            _as_server_user([str(a) for a in args]), check=True, capture_output=True, text=True
        )

    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
        "-c full_page_writes=off -c max_connections=100"
    )
    if not durable:
        options += " -c synchronous_commit=off"
    handle = Cluster(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/collabmap",
        bindir,
        data,
        log,
        options,
        port,
    )
    try:
        run(
            bindir / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        handle.start()
        run(bindir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "collabmap")
        yield handle
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
