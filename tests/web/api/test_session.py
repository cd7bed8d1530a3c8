"""Signing in and out from a script."""

from __future__ import annotations

from tests.web.api.conftest import PASSWORD, World, is_problem


def test_signing_in_gives_the_csrf_token_and_a_session_cookie(world: World) -> None:
    client = world.client()
    answer = client.post("/api/session", json={"name": "Olive", "password": PASSWORD})
    assert answer.status_code == 201
    body = answer.json()
    assert body["user"] == {"name": "olive", "display_name": "Olive"}
    assert len(body["csrf_token"]) >= 32
    assert body["expires_at"].endswith("Z")
    assert "httponly" in answer.headers["set-cookie"].lower()
    assert client.get("/api/session").json()["csrf_token"] == body["csrf_token"]


def test_a_wrong_password_and_an_unknown_name_are_refused_alike(world: World) -> None:
    client = world.client()
    wrong = is_problem(client.post("/api/session", json={"name": "olive", "password": "x"}), 401)
    unknown = is_problem(client.post("/api/session", json={"name": "nobody", "password": "x"}), 401)
    assert wrong["detail"] == unknown["detail"] == "the user name or password is not right"
    is_problem(client.get("/api/session"), 401)


def test_sign_in_is_throttled_after_five_failures_for_an_account(world: World) -> None:
    client = world.client()
    for _ in range(5):
        is_problem(client.post("/api/session", json={"name": "vera", "password": "guess"}), 401)
    body = is_problem(client.post("/api/session", json={"name": "vera", "password": PASSWORD}), 429)
    assert "too many failed sign-ins" in body["detail"]
    # another account from the same address is still let in
    assert (
        client.post("/api/session", json={"name": "ali", "password": PASSWORD}).status_code == 201
    )


def test_signing_out_ends_the_session_at_once(world: World) -> None:
    olive = world.person("olive")
    assert olive.send("DELETE", "/api/session").status_code == 204
    is_problem(olive.get("/api/projects"), 401)


def test_signing_out_needs_the_csrf_header(world: World) -> None:
    olive = world.person("olive")
    body = is_problem(olive.client.delete("/api/session"), 403)
    assert "X-CSRF-Token" in body["detail"]
    is_problem(olive.send("DELETE", "/api/session", headers={"X-CSRF-Token": "forged"}), 403)
    assert olive.get("/api/projects").status_code == 200


def test_a_form_posted_from_another_site_cannot_sign_anyone_in(world: World) -> None:
    # a cross-site HTML form can send text/plain shaped like JSON, never application/json
    answer = world.client().post(
        "/api/session",
        content=f'{{"name": "olive", "password": "{PASSWORD}"}}',
        headers={"Content-Type": "text/plain"},
    )
    is_problem(answer, 422)
    assert "set-cookie" not in answer.headers


def test_another_users_csrf_token_does_not_pass(world: World) -> None:
    olive, vera = world.person("olive"), world.person("vera")
    is_problem(olive.send("DELETE", "/api/session", headers={"X-CSRF-Token": vera.csrf}), 403)
