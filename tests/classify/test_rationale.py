"""Whether each rationale says how collaboration will achieve it, or is only a general belief."""

from __future__ import annotations

from typing import Any

import pytest

from collabmap.classify import RationaleResult, classify, classify_rationale
from collabmap.framework import Framework

from .conftest import ProfileFactory

FIVE_WORDS = "Residents recycle, reducing collection costs."
FOUR_WORDS = "Sharing reduces the cost."


def _classify(
    make_profile: ProfileFactory,
    framework: Framework,
    rationale: dict[str, Any],
) -> RationaleResult:
    profile = make_profile({"rationales": [rationale]}, framework)
    return classify_rationale(profile.rationales[0], framework)


def test_a_rationale_with_a_mechanism_of_five_words_is_justified(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    assert framework.classification.min_mechanism_words == 5
    result = _classify(
        make_profile, framework, {"code": "share_responsibility", "mechanism": FIVE_WORDS}
    )
    assert result.justified is True
    assert result.general_belief is False
    assert result.mechanism == FIVE_WORDS
    assert result.reasons == [
        "A mechanism is stated for ‘Share financial and service-delivery responsibility’: "
        "“Residents recycle, reducing collection costs”."
    ]


def test_a_rationale_without_a_mechanism_is_a_general_belief(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = _classify(
        make_profile,
        framework,
        {"code": "voluntary_sector_role", "statement": "Small charities know families best."},
    )
    assert result.justified is False
    assert result.general_belief is True
    assert result.statement == "Small charities know families best."
    assert result.reasons[0].startswith("No mechanism is stated for ‘A bigger role for the")
    assert "held as a general belief" in result.reasons[0]


def test_a_mechanism_too_short_to_say_how_is_not_a_justification(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = _classify(
        make_profile, framework, {"code": "better_workplace", "mechanism": FOUR_WORDS}
    )
    assert result.justified is False
    assert result.general_belief is True
    assert "too short" in result.reasons[0]
    assert "(4 words; at least 5 expected)" in result.reasons[0]


def test_a_mechanism_of_only_spaces_counts_as_none(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = _classify(make_profile, framework, {"code": "better_workplace", "mechanism": "   "})
    assert result.justified is False
    assert result.reasons[0].startswith("No mechanism is stated")


def test_better_impact_and_value_without_a_mechanism_recalls_the_articles_finding(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    result = _classify(make_profile, framework, {"code": "better_impact_value"})
    assert result.justified is False
    assert result.reasons[-1] == (
        "The article found collaboration was often justified only in this way."
    )
    other = _classify(make_profile, framework, {"code": "share_responsibility"})
    assert len(other.reasons) == 1


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("share_responsibility", "collaboration"),
        ("voluntary_sector_role", "collaboration"),
        ("better_workplace", "collaboration"),
        ("better_impact_value", "collaboration"),
        ("understand_community", "co_creation"),
        ("improve_service_quality", "co_creation"),
        ("identify_prevention", "co_creation"),
    ],
)
def test_each_rationale_is_of_the_kind_the_framework_gives_it(
    make_profile: ProfileFactory, framework: Framework, code: str, kind: str
) -> None:
    result = _classify(make_profile, framework, {"code": code, "mechanism": FIVE_WORDS})
    assert result.code == code
    assert result.kind == kind
    assert kind == next(r.kind for r in framework.rationales if r.id == code)
    assert result.justified is True


def test_a_lower_minimum_in_an_adapted_framework_accepts_a_shorter_mechanism(
    make_profile: ProfileFactory, framework_data: dict[str, Any]
) -> None:
    framework_data["classification"]["min_mechanism_words"] = 4
    adapted = Framework.model_validate(framework_data)
    result = _classify(make_profile, adapted, {"code": "better_workplace", "mechanism": FOUR_WORDS})
    assert result.justified is True


def test_classification_lists_every_rationale_in_order_with_its_justification(
    make_profile: ProfileFactory, framework: Framework
) -> None:
    profile = make_profile(
        {
            "rationales": [
                {"code": "share_responsibility", "mechanism": FIVE_WORDS},
                {"code": "better_impact_value"},
                {"code": "understand_community", "mechanism": FOUR_WORDS},
            ]
        }
    )
    rows = classify(profile).to_dict()["rationales"]
    assert [(r["code"], r["kind"], r["justified"]) for r in rows] == [
        ("share_responsibility", "collaboration", True),
        ("better_impact_value", "collaboration", False),
        ("understand_community", "co_creation", False),
    ]
