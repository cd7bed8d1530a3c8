"""Inter-coder agreement: published worked examples, hand-worked cases, and a property test.

Published values reproduced:
- Cohen's kappa, Wikipedia "Cohen's kappa" worked example: 50 proposals, Yes/Yes 20, Yes/No 5,
  No/Yes 10, No/No 15 → p_o = 0.7, p_e = 0.5, κ = 0.4.
- Krippendorff's alpha, Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability",
  example C (4 observers, 12 units, missing values, nominal) → α = 0.743.
"""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score  # type: ignore[import-untyped]

from collabmap.errors import InvalidInput, UnknownName
from collabmap.evidence.agreement import (
    CodedSpan,
    agreement_from_counts,
    machine_agreement,
    pairwise_agreement,
)
from collabmap.evidence.model import Segment

THREE_SEGMENTS = {"s": [(0, 10), (10, 20), (20, 30)]}


def span(code: str, coder: str, start: int, end: int, source: str = "s") -> CodedSpan:
    return CodedSpan(source=source, code=code, coder=coder, start=start, end=end)


def package_alpha(a: list[int], b: list[int]) -> float:
    """Nominal alpha of two coders' 0/1 decisions, straight from the reliability matrix."""
    return float(krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"))


# --- published worked examples ----------------------------------------------------------------


def test_wikipedia_kappa_example_gives_point_four_from_the_counts() -> None:
    result = agreement_from_counts(both=20, only_a=5, only_b=10, neither=15)
    assert result.units == 50
    assert result.percent_agreement == pytest.approx(0.7)
    assert result.cohen_kappa == pytest.approx(0.4)
    # p_e = 0.5 follows from κ = (p_o − p_e)/(1 − p_e) with p_o = 0.7 and κ = 0.4
    expected = (0.7 - 0.4) / (1 - 0.4)
    assert expected == pytest.approx(0.5)


def test_wikipedia_kappa_example_matches_sklearn_on_the_fifty_explicit_ratings() -> None:
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa_score(a, b) == pytest.approx(0.4)


def test_krippendorff_2011_nominal_example_gives_0_743_with_the_package_we_rely_on() -> None:
    nan = np.nan
    reliability_data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    alpha = krippendorff.alpha(reliability_data=reliability_data, level_of_measurement="nominal")
    assert round(float(alpha), 3) == 0.743


def test_alpha_from_counts_equals_the_package_on_the_reliability_matrix_and_value_counts() -> None:
    a = [1, 1, 0, 0, 1, 0, 0, 0, 1, 1]
    b = [1, 0, 0, 1, 1, 0, 0, 0, 0, 1]
    result = agreement_from_counts(both=3, only_a=2, only_b=1, neither=4)
    value_counts = [[2 - x - y, x + y] for x, y in zip(a, b, strict=True)]
    from_counts = krippendorff.alpha(value_counts=value_counts, level_of_measurement="nominal")
    assert result.krippendorff_alpha == pytest.approx(package_alpha(a, b))
    assert result.krippendorff_alpha == pytest.approx(float(from_counts))
    assert result.cohen_kappa == pytest.approx(cohen_kappa_score(a, b))


def test_segment_agreement_equals_a_direct_reliability_matrix_computation() -> None:
    segments = {"s": [(0, 10), (10, 20), (20, 30)], "t": [(0, 5), (5, 9)]}
    spans = [
        span("x", "ann", 0, 4),
        span("x", "ann", 21, 22),
        span("x", "ann", 6, 8, "t"),
        span("x", "bob", 2, 3),
        span("x", "bob", 12, 28),
        span("y", "ann", 0, 30),
        span("y", "bob", 10, 11),
        span("y", "bob", 0, 2, "t"),
    ]
    report = pairwise_agreement(spans, "ann", "bob", segments=segments)
    # units in sorted source order: s0 s1 s2 t0 t1
    direct = {"x": ([1, 0, 1, 0, 1], [1, 1, 1, 0, 0]), "y": ([1, 1, 1, 0, 0], [0, 1, 0, 1, 0])}
    for item in report.by_code:
        a, b = direct[str(item.code)]
        assert item.krippendorff_alpha == pytest.approx(package_alpha(a, b))
        assert item.cohen_kappa == pytest.approx(cohen_kappa_score(a, b))


# --- hand-worked cases ------------------------------------------------------------------------


def test_segment_is_coded_when_any_character_of_a_span_overlaps_it() -> None:
    # ann's span touches segments 0 (5 chars) and 1 (2 chars); bob's touches 1 (2) and 2 (10)
    spans = [span("x", "ann", 5, 12), span("x", "bob", 18, 30)]
    result = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS).by_code[0]
    assert (result.both, result.only_a, result.only_b, result.neither) == (1, 1, 1, 0)
    assert result.percent_agreement == pytest.approx(1 / 3)
    # p_e = (2/3)(2/3) + (1/3)(1/3) = 5/9, κ = (1/3 − 5/9)/(4/9) = −0.5
    assert result.cohen_kappa == pytest.approx(-0.5)
    # n = 6, n_yes = 4, n_no = 2, 2 disagreeing units: α = 1 − 5·2/(4·2) = −0.25
    assert result.krippendorff_alpha == pytest.approx(-0.25)
    assert result.krippendorff_alpha == pytest.approx(package_alpha([1, 1, 0], [0, 1, 1]))


def test_a_stricter_overlap_rule_drops_segments_that_are_only_grazed() -> None:
    spans = [span("x", "ann", 5, 12), span("x", "bob", 18, 30)]
    report = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS, min_chars=3)
    result = report.by_code[0]
    assert (result.both, result.only_a, result.only_b, result.neither) == (0, 1, 1, 1)
    assert (report.min_chars, report.min_fraction) == (3, 0.0)


def test_adjacent_spans_add_up_but_overlapping_spans_are_not_counted_twice() -> None:
    spans = [
        span("x", "ann", 0, 3),  # segment 0: 0–3 and 3–6 cover 6 of 10 characters
        span("x", "ann", 3, 6),
        span("x", "ann", 10, 13),  # segment 1: 10–13 and 11–14 cover 4, not 6
        span("x", "ann", 11, 14),
        span("x", "bob", 0, 30),
    ]
    report = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS, min_fraction=0.5)
    result = report.by_code[0]
    assert (result.both, result.only_a, result.only_b, result.neither) == (1, 0, 2, 0)


def test_a_segment_shorter_than_min_chars_counts_when_fully_covered() -> None:
    spans = [span("x", "ann", 0, 2), span("x", "bob", 5, 6)]
    report = pairwise_agreement(spans, "ann", "bob", segments={"s": [(0, 2), (2, 10)]}, min_chars=3)
    result = report.by_code[0]
    assert (result.both, result.only_a, result.only_b, result.neither) == (0, 1, 0, 1)


def test_segments_from_the_evidence_model_are_accepted() -> None:
    segments = {"s": [Segment("paragraph", 0, 10), Segment("paragraph", 10, 20)]}
    spans = [span("x", "ann", 0, 5), span("x", "bob", 1, 2)]
    result = pairwise_agreement(spans, "ann", "bob", segments=segments).by_code[0]
    assert (result.both, result.neither) == (1, 1)


def test_character_level_counts_every_character_of_every_source() -> None:
    spans = [span("x", "ann", 0, 6), span("x", "bob", 4, 10)]
    report = pairwise_agreement(spans, "ann", "bob", level="character", text_lengths={"s": 20})
    result = report.by_code[0]
    assert (result.both, result.only_a, result.only_b, result.neither) == (2, 4, 4, 10)
    assert result.percent_agreement == pytest.approx(0.6)
    # p_e = 0.3·0.3 + 0.7·0.7 = 0.58, κ = 0.02/0.42 = 1/21
    assert result.cohen_kappa == pytest.approx(1 / 21)
    # n = 40, n_yes = 12, n_no = 28, 8 disagreeing: α = 1 − 39·8/(12·28) = 1/14
    assert result.krippendorff_alpha == pytest.approx(1 / 14)
    assert report.units_per_code == 20 and report.min_chars is None


def test_uncoded_sources_count_as_agreement_that_the_code_is_absent() -> None:
    spans = [span("x", "ann", 0, 6), span("x", "bob", 4, 10)]
    lengths = {"s": 20, "empty": 30}
    result = pairwise_agreement(spans, "ann", "bob", level="character", text_lengths=lengths)
    assert result.by_code[0].neither == 40 and result.units_per_code == 50


def test_perfect_agreement_with_variation_gives_kappa_and_alpha_of_one() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 2, 4)]
    result = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS).by_code[0]
    assert (result.percent_agreement, result.cohen_kappa, result.krippendorff_alpha) == (1, 1, 1)


def test_unanimous_agreement_reports_kappa_and_alpha_as_undefined_with_reasons() -> None:
    spans = [span("x", "ann", 0, 30), span("x", "bob", 0, 30)]
    report = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS)
    result = report.by_code[0]
    assert result.percent_agreement == 1.0
    assert result.cohen_kappa is None and result.krippendorff_alpha is None
    assert (
        result.kappa_undefined is not None and "expected agreement is 1" in result.kappa_undefined
    )
    assert result.alpha_undefined is not None
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert '"cohen_kappa": null' in text
    assert report.mean.cohen_kappa is None and report.mean.kappa_left_out == ("x",)


def test_total_disagreement_gives_kappa_minus_one() -> None:
    segments = {"s": [(0, 10), (10, 20)]}
    spans = [span("x", "ann", 0, 5), span("x", "bob", 12, 15)]
    result = pairwise_agreement(spans, "ann", "bob", segments=segments).by_code[0]
    assert result.percent_agreement == 0.0
    assert result.cohen_kappa == pytest.approx(-1.0)
    assert result.krippendorff_alpha == pytest.approx(package_alpha([1, 0], [0, 1]))
    assert result.krippendorff_alpha == pytest.approx(-0.5)


def test_a_code_used_by_one_coder_only_gives_kappa_zero_and_a_negative_alpha() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 0, 5), span("y", "ann", 12, 25)]
    report = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS)
    result = {item.code: item for item in report.by_code}["y"]
    assert (result.both, result.only_a, result.only_b, result.neither) == (0, 2, 0, 1)
    # p_o = 1/3 = p_e (bob's "no" everywhere), so κ = 0
    assert result.cohen_kappa == pytest.approx(0.0)
    # n = 6, n_yes = 2, n_no = 4, 2 disagreeing units: α = 1 − 5·2/(2·4) = −0.25
    assert result.krippendorff_alpha == pytest.approx(-0.25)
    assert result.krippendorff_alpha == pytest.approx(package_alpha([0, 1, 1], [0, 0, 0]))


def test_a_requested_code_nobody_used_is_listed_apart_and_left_out_of_the_figures() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 0, 15), span("z", "cat", 0, 5)]
    report = pairwise_agreement(
        spans, "ann", "bob", segments=THREE_SEGMENTS, codes=["x", "z", "never"]
    )
    assert [item.code for item in report.by_code] == ["x"]
    assert report.unused_codes == ("z", "never")
    assert report.pooled.units == 3 and report.mean.codes == 1


def test_mean_weights_codes_equally_while_pooled_weights_every_decision() -> None:
    spans = [
        span("x", "ann", 0, 5),
        span("x", "bob", 0, 5),
        span("x", "bob", 25, 26),
        span("y", "ann", 10, 12),
        span("y", "bob", 21, 22),
    ]
    report = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS)
    x, y = report.by_code
    assert x.cohen_kappa is not None and y.cohen_kappa is not None
    assert report.mean.cohen_kappa == pytest.approx((x.cohen_kappa + y.cohen_kappa) / 2)
    a = [1, 0, 0, 0, 1, 0]  # code x on segments 0, 1, 2, then code y
    b = [1, 0, 1, 0, 0, 1]
    assert report.pooled.code is None and report.pooled.units == 6
    assert report.pooled.cohen_kappa == pytest.approx(cohen_kappa_score(a, b))
    assert report.pooled.krippendorff_alpha == pytest.approx(package_alpha(a, b))
    assert report.mean.krippendorff_alpha != pytest.approx(report.pooled.krippendorff_alpha)


def test_spans_of_other_coders_are_ignored() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 0, 5)]
    alone = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS)
    crowded = pairwise_agreement(
        [*spans, span("x", "cat", 10, 30)], "ann", "bob", segments=THREE_SEGMENTS
    )
    assert alone == crowded


def test_machine_agreement_is_pairwise_agreement_with_the_machine_as_coder_b() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "machine", 0, 15)]
    by_machine = machine_agreement(spans, "ann", segments=THREE_SEGMENTS)
    assert by_machine == pairwise_agreement(spans, "ann", "machine", segments=THREE_SEGMENTS)
    assert by_machine.coder_b == "machine"


def test_report_round_trips_through_strict_json() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 0, 15)]
    data = pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS).to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert set(data) >= {"by_code", "mean", "pooled", "unused_codes", "level"}


# --- refusals ---------------------------------------------------------------------------------


def test_an_absent_coder_is_refused_naming_the_coder_and_the_known_coders() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 0, 5)]
    with pytest.raises(UnknownName) as caught:
        pairwise_agreement(spans, "ann", "bobby", segments=THREE_SEGMENTS)
    assert isinstance(caught.value, InvalidInput)
    assert str(caught.value) == "unknown coder 'bobby'; known: ann, bob"


def test_comparing_a_coder_with_themselves_is_refused() -> None:
    with pytest.raises(InvalidInput, match="two different coders"):
        pairwise_agreement([span("x", "ann", 0, 5)], "ann", "ann", segments=THREE_SEGMENTS)


def test_a_span_past_the_end_of_its_text_is_refused() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 3, 25)]
    with pytest.raises(InvalidInput, match="after the end of source 's'"):
        pairwise_agreement(spans, "ann", "bob", level="character", text_lengths={"s": 20})


def test_a_span_on_a_source_without_segments_is_refused() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 0, 5, source="elsewhere")]
    with pytest.raises(InvalidInput, match="no segments given for source 'elsewhere'"):
        pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS)


def test_an_empty_or_reversed_span_is_refused() -> None:
    spans = [span("x", "ann", 5, 5), span("x", "bob", 0, 5)]
    with pytest.raises(InvalidInput, match="0 <= start < end"):
        pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS)


def test_a_missing_unit_definition_is_refused() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 0, 5)]
    with pytest.raises(InvalidInput, match="needs text_lengths"):
        pairwise_agreement(spans, "ann", "bob", level="character")
    with pytest.raises(InvalidInput, match="needs segments"):
        pairwise_agreement(spans, "ann", "bob")


def test_an_impossible_overlap_rule_is_refused() -> None:
    spans = [span("x", "ann", 0, 5), span("x", "bob", 0, 5)]
    with pytest.raises(InvalidInput, match="min_fraction"):
        pairwise_agreement(spans, "ann", "bob", segments=THREE_SEGMENTS, min_fraction=1.5)


# --- property: counts-based figures equal the libraries on explicit per-character arrays --------


@st.composite
def codings(draw: st.DrawFn) -> tuple[dict[str, int], list[CodedSpan]]:
    lengths = {f"s{i}": draw(st.integers(1, 25)) for i in range(draw(st.integers(1, 3)))}
    spans = [span("x", "ann", 0, 1, "s0"), span("x", "bob", 0, 1, "s0")]  # both coders exist
    for _ in range(draw(st.integers(0, 12))):
        source = draw(st.sampled_from(sorted(lengths)))
        start = draw(st.integers(0, lengths[source] - 1))
        end = draw(st.integers(start + 1, lengths[source]))
        coder, code = draw(st.sampled_from(["ann", "bob"])), draw(st.sampled_from(["x", "y"]))
        spans.append(span(code, coder, start, end, source))
    return lengths, spans


def explicit_masks(
    lengths: dict[str, int], spans: list[CodedSpan], coder: str, code: str
) -> dict[str, np.ndarray]:
    masks = {source: np.zeros(length, dtype=bool) for source, length in lengths.items()}
    for item in spans:
        if item.coder == coder and item.code == code:
            masks[item.source][item.start : item.end] = True
    return masks


@settings(max_examples=300, deadline=None)
@given(codings())
def test_character_level_figures_equal_sklearn_and_krippendorff_on_explicit_arrays(
    data: tuple[dict[str, int], list[CodedSpan]],
) -> None:
    lengths, spans = data
    report = pairwise_agreement(spans, "ann", "bob", level="character", text_lengths=lengths)
    for item in report.by_code:
        code = str(item.code)
        ann, bob = (explicit_masks(lengths, spans, c, code) for c in ("ann", "bob"))
        a = np.concatenate([ann[s] for s in sorted(lengths)]).astype(int)
        b = np.concatenate([bob[s] for s in sorted(lengths)]).astype(int)
        assert item.both == int((a & b).sum()) and item.neither == int(((1 - a) & (1 - b)).sum())
        assert item.percent_agreement == pytest.approx(float((a == b).mean()))
        if item.cohen_kappa is None:
            assert (a == b).all() and len(set(a.tolist())) == 1
        else:
            assert item.cohen_kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
        if item.krippendorff_alpha is None:
            assert len(set(a.tolist()) | set(b.tolist())) == 1
        else:
            assert item.krippendorff_alpha == pytest.approx(package_alpha(a.tolist(), b.tolist()))
            assert not math.isnan(item.krippendorff_alpha)


@settings(max_examples=200, deadline=None)
@given(codings(), st.integers(1, 4), st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_segment_level_flags_equal_explicit_coverage_of_each_segment(
    data: tuple[dict[str, int], list[CodedSpan]], min_chars: int, min_fraction: float
) -> None:
    lengths, spans = data
    # cut each source into segments of 4 characters (the last may be shorter)
    segments = {s: [(i, min(i + 4, n)) for i in range(0, n, 4)] for s, n in sorted(lengths.items())}
    report = pairwise_agreement(
        spans, "ann", "bob", segments=segments, min_chars=min_chars, min_fraction=min_fraction
    )
    for item in report.by_code:
        flags = []
        for coder in ("ann", "bob"):
            masks = explicit_masks(lengths, spans, coder, str(item.code))
            flags.append(
                [
                    int(masks[s][i:j].sum() >= max(min(min_chars, j - i), min_fraction * (j - i)))
                    for s in sorted(segments)
                    for i, j in segments[s]
                ]
            )
        a, b = np.array(flags[0]), np.array(flags[1])
        counts = (item.both, item.only_a, item.only_b, item.neither)
        assert counts == (
            int((a & b).sum()),
            int((a & (1 - b)).sum()),
            int(((1 - a) & b).sum()),
            int(((1 - a) & (1 - b)).sum()),
        )
