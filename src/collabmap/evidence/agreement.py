"""Inter-coder agreement between two coders: percent agreement, Cohen's kappa, Krippendorff's alpha.

Pure computation, no database: callers hand in :class:`CodedSpan` records and get back frozen
records with ``to_dict()``. We do not copy QualCoder's kappa, which takes the expected
agreement as ``Pyes * Pno`` over coded characters only (its ``reports.py``, flagged there as
unconfirmed); every figure here follows the textbook definitions, tested on published examples.

Each code is judged separately, as a yes/no decision per unit ("did this coder apply code C to
this unit?"). The unit of analysis is chosen with ``level``:

``"segment"``
    Every segment of every source is a unit. A coder applied code C to a segment when that
    coder's spans with code C (merged, so two adjacent spans add up) cover at least
    ``min(min_chars, len(segment))`` characters of it **and** at least ``min_fraction`` of
    its length. The defaults (1 character, fraction 0) mean "any overlap at all".
``"character"``
    Every character of every source is a unit. Counts come from interval arithmetic on the
    merged spans (length of A, of B and of their union), so the cost grows with the number of
    spans, not characters: 1,000 sources × 40,000 characters never become 40 million items.

For two coders and a binary decision the four counts ``both``, ``only_a``, ``only_b`` and
``neither`` determine every statistic, so they are computed from the counts: kappa by
``sklearn.metrics.cohen_kappa_score`` with the four cells as sample weights, alpha by
Krippendorff's (2011) coincidence-matrix formula for nominal data. ``krippendorff.alpha`` is not
called here because its ``value_counts`` input needs one row per unit (a unit with mixed values
does not scale linearly), i.e. millions of rows at character level; the tests check that the
closed form equals ``krippendorff.alpha`` on explicit data.

Overall figures come two ways, named apart: ``mean`` (the unweighted mean over codes, each code
counting once) and ``pooled`` (all code × unit decisions in one 2 × 2 table, so frequent codes
weigh more). Machine versus person is the same computation with a coder named e.g. "machine";
choosing which codings count (say, only accepted suggestions) is the caller's job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from sklearn.metrics import cohen_kappa_score  # type: ignore[import-untyped]

from collabmap.errors import InvalidInput, UnknownName
from collabmap.evidence.model import Segment

__all__ = [
    "AgreementReport",
    "CodeAgreement",
    "CodedSpan",
    "Level",
    "MeanAgreement",
    "agreement_from_counts",
    "machine_agreement",
    "pairwise_agreement",
]

Level = Literal["segment", "character"]
_Ints = npt.NDArray[np.int64]

KAPPA_UNDEFINED = (
    "expected agreement is 1: both coders made the same single decision on every unit, "
    "so kappa is 0/0"
)
ALPHA_UNDEFINED = (
    "every decision has the same value, so there is no disagreement to expect and alpha is 0/0"
)
NO_UNITS = "there are no units to compare"


@dataclass(frozen=True, slots=True)
class CodedSpan:
    """One coder's application of one code to ``source[start:end]`` (code points, end exclusive)."""

    source: str
    code: str
    coder: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CodeAgreement:
    """Agreement on one code (or, with ``code=None``, on all code × unit decisions pooled).

    ``only_a`` counts units coded by coder A and not by coder B. A statistic that is undefined
    is ``None`` (never NaN, which JSON cannot carry) and the matching ``*_undefined`` says why.
    """

    code: str | None
    units: int
    both: int
    only_a: int
    only_b: int
    neither: int
    percent_agreement: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    kappa_undefined: str | None = None
    alpha_undefined: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class MeanAgreement:
    """The unweighted mean over codes of each statistic.

    Codes where a statistic is undefined are left out of that mean and named, so a reader can
    see that e.g. a kappa mean covers 18 of 20 codes.
    """

    codes: int
    percent_agreement: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    kappa_left_out: tuple[str, ...] = ()
    alpha_left_out: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kappa_left_out"] = list(self.kappa_left_out)
        data["alpha_left_out"] = list(self.alpha_left_out)
        return data


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement between ``coder_a`` and ``coder_b``: per code, mean over codes, and pooled.

    ``unused_codes`` lists requested codes that neither coder applied; they are left out of
    ``by_code``, ``mean`` and ``pooled`` because "both agreed not to use it" would only inflate
    agreement. ``min_chars`` and ``min_fraction`` are the overlap rule (segment level only).
    """

    level: Level
    coder_a: str
    coder_b: str
    units_per_code: int
    by_code: tuple[CodeAgreement, ...]
    mean: MeanAgreement
    pooled: CodeAgreement
    unused_codes: tuple[str, ...] = ()
    min_chars: int | None = None
    min_fraction: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "coder_a": self.coder_a,
            "coder_b": self.coder_b,
            "units_per_code": self.units_per_code,
            "min_chars": self.min_chars,
            "min_fraction": self.min_fraction,
            "by_code": [item.to_dict() for item in self.by_code],
            "mean": self.mean.to_dict(),
            "pooled": self.pooled.to_dict(),
            "unused_codes": list(self.unused_codes),
        }


def agreement_from_counts(
    both: int, only_a: int, only_b: int, neither: int, *, code: str | None = None
) -> CodeAgreement:
    """All three statistics from the 2 × 2 table of one yes/no decision by two coders.

    Alpha uses the coincidence matrix of Krippendorff (2011, "Computing Krippendorff's
    Alpha-Reliability"): with two coders and no missing values ``o_yy = 2·both``,
    ``o_nn = 2·neither``, ``o_yn = o_ny = only_a + only_b``, ``n = 2·units``, and nominal alpha
    is ``1 - (n - 1)·o_yn / (n_y·n_n)``.
    """
    counts = (both, only_a, only_b, neither)
    if any(count < 0 for count in counts):
        raise InvalidInput(f"agreement counts must not be negative, got {counts}")
    units = sum(counts)
    if units == 0:
        return CodeAgreement(code, 0, 0, 0, 0, 0, None, None, None, NO_UNITS, NO_UNITS)
    percent = (both + neither) / units
    # expected agreement == 1, tested in exact integers: (a_yes·b_yes + a_no·b_no) == units²
    expected_x_units2 = (both + only_a) * (both + only_b) + (only_b + neither) * (only_a + neither)
    kappa: float | None = None
    kappa_why: str | None = KAPPA_UNDEFINED
    if expected_x_units2 != units * units:
        kappa = float(
            cohen_kappa_score(
                [1, 1, 0, 0], [1, 0, 1, 0], labels=[0, 1], sample_weight=np.asarray(counts, float)
            )
        )
        kappa_why = None
    pairs, disagree = 2 * units, only_a + only_b
    yes_values, no_values = 2 * both + disagree, 2 * neither + disagree
    alpha: float | None = None
    alpha_why: str | None = ALPHA_UNDEFINED
    if yes_values > 0 and no_values > 0:
        alpha = 1.0 - (pairs - 1) * disagree / (yes_values * no_values)
        alpha_why = None
    return CodeAgreement(
        code, units, both, only_a, only_b, neither, percent, kappa, alpha, kappa_why, alpha_why
    )


def pairwise_agreement(
    spans: Iterable[CodedSpan],
    coder_a: str,
    coder_b: str,
    *,
    level: Level = "segment",
    segments: Mapping[str, Sequence[Segment | tuple[int, int]]] | None = None,
    text_lengths: Mapping[str, int] | None = None,
    codes: Sequence[str] | None = None,
    min_chars: int = 1,
    min_fraction: float = 0.0,
) -> AgreementReport:
    """Agreement of two coders on every code either of them used (or on ``codes``).

    ``level="segment"`` needs ``segments`` (source → its segments; every source listed counts,
    coded or not); ``level="character"`` needs ``text_lengths`` (source → length in code points).
    Spans by other coders are ignored. Raises :class:`~collabmap.errors.UnknownName` when a
    coder has no spans at all (a typo is far likelier than a coder who coded nothing), and
    :class:`~collabmap.errors.InvalidInput` for spans outside the given sources or texts.
    """
    all_spans = list(spans)
    known = sorted({span.coder for span in all_spans})
    if coder_a == coder_b:
        raise InvalidInput(f"agreement needs two different coders, got {coder_a!r} twice")
    for coder in (coder_a, coder_b):
        if coder not in known:
            raise UnknownName("coder", coder, known)
    mine = [span for span in all_spans if span.coder in (coder_a, coder_b)]
    used = sorted({span.code for span in mine})
    wanted = used if codes is None else list(dict.fromkeys(codes))
    unused = tuple(code for code in wanted if code not in used)
    measured = [code for code in wanted if code in used]
    mine = [span for span in mine if span.code in set(measured)]
    for span in mine:
        if not 0 <= span.start < span.end:
            raise InvalidInput(f"span needs 0 <= start < end: {span}")

    if level == "character":
        if text_lengths is None:
            raise InvalidInput('level="character" needs text_lengths (source → text length)')
        units, count = _character_counts(mine, text_lengths, coder_a, coder_b)
        rule_chars, rule_fraction = None, None
    elif level == "segment":
        if segments is None:
            raise InvalidInput('level="segment" needs segments (source → list of segments)')
        if min_chars < 1 or not 0.0 <= min_fraction <= 1.0:
            raise InvalidInput(
                f"overlap rule needs min_chars >= 1 and 0 <= min_fraction <= 1, "
                f"got {min_chars} and {min_fraction}"
            )
        units, count = _segment_counts(mine, segments, coder_a, coder_b, min_chars, min_fraction)
        rule_chars, rule_fraction = min_chars, min_fraction
    else:
        raise InvalidInput(f"level must be 'segment' or 'character', got {level!r}")

    by_code = tuple(agreement_from_counts(*count(code), code=code) for code in measured)
    pooled = agreement_from_counts(
        sum(item.both for item in by_code),
        sum(item.only_a for item in by_code),
        sum(item.only_b for item in by_code),
        sum(item.neither for item in by_code),
    )
    return AgreementReport(
        level,
        coder_a,
        coder_b,
        units,
        by_code,
        _mean(by_code),
        pooled,
        unused,
        rule_chars,
        rule_fraction,
    )


def machine_agreement(
    spans: Iterable[CodedSpan],
    person: str,
    *,
    machine: str = "machine",
    level: Level = "segment",
    segments: Mapping[str, Sequence[Segment | tuple[int, int]]] | None = None,
    text_lengths: Mapping[str, int] | None = None,
    codes: Sequence[str] | None = None,
    min_chars: int = 1,
    min_fraction: float = 0.0,
) -> AgreementReport:
    """Agreement of a person (coder A) with machine suggestions (coder B).

    Nothing is special-cased: this is :func:`pairwise_agreement` with the machine as a coder.
    Which machine codings to include (all suggestions, or only those still pending or accepted)
    is a question about the study, so the caller filters spans by status before calling.
    """
    return pairwise_agreement(
        spans,
        person,
        machine,
        level=level,
        segments=segments,
        text_lengths=text_lengths,
        codes=codes,
        min_chars=min_chars,
        min_fraction=min_fraction,
    )


# --- counting -------------------------------------------------------------------------------

_Counter = Callable[[str], tuple[int, int, int, int]]  # code → both, only_a, only_b, neither
_Index = dict[tuple[str, str], tuple[_Ints, _Ints]]  # (coder, code) → starts, ends on one line
_EMPTY: _Ints = np.zeros(0, dtype=np.int64)


def _index(spans: list[CodedSpan], offsets: Mapping[str, int]) -> _Index:
    """Spans grouped by coder and code, shifted so all sources lie end to end on one line."""
    grouped: dict[tuple[str, str], list[CodedSpan]] = {}
    for span in spans:
        grouped.setdefault((span.coder, span.code), []).append(span)
    index: _Index = {}
    for key, group in grouped.items():
        shift = np.fromiter((offsets[span.source] for span in group), np.int64, len(group))
        starts = np.fromiter((span.start for span in group), np.int64, len(group))
        ends = np.fromiter((span.end for span in group), np.int64, len(group))
        index[key] = (starts + shift, ends + shift)
    return index


def _lookup(index: _Index, coder: str, code: str) -> tuple[_Ints, _Ints]:
    return index.get((coder, code), (_EMPTY, _EMPTY))


def _character_counts(
    spans: list[CodedSpan], text_lengths: Mapping[str, int], coder_a: str, coder_b: str
) -> tuple[int, _Counter]:
    """Counts per code from |A|, |B| and |A ∪ B| in characters: no per-character arrays."""
    for source, length in text_lengths.items():
        if length < 0:
            raise InvalidInput(f"text length of source {source!r} is negative: {length}")
    for span in spans:
        if span.source not in text_lengths:
            raise InvalidInput(f"no text length given for source {span.source!r} (span {span})")
        if span.end > text_lengths[span.source]:
            raise InvalidInput(
                f"span ends after the end of source {span.source!r} "
                f"({text_lengths[span.source]} characters): {span}"
            )
    index = _index(spans, _offsets(text_lengths))
    total = sum(text_lengths.values())

    def count(code: str) -> tuple[int, int, int, int]:
        a_starts, a_ends = _lookup(index, coder_a, code)
        b_starts, b_ends = _lookup(index, coder_b, code)
        in_a, in_b = _union_length(a_starts, a_ends), _union_length(b_starts, b_ends)
        in_either = _union_length(np.append(a_starts, b_starts), np.append(a_ends, b_ends))
        both = in_a + in_b - in_either
        return both, in_a - both, in_b - both, total - in_either

    return total, count


def _merge(starts: _Ints, ends: _Ints) -> tuple[_Ints, _Ints]:
    """Union of intervals as sorted, disjoint intervals, so overlapping codings count once."""
    if starts.size == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    opens = np.ones(starts.size, dtype=bool)
    opens[1:] = starts[1:] > reach[:-1]
    first = np.flatnonzero(opens)
    last = np.append(first[1:] - 1, starts.size - 1)
    return starts[first], reach[last]


def _union_length(starts: _Ints, ends: _Ints) -> int:
    merged_starts, merged_ends = _merge(starts, ends)
    return int((merged_ends - merged_starts).sum())


def _offsets(extents: Mapping[str, int]) -> dict[str, int]:
    positions = np.concatenate(([0], np.cumsum(list(extents.values()), dtype=np.int64)))
    return {source: int(positions[i]) for i, source in enumerate(extents)}


def _covered_before(starts: _Ints, ends: _Ints, points: _Ints) -> _Ints:
    """Characters of the disjoint sorted intervals lying before each point."""
    if starts.size == 0:
        return np.zeros(points.shape, dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(ends - starts)))
    index = np.searchsorted(starts, points, side="right") - 1
    safe = np.maximum(index, 0)
    partial = np.minimum(points, ends[safe]) - starts[safe]
    return np.where(index >= 0, before[safe] + partial, 0)


def _segment_counts(
    spans: list[CodedSpan],
    segments: Mapping[str, Sequence[Segment | tuple[int, int]]],
    coder_a: str,
    coder_b: str,
    min_chars: int,
    min_fraction: float,
) -> tuple[int, _Counter]:
    """Counts per code over all segments, each segment judged by the overlap rule."""
    for span in spans:
        if span.source not in segments:
            raise InvalidInput(f"no segments given for source {span.source!r} (span {span})")
    bounds: dict[str, list[tuple[int, int]]] = {}
    for source in sorted(segments):
        pairs = [(s.start, s.end) if isinstance(s, Segment) else s for s in segments[source]]
        bad = [pair for pair in pairs if not 0 <= pair[0] < pair[1]]
        if bad:
            raise InvalidInput(f"segment of source {source!r} needs 0 <= start < end: {bad[0]}")
        bounds[source] = pairs
    extents = {
        source: max(end for _, end in pairs) if pairs else 0 for source, pairs in bounds.items()
    }
    for span in spans:
        extents[span.source] = max(extents[span.source], span.end)
    offsets = _offsets(extents)
    index = _index(spans, offsets)
    flat = [(offsets[src] + s, offsets[src] + e) for src, pairs in bounds.items() for s, e in pairs]
    seg_starts, seg_ends = np.array(flat, dtype=np.int64).reshape(-1, 2).T
    size = seg_ends - seg_starts
    needed = np.maximum(np.minimum(min_chars, size), min_fraction * size)

    def coded(coder: str, code: str) -> npt.NDArray[np.bool_]:
        starts, ends = _merge(*_lookup(index, coder, code))
        covered = _covered_before(starts, ends, seg_ends)
        covered -= _covered_before(starts, ends, seg_starts)
        result: npt.NDArray[np.bool_] = covered >= needed
        return result

    def count(code: str) -> tuple[int, int, int, int]:
        a, b = coded(coder_a, code), coded(coder_b, code)
        both = int(np.count_nonzero(a & b))
        only_a, only_b = int(np.count_nonzero(a)) - both, int(np.count_nonzero(b)) - both
        return both, only_a, only_b, size.size - both - only_a - only_b

    return int(size.size), count


def _mean(by_code: tuple[CodeAgreement, ...]) -> MeanAgreement:
    def average(values: list[float | None]) -> float | None:
        defined = [value for value in values if value is not None]
        return sum(defined) / len(defined) if defined else None

    return MeanAgreement(
        codes=len(by_code),
        percent_agreement=average([item.percent_agreement for item in by_code]),
        cohen_kappa=average([item.cohen_kappa for item in by_code]),
        krippendorff_alpha=average([item.krippendorff_alpha for item in by_code]),
        kappa_left_out=tuple(str(item.code) for item in by_code if item.cohen_kappa is None),
        alpha_left_out=tuple(str(item.code) for item in by_code if item.krippendorff_alpha is None),
    )
