"""Database tables (SQLAlchemy 2). The same schema runs on SQLite and PostgreSQL.

Positions (``start``, ``end``) are Unicode code points into ``Source.text``, which is stored
LF-normalised, so they map one-to-one onto REFI-QDA ``startPosition``/``endPosition``.
Everything a project owns cascades from it, so deleting a project deletes all its data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "ROLES",
    "SEGMENTS",
    "SOURCES",
    "Assessment",
    "AuditEvent",
    "Base",
    "Code",
    "Coder",
    "Coding",
    "Invitation",
    "MatrixCell",
    "MatrixCellCoding",
    "Member",
    "Memo",
    "Partnership",
    "PartnershipValue",
    "ProfileAnswer",
    "ProfileAnswerCoding",
    "Project",
    "Segment",
    "SignInAttempt",
    "Source",
    "SourcePartnership",
    "SourceValue",
    "User",
    "Variable",
    "WebSession",
    "utcnow",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timestamps are stored in UTC, without time zone, the same on both databases."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, Any: JSON}


class Coder(Base):
    """A person or a machine that codes; REFI-QDA calls them users."""

    __tablename__ = "coders"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="person")
    __table_args__ = (CheckConstraint("kind in ('person', 'machine')", name="kind"),)


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    framework_id: Mapped[str] = mapped_column(String(100))
    framework_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Partnership(Base):
    """A case: one partnership, with its profile (as JSON) and typed attribute values."""

    __tablename__ = "partnerships"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    """Goes up by one whenever the profile changes, so derived results can be cached by it."""
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_partnerships_project_name"),
        UniqueConstraint("project_id", "guid", name="uq_partnerships_project_guid"),
    )


class Variable(Base):
    """A typed attribute of partnerships or sources (REFI-QDA ``Variable``)."""

    __tablename__ = "variables"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20), default="Text")
    description: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_variables_project_name"),
        CheckConstraint(
            "type in ('Text', 'Boolean', 'Integer', 'Float', 'Date', 'DateTime')", name="type"
        ),
    )


class PartnershipValue(Base):
    __tablename__ = "partnership_values"
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    variable_id: Mapped[int] = mapped_column(
        ForeignKey("variables.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[Any] = mapped_column(JSON)


class Source(Base):
    """A document, transcript or survey response: its normalised text and where it came from."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(30))
    media_type: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str | None] = mapped_column(String(500))
    segmented: Mapped[bool] = mapped_column(default=False, server_default=false())
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    segments: Mapped[list[Segment]] = relationship(
        back_populates="source", cascade="all, delete-orphan", passive_deletes=True
    )
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_sources_project_name"),
        UniqueConstraint("project_id", "guid", name="uq_sources_project_guid"),
        Index("ix_sources_project_sha", "project_id", "sha256"),
    )


class SourceValue(Base):
    __tablename__ = "source_values"
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    variable_id: Mapped[int] = mapped_column(
        ForeignKey("variables.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[Any] = mapped_column(JSON)


class SourcePartnership(Base):
    """Which partnership (case) a source belongs to."""

    __tablename__ = "source_partnerships"
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )


class Segment(Base):
    __tablename__ = "segments"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[Source] = relationship(back_populates="segments")
    __table_args__ = (
        Index("ix_segments_source_kind_start", "source_id", "kind", "start"),
        CheckConstraint("kind in ('paragraph', 'sentence', 'speaker_turn')", name="kind"),
        CheckConstraint('0 <= start AND start <= "end"', name="span"),
    )


class Code(Base):
    """A code in the project's tree: seeded from the framework, or the team's own."""

    __tablename__ = "codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(36))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    color: Mapped[str | None] = mapped_column(String(7))
    concept: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(20), default="team")
    is_codable: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        UniqueConstraint("project_id", "guid", name="uq_codes_project_guid"),
        Index("ix_codes_project_concept", "project_id", "concept"),
        CheckConstraint("origin in ('framework', 'team', 'imported')", name="origin"),
    )


class Coding(Base):
    """A code applied to a span of a source, by a person or suggested by a machine."""

    __tablename__ = "codings"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(36))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="SET NULL"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    origin: Mapped[str] = mapped_column(String(20), default="person")
    confidence: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="accepted")
    selection_guid: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Goes up when the coding is reviewed, so a decision made from a stale view is detected."""
    changed_by: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime | None] = mapped_column()
    """Who last reviewed the coding, and when (None until someone does)."""
    __table_args__ = (
        Index("ix_codings_source", "source_id", "start"),
        Index("ix_codings_code", "code_id"),
        Index("ix_codings_project_status", "project_id", "status"),
        UniqueConstraint("project_id", "guid", name="uq_codings_project_guid"),
        CheckConstraint("origin in ('person', 'machine')", name="origin"),
        CheckConstraint("status in ('suggested', 'accepted', 'rejected')", name="status"),
        CheckConstraint('0 <= start AND start <= "end"', name="span"),
        CheckConstraint("confidence IS NULL OR (confidence >= 0 AND confidence <= 1)", name="conf"),
        # ids only go up (migration 0006): a removal sent again from a stale page must not
        # find a newer coding under the removed one's id
        {"sqlite_autoincrement": True},
    )


class Memo(Base):
    """A memo (REFI-QDA note), optionally about a source, code, coding or partnership."""

    __tablename__ = "memos"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"))
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Goes up with every edit, so an edit made from a stale copy is detected, not applied."""
    updated_by: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime | None] = mapped_column()
    """Who last edited the memo, and when (None until it is first edited)."""
    __table_args__ = (
        UniqueConstraint("project_id", "guid", name="uq_memos_project_guid"),
        {"sqlite_autoincrement": True},  # ids only go up, as for codings (migration 0006)
    )


class MatrixCell(Base):
    """A framework-matrix cell: one partnership × one code, with a written summary."""

    __tablename__ = "matrix_cells"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    summary: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Counts the writes of this cell, so a save from an out-of-date form is detected."""
    __table_args__ = (
        UniqueConstraint("partnership_id", "code_id", name="uq_matrix_cells_cell"),
        CheckConstraint("status in ('draft', 'reviewed', 'agreed')", name="status"),
    )


class MatrixCellCoding(Base):
    __tablename__ = "matrix_cell_codings"
    cell_id: Mapped[int] = mapped_column(
        ForeignKey("matrix_cells.id", ondelete="CASCADE"), primary_key=True
    )
    coding_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True
    )


class ProfileAnswer(Base):
    """One answer of a partnership's profile (by path), to link evidence to it."""

    __tablename__ = "profile_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(300))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("partnership_id", "path", name="uq_profile_answers_path"),)


class ProfileAnswerCoding(Base):
    """Evidence for an answer: a coding that supports it."""

    __tablename__ = "profile_answer_codings"
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("profile_answers.id", ondelete="CASCADE"), primary_key=True
    )
    coding_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True
    )


ROLES = ("owner", "analyst", "respondent", "viewer")
"""Project roles, most to least powerful; what each may do is in :mod:`collabmap.store.access`."""


class User(Base):
    """A local account for the web application. Passwords are kept only as argon2 hashes."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Member(Base):
    """A user's role in one project: owner, analyst, respondent or viewer."""

    __tablename__ = "members"
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20))
    __table_args__ = (
        CheckConstraint("role in ('owner', 'analyst', 'respondent', 'viewer')", name="role"),
    )


class WebSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is kept, so a copy of the
    database cannot be used to sign in."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    """Last request, to the minute: a session unused for the idle timeout ends."""
    address: Mapped[str] = mapped_column(String(100), default="", server_default="")
    agent: Mapped[str] = mapped_column(String(200), default="", server_default="")
    """Where and in what browser it was opened, so its user can recognise it in their list."""


class SignInAttempt(Base):
    """A failed sign-in, kept for a while so repeated guessing can be slowed down."""

    __tablename__ = "sign_in_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuditEvent(Base):
    """One change: who made it, what it was, when. Kept when its project is deleted (the
    project's name stays in ``project_name``), so deletions are audited too."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    project_name: Mapped[str | None] = mapped_column(String(200))
    target: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Assessment(Base):
    """A guided assessment in progress or finished: the answers so far, as a draft profile.

    It belongs to the user answering it; once saved it becomes (or updates) a partnership.
    """

    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="SET NULL")
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    """Goes up with every saved page, so an answer sent from a stale page is detected."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()
    """When the answers were saved as a partnership profile (or, by a respondent, submitted)."""
    __table_args__ = (Index("ix_assessments_project_user", "project_id", "user_id"),)


class Invitation(Base):
    """A personal link inviting a respondent from a partner organisation to answer the guided
    assessment about one partnership. Only the SHA-256 of the link's token is kept; the link
    signs its holder in as the invitation's own respondent account, and nothing more."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    respondent: Mapped[str] = mapped_column(String(200))
    """Who was invited, as the owner wrote it (a name and organisation)."""
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    __table_args__ = (Index("ix_invitations_partnership", "partnership_id"),)


SOURCES: Table = Source.__table__  # type: ignore[assignment]
SEGMENTS: Table = Segment.__table__  # type: ignore[assignment]
"""The tables themselves, for Core statements on the bulk paths."""
