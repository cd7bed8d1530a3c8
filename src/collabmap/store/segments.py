"""Segments (paragraphs, sentences, speaker turns), indexed on first use.

Import stores a source's text and nothing more, so that storing 1,000 transcripts costs about
what inserting their text costs. A source's segments are derived data: they are computed the
first time anything needs them (coding by segment, listing, suggestions, segment-level
agreement) and then kept, in one batch per call. ``Source.segmented`` records which sources
have them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collabmap.errors import InvalidInput
from collabmap.evidence.model import SEGMENT_KINDS
from collabmap.evidence.segment import segment_text
from collabmap.store._bulk import bulk_insert
from collabmap.store._engine import Store
from collabmap.store.models import SEGMENTS, Segment, Source
from collabmap.store.projects import find_source, get_project

__all__ = ["SegmentInfo", "ensure_segments", "list_segments"]


@dataclass(frozen=True)
class SegmentInfo:
    id: int
    kind: str
    start: int
    end: int
    speaker: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "text": self.text,
        }


def ensure_segments(session: Session, source_ids: Sequence[int]) -> int:
    """Segment the given sources that are not segmented yet; returns how many were."""
    pending = list(
        session.execute(
            select(Source.id, Source.text, Source.kind).where(
                Source.id.in_(list(source_ids)), Source.segmented.is_(False)
            )
        )
    )
    for source_id, text, kind in pending:
        segments, transcript = segment_text(text)
        if segments:
            bulk_insert(
                session.connection(),
                SEGMENTS,
                ("source_id", "kind", "start", "end", "speaker"),
                [(source_id, s.kind, s.start, s.end, s.speaker) for s in segments],
            )
        new_kind = "transcript" if transcript and kind == "document" else kind
        if not transcript and kind == "transcript":
            new_kind = "document"  # the quick look at import was wrong; the full text decides
        session.execute(
            update(Source).where(Source.id == source_id).values(segmented=True, kind=new_kind)
        )
    return len(pending)


def list_segments(
    store: Store, project_name: str, source_name: str, *, kind: str | None = None
) -> list[SegmentInfo]:
    """A source's segments in reading order (computing them if this is the first use)."""
    if kind is not None and kind not in SEGMENT_KINDS:
        raise InvalidInput(f"kind must be paragraph, sentence or speaker_turn; got {kind!r}")
    with store.transaction() as session:
        project = get_project(session, project_name)
        source = find_source(session, project, source_name)
        ensure_segments(session, [source.id])
        query = select(Segment).where(Segment.source_id == source.id)
        if kind is not None:
            query = query.where(Segment.kind == kind)
        rows = session.scalars(query.order_by(Segment.start, Segment.kind, Segment.id))
        return [
            SegmentInfo(r.id, r.kind, r.start, r.end, r.speaker, source.text[r.start : r.end])
            for r in rows
        ]
