"""Accountability flags: the article's questions, raised where the profile leaves them open.

A question is raised by the situations the framework names for it — responsibility, assets or
money passing to non-governmental actors (``transfer``), or citizens acting without
professionals (``citizens_act_alone``) — and is answered by an accountability mechanism in
the profile that covers it, for that activity or for the whole partnership.
"""

from __future__ import annotations

from collabmap.classify._labels import label_of, what_passes
from collabmap.classify._results import AccountabilityFlag, AnsweredQuestion
from collabmap.classify.activity import activity_facts
from collabmap.framework import Framework
from collabmap.profile import Activity, Profile

__all__ = ["accountability_flags"]


def _triggers(activity: Activity, framework: Framework) -> dict[str, str]:
    """The situations an activity creates, each with the words that explain it."""
    fw = framework
    triggers: dict[str, str] = {}
    recipients = activity.transfer_to or activity.participants
    non_governmental = set(fw.classification.non_governmental_recipients)
    if activity.transfers and (not recipients or non_governmental.intersection(recipients)):
        passes = what_passes(fw, activity.transfers, recipients)
        triggers["transfer"] = f"{passes} in \u2018{activity.name}\u2019"
    facts = activity_facts(activity, fw)
    if facts.citizens_act_alone and not facts.joint_phases:
        triggers["citizens_act_alone"] = (
            f"citizens act without public professionals in \u2018{activity.name}\u2019"
        )
    return triggers


def accountability_flags(
    profile: Profile, framework: Framework
) -> tuple[list[AccountabilityFlag], list[AnsweredQuestion]]:
    """Flags for unanswered questions, and the questions that are answered (for reports)."""
    flags: list[AccountabilityFlag] = []
    answered: list[AnsweredQuestion] = []
    for activity in profile.activities:
        triggers = _triggers(activity, framework)
        for question in framework.accountability:
            raised = [t for t in question.raised_when if t in triggers]
            if not raised:
                continue
            mechanism = next(
                (
                    m
                    for m in profile.accountability
                    if question.id in m.covers
                    and (not m.applies_to or activity.name in m.applies_to)
                ),
                None,
            )
            if mechanism is not None:
                answered.append(AnsweredQuestion(question.id, activity.name, mechanism.name))
                continue
            situation = triggers[raised[0]]
            reason = (
                f"{situation[:1].upper()}{situation[1:]}, and no arrangement in the profile "
                f"answers this ({label_of(framework, 'accountability', question.id)})."
            )
            flags.append(AccountabilityFlag(question.question, reason, question.id, activity.name))
    return flags, answered
