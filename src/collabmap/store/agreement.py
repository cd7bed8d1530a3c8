"""Agreement between two coders of a project — two people, or a person and the machine.

Which codings count: a person's accepted codings; a machine's suggestions whatever their
review status (the question is how well the machine proposed, so rejected suggestions count
against it). The units are the sources that either coder coded: counting sources nobody
coded would inflate agreement with "neither" decisions.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select

from collabmap.errors import InvalidInput, UnknownName
from collabmap.evidence.agreement import AgreementReport, CodedSpan, pairwise_agreement
from collabmap.store._engine import Store
from collabmap.store.coding import find_code, project_code_paths
from collabmap.store.models import Coder, Coding, Segment, Source
from collabmap.store.projects import get_project
from collabmap.store.segments import ensure_segments

__all__ = ["project_agreement"]

Unit = Literal["sentence", "paragraph", "speaker_turn", "character"]


def project_agreement(
    store: Store,
    project_name: str,
    coder_a: str,
    coder_b: str,
    *,
    unit: Unit = "sentence",
    codes: list[str] | None = None,
) -> AgreementReport:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha, per code and overall."""
    if unit not in ("sentence", "paragraph", "speaker_turn", "character"):
        raise InvalidInput(
            f"unit must be sentence, paragraph, speaker_turn or character; got {unit!r}"
        )
    with store.transaction() as session:  # a transaction: segments may be computed here
        project = get_project(session, project_name)
        coders = {c.name: c for c in session.scalars(select(Coder))}
        project_coders = set(
            session.scalars(select(Coder.name).join(Coding).where(Coding.project_id == project.id))
        )
        for name in (coder_a, coder_b):
            if name not in project_coders:
                raise UnknownName("coder", name, sorted(project_coders))
        paths = project_code_paths(session, project.id)
        if codes is not None:  # concept ids, paths or unique names, as everywhere else
            codes = [paths[find_code(session, project, ref).id] for ref in codes]
        names: dict[int, str] = {
            row[0]: row[1]
            for row in session.execute(
                select(Source.id, Source.name).where(Source.project_id == project.id)
            )
        }
        spans: list[CodedSpan] = []
        sources: set[int] = set()
        for name in (coder_a, coder_b):
            coder = coders[name]
            query = select(Coding).where(
                Coding.project_id == project.id, Coding.coder_id == coder.id
            )
            if coder.kind == "person":
                query = query.where(Coding.status == "accepted")
            for coding in session.scalars(query):
                if coding.end > coding.start:
                    spans.append(
                        CodedSpan(
                            names[coding.source_id],
                            paths[coding.code_id],
                            name,
                            coding.start,
                            coding.end,
                        )
                    )
                    sources.add(coding.source_id)
        if unit == "character":
            lengths: dict[int, int] = {
                row[0]: row[1]
                for row in session.execute(
                    select(Source.id, Source.length).where(Source.id.in_(sources))
                )
            }
            return pairwise_agreement(
                spans,
                coder_a,
                coder_b,
                level="character",
                text_lengths={names[k]: int(v) for k, v in lengths.items()},
                codes=codes,
            )
        ensure_segments(session, sorted(sources))
        segments: dict[str, list[tuple[int, int]]] = {names[s]: [] for s in sources}
        for source_id, start, end in session.execute(
            select(Segment.source_id, Segment.start, Segment.end)
            .where(
                Segment.source_id.in_(sources), Segment.kind == unit, Segment.end > Segment.start
            )
            .order_by(Segment.source_id, Segment.start)
        ):
            segments[names[source_id]].append((start, end))
        return pairwise_agreement(
            spans, coder_a, coder_b, level="segment", segments=segments, codes=codes
        )
