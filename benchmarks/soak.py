"""Soak: many users reading, coding, editing the matrix and answering assessments at once, for
minutes, against the real server — with every acknowledged write checked afterwards.

Target (issue "Reliability", item 6): 50 concurrent users for 10 minutes of mixed reading,
coding and assessment answering from a second process on loopback, on SQLite and on
PostgreSQL — 0 errors, 0 lost writes (counted), p95 latency reported. Run:

    PYTHONPATH=src nice .venv/bin/python benchmarks/soak.py [--database sqlite|postgresql]
        [--users 50] [--minutes 10] [--pause 0] [--json-out soak.json]

The data set is ``web_load.py``'s (500 partnerships, 100,000 segments; built once and cached
under /tmp). Each run writes into a fresh copy of it: a SQLite online copy, or — for
PostgreSQL — that copy restored into a throwaway cluster on loopback (``tests/pg.py``), so
runs start from the same state and never change the cache. Accounts are added for the run,
a tenth owners, four tenths analysts, three tenths respondents and two tenths viewers, and
the server is ``python -m collabmap --db URL serve --workers 2`` in its own process.

Each user signs in through the sign-in form (untimed), then loops without pause (or with
``--pause`` seconds between requests) over what their role does:

* viewers read: the project list, the partnership list, a partnership's page, the typology
  chart, a source's coding workspace, the matrix;
* analysts and owners read half the time, and otherwise code their own source through the
  JSON API (apply a code to a passage, remove one of their codings, write or edit a memo) or
  write matrix cells of their own partnerships; one cell edit in twenty goes to one of three
  cells every editor shares, sent with the version that editor last saw, so two editors on
  the same cell meet now and then and the later one is refused with 409 (a *conflict*, by
  design, not an error);
* respondents answer their own guided assessment: a topic's questions, a partner added and
  described, their assessment and its pages read back; every 40 answers they go on to the next
  of the assessments made for them before the run (a respondent cannot start one: an
  invitation makes it).

Every write the server acknowledged (2xx) is recorded with what it wrote. When the time is
up the server is stopped and the store opened with the library: every acknowledged coding
must be there as written (or absent, if its removal was acknowledged), and every memo, cell
and assessment must hold the content of its highest acknowledged version — with no two
acknowledged writes claiming the same version, which would mean one silently overwrote the
other. Each write missing is a *lost write*.

The report gives requests, errors (any 5xx, connection error, or 4xx other than a 409
conflict), conflicts, lost writes, p50/p95/p99 per kind and overall, requests a second, the
server's peak resident memory and CPU time a request; ``--json-out`` writes it as JSON too.
The exit code is 1 if there were errors or lost writes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy.orm import Session

from collabmap.store.models import Assessment, Code, Coding, MatrixCell, Memo, Partnership, Project

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.pg, the PG cluster

from _support import (  # the data set, the server and the figures, shared with web_load.py
    PASSWORD,
    PROJECT,
    DataSet,
    cpu_seconds,
    free_port,
    machine,
    prepare,
    process_tree,
    rss_kb,
    sign_in,
    start_server,
    stop_server,
    summary,
)

ROLE_SHARES = (("owner", 0.1), ("analyst", 0.4), ("respondent", 0.3), ("viewer", 0.2))
SHARED_CELL_SHARE = 0.05
"""The share of cell edits sent to the cells every editor shares (where conflicts happen)."""
ANSWERS_PER_ASSESSMENT = 40
ASSESSMENTS_EACH = 30
"""Assessments made for each respondent before the run (as their invitations would)."""
KEEP_CODINGS = 30
"""A coder removes codings more often once they have this many, so a source's workspace
stays about the same size through a long run instead of growing without end."""
API = f"/api/projects/{quote(PROJECT, safe='')}"
PAGES = f"/projects/{quote(PROJECT, safe='')}"
WORDS = (
    "Trust between partners grew once the budget was shared.",
    "Residents asked to be involved before the design was fixed.",
    "The lead organisation convened the meetings but did not decide.",
    "Accountability for failure was never agreed in writing.",
)


# ---------------------------------------------------------------------------- the run's store


def roles_for(users: int) -> list[tuple[str, str]]:
    """(user name, role) for ``users`` accounts: at least one of each role when there are
    four or more, the shares of ROLE_SHARES otherwise rounded down, analysts taking the rest."""
    counts = {role: int(users * share) for role, share in ROLE_SHARES}
    if users >= len(ROLE_SHARES):
        for role in counts:
            counts[role] = max(1, counts[role])
    counts["analyst"] += users - sum(counts.values())
    return [
        (f"soak-{role}-{number:02d}", role)
        for role, _ in ROLE_SHARES
        for number in range(1, counts[role] + 1)
    ]


@contextlib.contextmanager
def run_store(database: str, base: DataSet, folder: Path) -> Iterator[str]:
    """A fresh copy of the cached data set for this run, as a database URL: a SQLite online
    copy, or that copy restored into a throwaway PostgreSQL cluster on loopback."""
    from collabmap.store import open_store
    from collabmap.store.backup import backup_sqlite, restore

    copy = folder / "soak.db"
    source = open_store(base.url)
    try:
        backup_sqlite(source, copy)
    finally:
        source.close()
    if database == "sqlite":
        yield f"sqlite:///{copy}"
        return
    from tests.pg import throwaway_cluster

    with throwaway_cluster() as url:
        target = open_store(url)
        try:
            restore(target, copy)
        finally:
            target.close()
        copy.unlink()
        yield url


@dataclass(frozen=True)
class Plan:
    """Who does what: each account's role, the coders' own sources, the editors' own
    partnerships, the shared cells, the matrix's themes and the names readers pick from."""

    accounts: list[tuple[str, str]]
    own_source: dict[str, str]
    own_partnerships: dict[str, list[str]]
    themes: list[str]
    shared: list[tuple[str, str]]
    partnerships: list[str]
    sources: list[str]
    codes: list[str]
    assessments: dict[str, list[int]]
    """Each respondent's assessments, made for them as their invitation would make one
    (respondents answer assessments; they do not start them)."""


def plan(url: str, users: int) -> Plan:
    """Create the run's accounts and members, and share the work out among them."""
    from sqlalchemy import select

    from collabmap.store import open_store
    from collabmap.store.accounts import add_member, create_user
    from collabmap.store.assessments import start_assessment
    from collabmap.store.coding import code_paths
    from collabmap.store.matrix import project_matrix
    from collabmap.store.models import Source

    accounts = roles_for(users)
    store = open_store(url)
    try:
        assessments: dict[str, list[int]] = {}
        for name, role in accounts:
            account = create_user(store, name, PASSWORD, actor="soak benchmark")
            add_member(store, PROJECT, name, role, actor="soak benchmark")
            if role == "respondent":
                assessments[name] = [
                    start_assessment(store, PROJECT, account.id, actor="soak benchmark").id
                    for _ in range(ASSESSMENTS_EACH)
                ]
        with store.reading() as session:
            project_id = session.scalar(select(Project.id).where(Project.name == PROJECT))
            partnerships = list(
                session.scalars(
                    select(Partnership.name)
                    .where(Partnership.project_id == project_id)
                    .order_by(Partnership.name)
                )
            )
            sources = list(
                session.scalars(
                    select(Source.name).where(Source.project_id == project_id).order_by(Source.id)
                )
            )
            every_code = list(session.scalars(select(Code).where(Code.project_id == project_id)))
            paths = code_paths(every_code)
            codes = sorted(paths[c.id] for c in every_code if c.is_codable)
        themes = [t.id for t in project_matrix(store, PROJECT, partnerships=()).themes]
    finally:
        store.close()
    editors = [name for name, role in accounts if role in {"owner", "analyst"}]
    # the first partnership's cells are everyone's; each editor has the others' in turn
    shared = [(partnerships[0], theme) for theme in themes[:3]]
    mine = {name: partnerships[1 + index :: len(editors)] for index, name in enumerate(editors)}
    # transcripts generated for the data set, not the sources linked to partnerships, so
    # the partnership pages do not grow with the coding
    transcripts = [s for s in sources if s.startswith("transcript-")] or sources
    own_source = {name: transcripts[index % len(transcripts)] for index, name in enumerate(editors)}
    return Plan(
        accounts, own_source, mine, themes, shared, partnerships, sources, codes, assessments
    )


# ---------------------------------------------------------------------------- the load


@dataclass
class Ledger:
    """What the users saw: timings, errors, conflicts, and every acknowledged write."""

    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    conflict_examples: list[str] = field(default_factory=list)
    codings: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Acknowledged codings by id: source, code, start, end, coder."""
    removed: set[int] = field(default_factory=set)
    """Codings whose removal was acknowledged."""
    gone_memos: set[int] = field(default_factory=set)
    """Memos about a coding whose removal was acknowledged (they go with it)."""
    versioned: dict[str, list[tuple[int, Any]]] = field(default_factory=lambda: defaultdict(list))
    """For memos, cells and assessments (keyed ``memo 12``, ``cell NAME|THEME``,
    ``assessment 3``): each acknowledged (version, content)."""

    def failed(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {what}")

    def conflicted(self, kind: str, what: str) -> None:
        self.conflicts[kind] += 1
        if len(self.conflict_examples) < 5:
            self.conflict_examples.append(f"{kind}: {what}")


class User:
    """One signed-in person: their client, role and what they know of their own work."""

    def __init__(
        self, name: str, role: str, client: httpx.AsyncClient, ledger: Ledger, seed: int
    ) -> None:
        self.name = name
        self.role = role
        self.client = client
        self.ledger = ledger
        self.rng = random.Random(seed)
        self.csrf = ""
        self.codings: dict[int, int] = {}  # own coding id → version
        self.memos: dict[int, int] = {}  # own memo id → version
        self.memo_about: dict[int, int | None] = {}  # own memo id → the coding it is about
        self.cells: dict[tuple[str, str], int] = {}  # cell → the version last seen
        self.assessment: int | None = None
        self.assessment_version = 0
        self.answered = 0
        self.partners = 0
        self.waiting: list[int] = []  # assessments made for this respondent, not yet opened

    async def request(
        self, kind: str, method: str, path: str, *, body: Any = None, conflict_ok: bool = False
    ) -> httpx.Response | None:
        """One timed request. Gives the response when it succeeded (or was a 409 where that
        is expected), else records an error and gives None."""
        headers = {"X-CSRF-Token": self.csrf} if method != "GET" else None
        started = time.perf_counter()
        try:
            answer = await self.client.request(method, path, json=body, headers=headers)
            content = answer.content
        except httpx.HTTPError as exc:
            self.ledger.failed(kind, f"{method} {path}: {type(exc).__name__} {exc}")
            return None
        elapsed_ms = (time.perf_counter() - started) * 1000
        if answer.status_code == 409 and conflict_ok:
            self.ledger.conflicted(kind, f"{self.name} {method} {path}: {answer.text[:200]}")
        elif answer.status_code >= 300 or (method == "GET" and not content):
            self.ledger.failed(
                kind, f"{method} {path}: HTTP {answer.status_code} {answer.text[:300]}"
            )
            return None
        self.ledger.timings[kind].append(elapsed_ms)  # failures are counted, not timed
        return answer


async def read_something(user: User, plan_: Plan) -> None:
    """One page view, as a viewer (or an analyst between changes) makes them."""
    rng = user.rng
    roll = rng.random()
    if roll < 0.1:
        await user.request("project list", "GET", "/")
    elif roll < 0.35:
        page = rng.randint(1, 10)
        await user.request("partnership list", "GET", PAGES + (f"?page={page}" if page > 1 else ""))
    elif roll < 0.6:
        name = quote(rng.choice(plan_.partnerships), safe="")
        await user.request("partnership page", "GET", f"{PAGES}/partnerships/{name}")
    elif roll < 0.7:
        await user.request("typology chart", "GET", f"{PAGES}/charts/typology.svg")
    elif roll < 0.9:
        # a coder's own source half the time (others are coding there), else any source
        source = plan_.own_source.get(user.name) if rng.random() < 0.5 else None
        if source is None:
            source = rng.choice(list(plan_.own_source.values()) or plan_.sources)
        await user.request("workspace page", "GET", f"{PAGES}/sources/{quote(source, safe='')}")
    else:
        await user.request("matrix page", "GET", f"{PAGES}/matrix?page={rng.randint(1, 20)}")


async def code_something(user: User, plan_: Plan) -> None:
    """Apply a code to a passage of the user's own source, remove one of their codings, or
    write or edit a memo on it."""
    rng = user.rng
    source = plan_.own_source[user.name]
    base = f"{API}/sources/{quote(source, safe='')}"
    roll = rng.random()
    remove_share = 0.6 if len(user.codings) >= KEEP_CODINGS else 0.2
    if roll < 0.15:
        await write_memo(user, base)
        return
    if roll < 0.15 + remove_share and user.codings:
        coding_id = rng.choice(sorted(user.codings))
        version = user.codings[coding_id]
        answer = await user.request(
            "remove coding", "DELETE", f"{base}/codings/{coding_id}?version={version}"
        )
        if answer is not None:
            del user.codings[coding_id]
            user.ledger.removed.add(coding_id)
            # a memo about a coding goes with it, by design: expect it gone
            for memo_id in [m for m, about in user.memo_about.items() if about == coding_id]:
                del user.memos[memo_id], user.memo_about[memo_id]
                user.ledger.gone_memos.add(memo_id)
        return
    start = rng.randint(0, 5000)
    end = start + rng.randint(5, 400)
    code = rng.choice(plan_.codes)
    answer = await user.request(
        "apply code", "POST", f"{base}/codings", body={"code": code, "start": start, "end": end}
    )
    if answer is None:
        return
    made = answer.json()
    user.codings[made["id"]] = made["version"]
    user.ledger.codings[made["id"]] = {
        "source": made["source"],
        "code": made["code"],
        "start": made["start"],
        "end": made["end"],
        "coder": made["coder"],
    }


async def write_memo(user: User, base: str) -> None:
    rng = user.rng
    title = f"{user.name} note {rng.randint(1, 10**6)}"
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
    if user.memos and rng.random() < 0.5:
        memo_id = rng.choice(sorted(user.memos))
        body = {"title": title, "text": text, "version": user.memos[memo_id]}
        answer = await user.request("edit memo", "PUT", f"{base}/memos/{memo_id}", body=body)
    else:
        coding = rng.choice(sorted(user.codings)) if user.codings and rng.random() < 0.3 else None
        body = {"title": title, "text": text, "coding": coding}
        answer = await user.request("write memo", "POST", f"{base}/memos", body=body)
    if answer is None:
        return
    memo = answer.json()
    user.memos[memo["id"]] = memo["version"]
    user.memo_about[memo["id"]] = memo["coding"]
    user.ledger.versioned[f"memo {memo['id']}"].append(
        (memo["version"], {"title": memo["title"], "text": memo["text"]})
    )


async def edit_cell(user: User, plan_: Plan) -> None:
    """Write a matrix cell: one of the user's own, or now and then a shared one. The version
    sent is the one the user last saw (read first if never seen), as a form would send it."""
    rng = user.rng
    own = plan_.own_partnerships[user.name]
    if rng.random() < SHARED_CELL_SHARE or not own:
        cell = rng.choice(plan_.shared)
    else:
        cell = (rng.choice(own), rng.choice(plan_.themes))
    if cell not in user.cells:
        query = f"partnership={quote(cell[0])}&theme={cell[1]}"
        answer = await user.request("read cell", "GET", f"{API}/matrix/cell?{query}")
        if answer is None:
            return
        user.cells[cell] = answer.json()["version"]
    summary = f"{user.name}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    status = rng.choice(("draft", "reviewed", "agreed"))
    body = {
        "partnership": cell[0],
        "theme": cell[1],
        "summary": summary,
        "status": status,
        "version": user.cells[cell],
    }
    answer = await user.request(
        "edit cell", "PUT", f"{API}/matrix/cell", body=body, conflict_ok=True
    )
    if answer is None:
        return
    if answer.status_code == 409:
        user.cells[cell] = answer.json()["current"]["version"]  # seen now; saved next time
        return
    saved = answer.json()
    user.cells[cell] = saved["version"]
    user.ledger.versioned[f"cell {cell[0]}|{cell[1]}"].append(
        (saved["version"], {"summary": saved["summary"], "status": saved["status"]})
    )


def topic_answers(rng: random.Random, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Answers to a page of questions, as a respondent might give them: text typed, one
    option of a radio question, some options of a checkbox question; other kinds left."""
    answers: dict[str, Any] = {}
    for question in questions:
        kind, options = question["kind"], [o["value"] for o in question.get("options", [])]
        if kind in {"text", "textarea"}:
            answers[question["field"]] = rng.choice(WORDS)[: 40 if kind == "text" else None]
        elif kind in {"radios", "yes_no"} and options:
            answers[question["field"]] = rng.choice(options)
        elif kind == "checkboxes" and options:
            answers[question["field"]] = rng.sample(options, rng.randint(1, min(3, len(options))))
    return answers


async def assess_something(user: User, questionnaire: list[dict[str, Any]]) -> None:
    """Answer a topic of the user's assessment, add a partner and describe it, or read the
    assessment back; start a new one every ANSWERS_PER_ASSESSMENT answers."""
    rng = user.rng
    if user.assessment is None or (user.answered >= ANSWERS_PER_ASSESSMENT and user.waiting):
        # on to the next assessment made for them
        answer = await user.request(
            "open assessment", "GET", f"{API}/assessments/{user.waiting.pop(0)}"
        )
        if answer is None:
            return
        await record_assessment(user, answer)
        user.answered, user.partners = 0, 0
        return
    base = f"{API}/assessments/{user.assessment}"
    roll = rng.random()
    if roll < 0.15:
        await user.request("read assessment", "GET", base)
        return
    if roll < 0.3:
        topic = rng.choice([t for t in questionnaire if not t.get("collection")])
        await user.request(
            "assessment page", "GET", f"{PAGES}/assessments/{user.assessment}/{topic['id']}"
        )
        return
    partners = next(t for t in questionnaire if t.get("collection") == "partners")
    if roll < 0.4 and user.partners < 5:
        answer = await user.request(
            "add partner",
            "POST",
            f"{base}/topics/{partners['id']}/items",
            body={"version": user.assessment_version},
        )
        if answer is not None:
            user.partners += 1
            await record_assessment(user, answer)
        return
    if roll < 0.55 and user.partners:
        index = rng.randrange(user.partners)
        page = rng.choice(partners["pages"])
        answers = {
            f"partners[{index}].{k}": v for k, v in topic_answers(rng, page["questions"]).items()
        }
        path = f"{base}/topics/{partners['id']}/items/{index}/{page['id']}"
        kind = "answer partner"
    else:
        topic = rng.choice([t for t in questionnaire if not t.get("collection")])
        answers = topic_answers(rng, topic["questions"])
        path = f"{base}/topics/{topic['id']}"
        kind = "answer topic"
    body = {"version": user.assessment_version, "answers": answers}
    answer = await user.request(kind, "PUT", path, body=body)
    if answer is not None:
        user.answered += 1
        await record_assessment(user, answer)


async def record_assessment(user: User, answer: httpx.Response) -> None:
    saved = answer.json()
    user.assessment = saved["id"]
    user.assessment_version = saved["version"]
    user.ledger.versioned[f"assessment {saved['id']}"].append((saved["version"], saved["answers"]))


async def simulated_user(
    user: User, plan_: Plan, questionnaire: list[dict[str, Any]], until: float, pause: float
) -> None:
    """The user's loop until ``until``: what they do depends on their role."""
    while time.monotonic() < until:
        roll = user.rng.random()
        if user.role == "viewer":
            await read_something(user, plan_)
        elif user.role == "respondent":
            await assess_something(user, questionnaire)
        elif roll < 0.5:
            await read_something(user, plan_)
        elif roll < 0.8:
            await code_something(user, plan_)
        else:
            await edit_cell(user, plan_)
        if pause:
            await asyncio.sleep(user.rng.uniform(0, 2 * pause))


async def drive(base: str, plan_: Plan, seconds: float, pause: float) -> tuple[Ledger, float]:
    """Every user signs in through the form (untimed) and fetches the session's CSRF token,
    then all work at once for ``seconds``; gives the ledger and the seconds it took."""
    ledger = Ledger()
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=120, limits=limits) for _ in plan_.accounts]
    users = [
        User(name, role, client, ledger, seed)
        for seed, ((name, role), client) in enumerate(zip(plan_.accounts, clients, strict=True))
    ]
    for user in users:
        user.waiting = list(plan_.assessments.get(user.name, []))
    try:
        for user in users:  # one at a time: argon2 on 2 cores, and the sign-in throttle
            await sign_in(user.client, user.name)
            user.csrf = (await user.client.get("/api/session")).json()["csrf_token"]
        questionnaire = (await users[0].client.get("/api/assessment-questions")).json()
        until = time.monotonic() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            *(simulated_user(user, plan_, questionnaire, until, pause) for user in users)
        )
        return ledger, time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()


# ---------------------------------------------------------------------------- the check


def lost_writes(url: str, ledger: Ledger) -> tuple[int, int, list[str]]:
    """Open the store with the library (the server stopped) and look for every acknowledged
    write. Gives (writes checked, writes lost, examples of what was lost)."""
    from sqlalchemy import select

    from collabmap.store import open_store

    checked = lost = 0
    examples: list[str] = []

    def missing(what: str, count: int = 1) -> None:
        nonlocal lost
        lost += count
        if len(examples) < 10:
            examples.append(what)

    store = open_store(url)
    try:
        with store.reading() as session:
            codings = stored_codings(session, list(ledger.codings))
            for coding_id, wrote in ledger.codings.items():
                checked += 1
                now = codings.get(coding_id)
                if coding_id in ledger.removed:
                    checked += 1  # the removal is a write too
                    if now is not None:
                        missing(f"coding {coding_id}: its removal was acknowledged; it is there")
                elif now != wrote:
                    missing(f"coding {coding_id}: wrote {wrote}, found {now}")
            project_id = session.scalar(select(Project.id).where(Project.name == PROJECT))
            for key, writes in ledger.versioned.items():
                checked += len(writes)
                versions = [version for version, _ in writes]
                doubles = len(versions) - len(set(versions))
                if doubles:
                    # two writes acknowledged as the same version: one overwrote the other
                    missing(f"{key}: {doubles} acknowledged write(s) reused a version", doubles)
                version, content = max(writes, key=lambda write: write[0])
                found = stored_versioned(session, project_id, key)
                if key.startswith("memo ") and int(key.split()[1]) in ledger.gone_memos:
                    if found is not None:
                        missing(f"{key}: its coding's removal was acknowledged; it is there")
                elif found != (version, content):
                    missing(
                        f"{key}: acknowledged version {version} {content!r:.150}; "
                        f"found {found!r:.150}"
                    )
    finally:
        store.close()
    return checked, lost, examples


def stored_codings(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The codings with these ids as the store holds them (source, code path, span, coder)."""
    from sqlalchemy import select

    from collabmap.store.coding import coding_infos

    found: dict[int, dict[str, Any]] = {}
    for first in range(0, len(ids), 500):
        rows = session.scalars(select(Coding).where(Coding.id.in_(ids[first : first + 500])))
        for info in coding_infos(session, list(rows)):
            found[info.id] = {
                "source": info.source,
                "code": info.code,
                "start": info.start,
                "end": info.end,
                "coder": info.coder,
            }
    return found


def stored_versioned(session: Session, project_id: int | None, key: str) -> tuple[int, Any] | None:
    """A memo, cell or assessment (keyed as in :attr:`Ledger.versioned`) as the store holds
    it: its version and the content the API answered with; None when it is not there."""
    from sqlalchemy import select

    kind, _, ident = key.partition(" ")
    if kind == "memo":
        memo = session.get(Memo, int(ident))
        return None if memo is None else (memo.version, {"title": memo.title, "text": memo.text})
    if kind == "assessment":
        row = session.get(Assessment, int(ident))
        return None if row is None else (row.version, dict(row.answers or {}))
    partnership, _, theme = ident.rpartition("|")
    cell = session.scalar(
        select(MatrixCell)
        .join(Partnership, Partnership.id == MatrixCell.partnership_id)
        .where(
            Partnership.project_id == project_id,
            Partnership.name == partnership,
            MatrixCell.code_id == int(theme),
        )
    )
    if cell is None:
        return None
    return cell.version, {"summary": cell.summary, "status": cell.status}


# ---------------------------------------------------------------------------- the report


def report_of(
    args: argparse.Namespace,
    data: DataSet,
    ledger: Ledger,
    seconds: float,
    server: dict[str, Any],
    check: tuple[int, int, list[str]],
    load: tuple[float, float],
) -> dict[str, Any]:
    kinds = sorted(set(ledger.timings) | set(ledger.errors))
    per_kind = {}
    for kind in kinds:
        row = summary(ledger.timings[kind], ledger.errors[kind], seconds)
        row["conflicts"] = ledger.conflicts.get(kind, 0)
        per_kind[kind] = row
    everything = [ms for values in ledger.timings.values() for ms in values]
    overall = summary(everything, sum(ledger.errors.values()), seconds)
    overall["conflicts"] = sum(ledger.conflicts.values())
    checked, lost, lost_examples = check
    roles: dict[str, int] = defaultdict(int)
    for _, role in roles_for(args.users):
        roles[role] += 1
    server["cpu_ms_per_request"] = round(server["cpu_s"] * 1000 / max(1, overall["requests"]), 2)
    return {
        "database": args.database,
        "data_set": {k: v for k, v in data.__dict__.items() if k not in {"url", "users"}},
        "users": args.users,
        "roles": dict(roles),
        "pause_s": args.pause,
        "server_workers": args.workers,
        "duration_s": round(seconds, 1),
        "kinds": per_kind,
        "overall": overall,
        "writes_checked": checked,
        "lost_writes": lost,
        "lost_examples": lost_examples,
        "error_examples": ledger.examples,
        "conflict_examples": ledger.conflict_examples,
        "server": server,
        "machine": {**machine(), "load_average_before": load[0], "load_after": load[1]},
        "passed": overall["errors"] == 0 and lost == 0,
    }


def table(report: dict[str, Any]) -> str:
    data = report["data_set"]
    roles = ", ".join(f"{count} {role}s" for role, count in report["roles"].items())
    lines = [
        f"data: {data['partnerships']} partnerships, {data['segments']:,} segments in "
        f"{data['sources']:,} sources — {report['database']}",
        f"load: {report['users']} users ({roles}) for {report['duration_s']} s, pause "
        f"{report['pause_s']} s; server: {report['server_workers']} worker processes",
        "",
    ]
    header = f"{'kind':<18}{'requests':>9}{'errors':>7}{'409s':>6}{'req/s':>8}"
    header += f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    lines += [header, "-" * len(header)]
    for kind, row in [*report["kinds"].items(), ("all", report["overall"])]:
        lines.append(
            f"{kind:<18}{row['requests']:>9}{row['errors']:>7}{row['conflicts']:>6}"
            f"{row['per_second']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
            f"{row['max_ms']:>9}"
        )
    server, box = report["server"], report["machine"]
    lines += [
        "",
        f"writes checked: {report['writes_checked']:,}; lost writes: {report['lost_writes']}",
        f"server memory: {server['rss_mb_end']} MB at the end, {server['peak_rss_mb']} MB at"
        f" peak (summed over its processes); CPU {server['cpu_s']} s,"
        f" {server['cpu_ms_per_request']} ms a request",
        f"machine: {box['cpus']} × {box['cpu']}, {box['memory_gb']} GB; load average"
        f" {box['load_average_before']:.1f} before, {box['load_after']:.1f} after",
        f"result: {'passed' if report['passed'] else 'FAILED'} (no errors, no lost writes)",
    ]
    lines += [f"  error: {example}" for example in report["error_examples"]]
    lines += [f"  lost: {example}" for example in report["lost_examples"]]
    lines += [f"  conflict: {example}" for example in report["conflict_examples"]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (50)")
    parser.add_argument("--minutes", type=float, default=10, help="minutes of load (10)")
    parser.add_argument(
        "--pause", type=float, default=0, help="mean seconds between a user's requests (0)"
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (2)")
    parser.add_argument("--partnerships", type=int, default=500)
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--json-out", type=Path, help="also write the report here, as JSON")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    if args.users < 1 or args.minutes <= 0:
        parser.error("--users and --minutes must be positive")

    data = prepare(None, args.partnerships, args.segments, 20)  # web_load.py's cached data set
    with (
        tempfile.TemporaryDirectory(prefix="collabmap-soak-") as tmp,
        run_store(args.database, data, Path(tmp)) as url,
    ):
        plan_ = plan(url, args.users)
        port = free_port()
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            server_process = start_server(url, port, args.workers, log=log)
            load_before = os.getloadavg()[0]
            try:
                processes = process_tree(server_process.pid)
                cpu_before = cpu_seconds(processes)
                ledger, seconds = asyncio.run(
                    drive(f"http://127.0.0.1:{port}", plan_, args.minutes * 60, args.pause)
                )
                cpu_used = cpu_seconds(processes) - cpu_before
                rss_now, rss_peak = rss_kb(processes)
                load_after = os.getloadavg()[0]
            finally:
                stop_server(server_process)
        server = {
            "rss_mb_end": round(rss_now / 1024),
            "peak_rss_mb": round(rss_peak / 1024),
            "cpu_s": round(cpu_used, 1),
            "log_tail": log_path.read_text(errors="replace")[-3000:],
        }
        check = lost_writes(url, ledger)
    report = report_of(args, data, ledger, seconds, server, check, (load_before, load_after))
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
