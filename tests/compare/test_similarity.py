"""The similarity map: feature vectors, cosine similarity, MDS positions, nearest neighbours."""

from __future__ import annotations

import json
import math

import pytest

from collabmap.classify import classify
from collabmap.compare.similarity import feature_vector, features, similarity_map
from collabmap.examples import example_names, load_example
from collabmap.profile import Profile, parse_profile


@pytest.fixture(scope="module")
def examples() -> list[Profile]:
    return [load_example(name) for name in example_names()]


def _index(names: tuple[str, ...], name: str) -> int:
    return names.index(name)


def test_one_partnership_sits_at_the_origin_with_no_neighbour() -> None:
    result = similarity_map([load_example("wigan")])
    assert result.coordinates == ((0.0, 0.0),)
    assert result.nearest[0].nearest is None
    assert result.similarity == ((1.0,),)
    assert "Only one partnership: add another to compare" in result.notes


def test_two_partnerships_lie_on_the_x_axis_their_dissimilarity_apart() -> None:
    result = similarity_map([load_example("wigan"), load_example("plymouth")])
    (x1, y1), (x2, y2) = result.coordinates
    assert y1 == y2 == 0.0
    assert x1 < 0 < x2
    assert x2 - x1 == pytest.approx(1 - result.similarity[0][1], abs=1e-5)


def test_no_partnerships_give_an_empty_map_that_says_so() -> None:
    result = similarity_map([])
    assert result.partnerships == ()
    assert result.notes == ("No partnerships to compare",)


def test_the_matrix_is_symmetric_with_ones_on_the_diagonal(examples: list[Profile]) -> None:
    sim = similarity_map(examples).similarity
    for i in range(len(sim)):
        assert sim[i][i] == 1.0
        for j in range(len(sim)):
            assert sim[i][j] == sim[j][i]
            assert 0.0 <= sim[i][j] <= 1.0


def test_identical_answers_give_similarity_one() -> None:
    wigan = load_example("wigan")
    result = similarity_map([wigan, wigan])
    assert result.similarity[0][1] == 1.0
    assert result.partnerships == ("Wigan Deal", "Wigan Deal (2)")


def test_collaborative_councils_are_each_others_nearest_neighbours(
    examples: list[Profile],
) -> None:
    result = similarity_map(examples)
    nearest = {n.partnership: n.nearest for n in result.nearest}
    assert nearest["Wirral"] == "Co-operative Oldham"
    assert nearest["Co-operative Oldham"] == "Wirral"
    assert nearest["Wigan Deal"] == "Co-operative Oldham"


def test_the_map_keeps_alike_partnerships_closer_than_unlike_ones(
    examples: list[Profile],
) -> None:
    result = similarity_map(examples)
    names = result.partnerships
    oldham, wirral, golden = (
        result.coordinates[_index(names, n)]
        for n in ("Co-operative Oldham", "Wirral", "Golden Key")
    )
    assert math.dist(oldham, wirral) < math.dist(oldham, golden)
    assert result.stress is not None and result.stress < 0.2


def test_the_same_input_gives_the_same_map(examples: list[Profile]) -> None:
    assert similarity_map(examples) == similarity_map(examples)


def test_every_feature_is_named_grouped_and_described() -> None:
    found = features()
    assert len({f.name for f in found}) == len(found)
    assert {f.group for f in found} == {
        "lead_sector",
        "lead_role",
        "scope",
        "practice",
        "activity",
        "rationale",
        "structure",
    }
    assert all(f.description for f in found)


def test_plymouths_vector_records_its_answers_and_its_structure_fit() -> None:
    plymouth = load_example("plymouth")
    columns = features()
    classification = classify(plymouth)
    values = dict(
        zip(
            (f.name for f in columns),
            feature_vector(plymouth, classification, columns),
            strict=True,
        )
    )
    assert values["lead_sector:local_authority"] == 1.0
    assert values["lead_role:commissioner"] == 1.0
    assert values["practice:alliance_contract"] == 1.0
    assert values["practice:embedded_teams"] == 0.0
    assert values["activity:consultation_only"] == 1.0
    assert (
        values["structure:collaborative_market"]
        == (classification.structure.scores["collaborative_market"])
    )


def test_a_partnership_with_no_answers_is_noted() -> None:
    result = similarity_map([load_example("wigan"), parse_profile({"name": "Blank"})])
    assert "No answers to compare for Blank" in result.notes
    assert result.similarity[0][1] == 0.0


def test_the_map_converts_to_json(examples: list[Profile]) -> None:
    data = json.loads(json.dumps(similarity_map(examples).to_dict()))
    assert len(data["coordinates"]) == 5
    assert data["nearest"][0]["partnership"] == "Golden Key"
