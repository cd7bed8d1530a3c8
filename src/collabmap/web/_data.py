"""What the pages and the JSON API both show, built once: a user's projects, a project's
partnerships with their classification, one partnership in full.

Classifications are cached in memory by partnership id and profile revision, so a list of 500
partnerships classifies only those whose profile changed since the last view.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from collabmap.classify import Classification, classify
from collabmap.classify._results import INSUFFICIENT
from collabmap.errors import CollabmapError, InvalidInput, UnknownName
from collabmap.framework import default_framework
from collabmap.profile import Profile, parse_profile
from collabmap.store import Store
from collabmap.store.access import allowed
from collabmap.store.accounts import project_roles
from collabmap.store.matrix import partnership_quotes
from collabmap.store.models import Code, Partnership, Project, Source
from collabmap.store.partnerships import PartnershipRow, partnership_rows, partnership_sources
from collabmap.store.projects import find_partnership, get_project

__all__ = [
    "ClassifiedPartnership",
    "PartnershipDetail",
    "PartnershipList",
    "ProjectCard",
    "classified_partnerships",
    "partnership_detail",
    "project_partnerships",
    "user_projects",
]

QUOTES_SHOWN = 50
"""Coded passages shown on a partnership's page, in reading order."""

UNCLASSIFIABLE = "unclassifiable"
"""Label of a partnership whose stored profile no longer passes the framework's checks."""


@dataclass(frozen=True)
class ProjectCard:
    """A project as its member sees it in a list; the sizes are ``None`` for a role that may
    not view the project (a respondent sees only their own assessments)."""

    name: str
    role: str
    description: str | None
    partnerships: int | None
    sources: int | None


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


_Key = tuple[str, int, str, int]
"""(store URL, partnership id, guid, revision): what a classification is derived from. The
revision goes up on every profile change; the guid tells apart a new partnership that reuses
a deleted one's id, and the URL two stores in one process."""


class _ClassificationCache:
    """Classification summaries by :data:`_Key`, least recently used dropped first."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._items: OrderedDict[_Key, ClassifiedPartnership] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[_Key]) -> list[ClassifiedPartnership | None]:
        """The cached summaries of ``keys``, None where there is none (one lock for all)."""
        with self._lock:
            found = [self._items.get(key) for key in keys]
            for key, item in zip(keys, found, strict=True):
                if item is not None:
                    self._items.move_to_end(key)
            return found

    def put(self, key: _Key, value: ClassifiedPartnership) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_cache = _ClassificationCache()
_revisions: dict[str, dict[int, int]] = {}
"""Per store URL and project: the (id → revision) pairs last classified, so that the profiles
of partnerships unchanged since are not read at all."""


MAX_NAME = 500
"""The longest partnership name a form or request may give."""


def named_partnership(store: Store, project_name: str, partnership: str | None) -> str | None:
    """The partnership a request names (``None`` for none), checked to exist in the project:
    ``InvalidInput`` if the name is too long, ``UnknownName`` (worded for the browser) if the
    project has no such partnership."""
    name = (partnership or "").strip() or None
    if name is None:
        return None
    if len(name) > MAX_NAME:
        raise InvalidInput(f"a partnership name is at most {MAX_NAME} characters")
    with store.reading() as session:
        project = get_project(session, project_name)
        try:
            find_partnership(session, project, name)
        except UnknownName as exc:  # named for the browser, not the command line
            raise UnknownName(
                "partnership", name, exc.known, listing="the project's page lists them"
            ) from None
    return name


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
                partnerships.get(p.id, 0) if allowed(roles[p.name], "view") else None,
                sources.get(p.id, 0) if allowed(roles[p.name], "view") else None,
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


def _key(store: Store, row: PartnershipRow) -> _Key:
    return (store.url, row.id, row.guid, row.revision)


@dataclass(frozen=True)
class PartnershipList:
    """A project's partnerships with their classification summaries, by name (read only),
    and a ``fingerprint`` that changes whenever any partnership is added, removed, renamed or
    changed — a cache key for anything drawn from the list, such as its chart."""

    rows: list[ClassifiedPartnership]
    fingerprint: str


_lists: dict[str, tuple[tuple[_Key, ...], PartnershipList]] = {}
"""Per store URL and project: the last list made, with the keys it was made from."""
_list_locks: dict[str, threading.Lock] = {}
_list_locks_lock = threading.Lock()


def _list_lock(memo_key: str) -> threading.Lock:
    with _list_locks_lock:
        return _list_locks.setdefault(memo_key, threading.Lock())


def project_partnerships(store: Store, project_name: str) -> PartnershipList:
    """Every partnership of the project with its classification summary, by name.

    Each call reads the partnerships' ids, names and revisions, so a change made anywhere (a
    page, the API, the library) shows at once. When they are as last time, the last list is
    given again; otherwise only the profiles of partnerships new or changed since are read and
    classified, by one request at a time per project (others wait for it rather than read and
    classify the same profiles too)."""
    memo_key = f"{store.url}\x00{project_name}"
    if memo_key not in _lists:
        with _list_lock(memo_key):
            if memo_key not in _lists:
                return _make_list(store, project_name, memo_key, None)
    rows = partnership_rows(store, project_name, known=_revisions.get(memo_key, {}))
    keys = tuple(_key(store, row) for row in rows)
    last = _lists.get(memo_key)
    if last is not None and last[0] == keys:
        return last[1]
    with _list_lock(memo_key):
        return _make_list(store, project_name, memo_key, rows)


def _make_list(
    store: Store, project_name: str, memo_key: str, rows: list[PartnershipRow] | None
) -> PartnershipList:
    """The list for ``rows`` (read now when None), classifying what the cache lacks."""
    if rows is None:
        rows = partnership_rows(store, project_name, known=_revisions.get(memo_key, {}))
    keys = tuple(_key(store, row) for row in rows)
    last = _lists.get(memo_key)
    if last is not None and last[0] == keys:
        return last[1]
    found = _cache.get_many(list(keys))
    if any(item is None and row.profile is None for item, row in zip(found, rows, strict=True)):
        # a partnership seen before is no longer cached (dropped, or its id reused): read all
        rows = partnership_rows(store, project_name)
        keys = tuple(_key(store, row) for row in rows)
        found = _cache.get_many(list(keys))
    summaries = []
    for item, row, key in zip(found, rows, keys, strict=True):
        if item is None or item.name != row.name:
            item = _summarise(row)
            _cache.put(key, item)
        summaries.append(item)
    listing = PartnershipList(summaries, hashlib.sha256(repr(keys).encode()).hexdigest()[:16])
    _lists[memo_key] = (keys, listing)
    _revisions[memo_key] = {row.id: row.revision for row in rows}
    return listing


def classified_partnerships(store: Store, project_name: str) -> list[ClassifiedPartnership]:
    """Every partnership of the project with its classification summary, by name (a new list
    each call; see :func:`project_partnerships`)."""
    return list(project_partnerships(store, project_name).rows)


def structure_counts(rows: list[ClassifiedPartnership]) -> list[tuple[str, int]]:
    """How many partnerships have each structure label, in the framework's order."""
    counts = Counter(row.label for row in rows)
    order = [s.id for s in default_framework().structures] + [INSUFFICIENT, UNCLASSIFIABLE]
    return [(label, counts[label]) for label in order if counts[label]]


_Judged = tuple[Profile | None, Classification | None, str | None]
_judged: OrderedDict[_Key, _Judged] = OrderedDict()
_judged_lock = threading.Lock()
_JUDGED_KEPT = 2_000


def _judge(key: _Key, name: str, data: dict[str, Any]) -> _Judged:
    """The partnership's profile and classification (or why there is none), kept by
    :data:`_Key`: a changed profile has a new revision, so it is judged afresh on its next
    view, and an unchanged one is not parsed and classified again."""
    with _judged_lock:
        found = _judged.get(key)
        if found is not None:
            _judged.move_to_end(key)
            return found
    try:
        profile = parse_profile(data, source=name)
        judged: _Judged = (profile, classify(profile), None)
    except CollabmapError as exc:
        judged = (None, None, str(exc))
    with _judged_lock:
        _judged[key] = judged
        while len(_judged) > _JUDGED_KEPT:
            _judged.popitem(last=False)
    return judged


def partnership_detail(store: Store, project_name: str, name: str) -> PartnershipDetail:
    """One partnership: its profile, classification (or why there is none) and evidence,
    read in one session."""
    with store.reading() as session:
        project = get_project(session, project_name)
        case = find_partnership(session, project, name)
        data = dict(case.profile or {"name": case.name})
        case_name = case.name
        key: _Key = (store.url, case.id, case.guid, case.revision)
        found = partnership_quotes(session, project, partnerships=[case_name])[:QUOTES_SHOWN]
        codes = dict(
            session.execute(
                select(Code.id, Code.name).where(Code.id.in_({code for _, code, _ in found}))
            ).all()
        )
        quotes = [
            {"source": quote.source, "text": quote.text, "code": codes.get(code, "")}
            for _, code, quote in found
        ]
        sources = partnership_sources(session, case.id)
    profile, classification, problem = _judge(key, case_name, data)
    return PartnershipDetail(
        name=case_name,
        profile=profile,
        profile_data=data,
        classification=classification,
        problem=problem,
        sources=sources,
        quotes=quotes,
    )
