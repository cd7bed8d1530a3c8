"""Projects: creating one (with the framework's code tree), finding, listing and deleting."""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collabmap.classify import classify
from collabmap.errors import (
    AccessDenied,
    AlreadyExists,
    CollabmapError,
    InvalidInput,
    UnknownName,
)
from collabmap.examples import example_names, load_example
from collabmap.framework import Framework, default_framework
from collabmap.profile import Profile, parse_profile
from collabmap.store._engine import Store
from collabmap.store.access import opened_by_invitation
from collabmap.store.audit import record
from collabmap.store.models import (
    Code,
    Coder,
    Coding,
    Member,
    Partnership,
    ProfileAnswer,
    Project,
    Source,
    SourcePartnership,
    User,
)

__all__ = [
    "ProjectSummary",
    "add_partnership",
    "add_profiles",
    "answer_rows",
    "attach_sources",
    "create_project",
    "delete_project",
    "find_partnership",
    "find_source",
    "get_coder",
    "get_project",
    "list_partnerships",
    "list_projects",
    "new_guid",
    "source_texts",
]

_IN_CHUNK = 500
"""Ids per ``IN (...)`` query: well under SQLite's and PostgreSQL's parameter limits."""


def new_guid() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class ProjectSummary:
    name: str
    partnerships: int
    sources: int
    codes: int
    codings: int
    framework: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "partnerships": self.partnerships,
            "sources": self.sources,
            "codes": self.codes,
            "codings": self.codings,
            "framework": self.framework,
        }


def get_project(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        known = list(session.scalars(select(Project.name).order_by(Project.name)))
        raise UnknownName("project", name, known, listing="`collabmap project list` lists them")
    return project


def find_partnership(session: Session, project: Project, name: str) -> Partnership:
    """A partnership of the project by name; the error lists the ones there are."""
    found = session.scalar(
        select(Partnership).where(Partnership.project_id == project.id, Partnership.name == name)
    )
    if found is None:
        known = list(
            session.scalars(select(Partnership.name).where(Partnership.project_id == project.id))
        )
        listing = f"`collabmap partnership list {shlex.quote(project.name)}` lists them"
        raise UnknownName("partnership", name, known, listing=listing)
    return found


def find_source(session: Session, project: Project, name: str) -> Source:
    """A source of the project by name; the error names close ones, or the ones there are."""
    source = session.scalar(
        select(Source).where(Source.project_id == project.id, Source.name == name)
    )
    if source is None:
        known = list(
            session.scalars(
                select(Source.name).where(Source.project_id == project.id).order_by(Source.name)
            )
        )
        raise UnknownName("source", name, known)
    return source


def source_texts(session: Session, source_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each source's (name, text), read in a few queries however many sources are asked for."""
    ids = sorted(set(source_ids))
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        for source_id, name, text in session.execute(
            select(Source.id, Source.name, Source.text).where(Source.id.in_(chunk))
        ):
            found[source_id] = (name, text)
    return found


def get_coder(session: Session, name: str, *, kind: str = "person") -> Coder:
    """The coder of that name, created on first use (so the name is checked here)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a coder's name must have 1 to 200 characters")
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        try:
            with session.begin_nested():  # a savepoint: losing the race below undoes only this
                coder = Coder(guid=new_guid(), name=name, kind=kind)
                session.add(coder)
        except IntegrityError:
            # another transaction created the same coder at the same moment (a person's first
            # two codings at once, on PostgreSQL): theirs is committed now, so use it
            coder = session.scalar(select(Coder).where(Coder.name == name))
            if coder is None:
                raise
    return coder


def _framework_tree(framework: Framework) -> list[tuple[str, str, str | None, list[Any]]]:
    """(group name, concept id, description, concepts) for the seeded code tree."""
    rationales_collab = [r for r in framework.rationales if r.kind == "collaboration"]
    rationales_cocreation = [r for r in framework.rationales if r.kind == "co_creation"]
    dimension_groups = [
        (d.label, f"dimension:{d.id}", d.definition, list(framework.terms(d.vocabulary)))
        for d in framework.dimensions
    ]
    return [
        ("Collaborative structure", "group:structures", None, framework.structures),
        *dimension_groups,
        ("Practices", "group:practices", None, framework.practices),
        ("Rationales for collaboration", "group:rationales_collaboration", None, rationales_collab),
        ("Rationales for co-creation", "group:rationales_co_creation", None, rationales_cocreation),
        ("Activities", "group:activities", None, framework.activity_categories),
        ("Accountability", "group:accountability", None, framework.accountability),
    ]


_PREFIX = {
    "Structure": "structure",
    "Term": "value",
    "Concept": "practice",
    "Rationale": "rationale",
    "ActivityCategory": "activity",
    "AccountabilityQuestion": "accountability",
}


def _describe(concept: Any) -> str:
    text = str(concept.definition)
    indicators = getattr(concept, "indicators", None)
    if indicators:
        text += "\nLook for: " + "; ".join(indicators) + "."
    return text


def seed_codes(session: Session, project: Project, framework: Framework) -> int:
    """Add the framework's code tree to a project; returns how many codes were added."""
    count = 0
    for position, (label, concept_id, description, concepts) in enumerate(
        _framework_tree(framework)
    ):
        group = Code(
            project_id=project.id,
            guid=new_guid(),
            name=label,
            description=description,
            concept=concept_id,
            origin="framework",
            is_codable=False,
            position=position,
        )
        session.add(group)
        session.flush()
        count += 1
        for index, concept in enumerate(concepts):
            prefix = _PREFIX.get(type(concept).__name__, "concept")
            session.add(
                Code(
                    project_id=project.id,
                    guid=new_guid(),
                    parent_id=group.id,
                    name=concept.label,
                    description=_describe(concept),
                    concept=f"{prefix}:{concept.id}",
                    origin="framework",
                    position=index,
                )
            )
            count += 1
    session.flush()
    return count


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten(child, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, child in enumerate(value):
            _flatten(child, f"{path}[{index}]", out)
    elif value is not None and value != [] and value != {}:
        out[path] = value


def add_partnership(session: Session, project: Project, profile: Profile) -> Partnership:
    """A partnership with its profile, and one row per answer to link evidence to."""
    exists = session.scalar(
        select(Partnership.id).where(
            Partnership.project_id == project.id, Partnership.name == profile.name
        )
    )
    if exists is not None:
        raise AlreadyExists("partnership", profile.name)
    data = profile.model_dump(mode="json", exclude_defaults=True)
    partnership = Partnership(
        project_id=project.id,
        guid=new_guid(),
        name=profile.name,
        description=profile.summary,
        profile=data,
    )
    session.add(partnership)
    session.flush()
    session.add_all(
        ProfileAnswer(partnership_id=partnership.id, path=path, value=value)
        for path, value in answer_rows(data).items()
    )
    return partnership


def answer_rows(data: dict[str, Any]) -> dict[str, Any]:
    """A profile's answers by path (``activities[0].phases.design.citizens``), one row each
    to link evidence to; its sources and their bases are not answers."""
    answers: dict[str, Any] = {}
    _flatten({k: v for k, v in data.items() if k not in {"sources", "basis"}}, "", answers)
    return answers


def create_project(
    store: Store,
    name: str,
    *,
    with_examples: bool = False,
    framework: Framework | None = None,
    description: str | None = None,
    owner: str | None = None,
    actor: str | None = None,
) -> ProjectSummary:
    """Create a project with the framework's code tree (and the reference cases if asked).

    ``owner`` names a user account that becomes the project's owner; ``actor`` (who asked)
    is written to the audit log.
    """
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a project name must have 1 to 200 characters")
    fw = framework or default_framework()
    with store.transaction() as session:
        user = None
        if owner is not None:
            user = session.scalar(select(User).where(User.name == owner.strip().lower()))
            if user is None:
                raise UnknownName("user", owner, None)
            if opened_by_invitation(user.password_hash):
                # checked before the name, so a respondent learns nothing of other projects
                raise AccessDenied(
                    "an account opened by an invitation link can only answer its assessment"
                )
        if session.scalar(select(Project.id).where(Project.name == name)) is not None:
            raise AlreadyExists("project", name)
        project = Project(
            guid=new_guid(),
            name=name,
            description=description,
            framework_id=fw.id,
            framework_version=fw.version,
        )
        session.add(project)
        session.flush()
        seed_codes(session, project, fw)
        if with_examples:
            for example in example_names():
                add_partnership(session, project, load_example(example, framework=fw))
        if user is not None:
            session.add(Member(project_id=project.id, user_id=user.id, role="owner"))
        if actor is not None:
            record(session, actor, "project.create", project=project, target=name)
    return summary(store, name)


def summary(store: Store, name: str) -> ProjectSummary:
    with store.reading() as session:
        project = get_project(session, name)

        def count(model: Any) -> int:
            return int(
                session.scalar(
                    select(func.count()).select_from(model).where(model.project_id == project.id)
                )
                or 0
            )

        return ProjectSummary(
            name=project.name,
            partnerships=count(Partnership),
            sources=count(Source),
            codes=count(Code),
            codings=count(Coding),
            framework=f"{project.framework_id} {project.framework_version}",
        )


def list_projects(store: Store) -> list[ProjectSummary]:
    with store.reading() as session:
        names = list(session.scalars(select(Project.name).order_by(Project.name)))
    return [summary(store, name) for name in names]


def delete_project(store: Store, name: str, *, actor: str | None = None) -> None:
    """Delete a project and everything it owns, and erase it.

    Sources, codings, memos, cases, assessments and invitations go with the project (foreign
    keys cascade); so do the accounts made for its invited respondents, which belong to no one
    else. Its audit events are kept — the record that it existed and was deleted — but lose
    their targets and details, which can name people. On SQLite the freed pages are overwritten
    (``secure_delete``) and the write-ahead log is emptied, so no interview text stays in the
    file; on PostgreSQL the rows are gone at once and their space is reclaimed by VACUUM.
    """
    from collabmap.store.models import AuditEvent, Invitation

    with store.transaction() as session:
        project = get_project(session, name)
        respondents = list(
            session.scalars(select(Invitation.user_id).where(Invitation.project_id == project.id))
        )
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.project_id == project.id)
            .values(target=None, detail=None)
        )
        record(session, actor or "command line", "project.delete", project=project, target=None)
        session.execute(delete(Project).where(Project.id == project.id))
        if respondents:
            session.execute(delete(User).where(User.id.in_(respondents)))
    if store.dialect == "sqlite":
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def add_profiles(store: Store, project_name: str, profiles: list[Profile]) -> list[str]:
    """Add partnerships with their profiles to a project, all or none."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        return [add_partnership(session, project, profile).name for profile in profiles]


def attach_sources(store: Store, project_name: str, partnership: str, sources: list[str]) -> int:
    """Link already-imported sources to a partnership (their codings become its evidence)."""

    with store.transaction() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        added = 0
        for name in sources:
            source = find_source(session, project, name)
            if session.get(SourcePartnership, (source.id, case.id)) is None:
                session.add(SourcePartnership(source_id=source.id, partnership_id=case.id))
                added += 1
        return added


def list_partnerships(store: Store, project_name: str) -> list[dict[str, Any]]:
    """Each partnership with its classification label and how many sources are linked to it."""

    with store.reading() as session:
        project = get_project(session, project_name)
        linked = dict(
            session.execute(
                select(SourcePartnership.partnership_id, func.count())
                .join(Partnership)
                .where(Partnership.project_id == project.id)
                .group_by(SourcePartnership.partnership_id)
            ).all()
        )
        rows = []
        for case in session.scalars(
            select(Partnership)
            .where(Partnership.project_id == project.id)
            .order_by(Partnership.name)
        ):
            label = None
            if case.profile:
                try:
                    label = classify(parse_profile(case.profile, source=case.name)).structure.label
                except CollabmapError:
                    label = "profile cannot be classified"
            rows.append({"name": case.name, "structure": label, "sources": linked.get(case.id, 0)})
        return rows
