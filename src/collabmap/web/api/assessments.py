"""The guided assessment over JSON: the same questions, pages and checks as the web pages.

Answers are sent page by page as the form fields the pages use (profile paths such as
``lead.sector`` or ``activities[0].phases.design.citizens``, each with one value or a list), so
a client that renders its own pages gets the same validation and messages as the browser.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from collabmap.assessment import (
    Question,
    Questionnaire,
    add_item,
    check_draft,
    draft_profile,
    load_questions,
    options_for,
    read_page,
    remove_item,
)
from collabmap.classify import classify
from collabmap.errors import InvalidDocument, InvalidInput, Issue, UnknownName
from collabmap.framework import default_framework
from collabmap.store.assessments import (
    AssessmentDraft,
    StaleAnswers,
    get_assessment,
    list_assessments,
    save_answers,
    start_assessment,
    submit_assessment,
)
from collabmap.web._context import Member, Visitor, visitor
from collabmap.web.api._common import Changing, ProjectMember, problems

__all__ = ["AssessmentOut", "assessment_out", "router"]

router = APIRouter(tags=["assessment"])

Answers = dict[
    Annotated[str, Field(max_length=300)],
    Annotated[str, Field(max_length=10_000)] | list[Annotated[str, Field(max_length=300)]],
]


class ProblemOut(BaseModel):
    message: str
    topic: str
    page: str | None = None
    index: int | None = None
    field: str | None = None


class AssessmentOut(BaseModel):
    """An assessment: the answers so far (a draft profile), what stops it being saved, and —
    once nothing does — the classification the answers imply."""

    id: int
    project: str
    version: int = Field(description="send it back with the next answers to detect stale pages")
    answers: dict[str, Any]
    partnership: str | None = Field(description="the partnership it edits or became")
    updated_at: datetime
    submitted_at: datetime | None
    problems: list[ProblemOut]
    classification: dict[str, Any] | None


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    editing: str | None = Field(
        default=None, max_length=300, description="start from this partnership's profile"
    )


class PageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, description="the version the answers start from")
    answers: Answers = Field(default_factory=dict, max_length=500)


class SubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None


class SubmitOut(BaseModel):
    partnership: str | None = Field(
        description="the partnership saved (None when a respondent's answers were submitted)"
    )


def assessment_out(draft: AssessmentDraft) -> AssessmentOut:
    questionnaire = load_questions()
    fw = default_framework()
    problems = check_draft(draft.answers, questionnaire, fw)
    result = None
    if not problems:
        result = classify(draft_profile(draft.answers, questionnaire, fw), fw).to_dict()
    return AssessmentOut(
        id=draft.id,
        project=draft.project,
        version=draft.version,
        answers=draft.answers,
        partnership=draft.partnership,
        updated_at=draft.updated_at,
        submitted_at=draft.submitted_at,
        problems=[ProblemOut(**asdict(p)) for p in problems],
        classification=result,
    )


def _own(who: Member, assessment_id: int) -> AssessmentDraft:
    who.require("assess")
    return get_assessment(who.store, who.project, assessment_id, who.user_id)


def _questions_json(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    fw = default_framework()

    def question(q: Question) -> dict[str, Any]:
        data: dict[str, Any] = q.model_dump(exclude={"options", "show"}, exclude_none=True)
        data["options"] = [asdict(o) for o in options_for(q, fw, {})]
        return data

    topics = []
    for topic in questionnaire.topics:
        item: dict[str, Any] = {"id": topic.id, "title": topic.title}
        if topic.collection:
            item["collection"] = topic.collection
            item["pages"] = [
                {"id": p.id, "title": p.title, "questions": [question(q) for q in p.questions]}
                for p in topic.pages
            ]
        else:
            item["questions"] = [question(q) for q in topic.questions]
        topics.append(item)
    return topics


@router.get(
    "/assessment-questions",
    summary="The guided assessment's questions and options",
    responses=problems(401),
)
def questions(who: Annotated[Visitor, Depends(visitor)]) -> list[dict[str, Any]]:
    """Topics in order; each question's ``field`` is the form field (a profile path) its
    answer is sent in. Collection topics (partners, activities, arrangements) have item pages
    whose fields are sent prefixed with the item, e.g. ``activities[0].name``."""
    who.account()
    return _questions_json(load_questions())


@router.get(
    "/projects/{project}/assessments",
    summary="Your assessments in a project",
    responses=problems(401, 403, 404),
)
def assessments(who: ProjectMember) -> list[AssessmentOut]:
    """The signed-in user's own assessments in the project, newest first (nobody sees
    anyone else's)."""
    who.require("assess")
    return [assessment_out(d) for d in list_assessments(who.store, who.project, who.user_id)]


@router.post(
    "/projects/{project}/assessments",
    status_code=201,
    summary="Start a guided assessment",
    responses=problems(401, 403, 404),
)
def start(
    response: Response,
    who: ProjectMember,
    changer: Changing,
    body: StartIn,
) -> AssessmentOut:
    """A new assessment, empty, or with `editing` starting from a partnership's profile (to
    change its answers; needs the edit permission)."""
    who.require("edit")  # answering is "assess"; starting one is adding a partnership
    draft = start_assessment(
        who.store, who.project, who.user_id, actor=who.actor, editing=body.editing
    )
    project = quote(who.project, safe="")
    response.headers["Location"] = f"/api/projects/{project}/assessments/{draft.id}"
    return assessment_out(draft)


@router.get(
    "/projects/{project}/assessments/{assessment_id}",
    summary="One of your assessments",
    responses=problems(401, 403, 404),
)
def one(assessment_id: int, who: ProjectMember) -> AssessmentOut:
    """The answers so far, what stops them being saved, and the classification they imply."""
    return assessment_out(_own(who, assessment_id))


def _page_questions(topic_id: str, page_id: str | None) -> tuple[Any, list[Any]]:
    topic = load_questions().find(topic_id)
    if page_id is None:
        if topic.collection:
            raise InvalidInput(
                f"topic {topic_id!r} is a list: answer its items' pages "
                f"(…/topics/{topic_id}/items/INDEX/PAGE)"
            )
        return topic, topic.questions
    page = topic.page(page_id)
    if page is None:
        raise UnknownName("page", page_id, [p.id for p in topic.pages])
    return topic, page.questions


def _answer(
    who: Member, assessment_id: int, body: PageIn, topic_id: str, page: str | None, index: int
) -> AssessmentOut:
    draft = _own(who, assessment_id)
    topic, page_questions = _page_questions(topic_id, page)
    prefix = ""
    if page is not None:
        items = draft.answers.get(topic.collection) or []
        if not 0 <= index < len(items):
            raise UnknownName(f"{topic.item}", str(index), None)
        prefix = f"{topic.collection}[{index}]."
    form = {k: [v] if isinstance(v, str) else v for k, v in body.answers.items()}
    result = read_page(draft.answers, page_questions, form, default_framework(), prefix=prefix)
    if result.errors:
        raise InvalidDocument(
            "your answers", [Issue(field, message) for field, message in result.errors.items()]
        )
    what = topic_id if page is None else f"{topic_id} {index + 1} {page}"
    return _save(who, draft, result.draft, body.version, what)


def _save(
    who: Member, draft: AssessmentDraft, answers: dict[str, Any], version: int | None, what: str
) -> AssessmentOut:
    """Save one change of the answers (made from ``version``) and answer with the result."""
    saved = save_answers(
        who.store,
        who.project,
        draft.id,
        who.user_id,
        answers,
        version=version,
        actor=who.actor,
        topic=what,
    )
    return assessment_out(saved)


@router.put(
    "/projects/{project}/assessments/{assessment_id}/topics/{topic_id}",
    summary="Answer one topic's questions",
    responses=problems(401, 403, 404, 409),
)
def answer_topic(
    assessment_id: int, topic_id: str, body: PageIn, who: ProjectMember, changer: Changing
) -> AssessmentOut:
    """Replace the answers to one topic's questions (fields as in the questions list); a
    `version` older than the assessment's is refused with 409."""
    return _answer(who, assessment_id, body, topic_id, None, 0)


@router.post(
    "/projects/{project}/assessments/{assessment_id}/topics/{topic_id}/items",
    status_code=201,
    summary="Add an item (partner, activity, arrangement) to a list topic",
    responses=problems(401, 403, 404, 409),
)
def add(
    assessment_id: int,
    topic_id: str,
    who: ProjectMember,
    changer: Changing,
    body: SubmitIn,
) -> AssessmentOut:
    """An empty item at the end of the list; answer its pages next."""
    draft = _own(who, assessment_id)
    topic = load_questions().list_topic(topic_id)
    answers, index = add_item(draft.answers, topic.collection or "")
    return _save(who, draft, answers, body.version, f"{topic_id} (added {index + 1})")


@router.put(
    "/projects/{project}/assessments/{assessment_id}/topics/{topic_id}/items/{index}/{page_id}",
    summary="Answer one page of an item",
    responses=problems(401, 403, 404, 409),
)
def answer_item(
    assessment_id: int,
    topic_id: str,
    index: int,
    page_id: str,
    body: PageIn,
    who: ProjectMember,
    changer: Changing,
) -> AssessmentOut:
    """Replace the answers on one page of one item (fields prefixed with the item, such as
    `activities[0].name`)."""
    return _answer(who, assessment_id, body, topic_id, page_id, index)


@router.delete(
    "/projects/{project}/assessments/{assessment_id}/topics/{topic_id}/items/{index}",
    summary="Remove an item",
    responses=problems(401, 403, 404),
)
def remove(
    assessment_id: int, topic_id: str, index: int, who: ProjectMember, changer: Changing
) -> AssessmentOut:
    """Remove one item of a list topic; the items after it move up."""
    draft = _own(who, assessment_id)
    topic = load_questions().list_topic(topic_id)
    items = draft.answers.get(topic.collection or "") or []
    if not 0 <= index < len(items):
        raise UnknownName(f"{topic.item}", str(index), None)
    answers = remove_item(draft.answers, topic.collection or "", index)
    return _save(who, draft, answers, None, f"{topic_id} (removed {index + 1})")


@router.post(
    "/projects/{project}/assessments/{assessment_id}/submit",
    summary="Save the answers as the partnership (or, for a respondent, submit them)",
    responses=problems(401, 403, 404, 409),
)
def submit(
    assessment_id: int,
    who: ProjectMember,
    changer: Changing,
    body: SubmitIn,
) -> SubmitOut:
    """With the edit permission the answers become the partnership's profile (a new
    partnership, or the one being edited); a respondent's are marked submitted for the
    owner to compare. Refused with 422 while `problems` lists anything."""
    draft = _own(who, assessment_id)
    if body.version is not None and body.version != draft.version:
        raise StaleAnswers
    profile = draft_profile(draft.answers, load_questions(), default_framework())
    name = submit_assessment(
        who.store,
        who.project,
        draft.id,
        who.user_id,
        profile,
        actor=who.actor,
        as_partnership=who.can("edit"),
    )
    return SubmitOut(partnership=name)
