"""The passage-meaning features: bundled word vectors, read offline, without side effects."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from collabmap.analyse import _embedding
from collabmap.analyse._embedding import PassageEmbedding, token_vectors
from collabmap.errors import BrokenInstallation


@pytest.fixture
def fresh_vectors() -> Iterator[None]:
    token_vectors.cache_clear()
    yield
    token_vectors.cache_clear()


def test_the_word_vectors_are_read_offline_and_leave_logging_alone(
    fresh_vectors: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("collabmap tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    vectors = token_vectors()
    assert vectors.dimensions == 256
    assert root.handlers == handlers and root.level == level
    assert "wordllama" not in sys.modules  # its import would configure the root logger


def test_the_same_fact_in_other_words_is_nearer_than_a_different_fact() -> None:
    vectors = token_vectors()
    handed_over, took_lease, consulted = vectors.embed(
        [
            "The council handed the library over to a group of volunteers who now run it.",
            "Local residents took on the lease and keep the library open themselves.",
            "The council asked people to fill in a survey about its budget proposals.",
        ]
    )
    assert handed_over @ took_lease > handed_over @ consulted


def test_every_passage_gets_a_unit_vector_and_an_empty_one_gets_zeros() -> None:
    matrix = PassageEmbedding().fit([]).transform(["", "Residents ran the café.", "é" * 50_000])
    rows = matrix.toarray()
    assert rows.shape == (3, 256)
    assert np.allclose(rows[0], 0.0)
    assert np.isclose(np.linalg.norm(rows[1]), 1.0, atol=1e-4)
    assert np.isclose(np.linalg.norm(rows[2]), 1.0, atol=1e-4)


def test_missing_word_vectors_are_named_as_a_broken_installation(
    fresh_vectors: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_embedding, "_package_folder", lambda: tmp_path)
    with pytest.raises(BrokenInstallation, match=r"cannot be read.*reinstall collabmap"):
        token_vectors()


def test_a_pickled_model_does_not_carry_the_vectors() -> None:
    import pickle

    assert len(pickle.dumps(PassageEmbedding().fit(["x"]))) < 1_000
