"""Which collaborative structure a partnership has: scores, reasons and uncertainty.

Each structure in the framework lists signals — answers that point towards it (positive
weight) or away from it (negative). A structure's *fit* is the weight of the signals the
profile meets divided by the weight it could meet, so a fully matching profile fits 1.0. The
label is the best fit unless the key answers are missing (``insufficient_information``) or no
type fits well enough (``other``); two close fits make the partnership a ``hybrid``.
"""

from __future__ import annotations

from collabmap.classify._labels import label_of
from collabmap.classify._results import INSUFFICIENT, StructureResult, StructureSignal
from collabmap.framework import Framework
from collabmap.profile import Profile

__all__ = ["INSUFFICIENT", "answers_of", "classify_structure"]

_ANSWER_LABELS = {
    "lead_sector": ("the lead organisation's sector", "sectors"),
    "lead_role": ("the lead's role", "lead_roles"),
    "scope": ("the scope of change", "scopes"),
    "lead_size": ("the lead organisation's size", "lead_sizes"),
    "practice": ("a practice", "practices"),
}


def answers_of(profile: Profile) -> dict[str, list[str]]:
    """The profile's answers to the structural questions, as lists of values by answer."""
    lead = profile.lead
    return {
        "lead_sector": [lead.sector] if lead and lead.sector else [],
        "lead_size": [lead.size] if lead and lead.size else [],
        "lead_role": [profile.lead_role] if profile.lead_role else [],
        "scope": [profile.scope] if profile.scope else [],
        "practice": list(profile.practices),
    }


def classify_structure(profile: Profile, framework: Framework) -> StructureResult:
    """Score the profile against every structure and explain the result."""
    settings = framework.classification
    answers = answers_of(profile)
    scores: dict[str, float] = {}
    matched: list[StructureSignal] = []
    for structure in framework.structures:
        if structure.id == "other":
            continue
        possible = sum(s.weight for s in structure.signals if s.weight > 0)
        met = 0.0
        for signal in structure.signals:
            for value in answers[signal.answer]:
                if value in signal.any_of:
                    met += signal.weight
                    matched.append(
                        StructureSignal(
                            signal.answer, value, structure.id, signal.weight, signal.because
                        )
                    )
                    break
        scores[structure.id] = round(min(max(met / possible, 0.0), 1.0), 3) if possible else 0.0
    ranked = sorted(scores, key=lambda k: scores[k], reverse=True)
    best = ranked[0] if ranked else None
    best_fit = scores[best] if best else 0.0
    runner = ranked[1] if len(ranked) > 1 else None
    scores["other"] = round(1.0 - best_fit, 3)

    missing: list[str] = [key for key in settings.key_answers if not answers[key]]
    answered = len(settings.key_answers) - len(missing)
    if answered < settings.min_key_answers:
        label = INSUFFICIENT
    elif best is None or best_fit < settings.min_fit:
        label = "other"
    else:
        label = best
    hybrid = (
        label not in {INSUFFICIENT, "other"}
        and runner is not None
        and scores[runner] >= settings.min_fit
        # compare in whole thousandths: fits are rounded to 3 places, margins are data
        and round((best_fit - scores[runner]) * 1000) <= round(settings.hybrid_margin * 1000)
    )
    reasons = _reasons(framework, label, scores, best, runner, hybrid, missing, matched, answers)
    mode = None
    chosen = next((s for s in framework.structures if s.id == label), None)
    if chosen is not None and chosen.governance_mode is not None:
        mode = chosen.governance_mode.target
    cgr = None
    role = framework.term("lead_roles", profile.lead_role) if profile.lead_role else None
    if role is not None and "cgr_type" in role.maps_to:
        cgr = role.maps_to["cgr_type"].target
    return StructureResult(
        label=label,
        scores=scores,
        hybrid=hybrid,
        reasons=reasons,
        runner_up=_runner_up(label, hybrid, best, runner, scores),
        missing=missing,
        signals=matched,
        governance_mode=mode,
        cgr_type=cgr,
    )


def _runner_up(
    label: str, hybrid: bool, best: str | None, runner: str | None, scores: dict[str, float]
) -> str | None:
    """For a hybrid, the second type; when no type is chosen, the closest one (if any fits)."""
    candidate = runner if hybrid else best if label in {INSUFFICIENT, "other"} else None
    return candidate if candidate is not None and scores[candidate] > 0 else None


def _reasons(
    fw: Framework,
    label: str,
    scores: dict[str, float],
    best: str | None,
    runner: str | None,
    hybrid: bool,
    missing: list[str],
    matched: list[StructureSignal],
    answers: dict[str, list[str]],
) -> list[str]:
    reasons: list[str] = []

    def name(structure: str) -> str:
        return label_of(fw, "structures", structure)

    if label == INSUFFICIENT:
        need = ", ".join(_ANSWER_LABELS[m][0] for m in missing)
        reasons.append(
            f"Not enough information to place the partnership: missing {need}. "
            f"The scores below are provisional."
        )
    elif label == "other":
        fit = scores[best] if best else 0.0
        reasons.append(
            f"No structure fits well: the closest is {name(best or 'other')} at {fit:.2f}, "
            f"below the framework's minimum fit of {fw.classification.min_fit:.2f}."
        )
    else:
        reasons.append(f"Best fit: {name(label)} ({scores[label]:.2f}).")
    if hybrid and runner:
        reasons.append(
            f"Hybrid: {name(runner)} fits almost as well ({scores[runner]:.2f}); "
            f"the partnership shows features of both."
        )
    for answer, values in answers.items():
        for value in values:
            hits = [m for m in matched if m.answer == answer and m.value == value]
            if not hits:
                continue
            what, vocab = _ANSWER_LABELS[answer]
            towards = [f"{name(m.structure)} (+{m.weight:g})" for m in hits if m.weight > 0]
            against = [f"{name(m.structure)} ({m.weight:g})" for m in hits if m.weight < 0]
            subject = "Practice" if answer == "practice" else what[:1].upper() + what[1:]
            parts = []
            if towards:
                parts.append("points to " + ", ".join(towards))
            if against:
                parts.append("counts against " + ", ".join(against))
            chosen = [m for m in hits if m.structure == label] or [m for m in hits if m.weight > 0]
            because = (chosen or hits)[0].because
            reasons.append(
                f"{subject}: {label_of(fw, vocab, value)} — {'; '.join(parts)} ({because})."
            )
    for key in missing:
        if label != INSUFFICIENT:
            reasons.append(f"Not answered: {_ANSWER_LABELS[key][0]}; the result is less certain.")
    return reasons
