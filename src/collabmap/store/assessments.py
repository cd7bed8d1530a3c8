"""Guided assessments in the store: each belongs to the user answering it.

Only its own user can read or change an assessment (anyone else is told it does not exist).
Every saved page is audited, and ``version`` goes up with each, so an answer sent from a page
that is out of date (another tab saved meanwhile) is refused instead of silently undoing the
newer answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collabmap.errors import EditConflict, UnknownName
from collabmap.profile import Profile
from collabmap.store._engine import Store
from collabmap.store.audit import record
from collabmap.store.models import Assessment, Partnership, Project, utcnow
from collabmap.store.partnerships import store_profile
from collabmap.store.projects import find_partnership, get_project

__all__ = [
    "AssessmentDraft",
    "StaleAnswers",
    "get_assessment",
    "list_assessments",
    "save_answers",
    "start_assessment",
    "submit_assessment",
]


class StaleAnswers(EditConflict):
    """The page was out of date: the assessment changed since it was shown."""

    def __init__(self) -> None:
        super().__init__(
            "these answers were changed in another window since this page was shown; "
            "your latest answers are shown now — check them and save again"
        )


@dataclass(frozen=True)
class AssessmentDraft:
    """An assessment as its user sees it."""

    id: int
    project: str
    answers: dict[str, Any]
    version: int
    partnership: str | None
    """The partnership it edits (or became), if any."""
    updated_at: datetime
    submitted_at: datetime | None


def _draft(row: Assessment, project: Project, partnership: str | None) -> AssessmentDraft:
    return AssessmentDraft(
        row.id,
        project.name,
        dict(row.answers or {}),
        row.version,
        partnership,
        row.updated_at,
        row.submitted_at,
    )


def _own(
    session: Session, project: Project, assessment_id: int, user_id: int, *, lock: bool = False
) -> Assessment:
    """The user's own assessment; with ``lock``, locked until the change commits, so two
    saves from the same version cannot both pass the version check."""
    row = session.get(Assessment, assessment_id, with_for_update=lock)
    if row is None or row.project_id != project.id or row.user_id != user_id:
        raise UnknownName("assessment", str(assessment_id), None)
    return row


def _partnership_name(session: Session, row: Assessment) -> str | None:
    if row.partnership_id is None:
        return None
    return session.scalar(select(Partnership.name).where(Partnership.id == row.partnership_id))


def start_assessment(
    store: Store,
    project_name: str,
    user_id: int,
    *,
    actor: str,
    editing: str | None = None,
    answers: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AssessmentDraft:
    """A new assessment, empty or (``editing``) starting from a partnership's profile — or
    from other ``answers`` for it, such as one respondent's when a consensus is agreed
    (``reason`` says so in the audit log)."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        start: dict[str, Any] = dict(answers or {})
        partnership_id = None
        if editing is not None:
            case = find_partnership(session, project, editing)
            if answers is None:
                start = dict(case.profile or {"name": case.name})
            start["name"] = case.name
            partnership_id = case.id
        row = Assessment(
            project_id=project.id,
            user_id=user_id,
            partnership_id=partnership_id,
            answers=start,
        )
        session.add(row)
        session.flush()
        detail = {"editing": editing, "reason": reason}
        record(
            session,
            actor,
            "assessment.start",
            project=project,
            target=f"assessment {row.id}",
            detail={k: v for k, v in detail.items() if v} or None,
        )
        return _draft(row, project, editing)


def get_assessment(
    store: Store, project_name: str, assessment_id: int, user_id: int
) -> AssessmentDraft:
    with store.reading() as session:
        project = get_project(session, project_name)
        row = _own(session, project, assessment_id, user_id)
        return _draft(row, project, _partnership_name(session, row))


def list_assessments(store: Store, project_name: str, user_id: int) -> list[AssessmentDraft]:
    """The user's own assessments in a project, newest first."""
    with store.reading() as session:
        project = get_project(session, project_name)
        rows = list(
            session.scalars(
                select(Assessment)
                .where(Assessment.project_id == project.id, Assessment.user_id == user_id)
                .order_by(Assessment.updated_at.desc(), Assessment.id.desc())
            )
        )
        return [_draft(row, project, _partnership_name(session, row)) for row in rows]


def save_answers(
    store: Store,
    project_name: str,
    assessment_id: int,
    user_id: int,
    answers: dict[str, Any],
    *,
    version: int | None,
    actor: str,
    topic: str,
) -> AssessmentDraft:
    """Replace the answers (one page saved). ``version`` is the one the page was shown with;
    if the assessment has moved on since, :class:`StaleAnswers` is raised and nothing changes."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        row = _own(session, project, assessment_id, user_id, lock=True)
        if version is not None and version != row.version:
            raise StaleAnswers
        row.answers = answers
        row.version += 1
        row.updated_at = utcnow()
        record(
            session,
            actor,
            "assessment.answer",
            project=project,
            target=f"assessment {row.id}",
            detail={"topic": topic},
        )
        return _draft(row, project, _partnership_name(session, row))


def submit_assessment(
    store: Store,
    project_name: str,
    assessment_id: int,
    user_id: int,
    profile: Profile,
    *,
    actor: str,
    as_partnership: bool,
) -> str | None:
    """Finish an assessment. With ``as_partnership`` its profile becomes a new partnership or
    replaces the one it was editing (the name is given back); otherwise (a respondent) the
    answers are only marked submitted. Each is one transaction, audited."""
    with store.transaction() as session:
        project = get_project(session, project_name)
        row = _own(session, project, assessment_id, user_id)
        name = None
        if as_partnership:
            editing = _partnership_name(session, row)
            case = store_profile(session, project, profile, actor=actor, replacing=editing)
            row.partnership_id = case.id
            name = case.name
        row.submitted_at = utcnow()
        record(
            session,
            actor,
            "assessment.submit",
            project=project,
            target=f"assessment {row.id}",
            detail={"partnership": name},
        )
        return name
