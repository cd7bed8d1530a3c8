"""The coding workspace: a project's sources, and one source to read and code.

Everything works without JavaScript (a passage is coded by segment through a form, every
decision is a form); ``static/workspace.js`` adds coding a selection and reviewing
suggestions with the keyboard, through the JSON API, and swaps in the redrawn workspace.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from collabmap.errors import CollabmapError, EditConflict, InvalidInput, UnknownName
from collabmap.store.coding import (
    CodingChanged,
    MemoChanged,
    apply_code,
    edit_memo,
    remove_coding,
    review_coding,
    write_memo,
)
from collabmap.store.segments import list_segments
from collabmap.store.workspace import CodeOption, Workspace, list_sources, open_source
from collabmap.web._context import Member, member
from collabmap.web._passages import shown_blocks
from collabmap.web._suggestion_jobs import current_run, start_run
from collabmap.web.pages._forms import errors_by_field, page, read_form

router = APIRouter()

MemberDep = Annotated[Member, Depends(member)]


def source_url(project: str, source: str) -> str:
    return f"/projects/{quote(project, safe='')}/sources/{quote(source, safe='')}"


@router.get("/projects/{project}/sources")
def sources_page(request: Request, who: MemberDep, name: str = "") -> Any:
    who.require("view")
    rows = list_sources(who.store, who.project, name=name[:200])
    return page(request, "sources.html", project=who.project, rows=rows, name=name, member=who)


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def render_workspace(
    request: Request,
    who: Member,
    source: str,
    *,
    code: str = "",
    speaker: str = "",
    errors: dict[str, str] | None = None,
    status: int | None = None,
    notice: str | None = None,
) -> Any:
    """The workspace page (or, for an htmx or script request, just its redrawn body)."""
    workspace = open_source(who.store, who.project, source)
    response = page(
        request,
        "_workspace.html" if request.headers.get("HX-Request") else "source.html",
        **workspace_context(workspace, who, code=code, speaker=speaker),
        errors=errors or {},
        notice=notice,
        run=current_run(request.app, who.project, source),
    )
    if status is not None:
        response.status_code = status
    return response


def workspace_context(
    workspace: Workspace, who: Member, *, code: str = "", speaker: str = ""
) -> dict[str, Any]:
    """What the workspace templates draw: the blocks and codings the filters leave."""
    codings = workspace.codings
    if code:
        codings = [c for c in codings if c.code == code or c.code.startswith(code + "/")]
    blocks = workspace.blocks
    if speaker:
        blocks = [b for b in blocks if b.speaker == speaker]
    shown = shown_blocks(workspace.text, blocks, codings)
    if speaker:
        spans = [(b.start, b.end) for b in blocks]
        codings = [c for c in codings if any(c.start < e and s < c.end for s, e in spans)]
    filters = {k: v for k, v in (("code", code), ("speaker", speaker)) if v}
    base = source_url(workspace.project, workspace.source)
    return {
        "project": workspace.project,
        "workspace": workspace,
        "blocks": shown,
        "codings": [c for c in codings if c.status == "accepted"],
        "suggestions": sorted(
            (c for c in codings if c.status == "suggested"),
            key=lambda c: (-(c.confidence or 0), c.start, c.id),
        ),
        "memos": workspace.memos,
        "code_filter": code,
        "speaker_filter": speaker,
        "base": base,
        "here": base + (f"?{urlencode(filters)}" if filters else ""),
        "query": f"?{urlencode(filters)}" if filters else "",
        "member": who,
        "transcript": any(b.speaker for b in workspace.blocks),
        "speaker_choices": [(name, name) for name in workspace.speakers],
        "code_choices": [(c.path, "\u2003" * c.depth + c.name) for c in workspace.codes],
        "code_groups": code_groups(workspace.codes),
    }


def code_groups(codes: list[CodeOption]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The codes that can be applied, under their top-level group, named by the rest of
    their path (``Co-design``, ``Rationales for co-creation/Understanding``)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in codes:
        if code.codable:
            rest = code.path.split("/", 1)[1] if "/" in code.path else code.path
            groups.setdefault(code.group, []).append((code.path, rest.replace("/", " › ")))
    return list(groups.items())


@router.get("/projects/{project}/sources/{source}")
def source_page(
    request: Request, source: str, who: MemberDep, code: str = "", speaker: str = ""
) -> Any:
    who.require("view")
    return render_workspace(request, who, source, code=code[:500], speaker=speaker[:200])


def _back(request: Request, who: Member, source: str, anchor: str = "") -> RedirectResponse:
    """Back to the workspace, keeping the filters the form came from."""
    query = {k: v for k in ("code", "speaker") if (v := str(request.query_params.get(k) or ""))}
    target = source_url(who.project, source) + (f"?{urlencode(query)}" if query else "")
    return RedirectResponse(target + (f"#{anchor}" if anchor else ""), status_code=303)


def _filters(request: Request) -> dict[str, str]:
    return {k: str(request.query_params.get(k) or "")[:500] for k in ("code", "speaker")}


@router.get("/projects/{project}/sources/{source}/passages/{segment_id}")
def passage_page(request: Request, source: str, segment_id: int, who: MemberDep) -> Any:
    """Coding without a mouse or script: a passage (a turn or paragraph), the whole of it or
    one of its sentences, and a code from the tree."""
    who.require("code")
    return _passage(request, who, source, segment_id, {}, {})


def _passage(
    request: Request,
    who: Member,
    source: str,
    segment_id: int,
    values: dict[str, str],
    errors: dict[str, str],
) -> Any:
    segments = list_segments(who.store, who.project, source)
    passage = next((s for s in segments if s.id == segment_id and s.kind != "sentence"), None)
    if passage is None:
        raise UnknownName(f"passage of {source!r}", str(segment_id), None)
    parts = [
        s
        for s in segments
        if s.kind == "sentence" and passage.start <= s.start and s.end <= passage.end
    ]
    workspace = open_source(who.store, who.project, source)
    return page(
        request,
        "passage.html",
        project=who.project,
        source=source,
        base=source_url(who.project, source),
        passage=passage,
        sentences=parts,
        code_groups=code_groups(workspace.codes),
        values=values,
        errors=errors,
    )


@router.post("/projects/{project}/sources/{source}/codings")
async def code_passage(request: Request, source: str, who: MemberDep) -> Any:
    form = await read_form(request, who.visitor)
    who.require("code")
    code = str(form.get("code") or "")
    segment = _int(form.get("segment"))
    passage = _int(form.get("passage"))
    values = {"code": code, "segment": str(form.get("segment") or "")}
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = "Choose a code"
    if segment is None:
        errors["segment"] = "Choose the whole passage or one sentence"
    if not errors:
        assert segment is not None
        try:
            info = apply_code(
                who.store,
                who.project,
                source,
                code,
                segment_id=segment,
                coder=who.visitor.account().account.name,
                actor=who.actor,
            )
        except InvalidInput as exc:
            errors["code"] = errors_by_field(exc)[""]
        else:
            return _back(request, who, source, f"c-{info.id}")
    if passage is None:
        raise InvalidInput("the form did not say which passage it codes; go back and try again")
    return _passage(request, who, source, passage, values, errors)


def _choice(value: Any, kinds: tuple[str, ...]) -> tuple[str, int, int | None]:
    """A button's value: ``[kind:]ID:VERSION`` (the coding and the version shown)."""
    parts = str(value or "").split(":")
    kind = parts.pop(0) if len(parts) == 3 else kinds[0]
    numbers = [_int(p) for p in parts]
    if kind not in kinds or len(numbers) != 2 or numbers[0] is None:
        raise InvalidInput("the form did not say which coding it is about; reload the page")
    return kind, numbers[0], numbers[1]


async def _decide(request: Request, who: Member, source: str, field: str) -> Any:
    form = await read_form(request, who.visitor)
    who.require("code")
    try:
        if field == "coding":
            _, coding_id, version = _choice(form.get("coding"), ("remove",))
            remove_coding(who.store, who.project, coding_id, version=version, actor=who.actor)
            anchor = "codings"
        else:
            status, coding_id, version = _choice(form.get("decision"), ("accepted", "rejected"))
            review_coding(
                who.store, who.project, coding_id, status, version=version, actor=who.actor
            )
            anchor = "suggestions"
    except CodingChanged as exc:
        return render_workspace(
            request, who, source, errors=errors_by_field(exc), status=409, **_filters(request)
        )
    return _back(request, who, source, anchor)


@router.post("/projects/{project}/sources/{source}/codings/remove")
async def coding_remove(request: Request, source: str, who: MemberDep) -> Any:
    """Remove the coding whose button was pressed (its value: ``ID:VERSION``)."""
    return await _decide(request, who, source, "coding")


@router.post("/projects/{project}/sources/{source}/suggestions/decide")
async def suggestion_decide(request: Request, source: str, who: MemberDep) -> Any:
    """Accept or reject the suggestion whose button was pressed (``accepted:ID:VERSION``)."""
    return await _decide(request, who, source, "decision")


@router.post("/projects/{project}/sources/{source}/suggestions")
async def suggestions_run(request: Request, source: str, who: MemberDep) -> Any:
    await read_form(request, who.visitor)
    who.require("code")
    open_source(who.store, who.project, source)  # an unknown source is refused here, not later
    start_run(request.app, who, source)
    return _back(request, who, source, "suggest-progress")


@router.get("/projects/{project}/sources/{source}/suggestions/progress")
def suggestions_progress(request: Request, source: str, who: MemberDep) -> Any:
    """The progress panel alone, polled while suggestions are made."""
    who.require("view")
    return page(
        request,
        "_suggest_progress.html",
        run=current_run(request.app, who.project, source),
        base=source_url(who.project, source),
        member=who,
    )


# memos ------------------------------------------------------------------------------------


def _memo_page(
    request: Request,
    who: Member,
    source: str,
    *,
    memo: Any = None,
    coding: Any = None,
    values: dict[str, str],
    errors: dict[str, str],
    theirs: MemoChanged | None = None,
    status: int | None = None,
) -> Any:
    response = page(
        request,
        "memo.html",
        project=who.project,
        source=source,
        base=source_url(who.project, source),
        memo=memo,
        coding=coding,
        values=values,
        errors=errors,
        theirs=theirs,
    )
    if status is not None:
        response.status_code = status
    return response


def _coding_of(who: Member, source: str, coding_id: int | None) -> Any:
    if coding_id is None:
        return None
    workspace = open_source(who.store, who.project, source)
    found = next((c for c in workspace.codings if c.id == coding_id), None)
    if found is None:
        raise UnknownName(f"coding of {source!r}", str(coding_id), None)
    return found


@router.get("/projects/{project}/sources/{source}/memos/new")
def memo_new(request: Request, source: str, who: MemberDep, coding: int | None = None) -> Any:
    who.require("code")
    about = _coding_of(who, source, coding)
    return _memo_page(request, who, source, coding=about, values={}, errors={})


@router.post("/projects/{project}/sources/{source}/memos")
async def memo_create(request: Request, source: str, who: MemberDep) -> Any:
    form = await read_form(request, who.visitor)
    who.require("code")
    title, text = str(form.get("title") or ""), str(form.get("text") or "")
    about = _coding_of(who, source, _int(form.get("coding")) if form.get("coding") else None)
    values = {"title": title, "text": text}
    errors = _memo_errors(title, text)
    if not errors:
        try:
            memo_id = write_memo(
                who.store,
                who.project,
                title,
                text,
                coder=who.visitor.account().account.name,
                source=source,
                coding=about.id if about else None,
                actor=who.actor,
            )
        except InvalidInput as exc:
            errors = {"text": errors_by_field(exc)[""]}
        else:
            return _back(request, who, source, f"memo-{memo_id}")
    return _memo_page(request, who, source, coding=about, values=values, errors=errors)


def _memo_errors(title: str, text: str) -> dict[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = "Enter a title for the memo"
    elif len(title) > 300:
        errors["title"] = "The title must be 300 characters or fewer"
    if len(text) > 100_000:
        errors["text"] = "The memo must be 100,000 characters or fewer"
    return errors


def _memo(who: Member, source: str, memo_id: int) -> Any:
    workspace = open_source(who.store, who.project, source)
    found = next((m for m in workspace.memos if m.id == memo_id), None)
    if found is None:
        raise UnknownName(f"memo on {source!r}", str(memo_id), None)
    return found


@router.get("/projects/{project}/sources/{source}/memos/{memo_id}")
def memo_edit_page(request: Request, source: str, memo_id: int, who: MemberDep) -> Any:
    who.require("code")
    memo = _memo(who, source, memo_id)
    values = {"title": memo.title, "text": memo.text, "version": str(memo.version)}
    return _memo_page(request, who, source, memo=memo, values=values, errors={})


@router.post("/projects/{project}/sources/{source}/memos/{memo_id}")
async def memo_edit(request: Request, source: str, memo_id: int, who: MemberDep) -> Any:
    form = await read_form(request, who.visitor)
    who.require("code")
    memo = _memo(who, source, memo_id)
    title, text = str(form.get("title") or ""), str(form.get("text") or "")
    version = _int(form.get("version")) or 0
    values = {"title": title, "text": text, "version": str(version)}
    errors = _memo_errors(title, text)
    if errors:
        return _memo_page(request, who, source, memo=memo, values=values, errors=errors)
    try:
        edit_memo(who.store, who.project, memo_id, title, text, version=version, actor=who.actor)
    except MemoChanged as theirs:
        # keep the editor's words; the form now carries their version, so saving again is a
        # deliberate choice made with both in view
        values["version"] = str(theirs.version)
        return _memo_page(
            request,
            who,
            source,
            memo=memo,
            values=values,
            errors={"text": errors_by_field(theirs)[""]},
            theirs=theirs,
            status=409,
        )
    except EditConflict:
        raise
    except CollabmapError as exc:
        return _memo_page(
            request, who, source, memo=memo, values=values, errors=errors_by_field(exc)
        )
    return _back(request, who, source, f"memo-{memo_id}")
