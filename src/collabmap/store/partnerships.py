"""Partnerships as the web application works with them: read one, list them with what is
needed to classify them, and save a profile (new or changed), audited.

A changed profile keeps the answer rows whose path is unchanged, so the evidence linked to
those answers stays linked; answers that disappear take their links with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from collabmap.errors import AlreadyExists
from collabmap.profile import Profile
from collabmap.store._engine import Store
from collabmap.store.audit import record
from collabmap.store.models import (
    Partnership,
    ProfileAnswer,
    Project,
    Source,
    SourcePartnership,
    utcnow,
)
from collabmap.store.projects import (
    add_partnership,
    answer_rows,
    find_partnership,
    get_project,
)

__all__ = [
    "PartnershipRow",
    "linked_sources",
    "partnership_rows",
    "partnership_sources",
    "save_profile",
    "store_profile",
]


@dataclass(frozen=True, slots=True)
class PartnershipRow:
    """One partnership: its id, ``guid`` and ``revision`` (together a cache key for anything
    derived from the profile, even when a deleted partnership's id is used again) and the
    profile itself."""

    id: int
    name: str
    revision: int
    profile: dict[str, Any] | None
    guid: str = ""


def partnership_rows(
    store: Store, project_name: str, *, known: dict[int, int] | None = None
) -> list[PartnershipRow]:
    """Every partnership of a project, by name. With ``known`` (id → revision already
    derived by the caller), the profiles of those unchanged since are not read."""
    with store.reading() as session:
        project = get_project(session, project_name)
        heads = session.execute(
            select(Partnership.id, Partnership.name, Partnership.revision, Partnership.guid)
            .where(Partnership.project_id == project.id)
            .order_by(Partnership.name)
        ).all()
        wanted = [pid for pid, _, rev, _ in heads if not known or known.get(pid) != rev]
        profiles: dict[int, dict[str, Any] | None] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            profiles.update(
                session.execute(
                    select(Partnership.id, Partnership.profile).where(Partnership.id.in_(chunk))
                ).all()
            )
        return [
            PartnershipRow(pid, name, rev, profiles.get(pid), guid)
            for pid, name, rev, guid in heads
        ]


def linked_sources(store: Store, project_name: str, partnership: str) -> list[str]:
    """Names of the sources linked to a partnership, in order."""
    with store.reading() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, partnership)
        return partnership_sources(session, case.id)


def partnership_sources(session: Session, partnership_id: int) -> list[str]:
    """Names of the sources linked to the partnership with this id, in order (for a caller
    that already holds a session and the partnership)."""
    return list(
        session.scalars(
            select(Source.name)
            .join(SourcePartnership, SourcePartnership.source_id == Source.id)
            .where(SourcePartnership.partnership_id == partnership_id)
            .order_by(Source.name)
        )
    )


def _update(session: Session, case: Partnership, profile: Profile) -> None:
    data = profile.model_dump(mode="json", exclude_defaults=True)
    case.name = profile.name
    case.description = profile.summary
    case.profile = data
    case.revision = (case.revision or 1) + 1
    answers = answer_rows(data)
    existing = {
        row.path: row
        for row in session.scalars(
            select(ProfileAnswer).where(ProfileAnswer.partnership_id == case.id)
        )
    }
    gone = [row.id for path, row in existing.items() if path not in answers]
    if gone:
        session.execute(delete(ProfileAnswer).where(ProfileAnswer.id.in_(gone)))
    for path, value in answers.items():
        row = existing.get(path)
        if row is None:
            session.add(ProfileAnswer(partnership_id=case.id, path=path, value=value))
        elif row.value != value:
            row.value = value
            row.updated_at = utcnow()


def save_profile(
    store: Store,
    project_name: str,
    profile: Profile,
    *,
    actor: str,
    replacing: str | None = None,
) -> str:
    """Add a partnership with ``profile``, or with ``replacing`` (its current name) change the
    profile of that partnership. Gives the partnership's name. One transaction, audited."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        return store_profile(session, project, profile, actor=actor, replacing=replacing).name


def store_profile(
    session: Session,
    project: Project,
    profile: Profile,
    *,
    actor: str,
    replacing: str | None = None,
) -> Partnership:
    """:func:`save_profile` inside the caller's transaction."""
    if replacing is None:
        case = add_partnership(session, project, profile)
        record(session, actor, "partnership.create", project=project, target=case.name)
        return case
    case = find_partnership(session, project, replacing)
    if profile.name != case.name:
        taken = session.scalar(
            select(Partnership.id).where(
                Partnership.project_id == project.id, Partnership.name == profile.name
            )
        )
        if taken is not None:
            raise AlreadyExists("partnership", profile.name)
    before = dict(case.profile or {})
    _update(session, case, profile)
    after = case.profile or {}
    changed = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
    record(
        session,
        actor,
        "partnership.update",
        project=project,
        target=case.name,
        detail={"fields": changed, "renamed_from": replacing if replacing != case.name else None},
    )
    return case
