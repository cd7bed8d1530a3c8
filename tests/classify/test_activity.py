"""Which category each activity falls in, and whether what it is called claims more than it is."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from collabmap.classify import ActivityResult, classify_activity
from collabmap.errors import InvalidProfile
from collabmap.framework import Framework

from .conftest import ProfileFactory

ClassifyOne = Callable[..., ActivityResult]

CATEGORIES = {
    "co_commissioning",
    "co_design",
    "co_delivery",
    "co_assessment",
    "citizen_self_help",
    "community_self_organization",
    "consultation_only",
}

LABELS = {
    "citizen_self_help": "citizen self-help",
    "community_self_organization": "community self-organization",
    "consultation_only": "consultation only",
}


def _joint(*phases: str) -> dict[str, dict[str, str]]:
    return {phase: {"professionals": "active", "citizens": "active"} for phase in phases}


SELF_HELP: dict[str, Any] = {
    "participants": ["residents"],
    "level": "individual",
    "phases": {
        "design": {"professionals": "lead", "citizens": "none"},
        "delivery": {"professionals": "none", "citizens": "lead"},
    },
}
SELF_ORGANIZATION: dict[str, Any] = {
    "participants": ["community_group"],
    "level": "collective",
    "phases": {"delivery": {"professionals": "none", "citizens": "lead"}},
    "transfers": ["assets"],
}
CONSULTATION: dict[str, Any] = {
    "participants": ["residents"],
    "level": "individual",
    "phases": {"design": {"professionals": "lead", "citizens": "consulted"}},
}
CO_DESIGN: dict[str, Any] = {
    "participants": ["service_users"],
    "level": "group",
    "phases": {"design": {"professionals": "active", "citizens": "lead"}},
}


@pytest.fixture
def classify_one(make_profile: ProfileFactory, framework: Framework) -> ClassifyOne:
    """Classify a single activity given as keyword answers (the name defaults to 'Activity')."""

    def run(fw: Framework | None = None, **answers: Any) -> ActivityResult:
        chosen = fw or framework
        profile = make_profile({"activities": [{"name": "Activity", **answers}]}, chosen)
        return classify_activity(profile.activities[0], chosen)

    return run


@pytest.mark.parametrize(
    ("answers", "category"),
    [
        ({"level": "collective", "phases": _joint("commissioning")}, "co_commissioning"),
        (CO_DESIGN, "co_design"),
        ({"level": "individual", "phases": _joint("delivery")}, "co_delivery"),
        (
            {
                "level": "group",
                "phases": {"assessment": {"professionals": "lead", "citizens": "active"}},
            },
            "co_assessment",
        ),
        (SELF_HELP, "citizen_self_help"),
        (SELF_ORGANIZATION, "community_self_organization"),
        (CONSULTATION, "consultation_only"),
    ],
    ids=lambda value: value if isinstance(value, str) else "answers",
)
def test_each_category_follows_from_who_does_what_in_which_phase(
    classify_one: ClassifyOne, answers: dict[str, Any], category: str
) -> None:
    result = classify_one(**answers)
    assert result.category == category
    expected_family = "co_creation" if category.startswith("co_") else "not_co_creation"
    assert result.family == expected_family


@pytest.mark.parametrize(
    ("level", "participants", "category"),
    [
        ("individual", [], "citizen_self_help"),
        ("group", [], "community_self_organization"),
        ("collective", [], "community_self_organization"),
        (None, ["residents"], "citizen_self_help"),
        (None, ["service_users"], "citizen_self_help"),
        (None, ["community_group"], "community_self_organization"),
        (None, ["voluntary_organisation"], "community_self_organization"),
    ],
)
def test_citizens_acting_alone_are_self_help_as_individuals_and_self_organization_as_groups(
    classify_one: ClassifyOne, level: str | None, participants: list[str], category: str
) -> None:
    answers: dict[str, Any] = {
        "participants": participants,
        "phases": {"delivery": {"professionals": "supporting", "citizens": "active"}},
    }
    if level is not None:
        answers["level"] = level
    assert classify_one(**answers).category == category


def test_professionals_at_a_distance_are_not_working_alongside_citizens(
    classify_one: ClassifyOne,
) -> None:
    result = classify_one(
        level="individual",
        phases={"delivery": {"professionals": "supporting", "citizens": "active"}},
    )
    assert result.category == "citizen_self_help"
    assert result.joint_phases == []
    assert "Citizens act without public professionals working alongside them in delivery." in (
        result.reasons
    )


@pytest.mark.parametrize(
    ("phases", "category"),
    [
        (("design", "delivery"), "co_design"),
        (("commissioning", "delivery"), "co_commissioning"),
        (("assessment", "delivery"), "co_assessment"),
        (("commissioning", "design", "assessment", "delivery"), "co_commissioning"),
    ],
)
def test_joint_work_in_several_phases_takes_the_highest_priority_category(
    classify_one: ClassifyOne,
    framework: Framework,
    phases: tuple[str, ...],
    category: str,
) -> None:
    result = classify_one(level="group", phases=_joint(*phases))
    assert result.category == category
    assert result.joint_phases == [
        p for p in ("commissioning", "design", "delivery", "assessment") if p in phases
    ]
    priority = {c.id: c.priority for c in framework.activity_categories}
    candidates = [c.id for c in framework.activity_categories if c.phase in phases]
    assert category == min(candidates, key=priority.__getitem__)


def test_changing_priorities_in_an_adapted_framework_changes_the_category(
    classify_one: ClassifyOne, framework_data: dict[str, Any]
) -> None:
    co_delivery = next(c for c in framework_data["activity_categories"] if c["id"] == "co_delivery")
    co_delivery["priority"] = 15
    adapted = Framework.model_validate(framework_data)
    assert classify_one(level="group", phases=_joint("design", "delivery")).category == "co_design"
    assert (
        classify_one(adapted, level="group", phases=_joint("design", "delivery")).category
        == "co_delivery"
    )


@pytest.mark.parametrize("called", ["co-production", "co-creation", "co-design"])
@pytest.mark.parametrize(
    ("answers", "category"),
    [
        (SELF_HELP, "citizen_self_help"),
        (SELF_ORGANIZATION, "community_self_organization"),
        (CONSULTATION, "consultation_only"),
    ],
    ids=["self-help", "self-organization", "consultation"],
)
def test_co_creation_rhetoric_on_what_is_not_co_creation_is_a_rhetoric_mismatch(
    classify_one: ClassifyOne, called: str, answers: dict[str, Any], category: str
) -> None:
    result = classify_one(called=called, **answers)
    assert result.category == category
    assert result.claimed == ("co_design" if called == "co-design" else "co_creation")
    assert result.rhetoric_mismatch is True
    mismatch = next(r for r in result.reasons if r.startswith("Rhetoric mismatch"))
    assert f"called '{called}'" in mismatch
    assert mismatch.endswith(f"by the framework's rules it is {LABELS[category]}.")


def test_pledges_called_co_creation_are_flagged_as_self_help(classify_one: ClassifyOne) -> None:
    result = classify_one(called="co-creation", **SELF_HELP)
    assert (result.category, result.rhetoric_mismatch) == ("citizen_self_help", True)
    assert result.iap2_level == "inform"


def test_true_co_creation_called_co_production_has_no_mismatch(
    classify_one: ClassifyOne,
) -> None:
    result = classify_one(called="co-production", **CO_DESIGN)
    assert result.category == "co_design"
    assert result.claimed == "co_creation"
    assert result.rhetoric_mismatch is False
    assert not any(r.startswith(("Rhetoric mismatch", "Called")) for r in result.reasons)


def test_an_activity_with_a_plain_name_claims_nothing(classify_one: ClassifyOne) -> None:
    result = classify_one(called="residents' survey", **CONSULTATION)
    assert result.claimed is None
    assert result.rhetoric_mismatch is False


def test_an_explicit_claim_overrides_what_the_activity_is_called(
    classify_one: ClassifyOne,
) -> None:
    honest = classify_one(called="co-production", claimed="citizen_self_help", **SELF_HELP)
    assert honest.claimed == "citizen_self_help"
    assert honest.rhetoric_mismatch is False

    overclaimed = classify_one(called="street clean-up", claimed="co_delivery", **SELF_HELP)
    assert overclaimed.claimed == "co_delivery"
    assert overclaimed.rhetoric_mismatch is True


def test_called_co_design_with_joint_work_only_in_delivery_is_co_delivery_and_says_so(
    classify_one: ClassifyOne,
) -> None:
    result = classify_one(called="co-design", level="group", phases=_joint("delivery"))
    assert result.category == "co_delivery"
    assert result.claimed == "co_design"
    assert result.rhetoric_mismatch is False
    assert "Called 'co-design', but the joint work is co-delivery rather than co-design." in (
        result.reasons
    )


@pytest.mark.parametrize(
    ("decision_power", "iap2"),
    [
        ("shared", "collaborate"),
        ("community_group", "empower"),
        ("public_body", "involve"),
        (None, "collaborate"),  # the co-design category's own level
    ],
)
def test_iap2_level_of_co_creation_follows_who_holds_decision_power(
    classify_one: ClassifyOne, decision_power: str | None, iap2: str
) -> None:
    answers = dict(CO_DESIGN)
    if decision_power is not None:
        answers["decision_power"] = decision_power
    result = classify_one(**answers)
    assert result.category == "co_design"
    assert result.iap2_level == iap2


def test_self_help_stays_at_inform_whoever_holds_decision_power(
    classify_one: ClassifyOne,
) -> None:
    result = classify_one(decision_power="shared", **SELF_HELP)
    assert result.category == "citizen_self_help"
    assert result.iap2_level == "inform"


def test_reasons_describe_each_phase_and_the_rule_that_decided(
    classify_one: ClassifyOne,
) -> None:
    result = classify_one(decision_power="public_body", **SELF_ORGANIZATION)
    assert result.reasons[:3] == [
        "In delivery, public professionals: no part; citizens: lead.",
        "Citizens act without public professionals working alongside them in delivery.",
        "Level of participation: collective.",
    ]
    assert result.reasons[3].endswith(" to a community group.")  # what passes (see below)
    assert result.reasons[4:] == [
        "Decision power: a public body.",
        "Rule for community self-organization: no phase of joint work; citizens act without "
        "professionals working alongside; level group or collective.",
    ]


def test_reasons_say_what_passes_to_whom(classify_one: ClassifyOne) -> None:
    result = classify_one(transfers=["responsibility"], transfer_to=["residents"], **SELF_HELP)
    assert "Responsibility passes to residents." in result.reasons
    both = classify_one(**{**SELF_ORGANIZATION, "transfers": ["assets", "money"]})
    assert "Assets and money pass to a community group." in both.reasons


def test_a_transfer_of_assets_alone_is_described_in_good_english(
    classify_one: ClassifyOne,
) -> None:
    assert "Assets pass to a community group." in classify_one(**SELF_ORGANIZATION).reasons


def test_every_valid_combination_of_roles_in_design_and_delivery_gets_one_of_seven_labels(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    vocab = {v.id: [t.id for t in v.terms] for v in framework.vocabularies}
    settings = framework.classification
    classified = rejected = 0
    for pro_design, cit_design, pro_delivery, cit_delivery, level in itertools.product(
        vocab["professional_roles"],
        vocab["citizen_roles"],
        vocab["professional_roles"],
        vocab["citizen_roles"],
        vocab["levels"],
    ):
        phases = {
            "design": {"professionals": pro_design, "citizens": cit_design},
            "delivery": {"professionals": pro_delivery, "citizens": cit_delivery},
        }
        try:
            profile = make_profile(
                {"activities": [{"name": "A", "level": level, "phases": phases}]}
            )
        except InvalidProfile:
            rejected += 1
            continue
        result = classify_activity(profile.activities[0], framework)
        assert result.category in CATEGORIES
        classified += 1
        parts = list(phases.values())
        joint = [
            p["professionals"] in settings.joint_roles_professionals
            and p["citizens"] in settings.joint_roles_citizens
            for p in parts
        ]
        acting = [p["citizens"] in settings.active_citizen_roles for p in parts]
        if any(joint):  # joint design outranks joint delivery
            assert result.category == ("co_design" if joint[0] else "co_delivery"), phases
        elif any(acting):
            expected = (
                "citizen_self_help" if level == "individual" else "community_self_organization"
            )
            assert result.category == expected, phases
        else:
            assert result.category == "consultation_only", phases
    # only activities in which citizens take no part in either phase are rejected
    assert rejected == 4 * 4 * 3
    assert classified == 4**4 * 3 - rejected


def test_an_individual_given_money_to_act_alone_is_self_help_not_self_organization(
    classify_one: ClassifyOne,
) -> None:
    """Self-organization is collective (community funds, asset transfers); a personal grant is not."""
    result = classify_one(**{**SELF_HELP, "transfers": ["money"]})
    assert result.category == "citizen_self_help"


def test_a_group_acting_alone_is_not_empowered_when_the_council_holds_the_purse(
    classify_one: ClassifyOne,
) -> None:
    result = classify_one(**{**SELF_ORGANIZATION, "decision_power": "public_body"})
    assert result.category == "community_self_organization"
    assert result.iap2_level == "involve"


def test_a_claim_without_a_name_reads_naturally(classify_one: ClassifyOne) -> None:
    result = classify_one(**{**SELF_HELP, "claimed": "co_assessment"})
    assert result.rhetoric_mismatch is True
    assert any(
        r.startswith("Rhetoric mismatch: claimed as co-assessment, but") for r in result.reasons
    )
