"""Reading passages: labels from the contract, calibrated scores, evidence, odd input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sklearn.exceptions import NotFittedError  # type: ignore[import-untyped]

from collabmap.analyse import (
    PassageClassifier,
    analyse,
    evaluate_predictions,
    task_labels,
    training_examples,
)
from collabmap.analyse.jsonl import LineError, Passage, read_passages
from collabmap.errors import InvalidInput
from tests.cli.conftest import Run

CONTRACT = {
    "activity": {
        "co_design",
        "co_delivery",
        "co_commissioning",
        "co_assessment",
        "citizen_self_help",
        "community_self_organization",
        "consultation_only",
    },
    "partnership": {
        "collaborative_council",
        "collaborative_market",
        "system_connector",
        "agent_of_change",
        "other",
    },
    "rationale": {
        "share_responsibility",
        "voluntary_sector_role",
        "better_workplace",
        "better_impact_value",
        "other",
    },
}


@pytest.mark.parametrize("task", ["activity", "rationale"])
def test_the_labels_are_exactly_the_contracts(task: str) -> None:
    assert set(task_labels(task)) == CONTRACT[task]


def test_training_examples_are_ours_and_balanced() -> None:
    for task in ("activity", "rationale"):
        examples = training_examples(task)
        counts = {
            label: sum(1 for e in examples if e.label == label) for label in task_labels(task)
        }
        assert min(counts.values()) >= 40, counts


def test_pledges_called_co_production_read_as_self_help_with_evidence() -> None:
    (answer,) = analyse(
        "activity",
        [
            "Ashbury Council launched its Community Promise. In return for frozen council tax, "
            "households are asked to recycle more, keep active and shovel the snow outside their "
            "own homes. The leaflet calls this co-production."
        ],
    )
    assert answer.label == "citizen_self_help"
    assert abs(sum(answer.scores.values()) - 1.0) < 0.01
    assert answer.scores["citizen_self_help"] > 0.5
    assert any("households are asked" in sentence for sentence in answer.evidence)


def test_a_grant_and_a_lease_to_a_residents_group_is_self_organization() -> None:
    (answer,) = analyse(
        "activity",
        [
            "The community centre was transferred on a 25-year lease to the Hillside Residents' "
            "Association, which now runs it with volunteers. No council staff work there; the "
            "association applied for a small grant to repair the roof."
        ],
    )
    assert answer.label == "community_self_organization"


def test_empty_nonsense_and_long_text_get_a_valid_low_confidence_answer() -> None:
    empty, nonsense, long = analyse("rationale", ["", "xq zzk vvv ppp qqq", "staff morale " * 5000])
    assert empty.label in CONTRACT["rationale"] and empty.evidence == []
    assert max(empty.scores.values()) < 0.25
    assert "empty" in empty.warnings[0]
    assert max(nonsense.scores.values()) < 0.5 and nonsense.warnings
    assert any("cut to its first" in w for w in long.warnings)


def test_the_classifier_follows_the_scikit_learn_contract() -> None:
    model = PassageClassifier(task="rationale", C=2.0)
    assert model.get_params() == {
        "task": "rationale",
        "C": 2.0,
        "calibration_folds": 5,
        "meaning_weight": 5.0,
    }
    with pytest.raises(NotFittedError):
        model.predict(["anything"])
    examples = training_examples("rationale")[:60]
    fitted = model.fit([e.text for e in examples], [e.label for e in examples])
    assert fitted is model and set(model.classes_) <= CONTRACT["rationale"]


def test_a_two_label_classifier_quotes_the_sentences_that_argue_for_its_answer() -> None:
    examples = [
        e for e in training_examples("activity") if e.label in {"citizen_self_help", "co_design"}
    ]
    model = PassageClassifier(task="activity")
    model.fit([e.text for e in examples], [e.label for e in examples])
    self_help = "Residents are asked to recycle more and keep active so that services cost less."
    redesign = (
        "Former service users and council officers redesigned the hostel rules together in "
        "workshops."
    )
    co_designed = "Tenants and staff co-designed the new repairs service over six sessions."
    design, pledges = model.answer(
        [
            f"{redesign} {self_help} {co_designed}",
            f"{self_help} Households pledge to shovel the snow outside their homes.",
        ]
    )
    assert design.label == "co_design"
    assert design.evidence[:2] == [redesign, co_designed]
    assert self_help not in design.evidence
    assert pledges.label == "citizen_self_help"
    assert pledges.evidence[0] == self_help


def test_evaluating_no_predictions_or_unmatched_lists_is_refused_clearly() -> None:
    labels = task_labels("rationale")
    with pytest.raises(InvalidInput, match="no cases to evaluate for the rationale task"):
        evaluate_predictions("rationale", [], [], [], labels)
    with pytest.raises(InvalidInput, match="got 2 gold labels, 1 predictions, 2 confidences"):
        evaluate_predictions("rationale", ["other", "other"], ["other"], [0.9, 0.8], labels)


def test_a_small_gold_set_answered_perfectly_has_a_perfect_interval() -> None:
    # two cases a label: most bootstrap resamples miss some label altogether, which must not
    # count against the model
    labels = task_labels("partnership")
    gold = [label for label in labels for _ in range(2)]
    evaluation = evaluate_predictions("partnership", gold, gold, [0.9] * len(gold), labels)
    assert evaluation.macro_f1 == 1.0
    assert evaluation.macro_f1_ci == (1.0, 1.0)
    assert evaluation.accuracy_exact_ci == (0.6915, 1.0)  # ten right could still be luck
    assert any(
        "exact binomial 95% interval for accuracy is 0.692–1.000" in n for n in evaluation.notes
    )
    wrong = ["other", *gold[1:]]  # one case wrong: the interval now reaches below 1
    assert evaluate_predictions("partnership", gold, wrong, [0.9] * 10, labels).macro_f1_ci[0] < 1


def test_jsonl_lines_are_read_with_their_numbers() -> None:
    items = list(read_passages(['{"id": "a", "text": "x"}', "", "{bad", '["list"]', '{"id": 2}']))
    assert isinstance(items[0], Passage) and items[0].id == "a"
    assert [str(i) for i in items[1:]] == [
        "line 3: not valid JSON (Expecting property name enclosed in double quotes, column 2)",
        'line 4: expected an object like {"id": ..., "text": ...}',
        'line 5: missing "text" (a string)',
    ]
    assert all(isinstance(i, LineError) for i in items[1:])


def test_analyse_jsonl_answers_every_good_line_in_order(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "p1", "text": "Residents were surveyed; the cabinet then decided."})
        + "\n"
        + "not json\n"
        + json.dumps(
            {"id": "p2", "text": "Tenants inspect repairs with housing officers.", "extra": 1}
        )
        + "\n"
    )
    result = run("analyse", "activity", "--jsonl", str(path))
    assert result.code == 1
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [line["id"] for line in lines] == ["p1", "p2"]
    for line in lines:
        assert set(line) >= {"id", "label", "scores", "evidence"}
        assert line["label"] in CONTRACT["activity"]
        assert set(line["scores"]) == CONTRACT["activity"]
    assert "line 2: not valid JSON" in result.err


def test_analyse_text_is_readable_and_json_on_request(run: Run) -> None:
    text = "We collaborate because the law requires a health and wellbeing board."
    readable = run("analyse", "rationale", "--text", text)
    assert readable.code == 0 and readable.out.startswith("Rationale: ")
    assert "Evidence:" in readable.out
    data = json.loads(run("analyse", "rationale", "--text", text, "--json").out)
    assert data["label"] in CONTRACT["rationale"]


def test_evaluate_reports_the_figures_and_names_bad_lines(run: Run, tmp_path: Path) -> None:
    examples = training_examples("rationale")[:40]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(
            json.dumps({"id": i, "text": e.text, "label": e.label}) for i, e in enumerate(examples)
        )
        + "\n"
        + json.dumps({"id": "x", "text": "t", "label": "nonsense"})
        + "\n"
    )
    result = run("evaluate", "rationale", str(gold), "--json")
    assert result.code == 1
    assert "line 41: label must be one of" in result.err
    data = json.loads(result.out)
    assert data["n"] == 40 and data["accuracy"] > 0.8
    low, high = data["macro_f1_ci95"]
    assert low <= data["macro_f1"] <= high
    assert set(data) >= {
        "accuracy",
        "macro_f1",
        "cohen_kappa",
        "per_label",
        "confusion_matrix",
        "expected_calibration_error",
    }


def test_trained_models_are_cached_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collabmap.analyse import _service

    monkeypatch.setenv("COLLABMAP_CACHE", str(tmp_path))
    _service.classifier.cache_clear()
    try:
        _service.classifier("rationale")
        (cached,) = tmp_path.glob("rationale-*.joblib")
        stamp = cached.stat().st_mtime_ns
        _service.classifier.cache_clear()
        _service.classifier("rationale")
        assert cached.stat().st_mtime_ns == stamp
    finally:
        _service.classifier.cache_clear()
