"""Which of the four collaborative structures a partnership has, with scores and reasons.

Expected fits are worked out by hand from the signal weights in the shipped framework.yaml:
a structure's fit is the weight of the signals met divided by the sum of its positive weights
(collaborative council 11; collaborative market, system connector, agent of change 10 each).
"""

from __future__ import annotations

from typing import Any

import pytest

from collabmap.classify import INSUFFICIENT, classify_structure
from collabmap.framework import Framework

from .conftest import ProfileFactory

STRUCTURES = {
    "collaborative_council",
    "collaborative_market",
    "system_connector",
    "agent_of_change",
    "other",
}


def _lead(sector: str, size: str | None = None) -> dict[str, Any]:
    lead: dict[str, Any] = {"organisation": "Lead organisation", "sector": sector}
    if size is not None:
        lead["size"] = size
    return lead


COUNCIL = {
    "lead": _lead("local_authority"),
    "lead_role": "reformer",
    "scope": "whole_place",
    "practices": ["internal_reform", "public_in_delivery"],
}  # council (2+2+3+1+1)/11
MARKET = {
    "lead": _lead("local_authority"),
    "lead_role": "commissioner",
    "scope": "service_system",
    "practices": ["alliance_contract", "relational_contract_management"],
}  # market (2+2+1+2+1)/10
CONNECTOR = {
    "lead": _lead("voluntary_sector", "small"),
    "lead_role": "administrator",
    "scope": "service_system",
    "practices": ["administrative_support", "data_and_reporting"],
}  # connector (1+3+1+2+1)/10
AGENT = {
    "lead": _lead("voluntary_sector"),
    "lead_role": "embedded_challenger",
    "scope": "targeted_group",
    "practices": ["embedded_teams", "lived_experience_involvement"],
}  # agent (2+2+1+2+1)/10
COUNCIL_WITH_ALLIANCE = {
    "lead": _lead("local_authority"),
    "lead_role": "reformer",
    "scope": "whole_place",
    "practices": [
        "internal_reform",
        "alliance_contract",
        "flexible_procurement",
        "relational_contract_management",
        "reduced_provider_competition",
    ],
}  # council (2+2+3+1)/11 = 0.727; market (2+2+1+1+1)/10 = 0.7
NOTHING_FITS = {
    "lead": _lead("voluntary_sector"),
    "lead_role": "peer_member",
    "scope": "single_project",
}  # agent 2/10; councils and markets pushed below zero and held at 0

ALL_CASES = [COUNCIL, MARKET, CONNECTOR, AGENT, COUNCIL_WITH_ALLIANCE, NOTHING_FITS]


@pytest.mark.parametrize(
    ("answers", "label", "fit"),
    [
        (COUNCIL, "collaborative_council", 0.818),
        (MARKET, "collaborative_market", 0.8),
        (CONNECTOR, "system_connector", 0.8),
        (AGENT, "agent_of_change", 0.8),
    ],
    ids=["council", "market", "connector", "agent"],
)
def test_each_structure_is_recognised_from_a_few_answers(
    make_profile: ProfileFactory,
    framework: Framework,
    answers: dict[str, Any],
    label: str,
    fit: float,
) -> None:
    result = classify_structure(make_profile(answers), framework)
    assert result.label == label
    assert result.scores[label] == pytest.approx(fit)
    assert result.hybrid is False
    assert result.reasons[0] == f"Best fit: {label.replace('_', ' ')} ({fit:.2f})."


def test_scores_follow_the_signal_weights_worked_out_by_hand(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = classify_structure(make_profile(MARKET), framework)
    assert result.scores == pytest.approx(
        {
            "collaborative_council": 0.182,  # local authority lead 2/11
            "collaborative_market": 0.8,
            "system_connector": 0.1,  # one service system 1/10
            "agent_of_change": 0.0,  # local authority lead -2, held at 0
            "other": 0.2,
        }
    )


@pytest.mark.parametrize("answers", ALL_CASES)
def test_scores_cover_every_structure_and_other_and_lie_between_zero_and_one(
    make_profile: ProfileFactory, framework: Framework, answers: dict[str, Any]
) -> None:
    result = classify_structure(make_profile(answers), framework)
    assert set(result.scores) == STRUCTURES
    assert {s.id for s in framework.structures} == STRUCTURES
    assert all(0.0 <= score <= 1.0 for score in result.scores.values())


@pytest.mark.parametrize("answers", ALL_CASES)
def test_other_score_is_one_minus_the_best_fit(
    make_profile: ProfileFactory, framework: Framework, answers: dict[str, Any]
) -> None:
    scores = classify_structure(make_profile(answers), framework).scores
    best = max(v for k, v in scores.items() if k != "other")
    assert scores["other"] == pytest.approx(1.0 - best, abs=1e-3)


def test_council_with_an_alliance_contract_is_a_hybrid_of_council_and_market(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    assert framework.classification.min_fit == 0.45
    assert framework.classification.hybrid_margin == 0.15
    result = classify_structure(make_profile(COUNCIL_WITH_ALLIANCE), framework)
    assert result.label == "collaborative_council"
    assert result.scores["collaborative_council"] == pytest.approx(0.727)
    assert result.scores["collaborative_market"] == pytest.approx(0.7)
    assert result.hybrid is True
    assert result.runner_up == "collaborative_market"
    assert any(
        r.startswith("Hybrid: collaborative market fits almost as well") for r in result.reasons
    )


def test_a_clear_council_with_a_distant_runner_up_is_not_a_hybrid(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = classify_structure(make_profile(COUNCIL), framework)
    assert result.hybrid is False
    assert result.runner_up is None
    assert not any(r.startswith("Hybrid") for r in result.reasons)


def test_a_runner_up_below_the_minimum_fit_never_makes_a_hybrid(
    make_profile: ProfileFactory, framework_data: dict[str, Any]
) -> None:
    framework_data["classification"]["hybrid_margin"] = 1.0
    adapted = Framework.model_validate(framework_data)
    result = classify_structure(make_profile(CONNECTOR, adapted), adapted)
    assert result.scores["agent_of_change"] == pytest.approx(0.2)
    assert result.hybrid is False


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"scope": "whole_place"}, ["the lead organisation's sector", "the lead's role"]),
        ({"lead_role": "reformer"}, ["the lead organisation's sector", "the scope of change"]),
        ({"lead": _lead("local_authority")}, ["the lead's role", "the scope of change"]),
        ({"practices": ["internal_reform", "civic_duty_deal"]}, ["the lead organisation's sector"]),
    ],
    ids=["scope-only", "role-only", "sector-only", "practices-only"],
)
def test_fewer_than_two_key_answers_gives_insufficient_information_naming_what_is_missing(
    make_profile: ProfileFactory, framework: Framework, given: dict[str, Any], missing: list[str]
) -> None:
    result = classify_structure(make_profile(given), framework)
    assert result.label == INSUFFICIENT == "insufficient_information"
    assert result.hybrid is False
    assert set(result.scores) == STRUCTURES
    assert result.reasons[0].startswith("Not enough information to place the partnership")
    for what in missing:
        assert what in result.reasons[0]


def test_insufficient_information_still_reports_provisional_scores(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = classify_structure(make_profile({"scope": "whole_place"}), framework)
    assert result.missing == ["lead_sector", "lead_role"]
    assert result.scores["collaborative_council"] == pytest.approx(0.273)  # 3/11
    assert "provisional" in result.reasons[0]


def test_two_key_answers_are_enough_but_the_missing_one_is_noted(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    answers = {"lead": _lead("local_authority"), "lead_role": "commissioner"}
    result = classify_structure(make_profile(answers), framework)
    assert result.label == "other"  # market 4/10 is below the minimum fit
    assert result.scores["collaborative_market"] == pytest.approx(0.4)
    assert "Not answered: the scope of change; the result is less certain." in result.reasons


def test_a_partnership_no_type_fits_well_is_labelled_other(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = classify_structure(make_profile(NOTHING_FITS), framework)
    assert result.label == "other"
    assert result.hybrid is False
    assert result.scores["agent_of_change"] == pytest.approx(0.2)
    assert result.scores["other"] == pytest.approx(0.8)
    assert result.reasons[0] == (
        "No structure fits well: the closest is agent of change at 0.20, "
        "below the framework's minimum fit of 0.45."
    )


def test_reasons_name_the_answers_that_pointed_to_each_structure(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    reasons = classify_structure(make_profile(COUNCIL), framework).reasons
    scope = next(r for r in reasons if r.startswith("The scope of change:"))
    assert "a whole council and place" in scope
    assert "points to collaborative council (+3)" in scope
    role = next(r for r in reasons if r.startswith("The lead's role:"))
    assert "leads a programme of change" in role
    practice = next(r for r in reasons if "reforming the lead's own ways of working" in r)
    assert practice.startswith("Practice:")
    assert "collaborative council (+1)" in practice


def test_a_voluntary_sector_lead_counts_against_collaborative_council(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    answers = {**COUNCIL, "lead": _lead("voluntary_sector")}
    result = classify_structure(make_profile(answers), framework)
    # (-4 + 2 + 3 + 1 + 1) / 11 instead of (2 + 2 + 3 + 1 + 1) / 11: below the minimum fit
    assert result.scores["collaborative_council"] == pytest.approx(0.273)
    assert result.label != "collaborative_council"
    sector = next(r for r in result.reasons if r.startswith("The lead organisation's sector:"))
    assert "counts against collaborative council (-4), collaborative market (-4)" in sector
    assert "points to agent of change (+2)" in sector


def test_negative_signals_never_push_a_score_below_zero(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    answers = {"lead": _lead("private_sector"), "lead_role": "peer_member"}
    result = classify_structure(make_profile(answers), framework)
    assert result.scores["collaborative_council"] == 0.0
    assert result.scores["collaborative_market"] == 0.0


def test_raising_the_minimum_fit_in_an_adapted_framework_turns_a_council_into_other(
    make_profile: ProfileFactory, framework: Framework, framework_data: dict[str, Any]
) -> None:
    assert classify_structure(make_profile(COUNCIL), framework).label == "collaborative_council"
    framework_data["classification"]["min_fit"] = 0.9
    adapted = Framework.model_validate(framework_data)
    result = classify_structure(make_profile(COUNCIL, adapted), adapted)
    assert result.label == "other"
    assert "minimum fit of 0.90" in result.reasons[0]


def test_reweighting_a_signal_in_an_adapted_framework_changes_the_best_fit(
    make_profile: ProfileFactory, framework_data: dict[str, Any]
) -> None:
    market = next(s for s in framework_data["structures"] if s["id"] == "collaborative_market")
    alliance = next(s for s in market["signals"] if s["any_of"] == ["alliance_contract"])
    alliance["weight"] = 6
    adapted = Framework.model_validate(framework_data)
    result = classify_structure(make_profile(COUNCIL_WITH_ALLIANCE, adapted), adapted)
    # market (2+6+1+1+1)/14 = 0.786 now beats council 8/11 = 0.727
    assert result.label == "collaborative_market"
    assert result.scores["collaborative_market"] == pytest.approx(0.786)
    assert any("collaborative market (+6)" in r for r in result.reasons)


def test_a_zero_hybrid_margin_in_an_adapted_framework_removes_the_hybrid(
    make_profile: ProfileFactory, framework_data: dict[str, Any]
) -> None:
    framework_data["classification"]["hybrid_margin"] = 0.0
    adapted = Framework.model_validate(framework_data)
    result = classify_structure(make_profile(COUNCIL_WITH_ALLIANCE, adapted), adapted)
    assert result.label == "collaborative_council"
    assert result.hybrid is False


def test_a_runner_up_exactly_at_the_hybrid_margin_makes_a_hybrid(
    make_profile: ProfileFactory, framework_data: dict[str, Any]
) -> None:
    framework_data["classification"]["hybrid_margin"] = 0.2
    adapted = Framework.model_validate(framework_data)
    answers = {
        "lead": _lead("local_authority", "small"),
        "lead_role": "commissioner",
        "scope": "service_system",
        "practices": [
            "alliance_contract",
            "flexible_procurement",
            "relational_contract_management",
            "administrative_support",
            "data_and_reporting",
            "contract_management_support",
            "formal_provider_network",
        ],
    }
    result = classify_structure(make_profile(answers, adapted), adapted)
    assert result.scores["collaborative_market"] == pytest.approx(0.9)
    assert result.scores["system_connector"] == pytest.approx(0.7)
    assert result.hybrid is True


def test_when_no_type_is_chosen_the_closest_one_is_named(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = classify_structure(make_profile({"lead": _lead("local_authority")}), framework)
    assert result.label == "insufficient_information"
    best = max((k for k in result.scores if k != "other"), key=lambda k: result.scores[k])
    assert result.runner_up == best == "collaborative_market"


def test_a_sector_reason_explains_itself_for_the_chosen_type(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    from collabmap.examples import load_example

    result = classify_structure(load_example("plymouth"), framework)
    sector = next(r for r in result.reasons if r.startswith("The lead organisation's sector:"))
    assert sector.endswith("(collaborative markets are led by a local authority).")
