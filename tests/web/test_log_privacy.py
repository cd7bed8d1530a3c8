"""No secrets or interview text in the logs, even at ``serve --log-level debug``.

The real server runs as a user would run it, logging everything it and its libraries say
(the access log included) to a file; an owner signs in with a known password, codes an
interview, filters it by its speaker, answers an assessment and invites a respondent, who uses
the personal link. Then the whole log, and what ``collabmap import`` printed, are searched for
every secret and every piece of interview text seen on the way; the audit log, which is kept
in the database for good, is searched for the interview text too.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select

from collabmap.store import open_store
from collabmap.store.models import AuditEvent
from collabmap.web._logging import redact_url
from tests.web.conftest import OWNER, PROJECT, _new_database, prepare
from tests.web.server import running

INTERVIEWEE = "Margaret Oduya"
SENTENCE = (
    "We painted the old boathouse green because nobody from the council ever asked us "
    "which colour we wanted."
)
INTERVIEW = (
    "Interviewer: How did the boathouse project start?\n\n"
    f"{INTERVIEWEE}: {SENTENCE} After that the rowing club ran it themselves.\n\n"
    "Interviewer: Did the council help?\n\n"
    f"{INTERVIEWEE}: Only with the lease.\n"
)
SOURCE = "interview-07.txt"
P = quote(PROJECT, safe="")


@dataclass
class Logged:
    """A server that logged at debug level while the site was used: its store, its log, what
    ``collabmap import`` printed, and the secrets handled on the way, by what they are."""

    db: str
    log: Path
    import_output: str
    secrets: dict[str, str]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def logged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Logged]:
    request.getfixturevalue("assets")
    tmp = tmp_path_factory.mktemp(f"logged-{request.param}")
    db = _new_database(request.param, tmp, request)
    prepare(db)
    interview = tmp / SOURCE
    interview.write_text(INTERVIEW, encoding="utf-8")
    imported = subprocess.run(
        [sys.executable, "-m", "collabmap", "--db", db, "import", PROJECT, str(interview)],
        capture_output=True,
        text=True,
        check=True,
    )
    log = tmp / "server.log"
    with running("--db", db, "serve", "--log-level", "debug", log=log) as url:
        secrets = _use_the_site(url)
    # the server has stopped: its log is complete
    yield Logged(db, log, imported.stdout + imported.stderr, secrets)


def _found(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match is not None, f"{pattern!r} not on the page"
    return match.group(1)


def _csrf(html: str) -> str:
    return _found(r'name="csrf-token" content="([^"]+)"', html)


def _sign_in(client: httpx.Client) -> None:
    form = client.get("/sign-in")
    token = _found(r'name="form_token" value="([^"]+)"', form.text)
    signed = client.post(
        "/sign-in", data={"form_token": token, "name": OWNER.name, "password": OWNER.password}
    )
    assert signed.status_code == 303, signed.text[:500]


def _use_the_site(url: str) -> dict[str, str]:
    """Everything a day's work involves; gives each secret it handled, by what it is."""
    secrets: dict[str, str] = {"password": OWNER.password}
    with httpx.Client(base_url=url, follow_redirects=False, timeout=30) as owner:
        _sign_in(owner)
        secrets["session cookie"] = owner.cookies["collabmap_session"]
        project = owner.get(f"/projects/{P}")
        assert project.status_code == 200
        csrf = secrets["CSRF token"] = _csrf(project.text)

        # the interview, filtered by its speaker (the name travels in the query string)
        source = f"/projects/{P}/sources/{SOURCE}"
        filtered = owner.get(source, params={"speaker": INTERVIEWEE})
        assert filtered.status_code == 200 and SENTENCE in filtered.text
        passage_id = _found(r"/passages/(\d+)\"", filtered.text)
        passage = owner.get(f"{source}/passages/{passage_id}")
        coded = owner.post(
            f"{source}/codings",
            data={
                "csrf_token": csrf,
                "passage": passage_id,
                "segment": passage_id,
                "code": "activity:community_self_organization",
            },
        )
        assert passage.status_code == 200 and coded.status_code == 303, coded.text[:2000]

        # a guided assessment, its summary quoting the interview
        started = owner.post(f"/projects/{P}/assessments", data={"csrf_token": csrf})
        about = started.headers["location"]
        answered = owner.post(
            about,
            data={
                "csrf_token": csrf,
                "name": "Boathouse Trust",
                "place": "Riverside",
                "summary": f"{INTERVIEWEE} said: {SENTENCE}",
            },
        )
        assert answered.status_code == 303, answered.text[:2000]

        # an invitation, and the respondent following the link
        invited = owner.post(
            f"/projects/{P}/partnerships/Wigan%20Deal/respondents",
            data={"csrf_token": csrf, "respondent": "Cath, Wigan Council", "days": "7"},
        )
        assert invited.status_code == 303, invited.text[:500]  # shown once, after a redirect
        shown = owner.get(invited.headers["location"])
        link = _found(r'id="link" type="text" value="([^"]+)"', shown.text)
        secrets["invitation token"] = link.rsplit("/", 1)[1]
    with httpx.Client(base_url=url, follow_redirects=True, timeout=30) as respondent:
        opened = respondent.get(link.removeprefix(url))
        assert opened.status_code == 200 and "Wigan Deal" in opened.text
        secrets["respondent's session cookie"] = respondent.cookies["collabmap_session"]
    return secrets


def test_the_debug_log_holds_no_secrets_and_no_interview_text(logged: Logged) -> None:
    secrets = dict(logged.secrets)
    secrets["interview sentence"] = SENTENCE
    secrets["interviewee's name"] = INTERVIEWEE
    secrets["interviewee's name, as sent in a URL"] = quote(INTERVIEWEE)
    secrets["interviewee's name, as sent in a form"] = INTERVIEWEE.replace(" ", "+")

    log = logged.log.read_text(encoding="utf-8", errors="replace")
    for where, text in (("the server's log", log), ("collabmap import", logged.import_output)):
        leaked = [what for what, secret in secrets.items() if secret in text]
        assert leaked == [], f"{where} holds the {', '.join(leaked)}"
    # and it was a full log: debug records, and a line per request with what is safe to keep
    assert "DEBUG" in log
    assert '"POST /sign-in HTTP/1.1" 303' in log
    assert f'"GET /projects/{P}/sources/{SOURCE}?speaker=… HTTP/1.1" 200' in log
    assert '"GET /respond/… HTTP/1.1" 303' in log


def test_the_audit_log_records_who_did_what_without_copying_interview_text(
    logged: Logged,
) -> None:
    store = open_store(logged.db)
    try:
        with store.reading() as session:
            rows = list(session.scalars(select(AuditEvent)))
    finally:
        store.close()
    actions = {row.action for row in rows}
    assert {"sign_in", "coding.add", "assessment.answer", "respondent.open"} <= actions
    for row in rows:
        kept = f"{row.actor} {row.action} {row.target} {row.detail}"
        assert SENTENCE not in kept and INTERVIEWEE not in kept, kept


@pytest.mark.parametrize(
    ("requested", "logged_as"),
    [
        ("/respond/Abc-123_xyz", "/respond/…"),
        ("/respond/Abc-123_xyz?next=%2F", "/respond/…?next=…"),
        (
            "/projects/P/sources/s.txt?speaker=Ann+Lee&code=",
            "/projects/P/sources/s.txt?speaker=…&code=…",
        ),
        ("/projects/P/sources/s.txt", "/projects/P/sources/s.txt"),
        ("/sign-in?", "/sign-in?"),
    ],
)
def test_a_logged_url_keeps_where_it_went_but_not_what_it_carried(
    requested: str, logged_as: str
) -> None:
    assert redact_url(requested) == logged_as
