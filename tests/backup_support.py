"""What the backup tests share: a store with something in every table, fresh stores to restore
into, every row of every table read back for comparison, and a way to doctor a dump."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import JSON, Text, cast, create_engine, select, text
from sqlalchemy.engine import make_url

from collabmap.errors import SignInRefused
from collabmap.store import Store, open_store
from collabmap.store.accounts import add_member, create_user, sign_in
from collabmap.store.assessments import save_answers, start_assessment
from collabmap.store.coding import add_code, apply_code, write_memo
from collabmap.store.invitations import invite_respondent, revoke_invitation
from collabmap.store.links import link_answer, set_matrix_cell
from collabmap.store.models import Base, PartnershipValue, Project, User, Variable
from collabmap.store.projects import attach_sources, create_project
from collabmap.store.segments import list_segments
from collabmap.store.sources import import_files

__all__ = ["Rows", "doctor", "fill", "make_fresh_stores", "table_rows"]

PASSWORD = "correct horse battery"
INTERVIEW = (
    "Interviewer: How did the library change?\n\n"
    "R1: Staff and residents redesigned the youth club together. Zoë said it was "
    "the first time anyone asked — café owners too ✓ 𝔘.\n\n"
    "Interviewer: And the recycling pledge?\n\n"
    "R1: The council asked residents to recycle. Residents now run the library.\n"
)
CO_DESIGN = "Staff and residents redesigned the youth club together."
SELF_HELP = "The council asked residents to recycle."

Rows = dict[str, list[tuple[Any, ...]]]


def fill(store: Store, folder: Path) -> Store:
    """Something in every table: two projects (one with the reference cases), imported
    sources with segments, a survey with variables, codings by people and a machine, memos,
    matrix cells, evidence links, users, members, sessions, failed sign-ins, audit events
    (with and without detail), an assessment, respondents' invitations (one withdrawn), a
    team code under a framework code, a large text and a float that is not short in
    decimal."""
    for name in ("ana", "bea", "cal"):
        create_user(store, name, PASSWORD, display_name=name.title(), actor="test")
    create_project(store, "Study", with_examples=True, owner="ana", actor="ana")
    create_project(store, "Elsewhere", owner="cal", actor="cal")
    add_member(store, "Study", "bea", "analyst", actor="ana")
    add_member(store, "Elsewhere", "bea", "viewer", actor="cal")
    interview = folder / "interview-01.txt"
    interview.write_text(INTERVIEW, encoding="utf-8")
    survey = folder / "survey.csv"
    survey.write_text("id,area,score,answer\n1,North,3.5,We run the hall.\n2,South,4,No.\n")
    large = folder / "large.txt"
    large.write_text("A long field note about the partnership board. " * 40_000)
    other = folder / "elsewhere.txt"
    other.write_text("Elsewhere, the charity delivers the service alone.")
    import_files(store, "Study", [interview, large], partnership="Wigan Deal")
    import_files(store, "Study", [survey], text_column="answer")
    import_files(store, "Elsewhere", [other])
    list_segments(store, "Study", "interview-01.txt")
    list_segments(store, "Elsewhere", "elsewhere.txt")
    add_code(store, "Study", "Activities/Peer support", description="The team's own code")
    design = apply_code(store, "Study", "interview-01.txt", "activity:co_design", quote=CO_DESIGN)
    apply_code(
        store, "Study", "interview-01.txt", "activity:co_design", quote=CO_DESIGN, coder="bea"
    )
    machine = apply_code(
        store,
        "Study",
        "interview-01.txt",
        "activity:citizen_self_help",
        quote=SELF_HELP,
        coder="collabmap",
        origin="machine",
        confidence=0.1 + 0.2,
        status="suggested",
    )
    apply_code(store, "Elsewhere", "elsewhere.txt", "activity:co_delivery", start=0, end=9)
    write_memo(
        store, "Study", "First reading", "Co-design, or consultation?", source="interview-01.txt"
    )
    write_memo(store, "Study", "About the code", "Keep it narrow.", code="activity:co_design")
    set_matrix_cell(
        store,
        "Study",
        "Wigan Deal",
        "activity:co_design",
        summary="Residents and staff redesign services together.",
        author="ana",
        status="reviewed",
        coding_ids=[design.id, machine.id],
    )
    with store.reading() as session:
        path = session.scalar(text("SELECT path FROM profile_answers ORDER BY id LIMIT 1"))
    link_answer(store, "Study", "Wigan Deal", str(path), design.id)
    attach_sources(store, "Study", "Co-operative Oldham", ["interview-01.txt"])
    with store.transaction() as session:
        project = session.scalars(select(Project).where(Project.name == "Study")).one()
        variable = session.scalars(
            select(Variable).where(Variable.project_id == project.id)
        ).first()
        assert variable is not None
        wigan = session.scalar(text("SELECT id FROM partnerships WHERE name = 'Wigan Deal'"))
        session.add(PartnershipValue(partnership_id=wigan, variable_id=variable.id, value=12.5))
        ana = session.scalars(select(User).where(User.name == "ana")).one()
        ana_id = ana.id
    draft = start_assessment(store, "Study", ana_id, actor="ana")
    save_answers(
        store,
        "Study",
        draft.id,
        ana_id,
        {"name": "Riverside", "lead": {"sector": "local_authority"}, "note": None},
        version=draft.version,
        actor="ana",
        topic="lead",
    )
    invite_respondent(store, "Study", "Wigan Deal", "Dee Doe, Wigan CVS", actor="ana")
    _, withdrawn = invite_respondent(store, "Study", "Wirral", "Sam Roe, Wirral", actor="ana")
    revoke_invitation(store, "Study", withdrawn.id, actor="ana")
    sign_in(store, "ana", PASSWORD, address="127.0.0.1")
    with pytest.raises(SignInRefused):  # a failed sign-in leaves an attempt row
        sign_in(store, "bea", "not the password", address="127.0.0.2")
    return store


def table_rows(store: Store, *, parsed_json: bool = False) -> Rows:
    """Every row of every table, in primary-key order, every column. JSON columns are read as
    the text the database holds (or, with ``parsed_json``, as a parsed value beside a flag
    for SQL NULL: the same JSON may be spelt differently by the two databases)."""
    out: Rows = {}
    with store.reading() as session:
        for table in Base.metadata.sorted_tables:
            columns = [
                cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c
                for c in table.columns
            ]
            kinds = [isinstance(c.type, JSON) for c in table.columns]
            query = select(*columns).order_by(*table.primary_key.columns)
            rows = []
            for row in session.execute(query):
                values = tuple(row)
                if parsed_json:
                    values = tuple(
                        (v is None, None if v is None else json.loads(v)) if is_json else v
                        for v, is_json in zip(values, kinds, strict=True)
                    )
                rows.append(values)
            out[table.name] = rows
    return out


def new_postgres_store(base_url: str) -> Store:
    """A store in a new, empty database on the test cluster of ``base_url``."""
    name = f"target_{uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return open_store(make_url(base_url).set(database=name).render_as_string(False))


def drop_postgres_store(store: Store, base_url: str) -> None:
    store.close()
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {make_url(store.url).database}")
    admin.dispose()


def make_fresh_stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[str], Store]]:
    """For a fixture: make empty stores to restore into: ``"sqlite"`` (a new file) or
    ``"postgresql"`` (a new database on the test cluster); dropped afterwards."""
    opened: list[Store] = []

    def make(kind: str) -> Store:
        if kind == "sqlite":
            store = open_store(str(tmp_path / f"target-{len(opened)}.db"))
        else:
            store = new_postgres_store(request.getfixturevalue("postgres_url"))
        opened.append(store)
        return store

    yield make
    for store in opened:
        if store.dialect == "postgresql":
            drop_postgres_store(store, request.getfixturevalue("postgres_url"))
        else:
            store.close()


def doctor(
    dump: Path,
    out: Path,
    change: Callable[[dict[str, bytes]], None],
    *,
    reseal: bool,
) -> Path:
    """Copy a dump, letting ``change`` alter its members (name → bytes); with ``reseal`` the
    manifest's sizes, row counts and checksums are recomputed, so only deeper checks can
    tell."""
    with zipfile.ZipFile(dump) as source:
        members = {name: source.read(name) for name in source.namelist()}
    change(members)
    if reseal and "manifest.json" in members:
        manifest = json.loads(members["manifest.json"])
        for entry in manifest["tables"]:
            data = members.get(f"tables/{entry['name']}.jsonl", b"")
            entry["bytes"] = len(data)
            entry["rows"] = data.count(b"\n")
            entry["sha256"] = hashlib.sha256(data).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return out
