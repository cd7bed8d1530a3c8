"""The process atheris runs: one format's harness under libFuzzer, structure-aware mutation.

Started by ``python -m fuzz`` (see :mod:`fuzz.__main__`) with libFuzzer's arguments after the
format, so that a crash, a hang or a memory blow-up ends this process alone and the runner can
report it. collabmap and the format's pure-Python libraries are imported under instrumentation,
so coverage of their branches steers the search.
"""

from __future__ import annotations

import random
import sys

import atheris

from fuzz import FAMILIES, FORMATS
from fuzz.mutate import mutate


def _mutator(data: bytes, max_size: int, seed: int) -> bytes:
    """libFuzzer's hook: one structure-aware mutation, libFuzzer's own for the raw bytes."""
    return mutate(data, random.Random(seed), atheris.Mutate, max_size)


def main() -> None:
    fmt = sys.argv[1]
    with atheris.instrument_imports(include=["collabmap", *FAMILIES[FORMATS[fmt]]]):
        from fuzz import harness

        check = harness(fmt)
    atheris.Setup([sys.argv[0], *sys.argv[2:]], check, custom_mutator=_mutator)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
