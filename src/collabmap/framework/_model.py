"""The framework as typed data: concepts, vocabularies and the rules that use them.

The shipped file ``data/framework.yaml`` is one instance of :class:`Framework`. A research team
may adapt it (new indicators, re-weighted signals, another activity category); everything the
classifier needs comes from here, so the code holds the *logic* of the article's rules and the
framework file holds every *word, value and weight*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AccountabilityQuestion",
    "ActivityCategory",
    "ActivityRule",
    "ClassificationSettings",
    "Concept",
    "Dimension",
    "Framework",
    "GovernanceMapping",
    "Rationale",
    "Signal",
    "SourceRef",
    "Structure",
    "Term",
    "Vocabulary",
]

SourceStatus = Literal["stated", "inferred", "from_memory"]
Identifier = str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reference(_Strict):
    """A work the framework cites (an entry of ``Framework.sources``)."""

    id: Identifier = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    citation: str = Field(min_length=1)
    url: str | None = None
    short_citation: str | None = Field(
        default=None,
        min_length=1,
        description="how a sentence cites it, e.g. 'FitzGerald et al. (2021)'",
    )


class SourceRef(_Strict):
    """Where a concept comes from and how firmly: stated in the source, inferred, or recalled."""

    source: Identifier
    status: SourceStatus = "stated"
    locator: str | None = Field(default=None, description="page, section or quotation")
    note: str | None = None


class GovernanceMapping(_Strict):
    """How a concept maps onto a neighbouring framework's category, and on what basis."""

    target: Identifier
    basis: SourceStatus = "inferred"
    note: str | None = None


class Term(_Strict):
    """A value in a vocabulary: an id with a plain-English label and meaning."""

    id: Identifier = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    question: str | None = Field(
        default=None, description="how to ask a council officer about this value"
    )
    maps_to: dict[Identifier, GovernanceMapping] = Field(
        default_factory=dict, description="neighbouring frameworks' categories, by framework"
    )


class Vocabulary(_Strict):
    """A closed list of values a profile answer may take (sectors, roles, phases …)."""

    id: Identifier = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    definition: str
    terms: list[Term] = Field(min_length=1)
    sources: list[SourceRef] = Field(default_factory=list)


class Concept(_Strict):
    """What every concept of the framework carries: id, meaning, what to look for, origin."""

    id: Identifier = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    indicators: list[str] = Field(default_factory=list, description="what to look for")
    examples: list[str] = Field(default_factory=list, description="in the project's own words")
    sources: list[SourceRef] = Field(min_length=1)


class Dimension(Concept):
    """One of the three dimensions of collaborative structure; its values are a vocabulary."""

    answer: Literal["lead_sector", "lead_role", "scope"]
    vocabulary: Identifier


class Signal(_Strict):
    """An answer that points towards (positive weight) or away from (negative) a structure."""

    answer: Literal["lead_sector", "lead_role", "scope", "lead_size", "practice"]
    any_of: list[Identifier] = Field(min_length=1)
    weight: float = Field(ge=-10, le=10)
    because: str = Field(min_length=1, description="why this answer points here, for reasons")


class Structure(Concept):
    """One of the four collaborative structures (or ``other``) with the signals that fit it."""

    signals: list[Signal] = Field(default_factory=list)
    governance_mode: GovernanceMapping | None = None


class ActivityRule(_Strict):
    """The conditions under which an activity falls in a category; all given ones must hold.

    Each key is a question the framework asks about the activity:

    * ``joint_phase`` — public professionals and citizens both take an active part in this phase;
    * ``no_joint_phase`` — in no phase do both take an active part;
    * ``citizens_act_alone`` — citizens act in some phase where professionals are not active;
    * ``citizens_only_consulted`` — citizens' part is, in every phase, to give views;
    * ``level_any_of`` / ``participants_any_of`` / ``transfers_any_of`` — the activity's level,
      who takes part from the community, and what passes to them.
    """

    joint_phase: Identifier | None = None
    no_joint_phase: bool | None = None
    citizens_act_alone: bool | None = None
    citizens_only_consulted: bool | None = None
    level_any_of: list[Identifier] | None = None
    participants_any_of: list[Identifier] | None = None
    transfers_any_of: list[Identifier] | None = None


class ActivityCategory(Concept):
    """An activity category; ``family`` groups co-creation apart from what is often mistaken."""

    family: Literal["co_creation", "not_co_creation"]
    phase: Identifier | None = None
    rules: list[ActivityRule] = Field(min_length=1, description="any one rule suffices")
    priority: int = Field(description="lower is tried first")
    iap2: Identifier
    bovaird_cell: str | None = None


class Rationale(Concept):
    """A reason given for collaborating or for co-creating."""

    kind: Literal["collaboration", "co_creation"]
    general_belief: bool = Field(
        default=False,
        description="this rationale is itself the article's 'general belief in better impact'",
    )


class AccountabilityQuestion(Concept):
    """A question of democratic accountability and the situations that raise it."""

    question: str = Field(min_length=1)
    raised_when: list[Literal["transfer", "citizens_act_alone"]] = Field(min_length=1)


class ClassificationSettings(_Strict):
    """Numbers the classifier uses, declared here so they can be examined and adapted."""

    min_fit: float = Field(ge=0, le=1, description="below this best fit the label is 'other'")
    hybrid_margin: float = Field(ge=0, le=1, description="runner-up within this of best: hybrid")
    key_answers: list[Literal["lead_sector", "lead_role", "scope", "lead_size", "practice"]]
    min_key_answers: int = Field(ge=0)
    joint_roles_professionals: list[Identifier] = Field(min_length=1)
    joint_roles_citizens: list[Identifier] = Field(min_length=1)
    consulted_roles: list[Identifier] = Field(min_length=1)
    active_citizen_roles: list[Identifier] = Field(min_length=1)
    min_mechanism_words: int = Field(ge=1)
    non_governmental_recipients: list[Identifier] = Field(min_length=1)
    iap2_by_decision_power: dict[Identifier, Identifier] = Field(default_factory=dict)


class RhetoricTerm(_Strict):
    """Words a partnership uses for an activity, and the category family they claim."""

    claims: Identifier
    phrases: list[str] = Field(min_length=1)


class ReflectiveQuestion(_Strict):
    """A question the article poses to the reader of an assessment."""

    id: Identifier
    question: str
    sources: list[SourceRef] = Field(min_length=1)


class Framework(_Strict):
    """The whole framework: read it with :func:`collabmap.framework.load_framework`."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="collabmap framework")

    schema_version: Literal[1] = Field(description="version of this file format")
    id: Identifier
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$", description="version of the framework")
    title: str
    summary: str
    licence: str | None = None
    sources: list[Reference] = Field(
        min_length=1, description="the works cited; the first is the framework's own source"
    )
    vocabularies: list[Vocabulary]
    dimensions: list[Dimension]
    practices: list[Concept]
    structures: list[Structure]
    rationales: list[Rationale]
    activity_categories: list[ActivityCategory]
    rhetoric: list[RhetoricTerm]
    accountability: list[AccountabilityQuestion]
    reflective_questions: list[ReflectiveQuestion] = Field(default_factory=list)
    iap2_levels: list[Concept]
    governance_modes: list[Concept]
    cgr_types: list[Concept]
    classification: ClassificationSettings

    @property
    def primary_source(self) -> Reference:
        """The work the framework encodes (the first of ``sources``), which reports cite."""
        return self.sources[0]

    @cached_property
    def _terms_by_vocabulary(self) -> dict[str, dict[str, Term]]:
        index: dict[str, dict[str, Term]] = {}
        for vocabulary in self.vocabularies:
            index.setdefault(vocabulary.id, {term.id: term for term in vocabulary.terms})
        return index

    def terms(self, vocabulary: Identifier) -> tuple[Term, ...]:
        """The terms of a vocabulary in the framework's order (none for an unknown vocabulary)."""
        return tuple(self._terms_by_vocabulary.get(vocabulary, {}).values())

    def term_ids(self, vocabulary: Identifier) -> tuple[Identifier, ...]:
        """The ids of a vocabulary's terms, in the framework's order."""
        return tuple(self._terms_by_vocabulary.get(vocabulary, {}))

    def term(self, vocabulary: Identifier, term: Identifier) -> Term | None:
        """One term of a vocabulary, or None if the vocabulary has no such term."""
        return self._terms_by_vocabulary.get(vocabulary, {}).get(term)

    def in_order(self, vocabulary: Identifier, values: Iterable[Identifier]) -> list[Identifier]:
        """``values`` sorted in the vocabulary's order; values it lacks come last, as given."""
        order = self._terms_by_vocabulary.get(vocabulary, {})
        position = {term: index for index, term in enumerate(order)}
        return sorted(values, key=lambda value: position.get(value, len(position)))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; one with changed fields answers :meth:`terms` from its own vocabularies."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("_terms_by_vocabulary", None)
        return copied
