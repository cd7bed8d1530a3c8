"""Projects on SQLite and PostgreSQL: created with the framework's codes, listed, deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from collabmap.errors import AlreadyExists, InvalidInput, UnknownName
from collabmap.store import Store
from collabmap.store.models import Code, Partnership, ProfileAnswer, Project
from collabmap.store.projects import create_project, delete_project, list_projects


def test_a_new_project_has_the_framework_code_tree(store: Store) -> None:
    created = create_project(store, "Study")
    assert created.codes == 66
    with store.reading() as session:
        groups = list(session.scalars(select(Code.name).where(Code.parent_id.is_(None))))
        assert "Activities" in groups and "Accountability" in groups
        codes = {c.concept: c for c in session.scalars(select(Code))}
        design = codes["activity:co_design"]
        assert design.name == "Co-design"
        assert design.description is not None and "Look for:" in design.description
        assert codes[f"group:{'activities'}"].id == design.parent_id


def test_with_examples_loads_the_reference_profiles_and_their_answers(store: Store) -> None:
    created = create_project(store, "Study", with_examples=True)
    assert created.partnerships == 5
    with store.reading() as session:
        wigan = session.scalar(select(Partnership).where(Partnership.name == "Wigan Deal"))
        assert wigan is not None and wigan.profile is not None
        assert wigan.profile["lead_role"] == "reformer"
        paths = set(
            session.scalars(
                select(ProfileAnswer.path).where(ProfileAnswer.partnership_id == wigan.id)
            )
        )
        assert {"lead.sector", "scope", "activities[0].phases.delivery.citizens"} <= paths


def test_project_names_are_unique(store: Store) -> None:
    create_project(store, "Study")
    with pytest.raises(AlreadyExists, match="project 'Study' already exists"):
        create_project(store, "Study")


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_project_name_must_be_sensible(store: Store, name: str) -> None:
    with pytest.raises(InvalidInput):
        create_project(store, name)


def test_projects_are_listed_by_name(store: Store) -> None:
    create_project(store, "Beta")
    create_project(store, "Alpha", with_examples=True)
    assert [(p.name, p.partnerships) for p in list_projects(store)] == [
        ("Alpha", 5),
        ("Beta", 0),
    ]


def test_deleting_a_project_erases_all_its_data(store: Store) -> None:
    create_project(store, "Gone", with_examples=True)
    create_project(store, "Kept")
    delete_project(store, "Gone")
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(ProfileAnswer)) == 0
        assert session.scalar(select(func.count()).select_from(Partnership)) == 0
        assert session.scalar(select(func.count()).select_from(Code)) == 66
    with pytest.raises(UnknownName, match="known: Kept"):
        delete_project(store, "Gone")


def test_the_schema_is_the_same_on_both_databases(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"projects", "sources", "segments", "codes", "codings", "memos"} <= tables
    assert "alembic_version" in tables


def test_deleting_a_project_erases_its_data_and_its_respondents(
    store: Store, tmp_path: Path
) -> None:
    """Nothing of a deleted project stays: no row anywhere refers to it, the accounts made for
    its respondents are gone, its audit events keep only that it existed, and (SQLite) the
    interview text is no longer anywhere in the database file."""
    from sqlalchemy import text

    from collabmap.store.accounts import create_user
    from collabmap.store.invitations import invite_respondent
    from collabmap.store.models import AuditEvent, Base, User
    from collabmap.store.sources import import_files

    secret = "Zanzibar-quartz-17 said the pledge felt like a threat"
    create_user(store, "olga", "correct horse battery", actor="test")
    create_project(store, "Gone", with_examples=True, owner="olga", actor="olga")
    create_project(store, "Kept", owner="olga", actor="olga")
    interview = tmp_path / "interview.txt"
    interview.write_text(f"Interviewer: What happened?\nR1: {secret}.\n")
    import_files(store, "Gone", [interview])
    invite_respondent(store, "Gone", "Wigan Deal", "Cath Jones, Wigan Council", actor="olga")

    with store.reading() as session:
        gone = session.scalars(select(Project.id).where(Project.name == "Gone")).one()
    delete_project(store, "Gone", actor="olga")

    with store.reading() as session:
        for table in Base.metadata.sorted_tables:
            if "project_id" in table.c:
                left = session.execute(
                    select(func.count()).select_from(table).where(table.c.project_id == gone)
                ).scalar_one()
                assert left == 0, table.name
        for name in ("sources", "segments", "codings", "profile_answers", "assessments"):
            assert session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() == 0
        assert list(session.scalars(select(User.name))) == ["olga"]
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.project_name == "Gone")))
        assert events and all(e.project_id is None and e.detail is None for e in events)
        assert events[-1].action == "project.delete"
        assert "Cath Jones" not in str([(e.target, e.detail) for e in events])
    if store.dialect == "sqlite":
        path = Path(store.url.removeprefix("sqlite:///"))
        for file in [path, path.with_name(path.name + "-wal")]:
            if file.exists():
                assert b"Zanzibar-quartz-17" not in file.read_bytes(), file.name
