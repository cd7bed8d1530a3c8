"""Crisp-set QCA: calibration, truth tables and the conservative solution.

The reference check is the published csQCA example of Rihoux & De Meur (2009), "Crisp-Set
Qualitative Comparative Analysis (csQCA)", ch. 3 of Rihoux & Ragin (eds.), *Configurational
Comparative Methods*, Sage: Lipset's (1959) survival of democracy in 18 inter-war European
countries. The book's own pages were not available here, so the data and the published
results are taken from the R ``QCA`` package (Adrian Dusa), which ships the data as ``LR``
(raw) and ``LC`` (crisp) and prints the results in its documentation:

* raw data: ``data/LR.tab.gz``; crisp data: ``data/LC.rda``; thresholds: ``man/Lipset.Rd``
  (github.com/dusadrian/QCA at commit fac8bc0e92e2d68a18c557ce0de07e9e4493cbdb; ``LC.rda`` has
  the same values in every stored version back to 2024);
* truth table and conservative solution: ``inst/staticdocs/truthTable.html`` and
  ``inst/staticdocs/minimize.html`` of QCA 3.23.8 (commit
  8bb00587e2560b5c99f4a6acba2b1ab9fcbbcf05), examples ``truthTable(LC, "SURV")``,
  ``minimize(ttLC, details = TRUE, show.cases = TRUE)`` — annotated "conservative solution
  (Rihoux & De Meur 2009, p.57)" — and ``minimize(truthTable(LC, "~SURV"))``.

R names the conditions DEV, URB, LIT, IND, STB and the outcome SURV (the book: GNPCAP,
URBANIZA, LITERACY, INDLAB, GOVSTAB, SURVIVAL).
"""

from __future__ import annotations

import json
import math
from itertools import product
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collabmap.compare.qca import (
    Condition,
    Solution,
    TruthTable,
    calibrate,
    catalogue,
    minimise,
    qca_for_partnerships,
    truth_table,
)
from collabmap.compare.qca._minimise import _minimal_covers, covers, prime_implicants
from collabmap.errors import InvalidInput, UnknownName
from collabmap.examples import load_example
from collabmap.profile import parse_profile
from tests.adapted import adapted, rename_sector

CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]

# R QCA data/LR.tab.gz: GNP per capita (USD), % urban, % literate, % industrial labour,
# number of cabinets, survival score (negative: democracy collapsed).
LR = {
    "AU": (720, 33.4, 98, 33.4, 10, -9),
    "BE": (1098, 60.5, 94.4, 48.9, 4, 10),
    "CZ": (586, 69, 95.9, 37.4, 6, 7),
    "EE": (468, 28.5, 95, 14, 6, -6),
    "FI": (590, 22, 99.1, 22, 9, 4),
    "FR": (983, 21.2, 96.2, 34.8, 5, 10),
    "DE": (795, 56.5, 98, 40.4, 11, -9),
    "GR": (390, 31.1, 59.2, 28.1, 10, -8),
    "HU": (424, 36.3, 85, 21.6, 13, -1),
    "IE": (662, 25, 95, 14.5, 5, 8),
    "IT": (517, 31.4, 72.1, 29.6, 9, -9),
    "NL": (1008, 78.8, 99.9, 39.3, 2, 10),
    "PL": (350, 37, 76.9, 11.2, 21, -6),
    "PT": (320, 15.3, 38, 23.1, 19, -9),
    "RO": (331, 21.9, 61.8, 12.2, 7, -4),
    "ES": (367, 43, 55.6, 25.5, 12, -8),
    "SE": (897, 34, 99.9, 32.3, 6, 10),
    "UK": (1038, 74, 99.9, 49.9, 4, 10),
}

# R QCA data/LC.rda, columns DEV URB LIT IND STB SURV.
LC_ROWS = {
    "AU": (1, 0, 1, 1, 0, 0),
    "BE": (1, 1, 1, 1, 1, 1),
    "CZ": (1, 1, 1, 1, 1, 1),
    "EE": (0, 0, 1, 0, 1, 0),
    "FI": (1, 0, 1, 0, 1, 1),
    "FR": (1, 0, 1, 1, 1, 1),
    "DE": (1, 1, 1, 1, 0, 0),
    "GR": (0, 0, 0, 0, 0, 0),
    "HU": (0, 0, 1, 0, 0, 0),
    "IE": (1, 0, 1, 0, 1, 1),
    "IT": (0, 0, 0, 0, 1, 0),
    "NL": (1, 1, 1, 1, 1, 1),
    "PL": (0, 0, 1, 0, 0, 0),
    "PT": (0, 0, 0, 0, 0, 0),
    "RO": (0, 0, 0, 0, 1, 0),
    "ES": (0, 0, 0, 0, 0, 0),
    "SE": (1, 0, 1, 1, 1, 1),
    "UK": (1, 1, 1, 1, 1, 1),
}
LC = {case: dict(zip([*CONDITIONS, "SURV"], row, strict=True)) for case, row in LC_ROWS.items()}


def _column(i: int) -> dict[str, float | None]:
    return {case: float(values[i]) for case, values in LR.items()}


def _lc_table(outcome: str = "SURV") -> TruthTable:
    data = {case: {**row, "NOT_SURV": 1 - row["SURV"]} for case, row in LC.items()}
    # R's default inclusion cut-off is 1; here every row is 0 or 1 consistent anyway.
    return truth_table(data, CONDITIONS, outcome, consistency_cutoff=1)


# --- the published example -------------------------------------------------------------------


def test_the_documented_thresholds_turn_the_raw_lipset_data_into_the_published_crisp_data() -> None:
    # man/Lipset.Rd: DEV 0 below 550 USD, else 1; URB 1 from 50 %; LIT 1 from 75 %;
    # IND 1 from 30 %; STB 1 below 10 cabinets; SURV 1 if the raw score is positive.
    calibrated = {
        "DEV": calibrate(_column(0), 550),
        "URB": calibrate(_column(1), 50),
        "LIT": calibrate(_column(2), 75),
        "IND": calibrate(_column(3), 30),
        "STB": calibrate(_column(4), 10, inclusive=False, reverse=True),
        "SURV": calibrate(_column(5), 0, inclusive=False),
    }
    for case, row in LC.items():
        assert {name: values[case] for name, values in calibrated.items()} == row, case


def test_the_lipset_truth_table_matches_the_one_r_qca_prints() -> None:
    table = _lc_table()
    # R: row number, configuration DEV URB LIT IND STB, OUT, n, incl (truthTable.html).
    published = [
        (1, (0, 0, 0, 0, 0), 0, 3, 0.0),
        (2, (0, 0, 0, 0, 1), 0, 2, 0.0),
        (5, (0, 0, 1, 0, 0), 0, 2, 0.0),
        (6, (0, 0, 1, 0, 1), 0, 1, 0.0),
        (22, (1, 0, 1, 0, 1), 1, 2, 1.0),
        (23, (1, 0, 1, 1, 0), 0, 1, 0.0),
        (24, (1, 0, 1, 1, 1), 1, 2, 1.0),
        (31, (1, 1, 1, 1, 0), 0, 1, 0.0),
        (32, (1, 1, 1, 1, 1), 1, 4, 1.0),
    ]
    assert [(r.number, r.configuration, r.code, r.n, r.consistency) for r in table.rows] == (
        published
    )
    assert table.remainders == 32 - 9
    assert table.n_cases == 18
    assert table.n_outcome == 8
    assert not table.excluded
    assert {r.number: set(r.cases) for r in table.rows if r.code == 1} == {
        22: {"FI", "IE"},
        24: {"FR", "SE"},
        32: {"BE", "CZ", "NL", "UK"},
    }


def test_the_conservative_lipset_solution_matches_rihoux_and_de_meur_as_printed_by_r_qca() -> None:
    solution = minimise(_lc_table())
    # minimize.html: M1: DEV*~URB*LIT*STB + DEV*LIT*IND*STB <=> SURV
    #   1  DEV*~URB*LIT*STB  inclS 1.000  covS 0.500  covU 0.250  FI,IE; FR,SE
    #   2  DEV*LIT*IND*STB   inclS 1.000  covS 0.750  covU 0.500  FR,SE; BE,CZ,NL,UK
    #      M1                inclS 1.000  covS 1.000
    assert solution.expression == "DEV*~URB*LIT*STB + DEV*LIT*IND*STB"
    first, second = solution.terms
    assert (first.consistency, first.raw_coverage, first.unique_coverage) == (1.0, 0.5, 0.25)
    assert (second.consistency, second.raw_coverage, second.unique_coverage) == (1.0, 0.75, 0.5)
    assert first.rows == (22, 24)
    assert set(first.cases) == {"FI", "IE", "FR", "SE"}
    assert second.rows == (24, 32)
    assert set(second.cases) == {"FR", "SE", "BE", "CZ", "NL", "UK"}
    assert (solution.consistency, solution.coverage) == (1.0, 1.0)
    assert solution.alternatives == ()


def test_the_conservative_solution_for_the_collapse_of_democracy_matches_r_qca() -> None:
    # minimize.html: M1: ~DEV*~URB*~IND + DEV*LIT*IND*~STB <=> ~SURV
    solution = minimise(_lc_table("NOT_SURV"))
    assert solution.expression == "~DEV*~URB*~IND + DEV*LIT*IND*~STB"
    assert (solution.consistency, solution.coverage) == (1.0, 1.0)


# --- a hand-worked example with a contradiction, a cutoff and a rare row ---------------------

# Conditions A, B, C; outcome Y. Per configuration ABC: cases, of which with Y.
HAND = {"110": (4, 4), "111": (5, 4), "011": (2, 2), "001": (3, 1), "000": (2, 0), "100": (1, 1)}


def _hand_cases() -> dict[str, dict[str, int]]:
    cases = {}
    for config, (n, with_y) in HAND.items():
        for i in range(n):
            a, b, c = (int(ch) for ch in config)
            cases[f"{config}-{i}"] = {"A": a, "B": b, "C": c, "Y": int(i < with_y)}
    return cases


def test_rows_are_coded_by_consistency_frequency_and_contradiction_as_documented() -> None:
    table = truth_table(_hand_cases(), ["A", "B", "C"], "Y", frequency_cutoff=2)
    coded = {
        r.expression: (r.number, r.n, r.n_outcome, r.code, r.contradictory) for r in table.rows
    }
    assert coded == {
        "~A*~B*~C": (1, 2, 0, 0, False),  # consistency 0/2 = 0
        "~A*~B*C": (2, 3, 1, "C", True),  # 1/3 ≈ 0.33: some with Y, below the 0.8 cutoff
        "~A*B*C": (4, 2, 2, 1, False),  # 2/2 = 1
        "A*~B*~C": (5, 1, 1, 0, False),  # 1/1, but 1 case < frequency cutoff 2
        "A*B*~C": (7, 4, 4, 1, False),  # 4/4 = 1
        "A*B*C": (8, 5, 4, 1, True),  # 4/5 = 0.8 ≥ 0.8: coded 1, still flagged as mixed
    }
    assert table.remainders == 2  # ~A*B*~C and A*~B*C were never observed
    assert any("contradictory" in note for note in table.notes)
    assert any("fewer than 2" in note for note in table.notes)


def test_the_hand_worked_solution_has_the_hand_computed_consistency_and_coverage() -> None:
    solution = minimise(truth_table(_hand_cases(), ["A", "B", "C"], "Y", frequency_cutoff=2))
    # Positive rows 110, 111, 011: 110+111 → A*B, 111+011 → B*C; both essential.
    assert solution.expression == "A*B + B*C"
    ab, bc = solution.terms
    # |Y| = 4 + 4 + 2 + 1 + 0 + 1 = 12 cases with the outcome.
    # A*B: X = rows 110 and 111 = 9 cases, X∩Y = 4 + 4 = 8 → 8/9; 8/12; only A*B covers 110: 4/12.
    assert ab.consistency == pytest.approx(8 / 9)
    assert ab.raw_coverage == pytest.approx(8 / 12)
    assert ab.unique_coverage == pytest.approx(4 / 12)
    # B*C: X = rows 111 and 011 = 7 cases, X∩Y = 4 + 2 = 6 → 6/7; 6/12; only B*C covers 011: 2/12.
    assert bc.consistency == pytest.approx(6 / 7)
    assert bc.raw_coverage == pytest.approx(6 / 12)
    assert bc.unique_coverage == pytest.approx(2 / 12)
    # Solution: rows 110, 111, 011 = 11 cases, 10 with Y → 10/11; coverage 10/12.
    assert solution.consistency == pytest.approx(10 / 11)
    assert solution.coverage == pytest.approx(10 / 12)
    assert any("not perfectly consistent" in note for note in solution.notes)


# The cyclic function Σ(0, 1, 2, 5, 6, 7): six prime implicants, two minimal covers of three.
CYCLIC: list[tuple[int, ...]] = [(0, 0, 0), (0, 0, 1), (0, 1, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1)]


def test_two_equally_short_models_are_both_reported() -> None:
    cases = {
        "".join(map(str, bits)): {"A": bits[0], "B": bits[1], "C": bits[2], "Y": 1}
        for bits in CYCLIC
    } | {"100": {"A": 1, "B": 0, "C": 0, "Y": 0}, "011": {"A": 0, "B": 1, "C": 1, "Y": 0}}
    solution = minimise(truth_table(cases, ["A", "B", "C"], "Y"))
    assert len(solution.terms) == 3
    assert len(solution.alternatives) == 1
    assert len(solution.prime_implicants) == 6
    # Terms and models are ordered by the documented convention: a condition before its
    # negation, earlier conditions first.
    assert solution.expression == "A*B + ~A*~C + ~B*C"
    assert solution.alternatives == ("A*C + ~A*~B + B*~C",)
    assert any("alternatives" in note for note in solution.notes)


def test_a_prime_implicant_chart_too_large_to_search_falls_back_to_a_valid_greedy_cover() -> None:
    models, exact = _minimal_covers(prime_implicants(CYCLIC), CYCLIC, budget=1)
    assert not exact
    (model,) = models
    assert all(any(covers(p, m) for p in model) for m in CYCLIC)


# --- unusual data: sensible results, never an exception --------------------------------------


def test_a_table_where_no_case_shows_the_outcome_gives_an_empty_solution_with_a_note() -> None:
    cases = {"a": {"X": 1, "Y": 0}, "b": {"X": 0, "Y": 0}}
    solution = minimise(truth_table(cases, ["X"], "Y"))
    assert (solution.expression, solution.terms) == ("", ())
    assert solution.consistency is None
    assert solution.coverage is None
    assert any("No case shows Y" in note for note in solution.notes)


def test_a_single_case_is_restated_and_the_note_says_it_cannot_be_compared() -> None:
    table = truth_table({"only": {"X": 1, "Z": 0, "Y": 1}}, ["X", "Z"], "Y")
    solution = minimise(table)
    assert solution.expression == "X*~Z"
    assert (solution.consistency, solution.coverage) == (1.0, 1.0)
    assert any("Only one case" in note for note in table.notes)
    assert any("only restates it" in note for note in solution.notes)


def test_identical_cases_with_mixed_outcomes_form_one_contradictory_row_and_no_solution() -> None:
    cases = {name: {"X": 1, "Y": int(name == "a")} for name in "abc"}
    table = truth_table(cases, ["X"], "Y")
    (row,) = table.rows
    assert row.code == "C"
    assert row.consistency == pytest.approx(1 / 3)
    assert any("same configuration" in note for note in table.notes)
    solution = minimise(table)
    assert solution.expression == ""
    assert solution.coverage == 0.0  # one case with Y, none covered
    assert any("No row is coded 1" in note for note in solution.notes)


def test_an_outcome_that_follows_every_configuration_needs_no_condition() -> None:
    cases = {"a": {"X": 1, "Y": 1}, "b": {"X": 0, "Y": 1}}
    solution = minimise(truth_table(cases, ["X"], "Y"))
    assert solution.expression == "1"
    assert any("no condition is needed" in note for note in solution.notes)


def test_an_empty_set_of_cases_gives_an_empty_table_and_solution() -> None:
    table = truth_table({}, ["X"], "Y")
    assert (table.rows, table.remainders) == ((), 2)
    assert minimise(table).expression == ""


# --- missing and invalid values ---------------------------------------------------------------


def test_calibration_keeps_missing_values_missing_and_the_table_lists_those_cases() -> None:
    gdp = calibrate({"a": 900.0, "b": None, "c": math.nan, "d": 550.0}, 550)
    assert gdp == {"a": 1, "b": None, "c": None, "d": 1}
    cases = {case: {"RICH": value, "Y": 1} for case, value in gdp.items()}
    del cases["d"]["Y"]
    table = truth_table(cases, ["RICH"], "Y")
    assert [(e.case, e.reason) for e in table.excluded] == [
        ("b", "no value for RICH"),
        ("c", "no value for RICH"),
        ("d", "no value for Y"),
    ]
    assert table.n_cases == 1
    assert any("3 case(s) left out" in note for note in table.notes)


def test_calibration_thresholds_can_be_strict_or_reversed() -> None:
    values: dict[str, float | None] = {"low": 9.0, "at": 10.0, "high": 11.0}
    assert calibrate(values, 10) == {"low": 0, "at": 1, "high": 1}
    assert calibrate(values, 10, inclusive=False) == {"low": 0, "at": 0, "high": 1}
    assert calibrate(values, 10, reverse=True) == {"low": 1, "at": 1, "high": 0}
    assert calibrate(values, 10, inclusive=False, reverse=True) == {"low": 1, "at": 0, "high": 0}


def test_calibrating_text_is_refused_with_the_case_named() -> None:
    with pytest.raises(InvalidInput, match="case 'x': 'lots' is not a number"):
        calibrate({"x": "lots"}, 1)  # type: ignore[dict-item]


def test_numpy_zeros_and_ones_are_crisp_values() -> None:
    cases: dict[str, dict[str, Any]] = {"x": {"A": np.int64(1), "Y": np.float64(1.0)}}
    table = truth_table(cases, ["A"], "Y")
    assert [r.configuration for r in table.rows] == [(1,)]


def test_numpy_and_pandas_nans_are_missing_values_not_zeros() -> None:
    values: dict[str, Any] = {"f32": np.float32("nan"), "f64": np.float64("nan"), "ok": 0.7}
    assert calibrate(values, 0.5) == {"f32": None, "f64": None, "ok": 1}
    cases: dict[str, dict[str, Any]] = {
        "f32": {"A": np.float32("nan"), "Y": 1},
        "ok": {"A": 1, "Y": 1},
    }
    assert [e.case for e in truth_table(cases, ["A"], "Y").excluded] == ["f32"]


def test_numpy_booleans_are_crisp_values() -> None:
    cases: dict[str, dict[str, Any]] = {
        "x": {"A": np.True_, "Y": np.True_},
        "y": {"A": np.False_, "Y": np.False_},
    }
    table = truth_table(cases, ["A"], "Y")
    assert [(r.configuration, r.cases_with_outcome) for r in table.rows] == [
        ((0,), ()),
        ((1,), ("x",)),
    ]


def test_uncalibrated_values_in_a_truth_table_are_refused() -> None:
    with pytest.raises(InvalidInput, match="crisp sets take only 0 or 1"):
        truth_table({"x": {"A": 0.7, "Y": 1}}, ["A"], "Y")  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("conditions", "outcome", "options", "message"),
    [
        ([], "Y", {}, "at least one condition"),
        (["A", "A"], "Y", {}, "repeated"),
        (["A", "a"], "Y", {}, "ignoring case"),
        (["A", "Y"], "Y", {}, "cannot also be a condition"),
        (["A"], "Y", {"consistency_cutoff": 0}, "consistency_cutoff"),
        (["A"], "Y", {"frequency_cutoff": 0}, "frequency_cutoff"),
    ],
)
def test_impossible_truth_table_requests_are_refused(
    conditions: list[str], outcome: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        truth_table({"x": {"A": 1, "Y": 1}}, conditions, outcome, **options)


# --- properties -----------------------------------------------------------------------------


@st.composite
def crisp_data(draw: st.DrawFn) -> tuple[dict[str, dict[str, int]], list[str]]:
    k = draw(st.integers(1, 4))
    names = [f"C{i}" for i in range(k)]
    n = draw(st.integers(0, 16))
    rows = draw(
        st.lists(
            st.lists(st.integers(0, 1), min_size=k + 1, max_size=k + 1), min_size=n, max_size=n
        )
    )
    return {
        f"case{i}": dict(zip([*names, "Y"], row, strict=True)) for i, row in enumerate(rows)
    }, names


@settings(max_examples=300, deadline=None)
@given(crisp_data(), st.sampled_from([0.5, 0.75, 0.8, 1.0]), st.integers(1, 3))
def test_the_solution_covers_exactly_the_positive_rows_with_prime_terms_and_sane_fit(
    data: tuple[dict[str, dict[str, int]], list[str]], cutoff: float, frequency: int
) -> None:
    cases, names = data
    table = truth_table(cases, names, "Y", consistency_cutoff=cutoff, frequency_cutoff=frequency)
    solution = minimise(table)
    implicants = [term.implicant for term in solution.terms]
    positive = {r.configuration for r in table.rows if r.code == 1}
    for config in product((0, 1), repeat=len(names)):
        # Conservative: the solution is true on the positive rows and nowhere else — neither
        # on negative or contradictory rows nor on remainders.
        assert any(covers(p, config) for p in implicants) == (config in positive)
    for implicant in implicants:
        for i, value in enumerate(implicant):
            if value is not None:  # dropping any literal reaches beyond the positive rows
                wider = (*implicant[:i], None, *implicant[i + 1 :])
                assert any(
                    covers(wider, c) and c not in positive
                    for c in product((0, 1), repeat=len(names))
                )
    fits = [solution.consistency, solution.coverage]
    fits += [v for t in solution.terms for v in (t.consistency, t.raw_coverage, t.unique_coverage)]
    assert all(v is None or 0 <= v <= 1 for v in fits)
    assert sum(r.n for r in table.rows) + len(table.excluded) == len(cases)
    json.dumps(solution.to_dict())


# --- partnerships: the catalogue and the shipped reference profiles --------------------------

EXAMPLES = ["golden-key", "oldham", "plymouth", "wigan", "wirral"]


def test_the_catalogue_offers_every_documented_condition_with_a_readable_rule() -> None:
    known = catalogue()
    for name in [
        "council_led",
        "whole_place",
        "co_creation_present",
        "co_design_present",
        "self_help_present",
        "self_organization_present",
        "rhetoric_mismatch",
        "transfers_present",
        "accountability_gaps",
        "justified_rationale",
        "structure_collaborative_council",
        "structure_agent_of_change",
        "practice_alliance_contract",
    ]:
        assert name in known
    for condition in known.values():
        assert condition.label
        assert condition.rule.startswith("1 if ")
        assert condition.to_dict() == {
            "id": condition.id,
            "label": condition.label,
            "rule": condition.rule,
        }


def test_the_catalogue_offers_a_condition_for_every_lead_sector_and_scope() -> None:
    known = catalogue()
    voluntary = known["lead_sector_voluntary_sector"]
    assert voluntary.label == "Lead sector: Voluntary sector"
    assert voluntary.rule.startswith("1 if the lead organisation's sector is voluntary sector")
    assert known["scope_targeted_group"].rule.startswith(
        "1 if the scope of change sought is a particular group of people"
    )
    # the names users know are the same conditions under shorter names
    assert known["council_led"].rule == known["lead_sector_local_authority"].rule
    assert known["whole_place"].rule == known["scope_whole_place"].rule
    memberships = qca_for_partnerships(
        {name: load_example(name) for name in EXAMPLES},
        ["council_led", "lead_sector_voluntary_sector", "scope_targeted_group"],
        "lead_sector_local_authority",
    ).memberships
    assert memberships["golden-key"] == {
        "council_led": 0,
        "lead_sector_voluntary_sector": 1,
        "scope_targeted_group": 1,
        "lead_sector_local_authority": 0,
    }


def test_an_adapted_framework_gets_conditions_for_its_own_sectors_and_no_stale_aliases() -> None:
    fw = adapted(rename_sector("local_authority", "principal_council", "Principal council"))
    profile = parse_profile(
        {"name": "Riverside", "lead": {"organisation": "Riverside", "sector": "principal_council"}},
        framework=fw,
    )
    known = catalogue(fw)
    assert "council_led" not in known
    assert known["lead_sector_principal_council"].rule.startswith(
        "1 if the lead organisation's sector is principal council"
    )
    assert "local authority" not in " ".join(c.rule for c in known.values())
    result = qca_for_partnerships(
        {"riverside": profile},
        ["lead_sector_principal_council"],
        "co_creation_present",
        framework=fw,
    )
    assert result.memberships["riverside"]["lead_sector_principal_council"] == 1
    with pytest.raises(UnknownName, match="unknown QCA condition 'council_led'"):
        qca_for_partnerships(
            {"riverside": profile}, ["council_led"], "co_creation_present", framework=fw
        )


def test_the_reference_partnerships_calibrate_to_their_documented_memberships() -> None:
    profiles = {name: load_example(name) for name in EXAMPLES}
    names = ["council_led", "whole_place", "transfers_present", "rhetoric_mismatch"]
    names += ["accountability_gaps", "justified_rationale", "structure_collaborative_council"]
    # Golden Key is led by a voluntary organisation for a targeted group and only co-designs;
    # Oldham and Wigan hand over assets (and money), and some of what they call co-production
    # is not co-creation; Plymouth's service users are only consulted.
    expected = {
        "golden-key": [0, 0, 0, 0, 0, 1, 0, 1],
        "oldham": [1, 1, 1, 1, 1, 1, 1, 1],
        "plymouth": [1, 0, 0, 0, 0, 0, 0, 0],
        "wigan": [1, 1, 1, 1, 1, 1, 1, 0],
        "wirral": [1, 1, 0, 0, 0, 1, 1, 1],
    }
    result = qca_for_partnerships(profiles, names, "co_creation_present")
    for case, values in expected.items():
        assert result.memberships[case] == dict(
            zip([*names, "co_creation_present"], values, strict=True)
        ), case


def test_co_creation_by_council_lead_and_transfers_in_the_reference_partnerships() -> None:
    profiles = {name: load_example(name) for name in EXAMPLES}
    result = qca_for_partnerships(
        profiles, ["council_led", "transfers_present"], "co_creation_present"
    )
    rows = [(r.expression, r.cases, r.cases_with_outcome, r.code) for r in result.table.rows]
    assert rows == [
        ("~COUNCIL_LED*~TRANSFERS_PRESENT", ("golden-key",), ("golden-key",), 1),
        ("COUNCIL_LED*~TRANSFERS_PRESENT", ("plymouth", "wirral"), ("wirral",), "C"),
        ("COUNCIL_LED*TRANSFERS_PRESENT", ("oldham", "wigan"), ("oldham",), "C"),
    ]
    assert result.table.remainders == 1  # a non-council lead that hands something over
    # Only Golden Key's row is consistent: it covers 1 of the 3 cases with co-creation.
    assert result.solution.expression == "~COUNCIL_LED*~TRANSFERS_PRESENT"
    assert result.solution.consistency == 1.0
    assert result.solution.coverage == pytest.approx(1 / 3)
    json.dumps(result.to_dict())


def test_a_partnership_whose_lead_is_not_recorded_is_excluded_with_the_rule_it_failed() -> None:
    profiles = {
        "thin": parse_profile({"name": "Thin"}),
        "oldham": load_example("oldham"),
    }
    result = qca_for_partnerships(profiles, ["council_led"], "co_creation_present")
    (excluded,) = result.table.excluded
    assert excluded.case == "thin"
    assert excluded.reason.startswith("cannot tell council_led (1 if the lead organisation's")
    assert result.memberships["thin"]["council_led"] is None
    assert [r.cases for r in result.table.rows] == [("oldham",)]


def test_an_undecided_structure_is_missing_rather_than_absent() -> None:
    thin = parse_profile({"name": "Thin"})
    result = qca_for_partnerships({"thin": thin}, ["structure_other"], "co_creation_present")
    assert result.memberships["thin"]["structure_other"] is None


def test_custom_conditions_can_sit_beside_the_catalogue() -> None:
    many = Condition(
        "many_activities",
        "Three or more activities",
        "1 if the profile lists three or more activities, 0 otherwise.",
        lambda profile, _: len(profile.activities) >= 3,
    )
    profiles = {name: load_example(name) for name in EXAMPLES}
    result = qca_for_partnerships(profiles, [many, "council_led"], "accountability_gaps")
    assert result.solution.expression == "MANY_ACTIVITIES*COUNCIL_LED"
    assert isinstance(result.solution, Solution)


def test_an_unknown_condition_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownName, match="unknown QCA condition 'council_lead'"):
        qca_for_partnerships({}, ["council_lead"], "co_creation_present")


def test_an_unknown_condition_like_none_says_where_the_conditions_are_listed() -> None:
    with pytest.raises(UnknownName) as caught:
        qca_for_partnerships({}, ["council_led"], "happiness")
    message = str(caught.value)
    assert message.startswith("unknown QCA condition 'happiness'; none of the ")
    assert message.endswith(" known is close; docs/compare-and-report.md (QCA) lists them")
