"""Consensus and conflict: where respondents who assessed the same partnership disagree.

After the Partnership Assessment Tool, each partner answers the same assessment separately;
the value lies in seeing where they agree, where they do not, and what their different answers
add up to. So every answered question is listed with each respondent's answer, flagged when
the answers differ, with the share giving the most common answer; and each respondent's
answers are classified on their own, so that the view can show, say, the council's answers
making an activity co-design while the community group's make it consultation.

Questions are flattened to paths (``lead_role``, ``practices``,
``activities[<name>].phases.design.citizens`` …). Activities are matched by name, ignoring
case and spacing. A respondent who leaves a question out — no answer, an empty list, an
activity or phase they do not describe — is shown as *missing*, never counted as disagreeing:
silence is not dissent, and the missing answers are listed so that they can be followed up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from collabmap.classify import classify
from collabmap.compare._plain import plain_dict
from collabmap.framework import Framework, default_framework
from collabmap.profile import Activity, Profile, activity_key

__all__ = ["ActivityView", "ConsensusReport", "Implied", "Question", "consensus", "flatten"]


@dataclass(frozen=True, slots=True)
class Question:
    """One question, each respondent's answer (None = missing) and how far they agree.

    ``agreement`` is the share of the respondents who answered that gave the ``modal``
    (most common) answer: 1.0 when all who answered agree.
    """

    path: str
    answers: dict[str, str | None]
    disagreement: bool
    agreement: float
    modal: str
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Implied:
    """What one respondent's answers, classified on their own, make of the partnership."""

    respondent: str
    structure: str
    hybrid: bool
    activities: dict[str, str]


@dataclass(frozen=True, slots=True)
class ActivityView:
    """One activity: the category each respondent's answers imply (None = not described)."""

    name: str
    categories: dict[str, str | None]
    claimed: dict[str, str | None]
    disagreement: bool


@dataclass(frozen=True, slots=True)
class ConsensusReport:
    """Consensus and conflict among respondents about one partnership.

    ``partnership`` is the name most respondents give it; ``names`` what each one calls it.
    """

    partnership: str
    respondents: tuple[str, ...]
    questions: tuple[Question, ...]
    implied: tuple[Implied, ...]
    activities: tuple[ActivityView, ...]
    structure_disagreement: bool
    notes: tuple[str, ...]
    names: dict[str, str] = field(default_factory=dict)

    @property
    def disagreements(self) -> tuple[Question, ...]:
        """The questions on which respondents who answered gave different answers."""
        return tuple(q for q in self.questions if q.disagreement)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data for the web app (tuples become lists)."""
        return plain_dict(self)


def _text(value: str | bool | list[str] | None) -> str | None:
    """An answer as comparable text; lists ignore order; empty means unanswered."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(sorted(value)) if value else None
    return value or None


def flatten(profile: Profile, framework: Framework | None = None) -> dict[str, str]:
    """The profile's answered questions by path, each answer as comparable text.

    Free text (descriptions, notes, statements) is left out: it is evidence, not an answer
    that two respondents can agree or disagree on.
    """
    fw = framework or default_framework()
    answers: dict[str, str | None] = {}
    lead = profile.lead
    answers["lead.organisation"] = lead.organisation if lead else None
    answers["lead.sector"] = _text(lead.sector) if lead else None
    answers["lead.size"] = _text(lead.size) if lead else None
    answers["lead_role"] = _text(profile.lead_role)
    answers["scope"] = _text(profile.scope)
    answers["practices"] = _text(list(profile.practices))
    answers["partners"] = _text([p.organisation for p in profile.partners])
    for partner in profile.partners:
        answers[f"partners[{partner.organisation}].sector"] = _text(partner.sector)
    answers["rationales"] = _text([r.code for r in profile.rationales])
    for activity in profile.activities:
        answers.update(_activity_answers(activity, fw))
    for mechanism in profile.accountability:
        base = f"accountability[{mechanism.name}]"
        answers[f"{base}.covers"] = _text(list(mechanism.covers))
        answers[f"{base}.applies_to"] = _text(list(mechanism.applies_to))
    return {path: value for path, value in answers.items() if value is not None}


def _activity_answers(activity: Activity, fw: Framework) -> dict[str, str | None]:
    base = f"activities[{' '.join(activity.name.split())}]"
    found: dict[str, str | None] = {
        f"{base}.called": _text(activity.called),
        f"{base}.claimed": _text(activity.claimed),
        f"{base}.initiated_by": _text(activity.initiated_by),
        f"{base}.participants": _text(list(activity.participants)),
        f"{base}.level": _text(activity.level),
    }
    for phase in fw.in_order("phases", activity.phases):
        part = activity.phases[phase]
        found[f"{base}.phases.{phase}.professionals"] = part.professionals
        found[f"{base}.phases.{phase}.citizens"] = part.citizens
    found[f"{base}.decision_power"] = _text(activity.decision_power)
    found[f"{base}.transfers"] = _text(list(activity.transfers))
    found[f"{base}.transfer_to"] = _text(list(activity.transfer_to))
    found[f"{base}.professionals_involved"] = _text(activity.professionals_involved)
    return found


def consensus(
    responses: Mapping[str, Profile], *, framework: Framework | None = None
) -> ConsensusReport:
    """Compare the profiles that ``responses`` (respondent name → profile) give of one
    partnership: every answered question, the disagreements, and what each implies."""
    fw = framework or default_framework()
    respondents = tuple(responses)
    notes: list[str] = []
    if not respondents:
        notes.append("No respondents' answers given")
    elif len(respondents) == 1:
        notes.append("Only one respondent: there is nothing to compare yet")
    names = Counter(p.name for p in responses.values())
    partnership = names.most_common(1)[0][0] if names else ""
    if len(names) > 1:
        notes.append("Respondents name the partnership differently: " + ", ".join(names))

    flat = {who: _matched(flatten(p, fw)) for who, p in responses.items()}
    order: list[str] = []
    for answers in flat.values():
        order.extend(path for path in answers if path not in order)
    spelling = _activity_spellings(responses)
    questions: list[Question] = []
    for path in order:
        given = {who: flat[who].get(path) for who in respondents}
        counts = Counter(v for v in given.values() if v is not None)
        modal, top = counts.most_common(1)[0]
        questions.append(
            Question(
                path=_display(path, spelling),
                answers=given,
                disagreement=len(counts) > 1,
                agreement=round(top / sum(counts.values()), 4),
                modal=modal,
                missing=tuple(who for who, v in given.items() if v is None),
            )
        )

    implied: list[Implied] = []
    categories: dict[str, dict[str, str]] = {}
    claims: dict[str, dict[str, str | None]] = {}
    for who, profile in responses.items():
        result = classify(profile, fw)
        implied.append(
            Implied(
                who,
                result.structure.label,
                result.structure.hybrid,
                {spelling[activity_key(a.name)]: a.category for a in result.activities},
            )
        )
        for a in result.activities:
            categories.setdefault(activity_key(a.name), {})[who] = a.category
            claims.setdefault(activity_key(a.name), {})[who] = a.claimed
    views = []
    for key, by_who in categories.items():
        views.append(
            ActivityView(
                name=spelling[key],
                categories={who: by_who.get(who) for who in respondents},
                claimed={who: claims[key].get(who) for who in respondents},
                disagreement=len(set(by_who.values())) > 1,
            )
        )
    return ConsensusReport(
        partnership=partnership,
        respondents=respondents,
        questions=tuple(questions),
        implied=tuple(implied),
        activities=tuple(views),
        structure_disagreement=len({i.structure for i in implied}) > 1,
        notes=tuple(notes),
        names={who: profile.name for who, profile in responses.items()},
    )


def _activity_spellings(responses: Mapping[str, Profile]) -> dict[str, str]:
    """Each matched activity's name as the first respondent to describe it spelt it."""
    spelling: dict[str, str] = {}
    for profile in responses.values():
        for activity in profile.activities:
            spelling.setdefault(activity_key(activity.name), " ".join(activity.name.split()))
    return spelling


def _matched(answers: dict[str, str]) -> dict[str, str]:
    """Paths with activity names in matching form, so respondents' spellings meet."""
    matched: dict[str, str] = {}
    for path, value in answers.items():
        if path.startswith("activities["):
            name, rest = path[len("activities[") :].rsplit("].", 1)
            path = f"activities[{activity_key(name)}].{rest}"
        matched[path] = value
    return matched


def _display(path: str, spelling: dict[str, str]) -> str:
    if path.startswith("activities["):
        name, rest = path[len("activities[") :].rsplit("].", 1)
        return f"activities[{spelling.get(name, name)}].{rest}"
    return path
