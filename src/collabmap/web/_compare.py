"""What the comparison and agreement pages (and their API) show, built once for both.

The cross-case tables, the IAP2 spread and the similarity map come from
:mod:`collabmap.compare` over the project's classified partnerships; here they are gathered
and the similarity map is laid out for drawing as an SVG in the page itself, where each point
can carry its evidence as a tooltip and link through to its partnership.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from collabmap.compare.similarity import SimilarityMap, similarity_map
from collabmap.compare.tables import (
    AccountabilityTable,
    RationaleTable,
    StructureActivityTable,
    accountability_table,
    rationale_table,
    structure_activity_table,
)
from collabmap.framework import default_framework
from collabmap.store import Store
from collabmap.store.matrix import project_profiles
from collabmap.store.models import Coder, Coding, Partnership
from collabmap.store.projects import get_project

__all__ = ["ComparisonView", "MapPoint", "comparison", "project_coders"]

MAP_SIZE = 560
"""Width and height of the drawn similarity map, in SVG units (it scales to the page)."""
_MARGIN = 40


@dataclass(frozen=True)
class MapPoint:
    """One partnership on the similarity map: where to draw it and what to say about it."""

    name: str
    structure: str
    x: float
    y: float
    nearest: str | None
    similarity: float | None


@dataclass(frozen=True)
class ComparisonView:
    partnerships: tuple[str, ...]
    activities: StructureActivityTable
    rationales: RationaleTable
    accountability: AccountabilityTable
    iap2: list[dict[str, Any]]
    similarity: SimilarityMap
    points: tuple[MapPoint, ...]
    notes: tuple[str, ...]


_cache: OrderedDict[tuple[str, str, tuple[tuple[int, str, int], ...]], ComparisonView] = (
    OrderedDict()
)
_cache_lock = threading.Lock()
_CACHED = 16


def comparison(store: Store, project: str) -> ComparisonView:
    """The project's partnerships side by side, worked out once per state of their profiles
    (the similarity map of 200 partnerships takes a second or two to place)."""
    with store.reading() as session:
        found = get_project(session, project)
        heads = tuple(
            (pid, name, revision)
            for pid, name, revision in session.execute(
                select(Partnership.id, Partnership.name, Partnership.revision)
                .where(Partnership.project_id == found.id)
                .order_by(Partnership.id)
            )
        )
    key = (store.url, project, heads)
    with _cache_lock:
        view = _cache.get(key)
        if view is not None:
            _cache.move_to_end(key)
            return view
    view = _compare(store, project)
    with _cache_lock:
        _cache[key] = view
        while len(_cache) > _CACHED:
            _cache.popitem(last=False)
    return view


def _compare(store: Store, project: str) -> ComparisonView:
    names, profiles, results, left_out = project_profiles(store, project)
    classified = [results[n] for n in names if n in results]
    fw = default_framework()
    levels = []
    for level in fw.iap2_levels:
        found = [
            (r.partnership, a.name)
            for r in classified
            for a in r.activities
            if a.iap2_level == level.id
        ]
        levels.append({"id": level.id, "label": level.label, "activities": found})
    mapped = similarity_map([profiles[n] for n in names if n in profiles])
    return ComparisonView(
        tuple(names),
        structure_activity_table(classified, fw),
        rationale_table(classified, fw),
        accountability_table(classified, fw),
        levels,
        mapped,
        _points(mapped),
        tuple(left_out.values()),
    )


def _points(mapped: SimilarityMap) -> tuple[MapPoint, ...]:
    """Map coordinates scaled into the drawing, same scale on both axes (distances matter)."""
    if not mapped.coordinates:
        return ()
    xs = [x for x, _ in mapped.coordinates]
    ys = [y for _, y in mapped.coordinates]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = (MAP_SIZE - 2 * _MARGIN) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    centre = MAP_SIZE / 2
    return tuple(
        MapPoint(
            name,
            structure,
            round(centre + (x - mid_x) * scale, 1),
            round(centre - (y - mid_y) * scale, 1),
            near.nearest,
            near.similarity,
        )
        for name, structure, (x, y), near in zip(
            mapped.partnerships, mapped.structures, mapped.coordinates, mapped.nearest, strict=True
        )
    )


def project_coders(store: Store, project: str) -> list[tuple[str, str]]:
    """(name, kind) of everyone and everything that coded in the project, people first."""
    with store.reading() as session:
        found = get_project(session, project)
        rows = session.execute(
            select(Coder.name, Coder.kind)
            .where(Coder.id.in_(select(Coding.coder_id).where(Coding.project_id == found.id)))
            .order_by(Coder.kind.desc(), Coder.name)
        )
        return [(name, kind) for name, kind in rows]
