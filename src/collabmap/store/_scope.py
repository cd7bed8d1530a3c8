"""Which rows of each table belong to one project, worked out from the foreign keys.

A table is **owned** by a project when a chain of foreign keys leads from it to ``projects``
(codings through ``project_id``, segments through their source, profile-answer links through
their answer …). A table that no chain reaches is **referenced** when rows the project owns
point at it (the users of its members and assessments, the coders of its codings), and
**left out** otherwise (other people's sessions, sign-in attempts). Nothing here names a table,
so a table added to the schema is placed by its foreign keys alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, ForeignKey, Table, false, or_, select

from collabmap.store.models import Base

__all__ = ["Role", "Scope", "project_scope", "table_roles"]


class Role(StrEnum):
    OWNED = "owned"
    REFERENCED = "referenced"
    LEFT_OUT = "left out"


def _parent(key: ForeignKey) -> Table:
    return key.column.table


def _owning_key(table: Table, owned: set[str]) -> ForeignKey | None:
    """The foreign key through which ``table`` belongs to a project: straight to ``projects``
    if it has one, else a required one to an owned table, else any one to an owned table."""
    keys = [k for k in table.foreign_keys if _parent(k).name in owned and _parent(k) is not table]
    direct = [k for k in keys if _parent(k).name == "projects"]
    required = [k for k in keys if not k.parent.nullable]
    for choice in (direct, required, keys):
        if choice:
            return sorted(choice, key=lambda k: k.parent.name)[0]
    return None


def table_roles() -> dict[str, Role]:
    """Each table's part in a one-project dump."""
    roles: dict[str, Role] = {}
    owned: set[str] = {"projects"}
    for table in Base.metadata.sorted_tables:
        if table.name == "projects" or _owning_key(table, owned) is not None:
            owned.add(table.name)
            roles[table.name] = Role.OWNED
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in roles:
            continue
        pointed_at = any(
            _parent(key) is table
            and roles.get(key.parent.table.name) in (Role.OWNED, Role.REFERENCED)
            for other in Base.metadata.sorted_tables
            for key in other.foreign_keys
        )
        roles[table.name] = Role.REFERENCED if pointed_at else Role.LEFT_OUT
    return roles


@dataclass(frozen=True)
class Scope:
    """The rows of each table that a one-project dump holds (``None``: every row)."""

    where: dict[str, ColumnElement[bool] | None]
    roles: dict[str, Role]

    def selects(self, table: Table) -> bool:
        return self.roles.get(table.name) is not Role.LEFT_OUT


def project_scope(project_id: int | None) -> Scope:
    """The rows belonging to project ``project_id``, or every row of every table (``None``)."""
    tables = Base.metadata.sorted_tables
    if project_id is None:
        return Scope(
            where={t.name: None for t in tables}, roles={t.name: Role.OWNED for t in tables}
        )
    roles = table_roles()
    where: dict[str, ColumnElement[bool] | None] = {}
    owned: set[str] = {"projects"}
    for table in tables:
        if table.name == "projects":
            where[table.name] = table.c.id == project_id
            continue
        key = _owning_key(table, owned)
        if key is None:
            continue
        owned.add(table.name)
        parent = _parent(key)
        where[table.name] = key.parent.in_(select(key.column).where(_condition(where[parent.name])))
    for table in reversed(tables):
        if roles[table.name] is not Role.REFERENCED:
            continue
        pointers = [
            key.column.in_(select(key.parent).where(_condition(where[other.name])))
            for other in tables
            if other.name in where
            for key in other.foreign_keys
            if _parent(key) is table and other is not table
        ]
        where[table.name] = or_(*pointers) if pointers else false()
    for table in tables:
        if roles[table.name] is Role.LEFT_OUT:
            where[table.name] = false()
    return Scope(where=where, roles=roles)


def _condition(clause: ColumnElement[bool] | None) -> ColumnElement[bool]:
    assert clause is not None
    return clause
