"""Machine suggestions of framework codes for a project's uncoded segments.

Suggestions are codings with origin "machine", a calibrated confidence and status
"suggested"; they count for nothing until a person accepts them. Each run learns from the
project's decisions so far: accepted codings (a person's own or accepted suggestions) are added
to the training examples with extra weight, and a suggestion once rejected is never made again
for the same passage and code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from collabmap.analyse import Example, PassageClassifier, classifier, train
from collabmap.errors import InvalidInput
from collabmap.store._bulk import bulk_insert
from collabmap.store._engine import Store
from collabmap.store.models import Code, Coding, Segment, Source, utcnow
from collabmap.store.projects import get_coder, get_project, new_guid
from collabmap.store.segments import ensure_segments

__all__ = ["SuggestReport", "suggest"]

MACHINE = "collabmap"
"""The coder name machine suggestions are stored under."""
_TASK_OF_PREFIX = {"activity": "activity", "rationale": "rationale"}
_ACCEPTED_WEIGHT = 3.0
_BATCH = 2_000


@dataclass
class SuggestReport:
    """What a run did: segments read, suggestions made, and what it learnt from."""

    segments: int = 0
    suggested: int = 0
    learned_from: int = 0
    by_code: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "segments": self.segments,
            "suggested": self.suggested,
            "learned_from": self.learned_from,
            "by_code": self.by_code,
        }


def suggest(
    store: Store,
    project_name: str,
    *,
    unit: str = "sentence",
    tasks: tuple[str, ...] = ("activity", "rationale"),
    min_confidence: float = 0.5,
    progress: Callable[[int, int], None] | None = None,
) -> SuggestReport:
    """Suggest codes for every uncoded segment of ``unit`` in the project."""
    if unit not in ("sentence", "paragraph", "speaker_turn"):
        raise InvalidInput(f"unit must be sentence, paragraph or speaker_turn; got {unit!r}")
    if not 0 <= min_confidence <= 1:
        raise InvalidInput(f"min-confidence must be between 0 and 1; got {min_confidence}")
    for task in tasks:
        if task not in _TASK_OF_PREFIX:
            raise InvalidInput(f"suggestions cover activity and rationale codes; got {task!r}")
    report = SuggestReport()
    with store.transaction() as session:
        project = get_project(session, project_name)
        source_ids = list(session.scalars(select(Source.id).where(Source.project_id == project.id)))
        ensure_segments(session, source_ids)
        codes = {
            c.concept: c
            for c in session.scalars(select(Code).where(Code.project_id == project.id))
            if c.concept
        }
        texts = {
            row[0]: row[1]
            for row in session.execute(
                select(Source.id, Source.text).where(Source.project_id == project.id)
            )
        }
        codings = list(session.scalars(select(Coding).where(Coding.project_id == project.id)))
        concept_of = {c.id: c.concept for c in codes.values()}
        models: dict[str, PassageClassifier] = {}
        for task in tasks:
            extra = [
                Example(
                    texts[c.source_id][c.start : c.end],
                    (concept_of.get(c.code_id) or "").split(":", 1)[1],
                    _ACCEPTED_WEIGHT,
                )
                for c in codings
                if c.status == "accepted"
                and (concept_of.get(c.code_id) or "").startswith(f"{task}:")
            ]
            report.learned_from += len(extra)
            # nothing learnt yet: the shipped model (cached); else retrain with the team's codings
            models[task] = train(task, extra) if extra else classifier(task)
        covered: dict[int, list[tuple[int, int]]] = {}
        rejected: set[tuple[int, int, int]] = set()
        for c in codings:
            if c.status == "rejected":
                rejected.add((c.source_id, c.start, c.code_id))
            else:
                covered.setdefault(c.source_id, []).append((c.start, c.end))
        segments = [
            (sid, seg_id, start, end)
            for seg_id, sid, start, end in session.execute(
                select(Segment.id, Segment.source_id, Segment.start, Segment.end)
                .where(Segment.source_id.in_(source_ids), Segment.kind == unit)
                .order_by(Segment.source_id, Segment.start)
            )
            if not any(s < end and start < e for s, e in covered.get(sid, []))
        ]
        report.segments = len(segments)
        machine = get_coder(session, MACHINE, kind="machine")
        now = utcnow()
        rows = []
        for offset in range(0, len(segments), _BATCH):
            batch = segments[offset : offset + _BATCH]
            passages = [texts[sid][start:end] for sid, _, start, end in batch]
            best: list[tuple[float, str] | None] = [None] * len(batch)
            for task, model in models.items():
                for index, answer in enumerate(model.answer(passages, evidence=False)):
                    score = answer.scores[answer.label]
                    concept = f"{task}:{answer.label}"
                    if answer.label == "other" or concept not in codes or score < min_confidence:
                        continue
                    current = best[index]
                    if current is None or score > current[0]:
                        best[index] = (score, concept)
            for (sid, seg_id, start, end), choice in zip(batch, best, strict=True):
                if choice is None:
                    continue
                code = codes[choice[1]]
                if (sid, start, code.id) in rejected:
                    continue
                rows.append(
                    (
                        project.id,
                        new_guid(),
                        sid,
                        code.id,
                        seg_id,
                        start,
                        end,
                        machine.id,
                        "machine",
                        round(choice[0], 4),
                        "suggested",
                        now,
                    )
                )
                report.by_code[choice[1]] = report.by_code.get(choice[1], 0) + 1
            if progress is not None:
                progress(min(offset + _BATCH, len(segments)), len(segments))
        bulk_insert(
            session.connection(),
            Coding.__table__,  # type: ignore[arg-type]
            (
                "project_id",
                "guid",
                "source_id",
                "code_id",
                "segment_id",
                "start",
                "end",
                "coder_id",
                "origin",
                "confidence",
                "status",
                "created_at",
            ),
            rows,
        )
        report.suggested = len(rows)
    return report
