"""Who may reach what: every route of the application (the JSON API and the pages, reading
and changing) × every kind of person × their own project's data and another project's.

What each cell should be is worked out here, from the roles' permissions in
``collabmap.store.access.PERMISSIONS`` and the table :data:`RULES` below, which says which
permission each route needs — never from what the server answers. Then every cell is asked
for real: an allowed request must not be refused (401, 403, 404 or a trip to the sign-in
page), a refused one must be, a project the person does not belong to must look unknown
(404), and a refused change must leave every table as it was.

A route missing from :data:`RULES` fails the test, so no new route escapes the matrix.

The people: the project's owner, analyst and viewer; a respondent who came in through their
invitation link; someone signed in who belongs to no project; and nobody (not signed in).
Authorisation is decided in Python, the same whatever the database, so this runs on SQLite,
whose file can be put back as it was after each allowed change (the SQLite backup API).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from collabmap.store import Store, open_store
from collabmap.store.access import PERMISSIONS, allowed
from collabmap.store.accounts import add_member, open_session_for
from collabmap.store.assessments import start_assessment, submit_assessment
from collabmap.store.models import Assessment, Base, User
from collabmap.store.projects import create_project
from collabmap.store.segments import list_segments
from collabmap.store.sources import import_files
from collabmap.web import WebSettings, create_app
from collabmap.web._settings import PRE_SESSION_COOKIE, SESSION_COOKIE
from tests.web.api.things import CODE, Things, add_things

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
MINE, THEIRS = "Reference cases", "Elsewhere"
SOURCE = "interview.txt"
PEOPLE = ("owner", "analyst", "viewer", "respondent", "outsider", "anonymous")
NAMES = {"owner": "olive", "analyst": "ali", "viewer": "vera", "outsider": "oscar"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
NOT_FINGERPRINTED = {"web_sessions", "sign_in_attempts"}
"""Signing in and out writes these by design (a refused request may still end a session's
idle time); no project data lives in them."""


# --- what each route needs -------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What a route needs: ``kind`` is one of

    - ``"public"``: anyone, signed in or not;
    - ``"signed-in"``: anyone signed in (their own session, their own list of projects);
    - ``"account"``: anyone signed in with a real account (not one opened by an invitation
      link, which exists only to answer its assessment);
    - ``"project"``: a member of the project in the path whose role has ``permission``;
    - ``"own-assessment"``: as ``"project"``, and the assessment is the person's own;
    - ``"own-job"``: the person started the job.
    """

    kind: str
    permission: str | None = None


def needs(permission: str) -> Rule:
    assert any(permission in granted for granted in PERMISSIONS.values()), permission
    return Rule("project", permission)


PUBLIC, SIGNED_IN, ACCOUNT, OWN_JOB = (
    Rule("public"),
    Rule("signed-in"),
    Rule("account"),
    Rule("own-job"),
)
OWN_ASSESSMENT = Rule("own-assessment", "assess")

A = "/api/projects/{project}"
P = "/projects/{project}"
ASSESSMENT_API = A + "/assessments/{assessment_id}"
ASSESSMENT_PAGE = P + "/assessments/{assessment_id}"
SOURCE_API, SOURCE_PAGE = A + "/sources/{source}", P + "/sources/{source}"

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/openapi.json"): PUBLIC,
    # the session and the person's own projects
    ("POST", "/api/session"): PUBLIC,
    ("GET", "/api/session"): SIGNED_IN,
    ("DELETE", "/api/session"): SIGNED_IN,
    ("GET", "/sign-in"): PUBLIC,
    ("POST", "/sign-in"): PUBLIC,
    ("POST", "/sign-out"): SIGNED_IN,
    ("GET", P + "/matrix.{format}"): needs("download"),
    ("POST", A + "/matrix/exports"): needs("download"),
    ("POST", P + "/downloads"): needs("download"),
    ("GET", P + "/export.{format}"): needs("export"),
    ("POST", A + "/exports"): needs("export"),
    ("GET", P + "/upload"): needs("import"),
    ("POST", P + "/uploads"): needs("import"),
    ("POST", A + "/uploads"): needs("import"),
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/sessions"): SIGNED_IN,
    ("GET", "/account/password"): ACCOUNT,
    ("POST", "/account/password"): ACCOUNT,
    ("POST", "/account/password/strength"): ACCOUNT,
    ("GET", "/api/account/sessions"): SIGNED_IN,
    ("POST", "/api/account/sessions/end"): SIGNED_IN,
    ("POST", "/api/account/password"): ACCOUNT,
    ("GET", "/api/projects"): SIGNED_IN,
    ("GET", "/"): SIGNED_IN,
    ("POST", "/api/projects"): ACCOUNT,
    ("POST", "/projects"): ACCOUNT,
    ("GET", "/api/assessment-questions"): SIGNED_IN,
    # a project and its partnerships
    ("GET", A): needs("view"),
    ("GET", P): needs("view"),
    ("GET", A + "/partnerships"): needs("view"),
    ("POST", A + "/partnerships"): needs("edit"),
    ("GET", A + "/partnerships/{name}"): needs("view"),
    ("PUT", A + "/partnerships/{name}"): needs("edit"),
    ("GET", P + "/partnerships/{name}"): needs("view"),
    ("POST", P + "/partnerships/{name}/edit"): needs("edit"),
    ("GET", A + "/charts/typology"): needs("view"),
    ("GET", A + "/charts/typology.svg"): needs("view"),
    ("GET", P + "/charts/typology.svg"): needs("view"),
    # members and the audit log
    ("GET", A + "/members"): needs("manage_members"),
    ("PUT", A + "/members/{user}"): needs("manage_members"),
    ("DELETE", A + "/members/{user}"): needs("manage_members"),
    ("GET", P + "/members"): needs("manage_members"),
    ("POST", P + "/members"): needs("manage_members"),
    ("POST", P + "/members/{user}/remove"): needs("manage_members"),
    ("GET", A + "/audit"): needs("read_audit"),
    ("GET", P + "/audit"): needs("read_audit"),
    # guided assessments: starting one is for those who add partnerships; answering is for
    # whoever owns the assessment (a respondent answers the one their link opened)
    ("GET", A + "/assessments"): needs("assess"),
    ("GET", P + "/assessments"): needs("assess"),
    ("POST", A + "/assessments"): needs("edit"),
    ("POST", P + "/assessments"): needs("edit"),
    ("GET", ASSESSMENT_API): OWN_ASSESSMENT,
    ("PUT", ASSESSMENT_API + "/topics/{topic_id}"): OWN_ASSESSMENT,
    ("POST", ASSESSMENT_API + "/topics/{topic_id}/items"): OWN_ASSESSMENT,
    ("PUT", ASSESSMENT_API + "/topics/{topic_id}/items/{index}/{page_id}"): OWN_ASSESSMENT,
    ("DELETE", ASSESSMENT_API + "/topics/{topic_id}/items/{index}"): OWN_ASSESSMENT,
    ("POST", ASSESSMENT_API + "/submit"): OWN_ASSESSMENT,
    ("GET", ASSESSMENT_PAGE + "/check"): OWN_ASSESSMENT,
    ("POST", ASSESSMENT_PAGE + "/save"): OWN_ASSESSMENT,
    ("GET", ASSESSMENT_PAGE + "/{topic_id}"): OWN_ASSESSMENT,
    ("POST", ASSESSMENT_PAGE + "/{topic_id}"): OWN_ASSESSMENT,
    ("POST", ASSESSMENT_PAGE + "/{topic_id}/add"): OWN_ASSESSMENT,
    ("POST", ASSESSMENT_PAGE + "/{topic_id}/{index}/remove"): OWN_ASSESSMENT,
    ("GET", ASSESSMENT_PAGE + "/{topic_id}/{index}/{page_id}"): OWN_ASSESSMENT,
    ("POST", ASSESSMENT_PAGE + "/{topic_id}/{index}/{page_id}"): OWN_ASSESSMENT,
    # respondents: inviting is managing who takes part; comparing and agreeing is editing
    ("GET", A + "/partnerships/{name}/respondents"): needs("manage_members"),
    ("POST", A + "/partnerships/{name}/respondents"): needs("manage_members"),
    ("DELETE", A + "/partnerships/{name}/respondents/{invitation_id}"): needs("manage_members"),
    ("GET", P + "/partnerships/{name}/respondents"): needs("manage_members"),
    ("POST", P + "/partnerships/{name}/respondents"): needs("manage_members"),
    ("POST", P + "/partnerships/{name}/respondents/{invitation_id}/revoke"): needs(
        "manage_members"
    ),
    ("GET", A + "/partnerships/{name}/responses"): needs("edit"),
    ("POST", A + "/partnerships/{name}/responses/agree"): needs("edit"),
    ("GET", P + "/partnerships/{name}/responses"): needs("edit"),
    ("POST", P + "/partnerships/{name}/responses/agree"): needs("edit"),
    ("GET", "/respond/{token}"): PUBLIC,  # the link is the credential
    # reports
    ("POST", A + "/reports"): needs("download"),
    ("POST", P + "/reports"): needs("download"),
    ("GET", P + "/report.{format}"): needs("download"),
    ("GET", "/api/jobs/{job_id}"): OWN_JOB,
    ("DELETE", "/api/jobs/{job_id}"): OWN_JOB,
    ("GET", "/api/jobs/{job_id}/result"): OWN_JOB,
    ("GET", "/jobs/{job_id}"): OWN_JOB,
    ("POST", "/jobs/{job_id}/cancel"): OWN_JOB,
    ("GET", "/jobs/{job_id}/download"): OWN_JOB,
    # sources, coding, suggestions and memos
    ("GET", A + "/sources"): needs("view"),
    ("GET", P + "/sources"): needs("view"),
    ("GET", SOURCE_API): needs("view"),
    ("GET", SOURCE_PAGE): needs("view"),
    ("GET", SOURCE_PAGE + "/passages/{segment_id}"): needs("code"),  # the no-mouse coding form
    ("GET", SOURCE_API + "/codings"): needs("view"),
    ("POST", SOURCE_API + "/codings"): needs("code"),
    ("DELETE", SOURCE_API + "/codings/{coding_id}"): needs("code"),
    ("POST", SOURCE_PAGE + "/codings"): needs("code"),
    ("POST", SOURCE_PAGE + "/codings/remove"): needs("code"),
    ("GET", SOURCE_API + "/suggestions"): needs("view"),
    ("PUT", SOURCE_API + "/suggestions/{coding_id}"): needs("code"),
    ("POST", SOURCE_PAGE + "/suggestions/decide"): needs("code"),
    ("POST", SOURCE_API + "/suggestion-runs"): needs("code"),
    ("POST", SOURCE_PAGE + "/suggestions"): needs("code"),
    ("GET", SOURCE_API + "/suggestion-runs/latest"): needs("view"),
    ("GET", SOURCE_PAGE + "/suggestions/progress"): needs("view"),
    ("GET", SOURCE_API + "/memos"): needs("view"),
    ("POST", SOURCE_API + "/memos"): needs("code"),
    ("PUT", SOURCE_API + "/memos/{memo_id}"): needs("code"),
    ("GET", SOURCE_PAGE + "/memos/new"): needs("code"),
    ("POST", SOURCE_PAGE + "/memos"): needs("code"),
    ("GET", SOURCE_PAGE + "/memos/{memo_id}"): needs("code"),
    ("POST", SOURCE_PAGE + "/memos/{memo_id}"): needs("code"),
    # the framework matrix, comparisons and agreement
    ("GET", A + "/matrix"): needs("view"),
    ("GET", A + "/matrix/cell"): needs("view"),
    ("PUT", A + "/matrix/cell"): needs("edit"),
    ("GET", P + "/matrix"): needs("view"),
    ("GET", P + "/matrix/cell"): needs("edit"),  # the cell's editing form
    ("POST", P + "/matrix/cell"): needs("edit"),
    ("GET", A + "/compare"): needs("view"),
    ("GET", P + "/compare"): needs("view"),
    ("GET", P + "/compare/{kind}.svg"): needs("view"),
    ("GET", P + "/partnerships/{name}/network.svg"): needs("view"),
    ("GET", A + "/agreement/coders"): needs("view"),
    ("GET", A + "/agreement"): needs("view"),
    ("GET", P + "/agreement"): needs("view"),
}


def app_routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the application answers, pages and API alike (HEAD, answered
    with GET, and the static files aside)."""
    found: set[tuple[str, str]] = set()

    def walk(routes: Any) -> None:
        for route in routes:
            if hasattr(route, "effective_route_contexts"):  # an included router (FastAPI)
                for context in route.effective_route_contexts():
                    methods = getattr(context.original_route, "methods", None) or set()
                    found.update((m, context.path) for m in methods if m != "HEAD")
            elif hasattr(route, "routes"):
                if getattr(route, "path", "") != "/static":
                    walk(route.routes)
            else:
                methods = getattr(route, "methods", None) or set()
                found.update((m, route.path) for m in methods if m != "HEAD")

    walk(app.routes)
    return found


# --- the world -------------------------------------------------------------------------------


@dataclass
class Site:
    """Two projects with one of everything, the people, and a way to put the database back."""

    store: Store
    app: Any
    path: Path
    mine: Things
    theirs: Things
    sessions: dict[str, tuple[str, str]]
    """person → (session token, CSRF token)."""
    assessments: dict[str, int]
    """person → their own assessment in MINE (the outsider has none)."""
    others: dict[str, int]
    """person → a colleague's assessment in MINE."""
    theirs_assessment: int
    jobs: dict[str, str] = field(default_factory=dict)
    """"mine": a job of the owner's; "theirs": a job of the other project's owner."""
    theme: str = ""
    segment: dict[str, int] = field(default_factory=dict)
    snapshot: Path | None = None

    def save(self) -> None:
        self.snapshot = self.path.with_suffix(".snapshot")
        _copy(self.path, self.snapshot)

    def restore(self) -> None:
        assert self.snapshot is not None
        _copy(self.snapshot, self.path)


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup: the target's open connections see the copy at once."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _user_id(store: Store, name: str) -> int:
    with store.reading() as session:
        found = session.scalar(select(User.id).where(User.name == name))
    assert found is not None
    return int(found)


def _project(store: Store, name: str, owner: str, tmp: Path) -> Things:
    create_project(store, name, with_examples=True, owner=owner, actor="test")
    interview = tmp / name / SOURCE
    interview.parent.mkdir()
    interview.write_text(
        "Interviewer: Who decides?\n\nBea Jones: We changed the service together.\n",
        encoding="utf-8",
    )
    import_files(store, name, [interview])
    things = add_things(store, name, owner, source=SOURCE)
    # the respondent has answered, so the owner can agree a profile from their answers
    from collabmap.examples import load_example

    profile = load_example("wigan")
    with store.transaction() as session:  # their answers, with partners to answer about
        row = session.get_one(Assessment, things.invited_assessment)
        row.answers = profile.model_dump(mode="json", exclude_defaults=True)
    submit_assessment(
        store,
        name,
        things.invited_assessment,
        _user_id(store, things.invited),
        profile,
        actor=things.invited,
        as_partnership=False,
    )
    return things


def _one_item(store: Store, project: str, user: str) -> int:
    """An assessment of ``user``'s with one partner in it (so item pages exist)."""
    return start_assessment(
        store,
        project,
        _user_id(store, user),
        actor=user,
        answers={"name": "Draft", "partners": [{"name": "Library"}]},
    ).id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from argon2 import PasswordHasher

    tmp = tmp_path_factory.mktemp("access")
    path = tmp / "collabmap.db"
    store = open_store(str(path))
    hashed = PasswordHasher().hash(PASSWORD)
    with store.transaction() as session:
        for name in [*NAMES.values(), "otto"]:
            session.add(User(name=name, display_name=name.title(), password_hash=hashed))
    mine = _project(store, MINE, "olive", tmp)
    theirs = _project(store, THEIRS, "otto", tmp)
    add_member(store, MINE, "ali", "analyst", actor="test")
    add_member(store, MINE, "vera", "viewer", actor="test")
    users = {**NAMES, "respondent": mine.invited}
    sessions = {}
    for person, name in users.items():
        token, signed_in = open_session_for(store, name)
        sessions[person] = (token, signed_in.csrf_token)
    assessments = {
        "owner": _one_item(store, MINE, "olive"),
        "analyst": _one_item(store, MINE, "ali"),
        # a viewer's assessment from when they could assess: a viewer may not answer it now
        "viewer": _one_item(store, MINE, "vera"),
        "respondent": mine.invited_assessment,
    }
    # a second respondent of the same partnership: the first must not reach their answers
    from collabmap.store.invitations import invite_respondent, redeem_invitation

    token, _ = invite_respondent(store, MINE, "Wigan Deal", "Cy, Wigan", actor="olive")
    second = redeem_invitation(store, token).assessment_id
    others = {
        "owner": assessments["analyst"],
        "analyst": assessments["owner"],
        "viewer": assessments["owner"],
        "respondent": second,
        "outsider": assessments["owner"],
    }
    app = create_app(store, WebSettings())
    built = Site(
        store,
        app,
        path,
        mine,
        theirs,
        sessions,
        assessments,
        others,
        theirs_assessment=_one_item(store, THEIRS, "otto"),
    )
    for project in (MINE, THEIRS):
        built.segment[project] = next(
            s.id for s in list_segments(store, project, SOURCE) if s.kind != "sentence"
        )
    client = TestClient(app, raise_server_exceptions=False)
    with client:
        built.theme = _theme(client, sessions["owner"][0])
        otto_token, otto_signed_in = open_session_for(store, "otto")
        built.jobs["mine"] = _report(client, sessions["owner"], MINE)
        built.jobs["theirs"] = _report(client, (otto_token, otto_signed_in.csrf_token), THEIRS)
        for project in (MINE, THEIRS):
            runner = (
                sessions["owner"] if project == MINE else (otto_token, otto_signed_in.csrf_token)
            )
            _suggest(client, runner, project)
        built.save()
        yield built
    store.close()


def _theme(client: TestClient, token: str) -> str:
    answer = client.get(
        f"/api/projects/{quote(MINE)}/matrix", headers={"Cookie": f"{SESSION_COOKIE}={token}"}
    )
    client.cookies.clear()
    assert answer.status_code == 200, answer.text
    themes = answer.json()["themes"]
    return str(themes[0]["id"])


def _report(client: TestClient, session: tuple[str, str], project: str) -> str:
    """A finished Markdown report of ``project``, started through the API; its job id."""
    token, csrf = session
    answer = client.post(
        f"/api/projects/{quote(project)}/reports",
        json={"format": "md"},
        headers={"X-CSRF-Token": csrf, "Cookie": f"{SESSION_COOKIE}={token}"},
    )
    client.cookies.clear()
    assert answer.status_code == 202, answer.text
    job = str(answer.json()["id"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(f"/api/jobs/{job}", headers={"Cookie": f"{SESSION_COOKIE}={token}"})
        client.cookies.clear()
        if state.json()["state"] in ("done", "failed", "cancelled"):
            assert state.json()["state"] == "done", state.text
            return job
        time.sleep(0.2)
    raise AssertionError("the report did not finish")


def _suggest(client: TestClient, session: tuple[str, str], project: str) -> None:
    """Run code suggestions for the project's source and wait for the run to finish (it
    writes to the database from a thread, which must not overlap the next cell)."""
    token, csrf = session
    url = f"/api/projects/{quote(project)}/sources/{SOURCE}/suggestion-runs"
    cookie = {"Cookie": f"{SESSION_COOKIE}={token}"}
    client.post(url, headers={"X-CSRF-Token": csrf, **cookie})
    _wait_for_suggestions(client, token, project)


def _wait_for_suggestions(client: TestClient, token: str, project: str) -> None:
    url = f"/api/projects/{quote(project)}/sources/{SOURCE}/suggestion-runs/latest"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = client.get(url, headers={"Cookie": f"{SESSION_COOKIE}={token}"})
        client.cookies.clear()
        if state.status_code == 200 and not state.json()["running"]:
            return
        time.sleep(0.2)
    raise AssertionError("the suggestions did not finish")


def _wait_for_job(client: TestClient, token: str, answer: Any) -> None:
    """Wait for the job an allowed request started (an upload's import, or a project export's
    audit entry, is written after the request has been answered), so its writes are not
    blamed on a later cell."""
    location = answer.headers.get("location", "")
    job = location.rsplit("/", 1)[-1] if "/jobs/" in location else ""
    if not job:
        return
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = client.get(f"/api/jobs/{job}", headers={"Cookie": f"{SESSION_COOKIE}={token}"})
        client.cookies.clear()
        if state.status_code != 200 or state.json()["state"] in ("done", "failed", "cancelled"):
            return
        time.sleep(0.2)
    raise AssertionError(f"job {job} did not finish")


# --- the cells -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    method: str
    path: str
    person: str
    target: str
    """"mine", "theirs" (another project's) or "colleague's" (someone else's own thing in
    the person's project: an assessment or a report)."""


def _targets(rule: Rule) -> tuple[str, ...]:
    if rule.kind in ("public", "signed-in", "account"):
        return ("mine",)
    if rule.kind == "own-assessment":
        return ("mine", "colleague's", "theirs")
    return ("mine", "theirs")


def expected(rule: Rule, person: str, target: str) -> bool:
    """Whether ``person`` may do this to ``target``, from the rule and PERMISSIONS alone."""
    signed_in = person != "anonymous"
    if rule.kind == "public":
        return True
    if rule.kind == "signed-in":
        return signed_in
    if rule.kind == "account":
        return signed_in and person != "respondent"
    if rule.kind == "own-job":  # the owner's job is "mine"; nobody here started "theirs"
        return person == "owner" and target == "mine"
    role = person if person in PERMISSIONS else None
    if target != "mine" or not allowed(role, rule.permission or ""):
        return False
    return rule.kind == "project" or person in ("owner", "analyst", "respondent")


def _values(site: Site, cell: Cell) -> dict[str, str]:
    """The path's parameters for this cell."""
    things = site.theirs if cell.target == "theirs" else site.mine
    project = THEIRS if cell.target == "theirs" else MINE
    if cell.target == "theirs":
        assessment = site.theirs_assessment
    elif cell.target == "colleague's":
        assessment = site.others.get(cell.person, 0)
    else:
        assessment = site.assessments.get(cell.person, site.assessments["owner"])
    return {
        "project": project,
        "name": things.partnership,
        "source": things.source,
        "user": "vera" if project == MINE else "otto",
        "assessment_id": str(assessment),
        "topic_id": "partners",
        "index": "0",
        "page_id": "partner",
        "invitation_id": str(things.invitation),
        "coding_id": str(things.suggestion if "suggestions" in cell.path else things.coding),
        "memo_id": str(things.memo),
        "segment_id": str(site.segment[project]),
        "job_id": site.jobs["theirs" if cell.target == "theirs" else "mine"],
        "token": things.token,
        "format": "qdpx"
        if "/export." in cell.path
        else "xlsx"
        if "/matrix." in cell.path
        else "md",
        "kind": "activities",
    }


def _url(site: Site, cell: Cell) -> str:
    url = cell.path
    for name, value in _values(site, cell).items():
        url = url.replace("{" + name + "}", quote(value, safe=""))
    assert "{" not in url, url
    query = {
        "/matrix/cell": f"?partnership=Wigan%20Deal&theme={site.theme}",
        "/agreement": "?coder_a=olive&coder_b=suggester",
        "/codings/{coding_id}": "?version=1",
    }
    for ending, extra in query.items():
        if cell.path.endswith(ending) and cell.method != "PUT":
            url += extra
    return url


def _body(site: Site, cell: Cell, csrf: str) -> dict[str, Any]:
    """A well-formed request body for the route, so that a refusal is about who asks, never
    about what was sent."""
    path, values = cell.path, _values(site, cell)
    if path.startswith("/api/"):
        json: Any = {
            "/api/session": {"name": "olive", "password": PASSWORD},
            "/api/account/password": {
                "current_password": PASSWORD,
                "new_password": "a brand new long passphrase",
                "end_other_sessions": False,
            },
            "/api/projects": {"name": "Brand new"},
            A + "/partnerships": {"name": "Another deal"},
            A + "/partnerships/{name}": {"name": values["name"]},
            A + "/members/{user}": {"role": "analyst"},
            A + "/assessments": {},
            ASSESSMENT_API + "/topics/{topic_id}": {"answers": {}},
            ASSESSMENT_API + "/topics/{topic_id}/items": {},
            ASSESSMENT_API + "/topics/{topic_id}/items/{index}/{page_id}": {"answers": {}},
            ASSESSMENT_API + "/submit": {},
            A + "/partnerships/{name}/respondents": {"respondent": "Di, Wigan"},
            A + "/partnerships/{name}/responses/agree": {"basis": "Bea, Wigan"},
            A + "/reports": {"format": "md"},
            A + "/matrix/exports": {"format": "xlsx"},
            A + "/exports": {"format": "qdpx"},
            SOURCE_API + "/codings": {"code": CODE, "start": 0, "end": 5},
            SOURCE_API + "/suggestions/{coding_id}": {"status": "accepted"},
            SOURCE_API + "/suggestion-runs": {},
            SOURCE_API + "/memos": {"title": "A memo"},
            SOURCE_API + "/memos/{memo_id}": {"title": "Changed", "version": 1},
            A + "/matrix/cell": {
                "partnership": "Wigan Deal",
                "theme": site.theme,
                "summary": "They decide together.",
                "version": 0,
            },
        }.get(path)
        if path == A + "/uploads":  # a real file, so a refusal is never about the form
            return {"files": {"files": ("note.txt", b"A short note about the partnership.")}}
        return {} if json is None or cell.method in ("GET", "DELETE") else {"json": json}
    form = {
        "/sign-in": {"name": "olive", "password": PASSWORD, "form_token": "t"},
        "/projects": {"name": "Brand new"},
        P + "/members": {"user": "oscar", "role": "viewer"},
        P + "/partnerships/{name}/respondents": {"respondent": "Di, Wigan", "days": "14"},
        P + "/partnerships/{name}/responses/agree": {"basis": "Bea, Wigan"},
        P + "/reports": {"format": "md"},
        P + "/downloads": {"what": "matrix", "format": "xlsx"},
        SOURCE_PAGE + "/codings": {"code": CODE, "segment": values["segment_id"]},
        SOURCE_PAGE + "/codings/remove": {"coding": f"remove:{values['coding_id']}:1"},
        SOURCE_PAGE + "/suggestions/decide": {
            "decision": f"accepted:{site.mine.suggestion if cell.target == 'mine' else site.theirs.suggestion}:1"
        },
        SOURCE_PAGE + "/memos": {"title": "A memo", "text": ""},
        SOURCE_PAGE + "/memos/{memo_id}": {"title": "Changed", "text": "", "version": "1"},
        P + "/matrix/cell": {
            "summary": "They decide together.",
            "status": "draft",
            "version": "0",
        },
    }.get(path, {})
    if cell.method == "GET":
        return {}
    if path == P + "/uploads":
        return {
            "data": {"csrf_token": csrf},
            "files": {"files": ("note.txt", b"A short note about the partnership.")},
        }
    return {"data": {**form, "csrf_token": csrf}}


def _fingerprint(store: Store) -> str:
    digest = hashlib.sha256()
    with store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_FINGERPRINTED:
                continue
            rows = connection.execute(table.select().order_by(*table.primary_key.columns))
            digest.update(table.name.encode())
            for row in rows:
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def refused(answer: Any) -> bool:
    """A refusal: 401, 403, 404, or a page sending the browser to sign in first."""
    location = answer.headers.get("location", "")
    return answer.status_code in (401, 403, 404) or (
        answer.status_code == 303 and location.startswith("/sign-in?next=")
    )


def _ask(site: Site, client: TestClient, cell: Cell) -> Any:
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    csrf = ""
    if cell.person != "anonymous":
        token, csrf = site.sessions[cell.person]
        cookies[SESSION_COOKIE] = token
        if cell.path.startswith("/api/"):
            headers["X-CSRF-Token"] = csrf
    if cell.path == "/sign-in" and cell.method == "POST":
        cookies[PRE_SESSION_COOKIE] = "t"
    if cell.path.endswith(("/result", "/download")) and expected(
        RULES[(cell.method, cell.path)], cell.person, cell.target
    ):
        # downloading a report uses it up: each allowed download gets a fresh one
        site.jobs["mine"] = _report(client, site.sessions["owner"], MINE)
    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    answer = client.request(
        cell.method, _url(site, cell), headers=headers, **_body(site, cell, csrf)
    )
    client.cookies.clear()
    if "suggestion" in cell.path and cell.method == "POST" and answer.status_code < 400:
        _wait_for_suggestions(client, site.sessions["owner"][0], MINE)
    if cell.method == "POST" and cell.person in site.sessions:
        _wait_for_job(client, site.sessions[cell.person][0], answer)
    return answer


def test_every_route_is_in_the_table(site: Site) -> None:
    routes = app_routes(site.app)
    assert len(routes) >= 100
    missing = routes - set(RULES)
    assert not missing, f"routes with no access rule: {sorted(missing)}"
    assert not set(RULES) - routes, f"rules for routes that are gone: {set(RULES) - routes}"


def test_every_route_person_and_project_gets_what_the_permissions_say(site: Site) -> None:
    problems: list[str] = []
    counts = {"allowed": 0, "refused": 0}
    client = TestClient(site.app, raise_server_exceptions=False, follow_redirects=False)
    with client:
        for (method, path), rule in sorted(RULES.items()):
            for person in PEOPLE:
                for target in _targets(rule):
                    cell = Cell(method, path, person, target)
                    should = expected(rule, person, target)
                    before = _fingerprint(site.store) if method in UNSAFE and not should else ""
                    answer = _ask(site, client, cell)
                    said = f"{method} {path} as {person} on {target}: {answer.status_code}"
                    if answer.status_code >= 500:
                        problems.append(f"{said} (server error)")
                    elif should and refused(answer):
                        problems.append(f"{said}, but it is allowed: {answer.text[:160]}")
                    elif not should and not refused(answer):
                        problems.append(f"{said}, but it should be refused: {answer.text[:160]}")
                    elif (
                        not should
                        and target == "theirs"
                        and person != "anonymous"
                        and answer.status_code != 404
                    ):
                        problems.append(f"{said}: another project's must look unknown")
                    if before and _fingerprint(site.store) != before:
                        problems.append(f"{said}: refused, yet the database changed")
                    counts["allowed" if should else "refused"] += 1
                    if method in UNSAFE or path == "/respond/{token}":
                        site.restore()
    assert not problems, f"{len(problems)} wrong:\n" + "\n".join(problems)
    assert counts["allowed"] > 100 and counts["refused"] > 400, counts
