"""The partnership profile: one partnership's answers, each fact with its sources.

The model fixes the *shape* of a profile. Which values a field may take (sectors, roles,
phases …) comes from the framework's vocabularies, and is checked in ``_validate.py``, so an
adapted framework can add values without touching this code.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.config import JsonDict

__all__ = [
    "AccountabilityMechanism",
    "Activity",
    "Basis",
    "Organisation",
    "PhasePart",
    "Profile",
    "ProfileSource",
    "StatedRationale",
    "activity_key",
]


def activity_key(name: str) -> str:
    """An activity's name as activities are told apart: ignoring case and runs of spaces.

    A profile may not name two activities alike in this form, and respondents' activities are
    matched by it when their answers are compared.
    """
    return " ".join(name.split()).casefold()


def _vocab(name: str, description: str) -> JsonDict:
    """Field metadata: which framework vocabulary supplies the allowed values."""
    return {"x-vocabulary": name, "description": description}


def _date_as_text(value: object) -> object:
    """YAML reads 2024-03-12 as a date; keep it as the ISO text the author wrote."""
    return value.isoformat() if isinstance(value, date) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Fact(_Strict):
    """Fields shared by every fact-bearing part of a profile."""

    sources: list[str] = Field(
        default_factory=list, description="ids of entries in the profile's `sources` list"
    )
    status: str = Field(
        default="stated",
        json_schema_extra=_vocab("fact_status", "how firm the fact is"),
    )
    note: str | None = Field(default=None, description="anything a reader should know")


class Basis(_Fact):
    """Sources and status for a top-level answer (``lead_role``, ``scope``, ``practices``)."""


class ProfileSource(_Strict):
    """A document, web page or interview that facts in the profile come from."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=100)
    title: str = Field(min_length=1, max_length=500)
    url: str | None = Field(default=None, max_length=2000)
    kind: Literal["web_page", "document", "report", "article", "interview", "other"] = "web_page"
    accessed: Annotated[str | None, BeforeValidator(_date_as_text)] = Field(
        default=None, description="date the source was read, e.g. 2024-03-12"
    )
    note: str | None = None


class Organisation(_Fact):
    """An organisation in the partnership: the lead or a partner."""

    organisation: str = Field(min_length=1, max_length=300, description="its name")
    sector: str | None = Field(
        default=None, json_schema_extra=_vocab("sectors", "the sector it belongs to")
    )
    size: str | None = Field(
        default=None, json_schema_extra=_vocab("lead_sizes", "its size (staff)")
    )
    role: str | None = Field(
        default=None, max_length=1000, description="what it does in the partnership"
    )


class StatedRationale(_Fact):
    """A reason the partnership gives for collaborating or co-creating."""

    code: str = Field(json_schema_extra=_vocab("rationales", "which rationale this is"))
    statement: str | None = Field(
        default=None, max_length=5000, description="the rationale in the partnership's words"
    )
    mechanism: str | None = Field(
        default=None,
        max_length=5000,
        description="how, specifically, collaboration is expected to achieve it (if stated)",
    )


class PhasePart(_Strict):
    """Who does what in one phase of an activity."""

    professionals: str = Field(
        default="none",
        json_schema_extra=_vocab("professional_roles", "what public professionals do"),
    )
    citizens: str = Field(
        default="none",
        json_schema_extra=_vocab("citizen_roles", "what citizens or community groups do"),
    )


class Activity(_Fact):
    """Something the partnership does with residents, service users or community groups."""

    name: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    called: str | None = Field(
        default=None,
        max_length=300,
        description="what the partnership calls it, e.g. 'co-production' (for the rhetoric check)",
    )
    claimed: str | None = Field(
        default=None,
        json_schema_extra=_vocab(
            "claimable", "the category the partnership claims; inferred from `called` if omitted"
        ),
    )
    initiated_by: str | None = Field(
        default=None, json_schema_extra=_vocab("actors", "who started it")
    )
    participants: list[str] = Field(
        default_factory=list,
        json_schema_extra=_vocab("participants", "who takes part from the community"),
    )
    level: str | None = Field(
        default=None,
        json_schema_extra=_vocab("levels", "individual, group or collective participation"),
    )
    phases: dict[str, PhasePart] = Field(
        default_factory=dict,
        json_schema_extra=_vocab("phases", "who takes part in which phase, and how"),
    )
    decision_power: str | None = Field(
        default=None, json_schema_extra=_vocab("actors", "who holds decision power")
    )
    transfers: list[str] = Field(
        default_factory=list,
        json_schema_extra=_vocab(
            "transfers", "what passes to residents or community groups (responsibility …)"
        ),
    )
    transfer_to: list[str] = Field(
        default_factory=list,
        json_schema_extra=_vocab(
            "actors", "who receives what passes; defaults to the participants"
        ),
    )
    professionals_involved: bool | None = Field(
        default=None,
        description="whether public professionals stay actively involved (checked against phases)",
    )


class AccountabilityMechanism(_Fact):
    """A named arrangement that answers one or more accountability questions."""

    name: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    covers: list[str] = Field(
        min_length=1,
        json_schema_extra=_vocab("accountability", "which accountability questions it answers"),
    )
    applies_to: list[str] = Field(
        default_factory=list,
        description="names of the activities it covers; empty means the whole partnership",
    )


class Profile(_Strict):
    """One partnership, described well enough to classify and to check against its sources."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        title="collabmap partnership profile",
    )

    collabmap_profile: Literal[1] = Field(default=1, description="version of the profile format")
    name: str = Field(min_length=1, max_length=300)
    place: str | None = Field(default=None, max_length=300)
    summary: str | None = Field(default=None, max_length=10_000)
    lead: Organisation | None = Field(default=None, description="the lead organisation")
    lead_role: str | None = Field(
        default=None,
        json_schema_extra=_vocab("lead_roles", "the lead's role relative to the others"),
    )
    scope: str | None = Field(
        default=None, json_schema_extra=_vocab("scopes", "the scope of change sought")
    )
    practices: list[str] = Field(
        default_factory=list,
        json_schema_extra=_vocab("practices", "ways of working that describe the partnership"),
    )
    partners: list[Organisation] = Field(default_factory=list, max_length=1000)
    rationales: list[StatedRationale] = Field(default_factory=list, max_length=200)
    activities: list[Activity] = Field(default_factory=list, max_length=500)
    accountability: list[AccountabilityMechanism] = Field(default_factory=list, max_length=500)
    basis: dict[str, Basis] = Field(
        default_factory=dict,
        description="sources for top-level answers, keyed by field: lead_role, scope, practices",
    )
    sources: list[ProfileSource] = Field(default_factory=list, max_length=1000)
    unverified: list[str] = Field(
        default_factory=list,
        description="facts the author could not check, in plain words",
    )
