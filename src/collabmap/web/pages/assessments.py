"""The guided assessment: question pages, one topic per page, check your answers, save.

Every page saves its answers as it is submitted (so nothing is lost if the officer stops half
way), then goes on to the next topic, or back to *check your answers* when the officer came
from there to change one answer.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from collabmap.assessment import (
    Page,
    Question,
    Topic,
    add_item,
    check_draft,
    draft_profile,
    load_questions,
    read_page,
    remove_item,
    summary,
)
from collabmap.classify import classify
from collabmap.errors import AlreadyExists, InvalidProfile, UnknownName
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
from collabmap.web._context import Member, member
from collabmap.web.pages._forms import page, read_form
from collabmap.web.pages._questions import field_views

router = APIRouter()


def _base(project: str, assessment_id: int) -> str:
    return f"/projects/{quote(project, safe='')}/assessments/{assessment_id}"


def _draft(who: Member, assessment_id: int) -> AssessmentDraft:
    who.require("assess")
    return get_assessment(who.store, who.project, assessment_id, who.user_id)


def _topic(topic_id: str) -> Topic:
    return load_questions().find(topic_id)


def _save(
    who: Member, draft: AssessmentDraft, answers: dict[str, Any], form: FormData, what: str
) -> AssessmentDraft:
    """Save one change of the answers, from a form shown at the draft's version."""
    return save_answers(
        who.store,
        who.project,
        draft.id,
        who.user_id,
        answers,
        version=_version(form),
        actor=who.actor,
        topic=what,
    )


def _form_lists(form: FormData) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            found.setdefault(key, []).append(value)
    return found


def _version(form: FormData) -> int | None:
    value = form.get("version")
    return int(value) if isinstance(value, str) and value.isdigit() else None


@router.post("/projects/{project}/assessments")
async def assessment_start(request: Request, who: Annotated[Member, Depends(member)]) -> Any:
    await read_form(request, who.visitor)
    who.require("edit")  # answering is "assess"; starting one is adding a partnership
    draft = start_assessment(who.store, who.project, who.user_id, actor=who.actor)
    return RedirectResponse(f"{_base(who.project, draft.id)}/about", status_code=303)


@router.post("/projects/{project}/partnerships/{name}/edit")
async def partnership_edit(
    request: Request, name: str, who: Annotated[Member, Depends(member)]
) -> Any:
    await read_form(request, who.visitor)
    who.require("edit")
    draft = start_assessment(who.store, who.project, who.user_id, actor=who.actor, editing=name)
    return RedirectResponse(f"{_base(who.project, draft.id)}/check", status_code=303)


@router.get("/projects/{project}/assessments")
def assessment_list(request: Request, who: Annotated[Member, Depends(member)]) -> Any:
    who.require("assess")
    drafts = list_assessments(who.store, who.project, who.user_id)
    return page(request, "assessments.html", project=who.project, member=who, drafts=drafts)


def _render_topic(
    request: Request,
    who: Member,
    draft: AssessmentDraft,
    topic: Topic,
    answers: dict[str, Any],
    errors: dict[str, str],
    back_to_check: bool,
) -> Any:
    questionnaire = load_questions()
    fw = default_framework()
    if topic.collection:
        items = [
            (index, (item or {}).get(topic.summary_field or "", "") or f"{topic.item} {index + 1}")
            for index, item in enumerate(answers.get(topic.collection) or [])
        ]
        return page(
            request,
            "assessment_collection.html",
            project=who.project,
            draft=draft,
            topic=topic,
            items=items,
            base=_base(who.project, draft.id),
            previous=questionnaire.before(topic.id),
            errors=errors,
        )
    return page(
        request,
        "assessment_topic.html",
        project=who.project,
        draft=draft,
        topic=topic,
        heading=topic.title,
        fields=field_views(topic.questions, answers, fw, errors),
        base=_base(who.project, draft.id),
        action=f"{_base(who.project, draft.id)}/{topic.id}",
        back=_back(who.project, draft.id, questionnaire.before(topic.id), back_to_check),
        back_to_check=back_to_check,
        errors=errors,
    )


def _back(project: str, assessment_id: int, previous: str | None, to_check: bool) -> str:
    if to_check:
        return f"{_base(project, assessment_id)}/check"
    if previous is None:
        return f"/projects/{quote(project, safe='')}"
    return f"{_base(project, assessment_id)}/{previous}"


@router.get("/projects/{project}/assessments/{assessment_id}/check")
def assessment_check(
    request: Request, assessment_id: int, who: Annotated[Member, Depends(member)]
) -> Any:
    draft = _draft(who, assessment_id)
    return _render_check(request, who, draft, {})


def _render_check(
    request: Request, who: Member, draft: AssessmentDraft, errors: dict[str, str]
) -> Any:
    questionnaire = load_questions()
    fw = default_framework()
    problems = check_draft(draft.answers, questionnaire, fw)
    classification = None
    if not problems:
        classification = classify(draft_profile(draft.answers, questionnaire, fw), fw)
    return page(
        request,
        "assessment_check.html",
        project=who.project,
        member=who,
        draft=draft,
        sections=summary(draft.answers, questionnaire, fw),
        problems=problems,
        classification=classification,
        base=_base(who.project, draft.id),
        errors=errors,
    )


@router.post("/projects/{project}/assessments/{assessment_id}/save")
async def assessment_save(
    request: Request, assessment_id: int, who: Annotated[Member, Depends(member)]
) -> Any:
    form = await read_form(request, who.visitor)
    draft = _draft(who, assessment_id)
    if _version(form) not in (None, draft.version):
        return _render_check(request, who, draft, {"": str(StaleAnswers())})
    questionnaire = load_questions()
    fw = default_framework()
    try:
        profile = draft_profile(draft.answers, questionnaire, fw)
        name = submit_assessment(
            who.store,
            who.project,
            draft.id,
            who.user_id,
            profile,
            actor=who.actor,
            as_partnership=who.can("edit"),
        )
    except (InvalidProfile, AlreadyExists) as exc:
        message = str(exc)
        return _render_check(request, who, draft, {"": message[:1].upper() + message[1:]})
    if name is None:
        return page(request, "assessment_submitted.html", project=who.project, member=who)
    target = f"/projects/{quote(who.project, safe='')}/partnerships/{quote(name, safe='')}"
    return RedirectResponse(f"{target}?saved=1", status_code=303)


@router.get("/projects/{project}/assessments/{assessment_id}/{topic_id}")
def assessment_topic(
    request: Request,
    assessment_id: int,
    topic_id: str,
    who: Annotated[Member, Depends(member)],
    back: str = "",
) -> Any:
    draft = _draft(who, assessment_id)
    topic = _topic(topic_id)
    return _render_topic(request, who, draft, topic, draft.answers, {}, back == "check")


@router.post("/projects/{project}/assessments/{assessment_id}/{topic_id}")
async def assessment_answer(
    request: Request, assessment_id: int, topic_id: str, who: Annotated[Member, Depends(member)]
) -> Any:
    form = await read_form(request, who.visitor)
    draft = _draft(who, assessment_id)
    topic = _topic(topic_id)
    back_to_check = form.get("back") == "check"
    if topic.collection:  # the list page only moves on
        return RedirectResponse(_next_topic(who.project, draft.id, topic, back_to_check), 303)
    return _save_page(
        request,
        who,
        draft,
        form,
        topic,
        topic.questions,
        "",
        topic.id,
        back_to_check,
        lambda: _next_topic(who.project, draft.id, topic, back_to_check),
        lambda shown, answers, errors: _render_topic(
            request, who, shown, topic, answers, errors, back_to_check
        ),
    )


def _next_topic(project: str, assessment_id: int, topic: Topic, back_to_check: bool) -> str:
    following = load_questions().after(topic.id)
    if back_to_check or following is None:
        return f"{_base(project, assessment_id)}/check"
    return f"{_base(project, assessment_id)}/{following}"


def _save_page(
    request: Request,
    who: Member,
    draft: AssessmentDraft,
    form: FormData,
    topic: Topic,
    questions: list[Question],
    prefix: str,
    label: str,
    back_to_check: bool,
    next_url: Any,
    render: Any,
) -> Any:
    result = read_page(
        draft.answers, questions, _form_lists(form), default_framework(), prefix=prefix
    )
    if result.errors:
        return render(draft, result.draft, result.errors)
    try:
        _save(who, draft, result.draft, form, label)
    except StaleAnswers as exc:
        fresh = _draft(who, draft.id)
        return render(fresh, fresh.answers, {"": str(exc)[:1].upper() + str(exc)[1:]})
    return RedirectResponse(next_url(), status_code=303)


@router.post("/projects/{project}/assessments/{assessment_id}/{topic_id}/add")
async def assessment_add_item(
    request: Request, assessment_id: int, topic_id: str, who: Annotated[Member, Depends(member)]
) -> Any:
    form = await read_form(request, who.visitor)
    draft = _draft(who, assessment_id)
    topic = load_questions().list_topic(topic_id)
    answers, index = add_item(draft.answers, topic.collection or "")
    _save(who, draft, answers, form, f"{topic.id} (added)")
    back = "?back=check" if form.get("back") == "check" else ""
    return RedirectResponse(
        f"{_base(who.project, draft.id)}/{topic.id}/{index}/{topic.pages[0].id}{back}", 303
    )


@router.post("/projects/{project}/assessments/{assessment_id}/{topic_id}/{index}/remove")
async def assessment_remove_item(
    request: Request,
    assessment_id: int,
    topic_id: str,
    index: int,
    who: Annotated[Member, Depends(member)],
) -> Any:
    form = await read_form(request, who.visitor)
    draft = _draft(who, assessment_id)
    topic = load_questions().list_topic(topic_id)
    answers = remove_item(draft.answers, topic.collection or "", index)
    _save(who, draft, answers, form, f"{topic.id} (removed {index + 1})")
    if form.get("back") == "check":
        return RedirectResponse(f"{_base(who.project, draft.id)}/check", 303)
    return RedirectResponse(f"{_base(who.project, draft.id)}/{topic.id}", 303)


def _item_page(topic: Topic, page_id: str, index: int, draft: AssessmentDraft) -> Page:
    found = topic.page(page_id) if topic.collection else None
    items = draft.answers.get(topic.collection or "") or []
    if found is None or not 0 <= index < len(items):
        raise UnknownName("assessment page", f"{topic.id}/{index}/{page_id}", None)
    return found


def _render_item(
    request: Request,
    who: Member,
    draft: AssessmentDraft,
    topic: Topic,
    index: int,
    item_page: Page,
    answers: dict[str, Any],
    errors: dict[str, str],
    back_to_check: bool,
) -> Any:
    base = _base(who.project, draft.id)
    pages = [p.id for p in topic.pages]
    position = pages.index(item_page.id)
    back = (
        f"{base}/check"
        if back_to_check
        else f"{base}/{topic.id}/{index}/{pages[position - 1]}"
        if position
        else f"{base}/{topic.id}"
    )
    return page(
        request,
        "assessment_topic.html",
        project=who.project,
        draft=draft,
        topic=topic,
        heading=f"{(topic.item or '').capitalize()} {index + 1}: {item_page.title.lower()}",
        fields=field_views(
            item_page.questions,
            answers,
            default_framework(),
            errors,
            prefix=f"{topic.collection}[{index}].",
        ),
        base=base,
        action=f"{base}/{topic.id}/{index}/{item_page.id}",
        back=back,
        back_to_check=back_to_check,
        errors=errors,
    )


@router.get("/projects/{project}/assessments/{assessment_id}/{topic_id}/{index}/{page_id}")
def assessment_item(
    request: Request,
    assessment_id: int,
    topic_id: str,
    index: int,
    page_id: str,
    who: Annotated[Member, Depends(member)],
    back: str = "",
) -> Any:
    draft = _draft(who, assessment_id)
    topic = _topic(topic_id)
    item_page = _item_page(topic, page_id, index, draft)
    return _render_item(
        request, who, draft, topic, index, item_page, draft.answers, {}, back == "check"
    )


@router.post("/projects/{project}/assessments/{assessment_id}/{topic_id}/{index}/{page_id}")
async def assessment_item_answer(
    request: Request,
    assessment_id: int,
    topic_id: str,
    index: int,
    page_id: str,
    who: Annotated[Member, Depends(member)],
) -> Any:
    form = await read_form(request, who.visitor)
    draft = _draft(who, assessment_id)
    topic = _topic(topic_id)
    item_page = _item_page(topic, page_id, index, draft)
    back_to_check = form.get("back") == "check"
    base = _base(who.project, draft.id)
    pages = [p.id for p in topic.pages]
    position = pages.index(item_page.id)

    def next_url() -> str:
        if position + 1 < len(pages):
            suffix = "?back=check" if back_to_check else ""
            return f"{base}/{topic.id}/{index}/{pages[position + 1]}{suffix}"
        return f"{base}/check" if back_to_check else f"{base}/{topic.id}"

    return _save_page(
        request,
        who,
        draft,
        form,
        topic,
        item_page.questions,
        f"{topic.collection}[{index}].",
        f"{topic.id} {index + 1} {item_page.id}",
        back_to_check,
        next_url,
        lambda shown, answers, errors: _render_item(
            request, who, shown, topic, index, item_page, answers, errors, back_to_check
        ),
    )
