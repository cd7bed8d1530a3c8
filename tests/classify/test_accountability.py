"""The article's accountability questions, raised where responsibility passes to communities."""

from __future__ import annotations

from typing import Any

import pytest

from collabmap.classify import accountability_flags, classify
from collabmap.framework import Framework

from .conftest import ProfileFactory

TRANSFER_QUESTIONS = [
    "failure",
    "risk",
    "service_quality",
    "equity_of_access",
    "capture",
    "inclusion",
    "legitimacy",
]
ALONE = {"delivery": {"professionals": "none", "citizens": "lead"}}
JOINT = {"delivery": {"professionals": "active", "citizens": "active"}}


def _activity(name: str = "Library transfer", **answers: Any) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "name": name,
        "participants": ["community_group"],
        "level": "group",
        "phases": ALONE,
        "transfers": ["assets", "responsibility"],
    }
    activity.update(answers)
    return activity


def _concerns(
    make_profile: ProfileFactory, framework: Framework, data: dict[str, Any]
) -> list[str]:
    flags, _ = accountability_flags(make_profile(data), framework)
    return [flag.concern for flag in flags]


def test_the_questions_raised_by_a_transfer_are_the_articles_seven(framework: Framework) -> None:
    raised = [q.id for q in framework.accountability if "transfer" in q.raised_when]
    assert raised == TRANSFER_QUESTIONS


@pytest.mark.parametrize("transfer", ["responsibility", "assets", "money"])
@pytest.mark.parametrize("recipient", ["residents", "community_group"])
def test_a_transfer_to_residents_or_community_groups_raises_every_transfer_question(
    make_profile: ProfileFactory, framework: Framework, transfer: str, recipient: str
) -> None:
    data = {"activities": [_activity(transfers=[transfer], transfer_to=[recipient])]}
    flags, answered = accountability_flags(make_profile(data), framework)
    assert [f.concern for f in flags] == TRANSFER_QUESTIONS
    assert answered == []
    questions = {q.id: q for q in framework.accountability}
    for flag in flags:
        question = questions[flag.concern]
        assert flag.question == question.question
        assert flag.activity == "Library transfer"
        assert "‘Library transfer’" in flag.reason
        assert flag.reason.endswith(f"answers this ({question.label.lower()}).")


def test_flags_carry_the_questions_the_article_asks(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    flags, _ = accountability_flags(make_profile({"activities": [_activity()]}), framework)
    by_concern = {flag.concern: flag.question for flag in flags}
    assert by_concern["failure"] == (
        "Who is responsible if the group or organisation cannot manage what it has taken on?"
    )
    assert by_concern["risk"] == "What is the risk, and who carries it?"
    assert "equity of access" not in by_concern["equity_of_access"]  # asked in plain words
    assert by_concern["capture"].startswith("Could particular organisations or vocal groups")


def test_the_reason_says_what_passes_to_whom_in_which_activity(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {"activities": [_activity(transfers=["responsibility"], transfer_to=["residents"])]}
    flags, _ = accountability_flags(make_profile(data), framework)
    failure = next(f for f in flags if f.concern == "failure")
    assert failure.reason == (
        "Responsibility passes to residents in ‘Library transfer’, and no arrangement in the "
        "profile answers this (if it fails)."
    )


def test_a_partnership_wide_mechanism_answers_its_questions_for_every_activity(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {
        "activities": [_activity()],
        "accountability": [{"name": "Lease step-in clause", "covers": ["failure", "risk"]}],
    }
    flags, answered = accountability_flags(make_profile(data), framework)
    assert [f.concern for f in flags] == [
        q for q in TRANSFER_QUESTIONS if q not in {"failure", "risk"}
    ]
    assert [(a.concern, a.activity, a.mechanism) for a in answered] == [
        ("failure", "Library transfer", "Lease step-in clause"),
        ("risk", "Library transfer", "Lease step-in clause"),
    ]


def test_a_mechanism_naming_the_activity_answers_its_questions(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {
        "activities": [_activity()],
        "accountability": [
            {
                "name": "Annual report to scrutiny",
                "covers": ["legitimacy"],
                "applies_to": ["Library transfer"],
            }
        ],
    }
    assert "legitimacy" not in _concerns(make_profile, framework, data)
    result = classify(make_profile(data)).to_dict()
    assert result["accountability_answered"] == [
        {
            "concern": "legitimacy",
            "activity": "Library transfer",
            "mechanism": "Annual report to scrutiny",
        }
    ]


def test_a_mechanism_for_another_activity_leaves_the_question_open(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {
        "activities": [_activity(), _activity("Playing field transfer")],
        "accountability": [
            {
                "name": "Playing field insurance",
                "covers": ["risk"],
                "applies_to": ["Playing field transfer"],
            }
        ],
    }
    flags, answered = accountability_flags(make_profile(data), framework)
    risk_flags = [f.activity for f in flags if f.concern == "risk"]
    assert risk_flags == ["Library transfer"]
    assert [(a.concern, a.activity) for a in answered] == [("risk", "Playing field transfer")]


def test_citizens_acting_alone_without_transfers_raises_only_inclusion(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {"activities": [_activity("Litter picking", transfers=[], level="individual")]}
    flags, _ = accountability_flags(make_profile(data), framework)
    assert [f.concern for f in flags] == ["inclusion"]
    assert flags[0].reason.startswith(
        "Citizens act without public professionals in ‘Litter picking’"
    )


def test_an_inclusion_mechanism_answers_the_question_for_citizens_acting_alone(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {
        "activities": [_activity("Litter picking", transfers=[])],
        "accountability": [{"name": "Outreach in deprived wards", "covers": ["inclusion"]}],
    }
    assert _concerns(make_profile, framework, data) == []


def test_joint_work_without_transfers_raises_nothing(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {"activities": [_activity("Health chats", transfers=[], phases=JOINT)]}
    assert _concerns(make_profile, framework, data) == []


def test_a_transfer_to_another_public_body_raises_nothing(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {
        "activities": [_activity(phases=JOINT, transfers=["assets"], transfer_to=["public_body"])]
    }
    assert _concerns(make_profile, framework, data) == []


def test_a_transfer_during_joint_work_still_raises_the_transfer_questions(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    data = {"activities": [_activity(phases=JOINT, transfers=["money"])]}
    assert _concerns(make_profile, framework, data) == TRANSFER_QUESTIONS


def test_classification_output_gives_each_flag_a_question_and_a_reason(
    make_profile: ProfileFactory,
) -> None:
    flags = classify(make_profile({"activities": [_activity()]})).to_dict()["accountability_flags"]
    assert len(flags) == len(TRANSFER_QUESTIONS)
    for flag in flags:
        assert isinstance(flag["question"], str)
        assert flag["question"].endswith("?")
        assert "‘Library transfer’" in flag["reason"]
