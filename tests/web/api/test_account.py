"""A user manages their own account: sees where they are signed in, signs out of the other
sessions, changes their password — each time typing the password again."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import update

from collabmap.store.accounts import SESSION_IDLE, find_session, sign_in
from collabmap.store.invitations import invite_respondent
from collabmap.store.models import WebSession, utcnow
from collabmap.web import WebSettings, create_app
from tests.web.api.conftest import PASSWORD, PROJECT, World, is_problem

NEW = "a fresh and long passphrase"


def test_a_user_sees_their_sessions_with_this_one_marked(world: World) -> None:
    laptop = world.sign_in("ali")
    world.sign_in("ali")
    sessions = laptop.get("/api/account/sessions").json()
    # the fixture's session plus two sign-ins, most recently used first
    assert len(sessions) == 3
    assert [s["current"] for s in sessions].count(True) == 1
    assert all(len(s["handle"]) == 16 and "token" not in s for s in sessions)
    # nobody else's sessions are listed
    assert len(world.person("vera").get("/api/account/sessions").json()) == 1


def test_signing_out_of_other_sessions_needs_the_password_and_keeps_this_one(
    world: World,
) -> None:
    laptop, phone = world.sign_in("ali"), world.sign_in("ali")
    wrong = laptop.send("POST", "/api/account/sessions/end", json={"password": "not it at all"})
    is_problem(wrong, 401)
    assert phone.get("/api/session").status_code == 200
    ended = laptop.send("POST", "/api/account/sessions/end", json={"password": PASSWORD})
    assert ended.json() == {"ended": 2}  # the phone and the fixture's session
    assert phone.get("/api/session").status_code == 401
    assert world.person("ali").get("/api/session").status_code == 401
    assert laptop.get("/api/session").status_code == 200


def test_one_chosen_session_can_be_ended(world: World) -> None:
    laptop, phone = world.sign_in("ali"), world.sign_in("ali")
    phone_handle = next(
        s["handle"] for s in phone.get("/api/account/sessions").json() if s["current"]
    )
    answer = laptop.send(
        "POST", "/api/account/sessions/end", json={"password": PASSWORD, "sessions": [phone_handle]}
    )
    assert answer.json() == {"ended": 1}
    assert phone.get("/api/session").status_code == 401
    assert world.person("ali").get("/api/session").status_code == 200


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    world: World,
) -> None:
    laptop, phone = world.sign_in("ali"), world.sign_in("ali")
    wrong = laptop.send(
        "POST",
        "/api/account/password",
        json={"current_password": "a wrong password", "new_password": NEW},
    )
    is_problem(wrong, 401)
    changed = laptop.send(
        "POST", "/api/account/password", json={"current_password": PASSWORD, "new_password": NEW}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["ended"] == 2
    assert phone.get("/api/session").status_code == 401
    assert laptop.get("/api/session").status_code == 200
    is_problem(world.client().post("/api/session", json={"name": "ali", "password": PASSWORD}), 401)
    assert world.sign_in("ali", NEW).get("/api/session").status_code == 200


def test_a_weak_new_password_is_refused_with_the_reason(world: World) -> None:
    ali = world.person("ali")
    for weak, reason in [
        ("short one", "at least 12 characters"),
        ("password1234", "common password"),
        ("qwertyuiopas", "commonly used"),
        ("aaaaaaaaaaaaaa", "repeats"),
    ]:
        problem = is_problem(
            ali.send(
                "POST",
                "/api/account/password",
                json={"current_password": PASSWORD, "new_password": weak},
            ),
            422,
        )
        assert reason in problem["detail"].lower(), problem
    # nothing changed: the old password still signs in
    assert world.sign_in("ali").get("/api/session").status_code == 200


def test_long_unicode_and_spaced_passwords_are_kept_whole(world: World) -> None:
    ali = world.person("ali")
    emoji = "🦊🌳🚲🍵📚🎻🧭🪁🌋🛶🎲🪴"  # 12 code points
    current = PASSWORD
    for new in [emoji, "   spaced   out   words   ", "x" * 4 + "long " * 199]:
        answer = ali.send(
            "POST",
            "/api/account/password",
            json={"current_password": current, "new_password": new, "end_other_sessions": False},
        )
        assert answer.status_code == 200, (new[:20], answer.text)
        current = new
        # no truncation: the password with one more character does not sign in
        is_problem(
            world.client().post("/api/session", json={"name": "ali", "password": new + "!"}), 401
        )
        assert world.sign_in("ali", new).get("/api/session").status_code == 200


def test_failed_re_entries_count_towards_the_throttle(world: World) -> None:
    ali = world.person("ali")
    for _ in range(5):
        is_problem(
            ali.send("POST", "/api/account/sessions/end", json={"password": "guess guess"}), 401
        )
    is_problem(ali.send("POST", "/api/account/sessions/end", json={"password": PASSWORD}), 429)


def test_a_respondent_has_no_password_to_change(world: World) -> None:
    token, _ = invite_respondent(
        world.store, PROJECT, "Wigan Deal", "Bea Jones, community group", actor="olive"
    )
    client = world.client()
    client.get(f"/respond/{token}", follow_redirects=False)
    csrf = client.get("/api/session").json()["csrf_token"]
    problem = is_problem(
        client.post(
            "/api/account/password",
            json={"current_password": "anything at all", "new_password": NEW},
            headers={"X-CSRF-Token": csrf},
        ),
        403,
    )
    assert "invitation" in problem["detail"]


def test_a_session_unused_for_half_an_hour_ends(world: World) -> None:
    token, _ = sign_in(world.store, "ali", PASSWORD, address="test")
    assert find_session(world.store, token) is not None
    with world.store.transaction() as session:
        session.execute(
            update(WebSession).values(last_seen_at=utcnow() - SESSION_IDLE - timedelta(minutes=1))
        )
    assert find_session(world.store, token) is None


def test_using_a_session_keeps_it_alive(world: World) -> None:
    token, _ = sign_in(world.store, "ali", PASSWORD, address="test")
    almost = utcnow() - SESSION_IDLE + timedelta(minutes=2)
    with world.store.transaction() as session:
        session.execute(update(WebSession).values(last_seen_at=almost))
    assert find_session(world.store, token) is not None  # used now: last use moves on
    with world.store.reading() as session:
        seen = session.get_one(WebSession, hashlib.sha256(token.encode()).hexdigest())
        assert seen.last_seen_at is not None and seen.last_seen_at > almost + timedelta(minutes=1)


def test_over_https_the_session_cookie_is_host_prefixed_secure_and_httponly(world: World) -> None:
    app = create_app(world.store, WebSettings(secure_cookies=True))
    with world.client().__class__(app, base_url="https://testserver") as client:
        answer = client.post("/api/session", json={"name": "ali", "password": PASSWORD})
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-collabmap_session=")
        for attribute in ("Secure", "HttpOnly", "Path=/", "SameSite=lax"):
            assert attribute.lower() in cookie.lower(), cookie
        assert "domain=" not in cookie.lower()
        assert client.get("/api/session").status_code == 200
        signed_out = client.delete(
            "/api/session", headers={"X-CSRF-Token": answer.json()["csrf_token"]}
        )
        assert signed_out.headers["set-cookie"].startswith("__Host-collabmap_session=")
        assert client.get("/api/session").status_code == 401
