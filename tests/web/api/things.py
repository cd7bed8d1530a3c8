"""Something of every kind a route can name, added to a test project: an assessment, a
coding, a suggestion, a memo and a respondent's invitation, so that requests reach the code
behind each route rather than stopping at "unknown"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from collabmap.store import Store
from collabmap.store.assessments import start_assessment
from collabmap.store.coding import apply_code, write_memo
from collabmap.store.invitations import invite_respondent, redeem_invitation
from collabmap.store.models import User

CODE = "Collaborative structure/Collaborative council"
"""A code every new project has (its tree comes from the framework)."""


@dataclass(frozen=True)
class Things:
    """The ids of what :func:`add_things` made in one project."""

    project: str
    partnership: str
    source: str
    assessment: int
    """An assessment started by the project's owner."""
    coding: int
    suggestion: int
    """A machine suggestion waiting for review."""
    memo: int
    invitation: int
    invited: str
    """The user name of the invited respondent."""
    invited_assessment: int
    """The assessment the invited respondent's link leads to."""
    token: str
    """The invitation link's secret."""


def _user_id(store: Store, name: str) -> int:
    with store.reading() as session:
        found = session.scalar(select(User.id).where(User.name == name))
    assert found is not None, name
    return int(found)


def add_things(
    store: Store, project: str, owner: str, *, partnership: str = "Wigan Deal", source: str
) -> Things:
    """One of each kind of thing in ``project`` (which holds ``partnership`` and ``source``);
    made through the library as a user would through the pages."""
    assessment = start_assessment(store, project, _user_id(store, owner), actor=owner)
    coding = apply_code(store, project, source, CODE, start=0, end=12, coder=owner, actor=owner)
    suggestion = apply_code(
        store,
        project,
        source,
        CODE,
        start=13,
        end=25,
        coder="suggester",
        origin="machine",
        confidence=0.7,
        status="suggested",
        actor="test",
    )
    memo = write_memo(store, project, "First thoughts", "Who decides?", source=source, actor=owner)
    token, invitation = invite_respondent(store, project, partnership, "Bea, Wigan", actor=owner)
    redeemed = redeem_invitation(store, token)
    return Things(
        project=project,
        partnership=partnership,
        source=source,
        assessment=assessment.id,
        coding=coding.id,
        suggestion=suggestion.id,
        memo=memo,
        invitation=invitation.id,
        invited=redeemed.user_name,
        invited_assessment=redeemed.assessment_id,
        token=token,
    )
