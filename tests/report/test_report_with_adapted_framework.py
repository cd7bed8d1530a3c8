"""Reports and charts made with a team's adapted framework speak that framework's words."""

from __future__ import annotations

from typing import Any

from collabmap.classify import classify
from collabmap.compare.consensus import consensus
from collabmap.compare.network import partnership_network
from collabmap.compare.similarity import similarity_map
from collabmap.examples import example_names, load_example
from collabmap.framework import Framework
from collabmap.profile import Profile, parse_profile
from collabmap.report.charts.consensus import consensus_chart
from collabmap.report.charts.network import network_chart
from collabmap.report.charts.similarity import similarity_chart
from collabmap.report.context import build_report_context
from collabmap.report.render import render_html, render_markdown
from tests.adapted import adapted, concept, term
from tests.report.test_charts_network_similarity_consensus import svg_text

CIVIC_PRIDE = {
    "id": "civic_pride",
    "kind": "collaboration",
    "label": "Civic pride",
    "definition": "Collaboration makes people proud of their place.",
    "sources": [{"source": "collabmap", "status": "inferred"}],
}


def add_civic_pride(data: dict[str, Any]) -> None:
    data["rationales"].insert(0, CIVIC_PRIDE)


def relabel_local_authority(data: dict[str, Any]) -> None:
    term(data, "sectors", "local_authority")["label"] = "Principal council"


def examples_stating_civic_pride(fw: Framework) -> dict[str, Profile]:
    profiles = {}
    for name in example_names():
        data = load_example(name, framework=fw).model_dump(mode="json", exclude_none=True)
        data["rationales"] = [{"code": "civic_pride", "statement": "We are proud of the place."}]
        profile = parse_profile(data, framework=fw)
        profiles[profile.name] = profile
    return profiles


def test_a_report_on_an_adapted_framework_renders_with_its_rationales_and_sectors() -> None:
    fw = adapted(add_civic_pride, relabel_local_authority)
    profiles = examples_stating_civic_pride(fw)
    results = {name: classify(profile, fw) for name, profile in profiles.items()}
    context = build_report_context("Study", list(profiles), profiles, results, {}, framework=fw)

    html = render_html(context)

    assert "Civic pride" in html
    assert "Principal council" in html  # the network charts' legends name the sectors
    assert "Civic pride" in render_markdown(context)


def test_the_network_chart_names_sectors_as_the_framework_does() -> None:
    fw = adapted(relabel_local_authority)
    network = partnership_network(load_example("plymouth", framework=fw), framework=fw)

    text = svg_text(network_chart(network, framework=fw))

    assert "Principal council" in text
    assert "Local authority" not in text


def test_the_similarity_chart_names_structures_as_the_framework_does() -> None:
    def rename(data: dict[str, Any]) -> None:
        concept(data, "structures", "collaborative_council")["label"] = "Council-wide reform"

    fw = adapted(rename)
    profiles = [load_example(name, framework=fw) for name in example_names()]

    text = svg_text(similarity_chart(similarity_map(profiles, framework=fw), framework=fw))

    assert "Council-wide reform" in text
    assert "Collaborative council" not in text


def test_the_consensus_chart_names_categories_as_the_framework_does() -> None:
    def rename(data: dict[str, Any]) -> None:
        concept(data, "activity_categories", "co_design")["label"] = "Designing together"

    fw = adapted(rename)
    oldham = load_example("oldham", framework=fw)
    report = consensus({"Council": oldham, "Group": oldham}, framework=fw)

    text = svg_text(consensus_chart(report, framework=fw))

    assert "Designing together" in text
    assert "Co-design" not in text


def _report(fw: Framework) -> tuple[str, str]:
    profiles = {p.name: p for p in (load_example(n, framework=fw) for n in ["wigan", "oldham"])}
    results = {name: classify(profile, fw) for name, profile in profiles.items()}
    context = build_report_context("Study", list(profiles), profiles, results, {}, framework=fw)
    return render_html(context, charts={}), render_markdown(context)


def test_a_report_cites_the_frameworks_own_source() -> None:
    def cite_our_study(data: dict[str, Any]) -> None:
        data["sources"].insert(
            0,
            {
                "id": "riverside2025",
                "citation": "Riverside Research (2025). Collaboration in Riverside.",
                "short_citation": "Riverside Research (2025)",
            },
        )

    html, markdown = _report(adapted(cite_our_study))

    assert "collaborative structures of Riverside Research (2025)," in html
    assert "Source: Riverside Research (2025). Collaboration in Riverside." in html
    assert "Source: Riverside Research (2025). Collaboration in Riverside." in markdown
    assert "FitzGerald" not in html


def test_a_report_on_a_framework_without_a_short_citation_names_the_framework() -> None:
    def no_short_citation(data: dict[str, Any]) -> None:
        del data["sources"][0]["short_citation"]

    html, _ = _report(adapted(no_short_citation))

    assert "collaborative structures of the framework," in html
    assert "Source: FitzGerald, C., Rosenbach, F." in html
