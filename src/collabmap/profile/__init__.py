"""The partnership profile: its model, its file format (YAML or JSON) and its JSON Schema."""

from collabmap.profile._model import (
    AccountabilityMechanism,
    Activity,
    Basis,
    Organisation,
    PhasePart,
    Profile,
    ProfileSource,
    StatedRationale,
    activity_key,
)
from collabmap.profile._schema import profile_json_schema
from collabmap.profile._template import profile_template
from collabmap.profile._validate import (
    allowed_values,
    claimed_category,
    load_profile,
    parse_profile,
)

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
    "allowed_values",
    "claimed_category",
    "load_profile",
    "parse_profile",
    "profile_json_schema",
    "profile_template",
]
