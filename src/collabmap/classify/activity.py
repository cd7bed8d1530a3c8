"""What kind of activity each one is, and whether its name claims more than it is.

The deciding questions are the framework's: in which phases do public professionals and
citizens work together (co-creation in that phase); do citizens act without professionals
(self-help as individuals, self-organization as groups or after a transfer of assets or
money); or are they only asked their views (consultation). The categories' rules, their order
and the role sets all come from the framework file.
"""

from __future__ import annotations

from dataclasses import dataclass

from collabmap.classify._labels import label_of, what_passes
from collabmap.classify._results import ActivityResult
from collabmap.errors import InvalidFramework, Issue
from collabmap.framework import ActivityCategory, ActivityRule, Framework
from collabmap.profile import Activity, PhasePart
from collabmap.profile._validate import claimed_category

__all__ = ["ActivityFacts", "activity_facts", "classify_activity", "coverage_gaps"]


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    """The answers to the framework's deciding questions, derived from one activity."""

    joint_phases: list[str]
    alone_phases: list[str]
    consulted_phases: list[str]
    citizens_only_consulted: bool

    @property
    def citizens_act_alone(self) -> bool:
        return bool(self.alone_phases)


def activity_facts(activity: Activity, framework: Framework) -> ActivityFacts:
    """Derive joint, alone and consulted phases in the framework's phase order."""
    settings = framework.classification
    joint, alone, consulted = [], [], []
    for phase in framework.in_order("phases", activity.phases):
        part = activity.phases[phase]
        citizens_active = part.citizens in settings.active_citizen_roles
        if part.citizens in settings.joint_roles_citizens and (
            part.professionals in settings.joint_roles_professionals
        ):
            joint.append(phase)
        elif citizens_active:
            alone.append(phase)
        elif part.citizens in settings.consulted_roles:
            consulted.append(phase)
    taking_part = [p for p in activity.phases.values() if p.citizens != "none"]
    only_consulted = bool(taking_part) and all(
        p.citizens in settings.consulted_roles for p in taking_part
    )
    return ActivityFacts(joint, alone, consulted, only_consulted)


def _rule_holds(rule: ActivityRule, facts: ActivityFacts, activity: Activity) -> bool:
    checks: list[bool] = []
    if rule.joint_phase is not None:
        checks.append(rule.joint_phase in facts.joint_phases)
    if rule.no_joint_phase is not None:
        checks.append((not facts.joint_phases) == rule.no_joint_phase)
    if rule.citizens_act_alone is not None:
        checks.append(facts.citizens_act_alone == rule.citizens_act_alone)
    if rule.citizens_only_consulted is not None:
        checks.append(facts.citizens_only_consulted == rule.citizens_only_consulted)
    if rule.level_any_of is not None:
        checks.append(activity.level in rule.level_any_of)
    if rule.participants_any_of is not None:
        checks.append(any(p in rule.participants_any_of for p in activity.participants))
    if rule.transfers_any_of is not None:
        checks.append(any(t in rule.transfers_any_of for t in activity.transfers))
    return bool(checks) and all(checks)


def _describe_rule(rule: ActivityRule, fw: Framework) -> str:
    parts: list[str] = []
    if rule.joint_phase:
        parts.append(f"professionals and citizens work together in {rule.joint_phase}")
    if rule.no_joint_phase:
        parts.append("no phase of joint work")
    if rule.citizens_act_alone:
        parts.append("citizens act without professionals working alongside")
    if rule.citizens_only_consulted:
        parts.append("citizens only give their views")
    if rule.level_any_of:
        parts.append("level " + " or ".join(label_of(fw, "levels", v) for v in rule.level_any_of))
    if rule.participants_any_of:
        parts.append(
            "participants include "
            + " or ".join(label_of(fw, "participants", v) for v in rule.participants_any_of)
        )
    if rule.transfers_any_of:
        parts.append(
            " or ".join(label_of(fw, "transfers", v) for v in rule.transfers_any_of)
            + " pass to them"
        )
    return "; ".join(parts)


def _first_match(
    activity: Activity, facts: ActivityFacts, fw: Framework
) -> tuple[ActivityCategory, ActivityRule] | None:
    for category in sorted(fw.activity_categories, key=lambda c: c.priority):
        for rule in category.rules:
            if _rule_holds(rule, facts, activity):
                return category, rule
    return None


def coverage_gaps(framework: Framework, limit: int = 5) -> list[str]:
    """Kinds of activity that no category's rule covers, described in words.

    Tries every single-phase activity a valid profile can describe (each phase, role, level,
    participant and transfer); an adapted framework should leave none uncovered.
    """
    terms = framework.term_ids
    gaps: list[str] = []
    for phase in terms("phases"):
        for professionals in terms("professional_roles"):
            for citizens in (r for r in terms("citizen_roles") if r != "none"):
                for level in [None, *terms("levels")]:
                    for participant in [None, *terms("participants")]:
                        if level is None and participant is None:
                            continue
                        for transfer in [None, *terms("transfers")]:
                            activity = Activity(
                                name="probe",
                                level=level,
                                participants=[participant] if participant else [],
                                transfers=[transfer] if transfer else [],
                                phases={
                                    phase: PhasePart(professionals=professionals, citizens=citizens)
                                },
                            )
                            facts = activity_facts(activity, framework)
                            if _first_match(activity, facts, framework) is None:
                                gaps.append(
                                    f"in {phase}, professionals {professionals} and citizens "
                                    f"{citizens}; level {level or 'not given'}; participants "
                                    f"{participant or 'not given'}; transfers {transfer or 'none'}"
                                )
                                if len(gaps) >= limit:
                                    return gaps
    return gaps


def _match(
    activity: Activity, facts: ActivityFacts, fw: Framework
) -> tuple[ActivityCategory, ActivityRule]:
    found = _first_match(activity, facts, fw)
    if found is None:
        raise InvalidFramework(
            f"framework {fw.id} {fw.version}",
            [
                Issue(
                    "activity_categories",
                    f"no category's rule fits the activity {activity.name!r}; add a rule that "
                    "covers it (collabmap framework validate lists the gaps)",
                )
            ],
        )
    return found


def _iap2_level(default: str, family: str, decision_power: str | None, fw: Framework) -> str:
    """The category's IAP2 level, moved by who holds decision power.

    For co-creation the decision power sets the level (shared → collaborate …); for the other
    categories it can only lower it: a group that runs a service alone is not empowered when
    the council decides who gets the money.
    """
    mapped = fw.classification.iap2_by_decision_power.get(decision_power or "")
    if mapped is None:
        return default
    if family == "co_creation":
        return mapped
    order = [level.id for level in fw.iap2_levels]
    return mapped if order.index(mapped) < order.index(default) else default


def classify_activity(activity: Activity, framework: Framework) -> ActivityResult:
    """Place one activity in a category by the framework's rules, with reasons."""
    fw = framework
    facts = activity_facts(activity, fw)
    category, rule = _match(activity, facts, fw)
    reasons: list[str] = []
    for phase, part in activity.phases.items():
        if part.citizens == "none" and part.professionals == "none":
            continue
        reasons.append(
            f"In {label_of(fw, 'phases', phase)}, public professionals: "
            f"{label_of(fw, 'professional_roles', part.professionals)}; citizens: "
            f"{label_of(fw, 'citizen_roles', part.citizens)}."
        )
    if facts.joint_phases:
        reasons.append("Joint work in " + ", ".join(facts.joint_phases) + " is co-creation.")
    if facts.alone_phases:
        reasons.append(
            "Citizens act without public professionals working alongside them in "
            + ", ".join(facts.alone_phases)
            + "."
        )
    if activity.level:
        reasons.append(f"Level of participation: {label_of(fw, 'levels', activity.level)}.")
    if activity.transfers:
        passes = what_passes(fw, activity.transfers, activity.transfer_to or activity.participants)
        reasons.append(f"{passes[:1].upper()}{passes[1:]}.")
    if activity.decision_power:
        reasons.append(f"Decision power: {label_of(fw, 'actors', activity.decision_power)}.")
    reasons.append(
        f"Rule for {label_of(fw, 'activity_categories', category.id)}: {_describe_rule(rule, fw)}."
    )

    claimed = activity.claimed or claimed_category(activity.called, fw)
    claimed_family = None
    if claimed == "co_creation":
        claimed_family = "co_creation"
    elif claimed is not None:
        claimed_family = next((c.family for c in fw.activity_categories if c.id == claimed), None)
    mismatch = claimed_family == "co_creation" and category.family == "not_co_creation"
    claim = label_of(fw, "activity_categories", claimed or "")
    if not activity.called:
        said = f"claimed as {claim}"
    elif activity.called.strip().casefold() == claim.casefold():
        said = f"called '{activity.called}'"
    else:
        said = f"called '{activity.called}', which claims {claim}"
    if mismatch:
        reasons.append(
            f"Rhetoric mismatch: {said}, but by the framework's rules it is "
            f"{label_of(fw, 'activity_categories', category.id)}."
        )
    elif claimed and claimed != "co_creation" and claimed != category.id:
        reasons.append(
            f"{said[:1].upper()}{said[1:]}, but the joint work is "
            f"{label_of(fw, 'activity_categories', category.id)} rather than {claim}."
        )
    iap2 = _iap2_level(category.iap2, category.family, activity.decision_power, fw)
    return ActivityResult(
        name=activity.name,
        category=category.id,
        family=category.family,
        claimed=claimed,
        rhetoric_mismatch=mismatch,
        reasons=reasons,
        joint_phases=facts.joint_phases,
        iap2_level=iap2,
        called=activity.called,
    )
