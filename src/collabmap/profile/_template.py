"""A commented profile template for a council officer to fill in.

The allowed values in the comments come from the framework, so an adapted framework gets a
template that lists its own values. The template is itself a valid profile (of an imaginary
partnership), so an officer can classify it straight away and see what each answer does.
"""

from __future__ import annotations

from collabmap.framework import Framework, default_framework
from collabmap.profile._validate import allowed_values

__all__ = ["profile_template"]


def _choices(framework: Framework, vocabulary: str) -> str:
    terms = framework.terms(vocabulary)
    return "\n".join(f"#     {t.id:<24} {t.label} — {t.definition}" for t in terms)


def profile_template(framework: Framework | None = None) -> str:
    """The text of a commented YAML profile template."""
    fw = framework or default_framework()
    values = allowed_values(fw)
    practices = "\n".join(f"#     {p.id:<28} {p.label}" for p in fw.practices)
    rationales = "\n".join(
        f"#     {r.id:<24} ({r.kind.replace('_', '-')}) {r.label}" for r in fw.rationales
    )
    concerns = "\n".join(f"#     {a.id:<18} {a.question}" for a in fw.accountability)
    return f"""\
# collabmap partnership profile — format version 1, framework {fw.id} {fw.version}.
#
# Replace the example answers below with your partnership's. Delete an answer you do not know
# (collabmap then says the classification is less certain); never guess.
# Check the file with:     collabmap profile validate THIS_FILE
# Classify it with:        collabmap classify THIS_FILE
collabmap_profile: 1

name: Riverside Together            # the partnership's name
place: Riverside Borough            # where it works
summary: >-
  One or two sentences on what the partnership is for.

# --- Who leads, and how -------------------------------------------------------------------
lead:
  organisation: Riverside Borough Council
  sector: local_authority
  # sector, one of:
{_choices(fw, "sectors")}
  size: large                        # {", ".join(values["lead_sizes"])}
  sources: [strategy-2024]           # ids from the `sources` list at the end

# The lead's role relative to the other organisations, one of:
{_choices(fw, "lead_roles")}
lead_role: reformer

# The scope of change the partnership seeks, one of:
{_choices(fw, "scopes")}
scope: whole_place

# Ways of working that describe the partnership (any number):
{practices}
practices: [internal_reform, public_in_delivery]

# Where the answers to lead_role, scope and practices come from, and how firm they are
# (status: {", ".join(values["fact_status"])}).
basis:
  scope: {{sources: [strategy-2024], status: stated}}

# --- The other organisations ---------------------------------------------------------------
partners:
  - organisation: Riverside Community Voluntary Service
    sector: voluntary_sector
    role: Supports local groups and chairs the community panel.
    sources: [strategy-2024]

# --- Why the partnership collaborates --------------------------------------------------------
# code, one of:
{rationales}
# statement: the rationale in your own words.  mechanism: HOW, specifically, collaboration will
# achieve it. Leave the mechanism out if none is stated: collabmap then flags a general belief.
rationales:
  - code: share_responsibility
    statement: We cannot meet rising demand alone.
    mechanism: >-
      Voluntary groups run the lunch clubs the council used to fund, with a three-year grant.
    sources: [strategy-2024]

# --- What the partnership does with residents and community groups ---------------------------
# For each activity say what you call it, who takes part, and who does what in each phase:
#   phases: {", ".join(values["phases"])}
#   professionals (public staff): {", ".join(values["professional_roles"])}
#   citizens (residents, service users, groups): {", ".join(values["citizen_roles"])}
# initiated_by and decision_power: {", ".join(values["actors"])}
# participants: {", ".join(values["participants"])}
# level: {", ".join(values["levels"])}
# transfers (what passes to residents or groups): {", ".join(values["transfers"])}
activities:
  - name: Lunch club redesign
    called: co-design                # your own word for it; collabmap checks the claim
    initiated_by: public_body
    participants: [residents]
    level: group
    phases:
      design: {{professionals: active, citizens: active}}
      delivery: {{professionals: supporting, citizens: lead}}
    decision_power: shared
    transfers: [money]
    professionals_involved: true     # do public professionals stay actively involved?
    sources: [strategy-2024]

# --- Democratic accountability -------------------------------------------------------------
# Arrangements that answer the accountability questions (covers, any of):
{concerns}
# applies_to: names of activities; leave it out for the whole partnership.
accountability:
  - name: Grant agreement with quarterly review
    covers: [failure, service_quality]
    applies_to: [Lunch club redesign]
    sources: [strategy-2024]

# --- Where the facts come from --------------------------------------------------------------
sources:
  - id: strategy-2024
    title: Riverside Together strategy 2024–2027
    kind: document                   # web_page, document, report, article, interview, other
    url: https://example.org/riverside-together-strategy.pdf

unverified: []                       # facts you could not check, in plain words
"""
