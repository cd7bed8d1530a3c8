"""Whoever runs the server can see refused sign-ins and refused access in its log, and find
an unexpected error by the reference the user was shown — without tokens or project text."""

from __future__ import annotations

import logging
import re

import pytest

from tests.web.api.conftest import PASSWORD, World, is_problem, project_url


def test_refused_sign_ins_and_refused_access_are_logged_without_secrets(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="collabmap.security")
    client = world.client()
    client.post("/api/session", json={"name": "ali", "password": "a wrong guess here"})
    vera = world.person("vera")  # a viewer may not add partnerships
    is_problem(vera.send("POST", project_url() + "/partnerships", json={"name": "Nope"}), 403)
    lines = [r.getMessage() for r in caplog.records if r.name == "collabmap.security"]
    assert any("sign-in refused (401)" in line for line in lines), lines
    assert any("access refused" in line and "vera" in line for line in lines), lines
    text = "\n".join(lines)
    for secret in ("a wrong guess here", PASSWORD, vera.csrf):
        assert secret not in text


def test_an_unexpected_error_shows_a_reference_that_is_in_the_log(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("a bug")

    world.app.add_api_route("/api/broken-for-this-test", broken)
    answer = world.client().get("/api/broken-for-this-test")
    problem = is_problem(answer, 500)
    reference = re.search(r"reference ([0-9A-F]{8})", problem["detail"])
    assert reference is not None, problem
    assert "a bug" not in problem["detail"]  # nothing of the cause reaches the user
    logged = [r for r in caplog.records if reference.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None
