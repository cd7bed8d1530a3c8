"""The guided assessment's questions, as data (``data/questions.yaml``), and their options.

A topic is one page of questions about the partnership, or a *collection* (partners,
activities, accountability arrangements) whose items each have one or more pages. The options a
question offers come from the framework, so an adapted framework needs no change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from collabmap.errors import UnknownName
from collabmap.framework import Framework

__all__ = [
    "Option",
    "Page",
    "Question",
    "Questionnaire",
    "Topic",
    "load_questions",
    "options_for",
]

Kind = Literal["text", "textarea", "radios", "checkboxes", "yes_no", "phases", "rationales"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionSource(_Strict):
    vocabulary: str | None = None
    concepts: Literal["practices", "rationales", "accountability"] | None = None
    activities: bool = False


class Question(_Strict):
    """One question: the profile ``field`` it answers and how it is asked."""

    field: str
    kind: Kind
    label: str
    hint: str | None = None
    options: OptionSource | None = None
    show: Literal["label", "question"] = "label"
    required: str | None = Field(default=None, description="the message when left blank")


class Page(_Strict):
    """One page of questions about an item of a collection (an activity, say)."""

    id: str = Field(pattern=r"^[a-z][a-z-]*$")
    title: str
    questions: list[Question]


class Topic(_Strict):
    """One topic of the assessment: a page of questions, or a collection with item pages."""

    id: str = Field(pattern=r"^[a-z][a-z-]*$")
    title: str
    questions: list[Question] = Field(default_factory=list)
    collection: str | None = None
    item: str | None = None
    add: str | None = None
    summary_field: str | None = None
    pages: list[Page] = Field(default_factory=list)

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.id == page_id), None)


class Questionnaire(_Strict):
    assessment_questions: Literal[1]
    topics: list[Topic]

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def find(self, topic_id: str) -> Topic:
        """The topic, or :class:`UnknownName` listing the topics there are."""
        found = self.topic(topic_id)
        if found is None:
            raise UnknownName("assessment topic", topic_id, [t.id for t in self.topics])
        return found

    def list_topic(self, topic_id: str) -> Topic:
        """A topic that is a list of items (partners, activities, arrangements)."""
        found = self.topic(topic_id)
        if found is None or not found.collection:
            lists = [t.id for t in self.topics if t.collection]
            raise UnknownName("list topic", topic_id, lists)
        return found

    def after(self, topic_id: str) -> str | None:
        """The topic that follows ``topic_id``, or None after the last one."""
        ids = [t.id for t in self.topics]
        index = ids.index(topic_id)
        return ids[index + 1] if index + 1 < len(ids) else None

    def before(self, topic_id: str) -> str | None:
        ids = [t.id for t in self.topics]
        index = ids.index(topic_id)
        return ids[index - 1] if index > 0 else None


@cache
def load_questions() -> Questionnaire:
    """The shipped questions (read once; a test checks them against the framework)."""
    text = resources.files("collabmap.assessment").joinpath("data/questions.yaml").read_text()
    return Questionnaire.model_validate(yaml.safe_load(text))


@dataclass(frozen=True, slots=True)
class Option:
    """One choice: the value stored, the text shown, and an optional hint under it."""

    value: str
    text: str
    hint: str | None = None


def options_for(question: Question, framework: Framework, draft: dict[str, Any]) -> list[Option]:
    """The choices a question offers, in the framework's order."""
    source = question.options
    if question.kind == "yes_no":
        return [Option("yes", "Yes"), Option("no", "No")]
    if source is None:
        return []
    if source.vocabulary:
        return [
            Option(
                t.id,
                t.question if question.show == "question" and t.question else t.label,
                t.definition if question.show == "label" else t.label,
            )
            for t in framework.terms(source.vocabulary)
        ]
    if source.concepts == "practices":
        return [Option(p.id, p.label, p.definition) for p in framework.practices]
    if source.concepts == "rationales":
        return [Option(r.id, r.label, r.definition) for r in framework.rationales]
    if source.concepts == "accountability":
        return [
            Option(a.id, a.question if question.show == "question" else a.label, a.label)
            for a in framework.accountability
        ]
    if source.activities:
        names = [a.get("name") for a in draft.get("activities", []) if isinstance(a, dict)]
        return [Option(n, n) for n in names if isinstance(n, str) and n]
    return []
