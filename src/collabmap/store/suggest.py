"""Machine suggestions of framework codes for a project's uncoded segments.

Suggestions are codings with origin "machine", a calibrated confidence and status
"suggested"; they count for nothing until a person accepts them. Each run learns from the
project's decisions so far: accepted codings (a person's own or accepted suggestions) are added
to the training examples with extra weight, and a suggestion once rejected is never made again
for the same passage and code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from collabmap.analyse import CODES, Example, classifier, task_labels, train
from collabmap.errors import InvalidInput
from collabmap.evidence.model import SEGMENT_KINDS
from collabmap.store._bulk import bulk_insert
from collabmap.store._engine import Store
from collabmap.store.audit import record
from collabmap.store.models import Code, Coding, Project, Segment, Source, utcnow
from collabmap.store.projects import find_source, get_coder, get_project, new_guid
from collabmap.store.segments import ensure_segments

__all__ = ["SuggestReport", "suggest"]

MACHINE = "collabmap"
"""The coder name machine suggestions are stored under."""
_TASKS = ("activity", "rationale")
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
    sources: Sequence[str] | None = None,
    stage: Callable[[str], None] | None = None,
    actor: str | None = None,
) -> SuggestReport:
    """Suggest codes for every uncoded segment of ``unit`` in the project (or only in the
    named ``sources``; what the project's people decided is learnt from all of them).

    ``stage`` hears each step as it starts (``learning``, ``reading``, ``storing``), because
    learning from decisions retrains the codes model and takes half a minute or more. With ``actor``
    the run is written to the audit log with the suggestions it stored."""
    if unit not in SEGMENT_KINDS:
        raise InvalidInput(f"unit must be sentence, paragraph or speaker_turn; got {unit!r}")
    if not 0 <= min_confidence <= 1:
        raise InvalidInput(f"min-confidence must be between 0 and 1; got {min_confidence}")
    for task in tasks:
        if task not in _TASKS:
            raise InvalidInput(f"suggestions cover activity and rationale codes; got {task!r}")
    report = SuggestReport()
    # Three short steps, so a long run never holds the write lock: segment (write), read what
    # the project knows (read), classify with no session open, then store (write).
    with store.transaction() as session:
        project = get_project(session, project_name)
        project_id = project.id
        if sources is None:
            source_ids = list(
                session.scalars(select(Source.id).where(Source.project_id == project_id))
            )
        else:
            source_ids = [find_source(session, project, name).id for name in sources]
        ensure_segments(session, source_ids)
    with store.reading() as session:
        codes = {
            c.concept: c.id
            for c in session.scalars(select(Code).where(Code.project_id == project_id))
            if c.concept
        }
        texts = dict(
            session.execute(
                select(Source.id, Source.text).where(Source.project_id == project_id)
            ).all()
        )
        codings = _decisions(session, project_id)
        segments = list(
            session.execute(
                select(Segment.id, Segment.source_id, Segment.start, Segment.end)
                .where(Segment.source_id.in_(source_ids), Segment.kind == unit)
                .order_by(Segment.source_id, Segment.start)
            ).all()
        )
    concept_of = {code_id: concept for concept, code_id in codes.items()}
    if stage is not None:
        stage("learning")
    # one model scores every activity and rationale code against every other and against
    # "neither" (see analyse.CODES); accepted codings teach it the team's judgement
    known = set(task_labels(CODES))  # the co-creation rationales are not the model's labels
    extra = [
        Example(texts[source_id][start:end], concept, _ACCEPTED_WEIGHT)
        for source_id, code_id, start, end, status in codings
        if status == "accepted" and (concept := concept_of.get(code_id) or "") in known
    ]
    report.learned_from = len(extra)
    # nothing learnt yet: the shipped model (cached); else retrain with the team's codings
    model = train(CODES, extra) if extra else classifier(CODES)
    wanted = {
        str(label)
        for label in model.classes_
        if str(label).split(":", 1)[0] in tasks
        and not str(label).endswith(":other")  # "some other reason" is no code to suggest
        and str(label) in codes
    }
    uncoded = _uncoded(segments, codings)
    report.segments = len(uncoded)
    if stage is not None:
        stage("reading")
    chosen: list[tuple[int, int, int, int, int, float]] = []
    for offset in range(0, len(uncoded), _BATCH):
        batch = uncoded[offset : offset + _BATCH]
        passages = [texts[source_id][start:end] for _, source_id, start, end in batch]
        for (seg_id, source_id, start, end), answer in zip(
            batch, model.answer(passages, evidence=False), strict=True
        ):
            # only the model's own answer: a segment that reads as neither an activity nor a
            # rationale ("none"), or as a code not asked for, gets no suggestion
            score = answer.scores[answer.label]
            if answer.label in wanted and score >= min_confidence:
                chosen.append((seg_id, source_id, start, end, codes[answer.label], score))
        if progress is not None:
            progress(min(offset + _BATCH, len(uncoded)), len(uncoded))
    if stage is not None:
        stage("storing")
    with store.transaction() as session:
        # people may have coded or rejected passages while the model read: honour that
        latest = _decisions(session, project_id)
        still_uncoded = {seg[0] for seg in _uncoded([c[:4] for c in chosen], latest)}
        rejected = {
            (sid, start, code_id) for sid, code_id, start, _, st in latest if st == "rejected"
        }
        machine = get_coder(session, MACHINE, kind="machine")
        now = utcnow()
        rows = []
        for seg_id, source_id, start, end, code_id, score in chosen:
            if seg_id not in still_uncoded or (source_id, start, code_id) in rejected:
                continue
            rows.append(
                (
                    project_id,
                    new_guid(),
                    source_id,
                    code_id,
                    seg_id,
                    start,
                    end,
                    machine.id,
                    "machine",
                    round(score, 4),
                    "suggested",
                    now,
                )
            )
            concept = concept_of[code_id]
            report.by_code[concept] = report.by_code.get(concept, 0) + 1
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
        if actor is not None:
            record(
                session,
                actor,
                "suggestion.run",
                project=session.get(Project, project_id),
                target=", ".join(sources) if sources is not None else None,
                detail=report.to_dict(),
            )
    return report


def _decisions(session: Session, project_id: int) -> list[tuple[int, int, int, int, str]]:
    """Every coding of the project as (source, code, start, end, status)."""
    return [
        tuple(row)  # type: ignore[misc]
        for row in session.execute(
            select(Coding.source_id, Coding.code_id, Coding.start, Coding.end, Coding.status).where(
                Coding.project_id == project_id
            )
        )
    ]


def _uncoded(
    segments: Sequence[tuple[int, int, int, int]],
    codings: Sequence[tuple[int, int, int, int, str]],
) -> list[tuple[int, int, int, int]]:
    """The segments (id, source, start, end) that no coding overlaps, rejected ones aside."""
    covered: dict[int, list[tuple[int, int]]] = {}
    for source_id, _, start, end, status in codings:
        if status != "rejected":
            covered.setdefault(source_id, []).append((start, end))
    return [
        (seg_id, source_id, start, end)
        for seg_id, source_id, start, end in segments
        if not any(s < end and start < e for s, e in covered.get(source_id, []))
    ]
