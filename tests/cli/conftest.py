"""Run the command line in-process, as a user would from a shell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from collabmap.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run
