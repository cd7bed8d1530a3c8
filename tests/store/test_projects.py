"""Projects on SQLite and PostgreSQL: created with the framework's codes, listed, deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from collabmap.errors import AlreadyExists, InvalidInput, UnknownName
from collabmap.store import Store
from collabmap.store.models import Code, Partnership, ProfileAnswer
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
