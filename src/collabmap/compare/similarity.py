"""A similarity map of partnerships: which ones answered, and were classified, alike.

Each partnership becomes a vector of features taken from its profile and its classification;
cosine similarity compares the vectors (so a partnership with many answers is not "far" from
one with few merely because it has more); multidimensional scaling (MDS) turns one minus the
similarity into 2-D positions for a chart where closer means more alike. The axes of such a
map have no meaning — only the distances do — and the stress (Kruskal's Stress-1) says how
faithfully the flat picture keeps them.

Features, all between 0 and 1, one per framework value so that an adapted framework's new
values take part without code changes (every feature counts the same):

- ``lead_sector:<sector>`` — 1 for the lead organisation's sector;
- ``lead_role:<role>`` — 1 for the lead's role relative to the others;
- ``scope:<scope>`` — 1 for the scope of change sought;
- ``practice:<practice>`` — 1 for each practice the profile names;
- ``activity:<category>`` — 1 if at least one activity falls in that category (by the
  classifier, not by what the partnership calls it);
- ``rationale:<code>`` — 1 for each rationale the partnership states;
- ``structure:<structure>`` — the classifier's fit to each of the four structures (0 to 1),
  which sums up the structural answers the way the framework weighs them.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.manifold import MDS  # type: ignore[import-untyped]
from sklearn.metrics.pairwise import cosine_similarity  # type: ignore[import-untyped]

from collabmap.classify import Classification, classify
from collabmap.compare._plain import plain_dict
from collabmap.framework import Framework, default_framework
from collabmap.profile import Profile

__all__ = ["Feature", "Neighbour", "SimilarityMap", "feature_vector", "features", "similarity_map"]


@dataclass(frozen=True, slots=True)
class Feature:
    """One column of the feature vectors: its name, its group and what it records."""

    name: str
    group: str
    description: str


@dataclass(frozen=True, slots=True)
class Neighbour:
    """The partnership most like ``partnership`` (None when there is no other)."""

    partnership: str
    nearest: str | None
    similarity: float | None


@dataclass(frozen=True, slots=True)
class SimilarityMap:
    """Similarities between partnerships and their positions on a map (closer = more alike).

    ``similarity[i][j]`` is the cosine similarity of partnerships ``i`` and ``j`` (1 = same
    answers); ``coordinates`` are MDS positions whose axes carry no meaning; ``stress`` is
    Kruskal's Stress-1 of those positions (0 perfect, 0.1 fair, 0.2 poor), None below three
    partnerships, where the positions are exact.
    """

    partnerships: tuple[str, ...]
    structures: tuple[str, ...]
    features: tuple[Feature, ...]
    vectors: tuple[tuple[float, ...], ...]
    similarity: tuple[tuple[float, ...], ...]
    coordinates: tuple[tuple[float, float], ...]
    nearest: tuple[Neighbour, ...]
    stress: float | None
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data for the web app (tuples become lists)."""
        return plain_dict(self)


def features(framework: Framework | None = None) -> tuple[Feature, ...]:
    """The features, in vector order, for ``framework`` (the shipped one by default)."""
    fw = framework or default_framework()
    found: list[Feature] = []
    for group, vocabulary, what in [
        ("lead_sector", "sectors", "the lead organisation is"),
        ("lead_role", "lead_roles", "the lead's role is"),
        ("scope", "scopes", "the scope of change is"),
    ]:
        for term in fw.terms(vocabulary):
            found.append(Feature(f"{group}:{term.id}", group, f"1 if {what} {term.label}"))
    for practice in fw.practices:
        found.append(
            Feature(f"practice:{practice.id}", "practice", f"1 if it names: {practice.label}")
        )
    for category in fw.activity_categories:
        found.append(
            Feature(
                f"activity:{category.id}",
                "activity",
                f"1 if an activity is classified as {category.label}",
            )
        )
    for rationale in fw.rationales:
        found.append(
            Feature(f"rationale:{rationale.id}", "rationale", f"1 if it states: {rationale.label}")
        )
    for structure in fw.structures:
        if structure.id != "other":
            found.append(
                Feature(
                    f"structure:{structure.id}",
                    "structure",
                    f"the classifier's fit (0 to 1) to {structure.label}",
                )
            )
    return tuple(found)


def feature_vector(
    profile: Profile, classification: Classification, columns: Sequence[Feature]
) -> tuple[float, ...]:
    """The partnership's value for each feature in ``columns`` (see the module's list)."""
    lead = profile.lead
    present = {
        f"lead_sector:{lead.sector}" if lead and lead.sector else "",
        f"lead_role:{profile.lead_role}" if profile.lead_role else "",
        f"scope:{profile.scope}" if profile.scope else "",
        *(f"practice:{p}" for p in profile.practices),
        *(f"activity:{a.category}" for a in classification.activities),
        *(f"rationale:{r.code}" for r in profile.rationales),
    }
    scores = classification.structure.scores
    values: list[float] = []
    for column in columns:
        if column.group == "structure":
            values.append(float(scores.get(column.name.split(":", 1)[1], 0.0)))
        else:
            values.append(1.0 if column.name in present else 0.0)
    return tuple(values)


def similarity_map(
    profiles: Sequence[Profile], *, framework: Framework | None = None, random_state: int = 0
) -> SimilarityMap:
    """Compare ``profiles`` with each other and place them on a 2-D map.

    One partnership sits at (0, 0); two sit on the x axis, their distance apart; three or
    more are placed by metric MDS on the precomputed dissimilarities, started from classical
    MDS and with ``random_state`` fixed so the same input gives the same map.
    """
    fw = framework or default_framework()
    columns = features(fw)
    names = _unique([p.name for p in profiles])
    results = [classify(p, fw) for p in profiles]
    vectors = np.array(
        [feature_vector(p, c, columns) for p, c in zip(profiles, results, strict=True)],
        dtype=float,
    ).reshape(len(profiles), len(columns))
    notes: list[str] = []
    if not profiles:
        notes.append("No partnerships to compare")
    elif len(profiles) == 1:
        notes.append("Only one partnership: add another to compare")
    empty = [names[i] for i in range(len(names)) if not vectors[i].any()]
    if empty:
        notes.append("No answers to compare for " + ", ".join(empty))
    similarity = cosine_similarity(vectors) if len(profiles) else np.zeros((0, 0))
    np.fill_diagonal(similarity, 1.0)
    similarity = np.clip(similarity, 0.0, 1.0).round(6)
    dissimilarity = 1.0 - similarity
    coords, stress = _positions(dissimilarity, random_state)
    nearest: list[Neighbour] = []
    for i, name in enumerate(names):
        others = [j for j in range(len(names)) if j != i]
        if not others:
            nearest.append(Neighbour(name, None, None))
            continue
        best = max(others, key=lambda j: (similarity[i, j], -j))
        nearest.append(Neighbour(name, names[best], float(similarity[i, best])))
    return SimilarityMap(
        partnerships=tuple(names),
        structures=tuple(c.structure.label for c in results),
        features=columns,
        vectors=tuple(tuple(float(v) for v in row) for row in vectors),
        similarity=tuple(tuple(float(v) for v in row) for row in similarity),
        coordinates=tuple((round(float(x), 6), round(float(y), 6)) for x, y in coords),
        nearest=tuple(nearest),
        stress=stress,
        notes=tuple(notes),
    )


def _unique(names: list[str]) -> list[str]:
    """Partnership names made unique, so each point and row can be told apart."""
    seen: dict[str, int] = {}
    unique: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _positions(
    dissimilarity: NDArray[np.float64], random_state: int
) -> tuple[NDArray[np.float64], float | None]:
    """2-D positions for the dissimilarities, and their Stress-1 (None when exact)."""
    n = dissimilarity.shape[0]
    if n <= 1:
        return np.zeros((n, 2)), None
    if n == 2:
        half = float(dissimilarity[0, 1]) / 2
        return np.array([[-half, 0.0], [half, 0.0]]), None
    if not dissimilarity.any():
        return np.zeros((n, 2)), 0.0
    model = MDS(n_components=2, random_state=random_state, max_iter=1000, **_mds_options())
    coords: NDArray[np.float64] = np.asarray(model.fit_transform(dissimilarity), dtype=float)
    coords -= coords.mean(axis=0)
    # MDS fixes distances, not orientation: turn the map so its first partnership lies to
    # the right, for the same picture whatever the solver's sign choices
    if coords[0, 0] < 0:
        coords[:, 0] *= -1
    if coords[0, 1] < 0:
        coords[:, 1] *= -1
    upper = np.triu_indices(n, k=1)
    fitted = np.linalg.norm(coords[:, None, :] - coords[None, :, :], axis=-1)[upper]
    target = dissimilarity[upper]
    stress = float(np.sqrt(((fitted - target) ** 2).sum() / (target**2).sum()))
    return coords, round(stress, 4)


def _mds_options() -> dict[str, Any]:
    """Precomputed dissimilarities, classical start: spelt as this scikit-learn wants it.

    scikit-learn 1.8 renamed ``dissimilarity`` to ``metric`` (and ``metric`` to
    ``metric_mds``) and added the classical start; older releases take the old names.
    """
    parameters = inspect.signature(MDS).parameters
    if "metric_mds" in parameters:
        return {"metric": "precomputed", "metric_mds": True, "init": "classical_mds"}
    return {"dissimilarity": "precomputed", "metric": True, "n_init": 4}
