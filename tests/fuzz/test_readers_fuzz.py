"""Property: every reader imports or refuses whatever it is given, and never crashes.

The same harnesses and structure-aware mutators as the coverage-guided fuzzer
(``python -m fuzz``), driven by hypothesis with a few dozen examples a format so that the normal
test run keeps the contract: for any input, a reader returns sources that hold together or
raises a :class:`~collabmap.errors.CollabmapError`; anything else (a ``KeyError`` from a parser,
a ``RecursionError``, a segment outside its text) fails, and so does an input that takes more
than five seconds.
"""

from __future__ import annotations

import functools
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collabmap.errors import CollabmapError
from collabmap.evidence.importers import read_file
from collabmap.evidence.model import ImportedSource, Segment
from collabmap.evidence.refi import read_refi
from collabmap.profile import load_profile
from fuzz import FORMATS, harness
from fuzz._scratch import as_file
from fuzz.mutate import flip_bytes, mutate
from fuzz.seeds import seeds

SETTINGS = settings(
    max_examples=25,
    deadline=timedelta(seconds=5),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAX_SIZE = 2_000_000
TEXTLESS_PDF = 2
"""The PDF seed with an empty page: the fuzzer starts from a refusal there on purpose."""


@functools.cache
def cached_seeds(fmt: str) -> tuple[bytes, ...]:
    return tuple(seeds(fmt))


def read(fmt: str, data: bytes) -> object:
    """Read ``data`` as a user's ``.FMT`` file with the public reader for that format."""
    path = as_file(data, f"seed.{fmt}")
    if fmt in ("qdpx", "qdc"):
        return read_refi(path)
    if fmt in ("yaml", "json"):
        return load_profile(path)
    return read_file(path)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_seed_is_a_file_its_reader_accepts(fmt: str) -> None:
    """The fuzzer starts from valid files, deep inside each reader, not at its first check."""
    for number, data in enumerate(cached_seeds(fmt)):
        if fmt == "pdf" and number == TEXTLESS_PDF:
            with pytest.raises(CollabmapError, match="no text layer"):
                read(fmt, data)
        else:
            assert read(fmt, data), f"seed {number} of {fmt} read as nothing"


@pytest.mark.parametrize("fmt", list(FORMATS))
@settings(SETTINGS, max_examples=60)
@given(data=st.data())
def test_a_mutated_file_is_imported_or_refused_never_crashes(fmt: str, data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(cached_seeds(fmt)), label="seed")
    rng = data.draw(st.randoms(use_true_random=False), label="mutations")
    harness(fmt)(mutate(seed, rng, flip_bytes(rng), MAX_SIZE))


@pytest.mark.parametrize("fmt", list(FORMATS))
@SETTINGS
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes_are_imported_or_refused_never_crash(fmt: str, data: bytes) -> None:
    harness(fmt)(data)


def test_a_reader_that_crashes_or_returns_nonsense_fails_the_harness(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The harnesses let through what is not a refusal, so the properties above can fail."""
    import fuzz._document

    def crashing(path: object) -> list[ImportedSource]:
        raise KeyError("word/document.xml")

    def nonsense(path: object) -> list[ImportedSource]:
        return [
            ImportedSource("x", "short", "document", "text/plain", [Segment("sentence", 0, 99)])
        ]

    monkeypatch.setattr(fuzz._document, "read_file", crashing)
    with pytest.raises(KeyError):
        harness("docx")(b"PK")
    monkeypatch.setattr(fuzz._document, "read_file", nonsense)
    with pytest.raises(AssertionError, match="outside a text of 5 characters"):
        harness("txt")(b"short")


def test_the_slowest_profile_the_fuzzer_found_is_refused_well_inside_the_time_limit() -> None:
    """Brackets nested thousands deep make PyYAML's scanner look ahead in quadratic time
    until the depth is refused; that work is bounded (0.6 s of CPU whatever the depth)."""
    started = time.process_time()
    with pytest.raises(CollabmapError, match="nested too deeply"):
        load_profile(as_file(b"name: x\nsources: " + b"[" * 30_000, "deep.yaml"))
    assert time.process_time() - started < 2.5
