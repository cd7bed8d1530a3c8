"""The guided assessment builds a valid profile from plain-English answers, page by page."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from collabmap.assessment import (
    add_item,
    check_draft,
    draft_profile,
    load_questions,
    options_for,
    read_page,
    remove_item,
)
from collabmap.classify import classify
from collabmap.examples import example_names, load_example
from collabmap.framework import default_framework
from collabmap.profile import AccountabilityMechanism, Activity, Organisation, Profile

FW = default_framework()
ITEM_MODELS: dict[str, type[BaseModel]] = {
    "partners": Organisation,
    "activities": Activity,
    "accountability": AccountabilityMechanism,
}
QUESTIONS = load_questions()


def _answer(draft: dict[str, Any], topic: str, form: dict[str, Any], **kw: Any) -> Any:
    found = QUESTIONS.topic(topic)
    assert found is not None
    page = kw.pop("page", None)
    questions = found.page(page).questions if page else found.questions  # type: ignore[union-attr]
    lists = {k: v if isinstance(v, list) else [v] for k, v in form.items()}
    return read_page(draft, questions, lists, FW, **kw)


def test_every_question_answers_a_profile_field_with_options_from_the_framework() -> None:
    fields = set(Profile.model_fields)
    for topic in QUESTIONS.topics:
        if topic.collection:
            assert topic.collection in fields
            item_model = ITEM_MODELS[topic.collection]
            item_fields = set(item_model.model_fields)
            for page in topic.pages:
                for question in page.questions:
                    assert question.field.split(".")[0] in item_fields, question.field
        for question in topic.questions:
            assert question.field.split(".")[0] in fields, question.field
            if question.kind in ("radios", "checkboxes", "rationales"):
                assert options_for(question, FW, {}), question.field


def test_an_officer_describes_a_library_transfer_and_sees_self_organization_flagged() -> None:
    draft: dict[str, Any] = {}
    draft = _answer(draft, "about", {"name": "Riverside Together", "place": "Riverside"}).draft
    draft = _answer(
        draft, "lead", {"lead.organisation": "Riverside Council", "lead.sector": "local_authority"}
    ).draft
    draft = _answer(draft, "lead-role", {"lead_role": "reformer"}).draft
    draft = _answer(draft, "scope", {"scope": "whole_place"}).draft
    draft, index = add_item(draft, "activities")
    prefix = f"activities[{index}]."
    steps: list[tuple[str, dict[str, Any]]] = [
        ("what", {"name": "Library transfer", "called": "co-production"}),
        (
            "who",
            {
                "initiated_by": "public_body",
                "participants": ["community_group"],
                "level": "collective",
            },
        ),
        ("phases", {"phases.delivery.professionals": "none", "phases.delivery.citizens": "lead"}),
        ("transfers", {"transfers": ["responsibility", "assets"], "professionals_involved": "no"}),
    ]
    for page, form in steps:
        result = _answer(
            draft, "activities", {prefix + k: v for k, v in form.items()}, page=page, prefix=prefix
        )
        assert result.errors == {}
        draft = result.draft

    assert check_draft(draft, QUESTIONS, FW) == []
    result = classify(draft_profile(draft, QUESTIONS, FW))
    assert result.structure.label == "collaborative_council"
    activity = result.activities[0]
    assert activity.category == "community_self_organization"
    assert activity.rhetoric_mismatch
    assert {f.concern for f in result.accountability_flags} >= {"failure", "risk", "capture"}


def test_a_blank_name_is_refused_with_the_pages_own_message() -> None:
    result = _answer({}, "about", {"name": "   "})
    assert result.errors == {"name": "Enter the partnership’s name"}


def test_a_tampered_choice_is_refused_and_the_answer_kept() -> None:
    draft = {"name": "A", "scope": "whole_place"}
    result = _answer(draft, "scope", {"scope": "'; DROP TABLE partnerships; --"})
    assert result.errors == {"scope": "Choose one of the options"}
    assert result.draft["scope"] == "whole_place"


def test_too_long_an_answer_is_named_by_its_field() -> None:
    result = _answer({}, "about", {"name": "x" * 301})
    assert "name" in result.errors
    assert "300" in result.errors["name"]


def test_not_sure_removes_an_answer_rather_than_guessing() -> None:
    draft = _answer({"name": "A", "lead_role": "reformer"}, "lead-role", {"lead_role": ""}).draft
    assert "lead_role" not in draft


def test_a_reason_keeps_its_mechanism_and_says_when_it_has_none() -> None:
    form = {
        "rationales": ["share_responsibility", "better_impact_value"],
        "rationales.share_responsibility.mechanism": "Community groups run the branch libraries, so the council keeps them open at lower cost.",
    }
    draft = _answer({"name": "A"}, "rationales", form).draft
    assert draft["rationales"] == [
        {
            "code": "share_responsibility",
            "mechanism": "Community groups run the branch libraries, so the council keeps them open at lower cost.",
        },
        {"code": "better_impact_value"},
    ]
    result = classify(draft_profile(draft, QUESTIONS, FW))
    justified = {r.code: r.justified for r in result.rationales}
    assert justified == {"share_responsibility": True, "better_impact_value": False}


def test_an_unfinished_activity_points_back_to_the_page_that_finishes_it() -> None:
    draft, index = add_item({"name": "A"}, "activities")
    prefix = f"activities[{index}]."
    draft = _answer(
        draft, "activities", {prefix + "name": "Pledges"}, page="what", prefix=prefix
    ).draft
    problems = check_draft(draft, QUESTIONS, FW)
    pages = {(p.topic, p.page, p.index) for p in problems}
    assert ("activities", "phases", 0) in pages
    assert all(p.message.startswith("Activity 1:") for p in problems)


def test_an_empty_item_left_behind_does_not_block_saving() -> None:
    draft, _ = add_item({"name": "A"}, "partners")
    assert check_draft(draft, QUESTIONS, FW) == []
    assert draft_profile(draft, QUESTIONS, FW).partners == []


def test_removing_an_item_keeps_the_others() -> None:
    draft = {"name": "A", "partners": [{"organisation": "One"}, {"organisation": "Two"}]}
    assert remove_item(draft, "partners", 0)["partners"] == [{"organisation": "Two"}]
    assert "partners" not in remove_item({"name": "A", "partners": [{}]}, "partners", 0)


@pytest.mark.parametrize("example", example_names())
def test_editing_a_reference_case_through_the_pages_changes_nothing_it_does_not_ask(
    example: str,
) -> None:
    """Resubmitting every page unchanged gives back the same profile, sources and notes too."""
    profile = load_example(example)
    draft = profile.model_dump(mode="json", exclude_defaults=True)
    for topic in QUESTIONS.topics:
        pages = [("", topic.questions)]
        if topic.collection:
            pages = [
                (f"{topic.collection}[{index}].", page.questions)
                for index in range(len(draft.get(topic.collection, [])))
                for page in topic.pages
            ]
        for prefix, questions in pages:
            form: dict[str, list[str]] = {}
            for question in questions:
                _fill(form, prefix + question.field, question.kind, draft)
            result = read_page(draft, questions, form, FW, prefix=prefix)
            assert result.errors == {}, (topic.id, prefix, result.errors)
            draft = result.draft
    assert draft_profile(draft, QUESTIONS, FW) == profile


def _fill(form: dict[str, list[str]], name: str, kind: str, draft: dict[str, Any]) -> None:
    from collabmap.assessment import get_path

    value = get_path(draft, name)
    if value is None:
        return
    if kind == "phases":
        for phase, parts in value.items():
            for role, chosen in parts.items():
                form[f"{name}.{phase}.{role}"] = [chosen]
    elif kind == "rationales":
        form[name] = [r["code"] for r in value]
        for r in value:
            for part in ("statement", "mechanism"):
                if r.get(part):
                    form[f"{name}.{r['code']}.{part}"] = [r[part]]
    elif isinstance(value, list):
        form[name] = list(value)
    elif isinstance(value, bool):
        form[name] = ["yes" if value else "no"]
    else:
        form[name] = [str(value)]
