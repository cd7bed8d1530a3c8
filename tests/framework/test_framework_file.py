"""The shipped framework holds every concept of the article, each fully described and sourced."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from collabmap.framework import (
    Concept,
    default_framework,
    default_framework_path,
    framework_json_schema,
)
from collabmap.profile import profile_json_schema

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_framework_is_versioned_and_loads() -> None:
    fw = default_framework()
    assert fw.id == "rallying-together"
    assert fw.version.count(".") == 2
    assert fw.schema_version == 1


def test_the_shipped_file_is_valid_against_the_published_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "framework.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(default_framework_path().read_text()), schema)


def test_published_schemas_are_current() -> None:
    published = json.loads((ROOT / "schemas" / "framework.schema.json").read_text())
    assert published == framework_json_schema(), "run: collabmap framework schema -o schemas/…"
    published = json.loads((ROOT / "schemas" / "profile.schema.json").read_text())
    assert published == profile_json_schema(), "run: collabmap profile schema -o schemas/…"


def test_it_holds_the_three_dimensions_and_their_values() -> None:
    fw = default_framework()
    assert {d.answer for d in fw.dimensions} == {"lead_sector", "lead_role", "scope"}
    vocab = {v.id: [t.id for t in v.terms] for v in fw.vocabularies}
    assert "local_authority" in vocab["sectors"] and "voluntary_sector" in vocab["sectors"]
    assert {"reformer", "commissioner", "administrator", "embedded_challenger"} <= set(
        vocab["lead_roles"]
    )
    assert {"whole_place", "targeted_group"} <= set(vocab["scopes"])


def test_it_holds_the_four_structures_and_other() -> None:
    ids = [s.id for s in default_framework().structures]
    assert ids == [
        "collaborative_council",
        "collaborative_market",
        "system_connector",
        "agent_of_change",
        "other",
    ]


def test_it_holds_the_rationales_for_collaboration_and_for_co_creation() -> None:
    fw = default_framework()
    collaboration = {r.id for r in fw.rationales if r.kind == "collaboration"}
    co_creation = {r.id for r in fw.rationales if r.kind == "co_creation"}
    assert {
        "share_responsibility",
        "voluntary_sector_role",
        "better_workplace",
        "better_impact_value",
    } <= collaboration
    assert co_creation == {"understand_community", "improve_service_quality", "identify_prevention"}
    assert [r.id for r in fw.rationales if r.general_belief] == ["better_impact_value"]


def test_it_holds_the_seven_activity_categories_in_two_families() -> None:
    fw = default_framework()
    families = {a.id: a.family for a in fw.activity_categories}
    assert families == {
        "co_commissioning": "co_creation",
        "co_design": "co_creation",
        "co_assessment": "co_creation",
        "co_delivery": "co_creation",
        "community_self_organization": "not_co_creation",
        "citizen_self_help": "not_co_creation",
        "consultation_only": "not_co_creation",
    }


def test_it_holds_the_accountability_questions_of_the_article() -> None:
    questions = {a.id: a.question for a in default_framework().accountability}
    assert set(questions) == {
        "failure",
        "risk",
        "service_quality",
        "equity_of_access",
        "capture",
        "inclusion",
        "legitimacy",
    }
    assert "responsible" in questions["failure"]
    assert "capture" in questions["capture"]


def test_it_maps_onto_iap2_and_provan_and_kenis() -> None:
    fw = default_framework()
    assert [level.id for level in fw.iap2_levels] == [
        "inform",
        "consult",
        "involve",
        "collaborate",
        "empower",
    ]
    modes = {m.id for m in fw.governance_modes}
    assert modes == {"shared", "lead_organisation", "network_administrative_organisation"}
    for structure in fw.structures:
        if structure.id != "other":
            assert structure.governance_mode is not None
            assert structure.governance_mode.target in modes
    assert {a.iap2 for a in fw.activity_categories} <= {level.id for level in fw.iap2_levels}


def _concepts() -> list[Concept]:
    fw = default_framework()
    return [
        *fw.dimensions,
        *fw.practices,
        *(s for s in fw.structures if s.id != "other"),
        *(r for r in fw.rationales if r.id != "other"),
        *fw.activity_categories,
        *fw.accountability,
    ]


@pytest.mark.parametrize("concept", _concepts(), ids=lambda c: c.id)
def test_every_concept_has_definition_indicators_examples_and_a_source(concept: Concept) -> None:
    assert len(concept.definition.split()) >= 5
    assert concept.indicators, "indicators say what to look for"
    assert concept.examples, "examples in our own words"
    assert concept.sources


def test_every_concept_id_is_unique_within_its_list() -> None:
    fw = default_framework()
    for group in (fw.structures, fw.rationales, fw.activity_categories, fw.accountability):
        ids = [c.id for c in group]
        assert len(ids) == len(set(ids))


def test_a_vocabularys_terms_can_be_looked_up_by_its_id() -> None:
    fw = default_framework()
    assert fw.term_ids("phases") == ("commissioning", "design", "delivery", "assessment")
    assert [t.label for t in fw.terms("lead_sizes")] == ["Small", "Medium", "Large"]
    role = fw.term("lead_roles", "administrator")
    assert role is not None and role.maps_to["cgr_type"].target == "independently_convened"
    assert fw.term("lead_roles", "mayor") is None
    assert fw.terms("no_such_vocabulary") == ()


def test_values_are_put_in_their_vocabularys_order_with_unknown_ones_last() -> None:
    fw = default_framework()
    assert fw.in_order("phases", ["assessment", "later", "commissioning", "delivery"]) == [
        "commissioning",
        "delivery",
        "assessment",
        "later",
    ]


def test_a_copy_with_other_vocabularies_looks_terms_up_in_its_own() -> None:
    fw = default_framework()
    assert fw.term_ids("sectors")  # looked up once, so the answer is remembered
    fewer = fw.model_copy(
        update={"vocabularies": [v for v in fw.vocabularies if v.id != "sectors"]}
    )
    assert fewer.term_ids("sectors") == ()
    assert fw.term_ids("sectors")[0] == "local_authority"
