"""Whoever runs collabmap creates accounts and resets a forgotten password from the shell."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from collabmap.store import open_store
from collabmap.store.accounts import find_session, sign_in
from collabmap.store.models import AuditEvent
from tests.cli.conftest import Run


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_a_reset_password_works_and_every_old_session_ends(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    _stdin(monkeypatch, "the first long secret\n")
    assert run("--db", db, "user", "create", "olga", "--password-stdin").code == 0
    store = open_store(db)
    try:
        token, _ = sign_in(store, "olga", "the first long secret", address="test")
        _stdin(monkeypatch, "a second long secret\n")
        done = run("--db", db, "user", "password", "olga", "--password-stdin")
        assert done.code == 0, done.err
        assert "sessions have ended" in done.out
        assert find_session(store, token) is None
        sign_in(store, "olga", "a second long secret", address="test")
        with store.reading() as session:
            actions = [e.action for e in session.query(AuditEvent).all()]
        assert "password.set" in actions
    finally:
        store.close()


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short", "at least 12 characters"), ("password1234", "very common password")],
)
def test_a_weak_password_is_refused_in_one_line_and_nothing_changes(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password: str, reason: str
) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    _stdin(monkeypatch, "the first long secret\n")
    run("--db", db, "user", "create", "olga", "--password-stdin")
    _stdin(monkeypatch, password + "\n")
    refused = run("--db", db, "user", "password", "olga", "--password-stdin")
    assert refused.code == 2
    assert reason in refused.err and refused.err.count("\n") == 1
    store = open_store(db)
    try:
        sign_in(store, "olga", "the first long secret", address="test")
    finally:
        store.close()


def test_resetting_an_unknown_user_names_the_problem(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    _stdin(monkeypatch, "the first long secret\n")
    run("--db", db, "user", "create", "olga", "--password-stdin")
    _stdin(monkeypatch, "a second long secret\n")
    refused = run("--db", db, "user", "password", "nobody", "--password-stdin")
    assert refused.code != 0 and "nobody" in refused.err
