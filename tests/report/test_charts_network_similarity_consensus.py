"""Network, similarity and consensus charts: valid SVG and PNG that name what they show,
and a sentence saying what is missing instead of a blank chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from collabmap.compare.consensus import consensus
from collabmap.compare.network import partnership_network
from collabmap.compare.similarity import similarity_map
from collabmap.examples import example_names, load_example
from collabmap.profile import Profile, parse_profile
from collabmap.report.charts.consensus import consensus_chart
from collabmap.report.charts.network import network_chart
from collabmap.report.charts.similarity import similarity_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def svg_text(svg: bytes) -> str:
    """All the text an SVG shows, lines joined by spaces (wrapped labels read as one)."""
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    return re.sub(r"\s+", " ", " ".join(root.itertext()))


def _respondent(citizens: str, name: str = "Riverside Partnership") -> Profile:
    return parse_profile(
        {
            "name": name,
            "lead": {"organisation": "Riverside Council", "sector": "local_authority"},
            "lead_role": "reformer",
            "scope": "whole_place",
            "activities": [
                {
                    "name": "Park redesign",
                    "participants": ["residents"],
                    "level": "group",
                    "phases": {"design": {"professionals": "active", "citizens": citizens}},
                }
            ],
        }
    )


@pytest.mark.parametrize("name", example_names())
def test_the_network_chart_names_every_organisation_of_a_reference_case(name: str) -> None:
    network = partnership_network(load_example(name))
    text = svg_text(network_chart(network))
    for node in network.nodes:
        assert node.name in text
    assert network.partnership in text
    assert "Degree centralisation 1.00" in text
    assert f"Suggested governance (Provan & Kenis): {network.governance.label}" in text
    assert "Lead organisation (large square)" in text


def test_the_network_chart_renders_as_png() -> None:
    png = network_chart(partnership_network(load_example("plymouth")), "png")
    assert png.startswith(PNG_SIGNATURE)


def test_the_network_chart_legend_names_the_sectors_present() -> None:
    text = svg_text(network_chart(partnership_network(load_example("plymouth"))))
    assert "Local authority" in text
    assert "Voluntary sector" in text
    assert "Sector not recorded" in text
    assert "Community group" not in text


def test_a_network_without_partners_says_so() -> None:
    profile = parse_profile({"name": "Alone", "lead": {"organisation": "Riverside Council"}})
    text = svg_text(network_chart(partnership_network(profile)))
    assert "No partners recorded in the profile" in text
    assert "Riverside Council" in text


def test_a_network_without_organisations_says_so() -> None:
    text = svg_text(network_chart(partnership_network(parse_profile({"name": "Empty"}))))
    assert "No organisations recorded in the profile" in text


def test_the_similarity_chart_names_every_partnership_and_says_closer_is_more_alike() -> None:
    profiles = [load_example(name) for name in example_names()]
    text = svg_text(similarity_chart(similarity_map(profiles)))
    for profile in profiles:
        assert profile.name in text
    assert "closer = more alike" in text
    assert "Collaborative council" in text


def test_the_similarity_chart_renders_as_png() -> None:
    profiles = [load_example(name) for name in example_names()]
    assert similarity_chart(similarity_map(profiles), "png").startswith(PNG_SIGNATURE)


def test_a_similarity_map_of_one_partnership_says_another_is_needed() -> None:
    text = svg_text(similarity_chart(similarity_map([load_example("wigan")])))
    assert "Only one partnership: add another to compare" in text
    assert "Wigan Deal" in text


def test_an_empty_similarity_map_says_there_is_nothing_to_compare() -> None:
    assert "No partnerships to compare" in svg_text(similarity_chart(similarity_map([])))


def test_the_consensus_chart_shows_each_respondents_answers_and_the_disagreement() -> None:
    report = consensus(
        {
            "Riverside Council": _respondent("active"),
            "Friends of the Park": _respondent("consulted"),
        }
    )
    text = svg_text(consensus_chart(report))
    for expected in [
        "Riverside Partnership",
        "Riverside Council",
        "Friends of the Park",
        "Park redesign",
        "Co-design",
        "Consultation only",
        "consulted",
        "50%",
        "Respondents disagree",
        "1 of",
    ]:
        assert expected in text


def test_the_consensus_chart_renders_as_png() -> None:
    report = consensus({"A": _respondent("active"), "B": _respondent("consulted")})
    assert consensus_chart(report, "png").startswith(PNG_SIGNATURE)


def test_a_consensus_chart_shows_missing_answers_as_missing() -> None:
    wigan = load_example("wigan")
    partial = parse_profile({**wigan.model_dump(exclude_none=True), "scope": None})
    text = svg_text(consensus_chart(consensus({"Council": wigan, "Group": partial})))
    assert "— missing" in text


def test_a_consensus_chart_of_one_respondent_says_there_is_nothing_to_compare() -> None:
    text = svg_text(consensus_chart(consensus({"Council": load_example("wigan")})))
    assert "Only one respondent: there is nothing to compare yet" in text


def test_a_consensus_chart_without_respondents_says_so() -> None:
    assert "No respondents' answers given" in svg_text(consensus_chart(consensus({})))


def test_captions_state_what_is_missing_from_the_data_not_from_the_notes() -> None:
    """A chart drawn from data whose notes were reworded or left out still says it."""
    network = partnership_network(load_example("plymouth"))
    unrecorded = [node.name for node in network.nodes if node.sector is None]
    assert unrecorded
    text = svg_text(network_chart(replace(network, missing=())))
    assert f"Sector not recorded for {', '.join(unrecorded)}." in text

    empty = parse_profile({"name": "Blank"})
    mapped = similarity_map([load_example("wigan"), load_example("plymouth"), empty])
    text = svg_text(similarity_chart(replace(mapped, notes=())))
    assert "No answers to compare for Blank." in text

    report = consensus(
        {
            "Council": _respondent("active"),
            "Friends of the Park": _respondent("active", name="Riverside Park Partnership"),
        }
    )
    text = svg_text(consensus_chart(replace(report, notes=())))
    assert (
        "Respondents name the partnership differently: Riverside Partnership, "
        "Riverside Park Partnership." in text
    )


def test_charts_are_reproducible_byte_for_byte() -> None:
    network = partnership_network(load_example("golden-key"))
    assert network_chart(network) == network_chart(network)
    profiles = [load_example(name) for name in example_names()]
    assert similarity_chart(similarity_map(profiles)) == similarity_chart(similarity_map(profiles))
