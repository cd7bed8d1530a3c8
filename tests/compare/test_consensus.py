"""Consensus and conflict between respondents who assessed the same partnership separately."""

from __future__ import annotations

import json
from typing import Any

import pytest

from collabmap.compare.consensus import consensus, flatten
from collabmap.examples import load_example
from collabmap.profile import Profile, parse_profile

_PATH = "activities[Park redesign].phases.design.citizens"


def _respondent(citizens: str, *, activity: str = "Park redesign", **answers: Any) -> Profile:
    """One respondent's view of the same partnership and its one activity."""
    data: dict[str, Any] = {
        "name": "Riverside Partnership",
        "lead": {"organisation": "Riverside Council", "sector": "local_authority"},
        "lead_role": "reformer",
        "scope": "whole_place",
        "practices": ["internal_reform", "public_in_delivery"],
        "activities": [
            {
                "name": activity,
                "participants": ["residents"],
                "level": "group",
                "phases": {"design": {"professionals": "active", "citizens": citizens}},
            }
        ],
    }
    data.update(answers)
    return parse_profile(data)


def test_one_differing_citizens_role_is_exactly_one_disagreement_with_different_categories() -> (
    None
):
    report = consensus(
        {"Council": _respondent("active"), "Friends of the Park": _respondent("consulted")}
    )
    assert [q.path for q in report.disagreements] == [_PATH]
    question = report.disagreements[0]
    assert question.answers == {"Council": "active", "Friends of the Park": "consulted"}
    assert question.agreement == 0.5
    implied = {i.respondent: i.activities["Park redesign"] for i in report.implied}
    assert implied == {"Council": "co_design", "Friends of the Park": "consultation_only"}
    assert report.activities[0].disagreement is True
    assert report.structure_disagreement is False


def test_a_missing_answer_is_shown_as_missing_not_as_disagreement() -> None:
    report = consensus(
        {"Council": _respondent("active"), "Group": _respondent("active", scope=None)}
    )
    scope = next(q for q in report.questions if q.path == "scope")
    assert scope.answers == {"Council": "whole_place", "Group": None}
    assert scope.missing == ("Group",)
    assert scope.disagreement is False
    assert scope.agreement == 1.0
    assert report.disagreements == ()


def test_activities_are_matched_by_name_ignoring_case_and_spacing() -> None:
    report = consensus(
        {
            "Council": _respondent("active"),
            "Group": _respondent("consulted", activity="park  REDESIGN"),
        }
    )
    paths = [q.path for q in report.questions]
    assert paths.count(_PATH) == 1
    assert not any("REDESIGN" in path for path in paths)
    assert [view.name for view in report.activities] == ["Park redesign"]


def test_an_activity_one_respondent_does_not_describe_is_missing_for_them() -> None:
    report = consensus(
        {
            "Council": _respondent("active"),
            "Group": _respondent("active", activity="Litter picks"),
        }
    )
    litter = next(q for q in report.questions if q.path.startswith("activities[Litter picks]"))
    assert litter.missing == ("Council",)
    assert report.disagreements == ()
    view = next(v for v in report.activities if v.name == "Litter picks")
    assert view.categories == {"Council": None, "Group": "co_design"}
    assert view.disagreement is False


def test_agreement_is_the_share_giving_the_most_common_answer() -> None:
    report = consensus(
        {
            "Council": _respondent("active"),
            "Charity": _respondent("active"),
            "Residents": _respondent("consulted"),
        }
    )
    question = report.disagreements[0]
    assert question.modal == "active"
    assert question.agreement == pytest.approx(0.6667)


def test_list_answers_agree_whatever_their_order() -> None:
    report = consensus(
        {
            "Council": _respondent("active"),
            "Group": _respondent("active", practices=["public_in_delivery", "internal_reform"]),
        }
    )
    assert report.disagreements == ()


def test_respondents_implying_different_structures_are_flagged() -> None:
    report = consensus(
        {
            "Council": _respondent("active"),
            "Charity": _respondent(
                "active",
                lead={"organisation": "Riverside Council", "sector": "voluntary_sector"},
                lead_role="embedded_challenger",
                scope="targeted_group",
            ),
        }
    )
    assert report.structure_disagreement is True
    assert {i.structure for i in report.implied} == {"collaborative_council", "agent_of_change"}


def test_flattening_wigan_gives_paths_for_every_answer() -> None:
    answers = flatten(load_example("wigan"))
    assert answers["lead_role"] == "reformer"
    assert answers["practices"] == "civic_duty_deal, internal_reform, new_provider_relationships"
    assert answers["activities[Our part – your part pledges].phases.delivery.citizens"] == "lead"
    assert answers["activities[Our part – your part pledges].level"] == "individual"
    assert answers["activities[Community asset transfers].professionals_involved"] == "no"
    assert "activities[Our part – your part pledges].description" not in answers


def test_one_respondent_gives_a_report_with_nothing_to_compare() -> None:
    report = consensus({"Council": load_example("wigan")})
    assert report.notes == ("Only one respondent: there is nothing to compare yet",)
    assert report.disagreements == ()
    assert report.partnership == "Wigan Deal"


def test_no_respondents_give_an_empty_report_that_says_so() -> None:
    report = consensus({})
    assert report.questions == ()
    assert report.notes == ("No respondents' answers given",)


def test_differently_named_partnerships_are_noted() -> None:
    report = consensus(
        {"Council": _respondent("active"), "Group": _respondent("active", name="Riverside")}
    )
    assert report.notes == (
        "Respondents name the partnership differently: Riverside Partnership, Riverside",
    )
    assert report.partnership == "Riverside Partnership"
    assert report.names == {"Council": "Riverside Partnership", "Group": "Riverside"}


def test_the_report_converts_to_json() -> None:
    report = consensus({"Council": _respondent("active"), "Group": _respondent("consulted")})
    data = json.loads(json.dumps(report.to_dict()))
    assert data["respondents"] == ["Council", "Group"]
    assert sum(q["disagreement"] for q in data["questions"]) == 1
