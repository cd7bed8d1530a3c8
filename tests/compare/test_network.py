"""The stakeholder network of a partnership: its measures and its suggested governance mode."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
import pytest

from collabmap.compare.network import RULES, degree_centralisation, partnership_network
from collabmap.examples import load_example
from collabmap.profile import Profile, parse_profile


def _profile(partners: int, **answers: Any) -> Profile:
    """A partnership led by a council with ``partners`` voluntary-sector partners."""
    return parse_profile(
        {
            "name": "Riverside Partnership",
            "lead": {"organisation": "Riverside Council", "sector": "local_authority"},
            "partners": [
                {"organisation": f"Charity {i}", "sector": "voluntary_sector"}
                for i in range(1, partners + 1)
            ],
            **answers,
        }
    )


def test_a_star_has_degree_centralisation_one() -> None:
    assert degree_centralisation(nx.star_graph(5)) == 1.0


def test_a_complete_graph_has_degree_centralisation_zero() -> None:
    assert degree_centralisation(nx.complete_graph(6)) == 0.0


def test_a_path_of_four_has_the_freeman_value_one_third() -> None:
    # degrees 1, 2, 2, 1: (1 + 0 + 0 + 1) / (3 × 2)
    assert degree_centralisation(nx.path_graph(4)) == pytest.approx(1 / 3, abs=1e-6)


def test_centralisation_is_undefined_below_three_organisations() -> None:
    assert degree_centralisation(nx.path_graph(2)) is None
    assert partnership_network(_profile(1)).centralisation is None


def test_a_lead_with_five_partners_is_a_star_with_centralisation_one() -> None:
    network = partnership_network(_profile(5))
    assert network.organisations == 6
    assert network.centralisation == 1.0
    assert network.density == pytest.approx(5 / 15)
    assert network.ties_recorded == "lead_only"


def test_plymouths_network_has_eight_organisations_and_seven_ties() -> None:
    network = partnership_network(load_example("plymouth"))
    assert network.organisations == 8
    assert len(network.edges) == 7
    assert network.density == 0.25
    assert network.sectors == {"local_authority": 1, "voluntary_sector": 6, "not_recorded": 1}
    assert network.lead is not None and network.lead.name == "Plymouth City Council"
    assert "Sector not recorded for Livewell Southwest" in network.missing


def test_edges_join_the_lead_to_each_partner_and_invent_nothing_else() -> None:
    network = partnership_network(load_example("golden-key"))
    assert {frozenset(edge) for edge in network.edges} == {
        frozenset({"Golden Key", node.name}) for node in network.nodes if not node.is_lead
    }


def test_an_organisation_named_twice_is_counted_once() -> None:
    profile = parse_profile(
        {
            "name": "Twice",
            "lead": {"organisation": "Riverside Council"},
            "partners": [{"organisation": "Charity 1"}, {"organisation": "Charity 1"}],
        }
    )
    assert partnership_network(profile).organisations == 2


def test_a_tie_naming_an_organisation_not_in_the_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="'Charity 9'"):
        partnership_network(_profile(3), ties=[("Charity 1", "Charity 9")])


def test_ties_between_all_partners_make_a_complete_network_with_centralisation_zero() -> None:
    names = [f"Charity {i}" for i in range(1, 5)]
    ties = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    network = partnership_network(_profile(4), ties=ties)
    assert network.centralisation == 0.0
    assert network.density == 1.0
    assert network.ties_recorded == "with_partner_ties"


def test_plymouths_shared_mapping_is_adjusted_to_lead_organisation_by_its_size() -> None:
    governance = partnership_network(load_example("plymouth")).governance
    assert governance.from_structure == "shared"
    assert governance.mode == "lead_organisation"
    assert governance.label == "Lead organisation"
    text = " ".join(governance.reasons)
    assert "collaborative market" in text
    assert "With 8 organisations (more than 6)" in text
    assert "only the lead's ties" in text


def test_a_collaborative_council_keeps_the_frameworks_lead_organisation_mode() -> None:
    governance = partnership_network(load_example("wigan")).governance
    assert (governance.from_structure, governance.mode) == ("lead_organisation",) * 2


def test_an_administrator_lead_suggests_a_network_administrative_organisation() -> None:
    governance = partnership_network(_profile(4, lead_role="administrator")).governance
    assert governance.mode == "network_administrative_organisation"
    assert "network-level competencies" in " ".join(governance.reasons)


def test_few_peer_members_suggest_shared_governance_and_many_an_nao() -> None:
    few = partnership_network(_profile(4, lead_role="peer_member")).governance
    many = partnership_network(_profile(9, lead_role="peer_member")).governance
    assert few.mode == "shared"
    assert many.mode == "network_administrative_organisation"
    assert "With 10 organisations" not in " ".join(few.reasons)
    assert "with 10 organisations (more than 6)" in " ".join(many.reasons)


def test_observed_high_centralisation_turns_a_shared_mapping_into_lead_organisation() -> None:
    # one partner-to-partner tie in six organisations: Σ(5 − d) / (5 × 4) = 18 / 20
    profile = _profile(5, lead_role="commissioner", scope="service_system")
    network = partnership_network(profile, ties=[("Charity 1", "Charity 2")])
    assert network.centralisation == pytest.approx(0.9)
    assert network.governance.from_structure == "shared"
    assert network.governance.mode == "lead_organisation"
    assert "highly centralised trust" in " ".join(network.governance.reasons)


def test_every_reason_list_cites_trust_density_and_goal_consensus() -> None:
    for name in ["wigan", "plymouth", "golden-key"]:
        text = " ".join(partnership_network(load_example(name)).governance.reasons)
        assert "trust density" in text and "goal consensus" in text


def test_a_profile_without_partners_says_so_and_suggests_nothing() -> None:
    network = partnership_network(parse_profile({"name": "Alone"}))
    assert network.organisations == 0
    assert network.governance.mode is None
    assert network.governance.label == "No suggestion"
    assert "No partners recorded in the profile" in network.missing
    assert "No lead organisation recorded in the profile" in network.missing


def test_an_unplaced_structure_is_named_in_words_in_the_governance_reasons() -> None:
    network = partnership_network(_profile(3))  # only the lead's sector: too little to place
    assert network.governance.reasons[0] == (
        "The partnership's structure is not settled (not enough information), so the "
        "suggestion rests on the network alone."
    )


def test_every_rule_gives_its_source_and_status() -> None:
    assert set(RULES) == {
        "shared_max_organisations",
        "high_centralisation",
        "nao_lead_role",
        "shared_lead_role",
    }
    for rule in RULES.values():
        assert "Provan & Kenis" in rule.source
        assert rule.status in {"from_memory", "inferred"}


def test_the_network_converts_to_json_with_the_lead_named() -> None:
    data = json.loads(json.dumps(partnership_network(load_example("plymouth")).to_dict()))
    assert data["lead"] == "Plymouth City Council"
    assert data["organisations"] == 8
    assert data["governance"]["mode"] == "lead_organisation"
    assert ["Plymouth City Council", "BCHA"] in data["edges"]
