"""What the pages and the JSON API both show, built once: a user's projects, a project's
partnerships with their classification, one partnership in full.

Classifications are cached in memory by partnership id and profile revision, so a list of 500
partnerships classifies only those whose profile changed since the last view.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from collabmap.classify import Classification, classify
from collabmap.classify._results import INSUFFICIENT
from collabmap.errors import CollabmapError
from collabmap.framework import default_framework
from collabmap.profile import Profile, parse_profile
from collabmap.store import Store
from collabmap.store.accounts import project_roles
from collabmap.store.matrix import partnership_quotes
from collabmap.store.models import Code, Partnership, Project, Source
from collabmap.store.partnerships import PartnershipRow, linked_sources, partnership_rows
from collabmap.store.projects import find_partnership, get_project

__all__ = [
    "ClassifiedPartnership",
    "PartnershipDetail",
    "ProjectCard",
    "classified_partnerships",
    "partnership_detail",
    "user_projects",
]

QUOTES_SHOWN = 50
"""Coded passages shown on a partnership's page, in reading order."""

UNCLASSIFIABLE = "unclassifiable"
"""Label of a partnership whose stored profile no longer passes the framework's checks."""


@dataclass(frozen=True)
class ProjectCard:
    name: str
    role: str
    description: str | None
    partnerships: int
    sources: int


@dataclass(frozen=True)
class ClassifiedPartnership:
    name: str
    label: str
    scores: dict[str, float]
    hybrid: bool
    place: str | None
    activities: int
    mismatches: int
    flags: int


@dataclass(frozen=True)
class PartnershipDetail:
    name: str
    profile: Profile | None
    profile_data: dict[str, Any]
    classification: Classification | None
    problem: str | None
    sources: list[str]
    quotes: list[dict[str, str]] = field(default_factory=list)


class _ClassificationCache:
    """Classifications by (partnership id, revision), least recently used dropped first."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, int], ClassifiedPartnership] = OrderedDict()
        self._lock = threading.Lock()

    def known(self, ids: list[int]) -> dict[int, int]:
        with self._lock:
            return {pid: rev for pid, rev in self._items if pid in set(ids)}

    def get(self, key: tuple[int, int]) -> ClassifiedPartnership | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple[int, int], value: ClassifiedPartnership) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_cache = _ClassificationCache()
_revisions: dict[str, dict[int, int]] = {}
"""Per store URL and project: the (id → revision) pairs last classified, to skip reading
profiles that have not changed."""


def user_projects(store: Store, user_id: int) -> list[ProjectCard]:
    """The projects the user belongs to, with their role and sizes, by name."""
    with store.reading() as session:
        roles = project_roles(session, user_id)
        if not roles:
            return []
        projects = list(
            session.scalars(
                select(Project).where(Project.name.in_(list(roles))).order_by(Project.name)
            )
        )
        ids = [p.id for p in projects]
        partnerships = dict(
            session.execute(
                select(Partnership.project_id, func.count())
                .where(Partnership.project_id.in_(ids))
                .group_by(Partnership.project_id)
            ).all()
        )
        sources = dict(
            session.execute(
                select(Source.project_id, func.count())
                .where(Source.project_id.in_(ids))
                .group_by(Source.project_id)
            ).all()
        )
        return [
            ProjectCard(
                p.name,
                roles[p.name],
                p.description,
                partnerships.get(p.id, 0),
                sources.get(p.id, 0),
            )
            for p in projects
        ]


def _summarise(row: PartnershipRow) -> ClassifiedPartnership:
    try:
        profile = parse_profile(row.profile or {"name": row.name}, source=row.name)
        result = classify(profile)
    except CollabmapError:
        return ClassifiedPartnership(row.name, UNCLASSIFIABLE, {}, False, None, 0, 0, 0)
    return ClassifiedPartnership(
        name=row.name,
        label=result.structure.label,
        scores=dict(result.structure.scores),
        hybrid=result.structure.hybrid,
        place=profile.place,
        activities=len(result.activities),
        mismatches=sum(1 for a in result.activities if a.rhetoric_mismatch),
        flags=len(result.accountability_flags),
    )


def classified_partnerships(store: Store, project_name: str) -> list[ClassifiedPartnership]:
    """Every partnership of the project with its classification summary, by name."""
    memo_key = f"{store.url}\x00{project_name}"
    known = _revisions.get(memo_key, {})
    rows = partnership_rows(store, project_name, known=known)
    found = []
    for row in rows:
        cached = _cache.get((row.id, row.revision))
        if cached is None or cached.name != row.name:
            if row.profile is None and known.get(row.id) == row.revision:
                # the cache dropped it meanwhile: read the profiles again
                rows = partnership_rows(store, project_name)
                return _classify_all(memo_key, rows)
            cached = _summarise(row)
            _cache.put((row.id, row.revision), cached)
        found.append(cached)
    _revisions[memo_key] = {row.id: row.revision for row in rows}
    return found


def _classify_all(memo_key: str, rows: list[PartnershipRow]) -> list[ClassifiedPartnership]:
    found = []
    for row in rows:
        summary = _summarise(row)
        _cache.put((row.id, row.revision), summary)
        found.append(summary)
    _revisions[memo_key] = {row.id: row.revision for row in rows}
    return found


def structure_counts(rows: list[ClassifiedPartnership]) -> list[tuple[str, int]]:
    """How many partnerships have each structure label, in the framework's order."""
    counts = Counter(row.label for row in rows)
    order = [s.id for s in default_framework().structures] + [INSUFFICIENT, UNCLASSIFIABLE]
    return [(label, counts[label]) for label in order if counts[label]]


def partnership_detail(store: Store, project_name: str, name: str) -> PartnershipDetail:
    """One partnership: its profile, classification (or why there is none) and evidence."""
    with store.reading() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, name)
        data = dict(case.profile or {"name": case.name})
        found = partnership_quotes(session, project, partnerships=[case.name])[:QUOTES_SHOWN]
        codes = dict(
            session.execute(
                select(Code.id, Code.name).where(Code.id.in_({code for _, code, _ in found}))
            ).all()
        )
        quotes = [
            {"source": quote.source, "text": quote.text, "code": codes.get(code, "")}
            for _, code, quote in found
        ]
        case_name = case.name
    profile: Profile | None = None
    classification = None
    problem = None
    try:
        profile = parse_profile(data, source=case_name)
        classification = classify(profile)
    except CollabmapError as exc:
        problem = str(exc)
    return PartnershipDetail(
        name=case_name,
        profile=profile,
        profile_data=data,
        classification=classification,
        problem=problem,
        sources=linked_sources(store, project_name, case_name),
        quotes=quotes,
    )
