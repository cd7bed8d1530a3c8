"""The coding workspace over HTTP, pages and API, on SQLite and PostgreSQL: coding a passage,
removing codings, reviewing suggestions, memos, and what happens when two analysts change the
same thing at once."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from collabmap.store import Store
from collabmap.store.accounts import add_member, create_user
from collabmap.store.audit import project_log
from collabmap.store.coding import apply_code
from collabmap.store.projects import create_project
from collabmap.store.sources import import_files
from tests.web.test_assessment_pages import PASSWORD, Browser, _sign_in

INTERVIEW = (
    "Interviewer: How did you redesign the library service?\n\n"
    "Bea Jones: We sat down with former service users 😀 and changed it together. "
    "The council asked every household to recycle more.\n\n"
    "Interviewer: Who decides in the end?\n\n"
    "Sam Patel: The cabinet decides after a survey of residents.\n"
)
QUOTE = "changed it together"
BASE = "/projects/Riverside/sources/interview.txt"
API = "/api" + BASE


class Api:
    """A signed-in client calling the JSON API with the session's CSRF header."""

    def __init__(self, store: Store, name: str) -> None:
        self.browser: Browser = _sign_in(store, name)
        self.headers = {"X-CSRF-Token": self.browser.csrf}

    def call(self, method: str, url: str, body: Any = None, *, csrf: bool = True) -> Any:
        return self.browser.client.request(
            method, url, json=body, headers=self.headers if csrf else {}
        )


@pytest.fixture
def project(store: Store, tmp_path: Path) -> Store:
    for name in ("olga", "ann", "bea", "vic"):
        create_user(store, name, PASSWORD, actor="test")
    create_project(store, "Riverside", owner="olga", actor="test")
    add_member(store, "Riverside", "ann", "analyst", actor="test")
    add_member(store, "Riverside", "bea", "analyst", actor="test")
    add_member(store, "Riverside", "vic", "viewer", actor="test")
    path = tmp_path / "interview.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    notes = tmp_path / "board-notes.txt"
    notes.write_text("The board met in March.\n\nIt agreed the budget.\n", encoding="utf-8")
    import_files(store, "Riverside", [path, notes])
    return store


def _suggest(store: Store, quote: str, code: str, confidence: float) -> int:
    """A machine suggestion, stored as the suggester stores them."""
    return apply_code(
        store,
        "Riverside",
        "interview.txt",
        code,
        quote=quote,
        coder="collabmap",
        origin="machine",
        status="suggested",
        confidence=confidence,
    ).id


def test_the_source_list_counts_codings_suggestions_and_memos_and_filters_by_name(
    project: Store,
) -> None:
    apply_code(project, "Riverside", "interview.txt", "activity:co_design", quote=QUOTE)
    _suggest(
        project,
        "The cabinet decides after a survey of residents.",
        "activity:consultation_only",
        0.8,
    )
    ann = Api(project, "ann")
    listed = ann.call("GET", "/api/projects/Riverside/sources").json()
    assert [(s["name"], s["codings"], s["suggestions"]) for s in listed] == [
        ("board-notes.txt", 0, 0),
        ("interview.txt", 1, 1),
    ]
    page = ann.browser.get("/projects/Riverside/sources?name=INTERV")
    assert page.status_code == 200
    assert "interview.txt" in page.text and "board-notes.txt" not in page.text
    assert "1 source matching" in page.text


def test_the_workspace_shows_speaker_turns_and_codings_with_their_code_names(
    project: Store,
) -> None:
    coded = apply_code(project, "Riverside", "interview.txt", "activity:co_design", quote=QUOTE)
    page = Api(project, "vic").browser.get(BASE)
    assert page.status_code == 200
    text = page.text
    assert '<p class="app-speaker govuk-!-font-weight-bold" data-label>Bea Jones</p>' in text
    # the coded words are one highlighted piece, starting at their code-point offset
    assert (
        f'<mark class="app-coded" data-s="{coded.start}" data-codings="{coded.id}">{QUOTE}</mark>'
        in text
    )
    assert f'id="c-{coded.id}">Co-design</a>' in text
    assert f'<li id="coding-{coded.id}"' in text
    # a viewer reads but is offered nothing to change
    assert "Code this passage" not in text and "Remove" not in text

    only_sam = Api(project, "ann").browser.get(BASE + "?speaker=Sam%20Patel").text
    assert "The cabinet decides" in only_sam and "We sat down" not in only_sam
    other_code = Api(project, "ann").browser.get(BASE + "?code=Activities%2FCo-delivery").text
    assert "No codings of Activities/Co-delivery here." in other_code


def test_an_analyst_codes_a_span_by_code_point_offsets_and_it_is_audited(
    project: Store,
) -> None:
    ann = Api(project, "ann")
    start = INTERVIEW.index(QUOTE)  # code points: the emoji before it counts once
    reply = ann.call(
        "POST",
        API + "/codings",
        {"code": "Activities/Co-design", "start": start, "end": start + len(QUOTE)},
    )
    assert reply.status_code == 201, reply.text
    coding = reply.json()
    assert coding["text"] == QUOTE and coding["coder"] == "ann" and coding["version"] == 1
    assert reply.headers["location"].endswith(f"/codings/{coding['id']}")
    listed = ann.call("GET", API + "/codings").json()
    assert [c["id"] for c in listed] == [coding["id"]]
    log = project_log(project, "Riverside")
    assert log[0].actor == "ann" and log[0].action == "coding.add"
    assert log[0].detail["code"] == "Activities/Co-design"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "Activities/Co-design", "start": 10, "end": 5}, ""),
        ({"code": "Activities/Co-design", "start": 10, "end": 100_000}, ""),
        ({"code": "Activities/Co-design", "start": -1, "end": 5}, "start"),
        ({"code": "Activities/Co-design"}, ""),
        ({"code": "Activities/Nonsense", "start": 0, "end": 5}, "code"),
        ({"code": "Activities", "start": 0, "end": 5}, ""),
    ],
)
def test_bad_codings_are_refused_with_problem_documents(
    project: Store, body: dict[str, Any], field: str
) -> None:
    reply = Api(project, "ann").call("POST", API + "/codings", body)
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    problem = reply.json()
    assert problem["detail"]
    if field:
        assert any(e["field"] == field for e in problem["errors"])


def test_refusals_name_no_more_than_they_should(project: Store) -> None:
    ann = Api(project, "ann")
    span = {"code": "Activities/Co-design", "start": 0, "end": 5}
    assert ann.call("POST", API + "/codings", span, csrf=False).status_code == 403
    assert Api(project, "vic").call("POST", API + "/codings", span).status_code == 403
    missing = ann.call("POST", "/api/projects/Riverside/sources/nowhere.txt/codings", span)
    assert missing.status_code == 404
    assert ann.call("GET", "/api/projects/Elsewhere/sources").status_code == 404
    coded = apply_code(project, "Riverside", "interview.txt", "activity:co_design", quote=QUOTE)
    garbled = ann.browser.post(BASE + "/codings/remove", {"coding": "not-a-coding"})
    assert garbled.status_code == 422 and "reload the page" in garbled.text
    elsewhere = "/api/projects/Riverside/sources/board-notes.txt/codings"
    assert ann.call("DELETE", f"{elsewhere}/{coded.id}").status_code == 404


def test_a_passage_is_coded_without_a_script_by_choosing_a_sentence_and_a_code(
    project: Store,
) -> None:
    ann = Api(project, "ann").browser
    workspace = ann.get(BASE).text
    passage = re.search(
        r'href="(/projects/Riverside/sources/interview.txt/passages/(\d+))"',
        workspace.split("data-label>Bea Jones</p>")[1],
    )
    assert passage is not None
    form = ann.get(passage.group(1))
    assert form.status_code == 200
    sentence = re.search(
        r'value="(\d+)"[^>]*>\s*<label[^>]*>Only: The council asked every household', form.text
    )
    assert sentence is not None
    nothing = ann.post(
        BASE + "/codings", {"passage": passage.group(2), "segment": sentence.group(1), "code": ""}
    )
    assert nothing.status_code == 422 and "Choose a code" in nothing.text
    done = ann.post(
        BASE + "/codings",
        {
            "passage": passage.group(2),
            "segment": sentence.group(1),
            "code": "Activities/Citizen self-help",
        },
    )
    assert done.status_code == 303 and re.search(r"#c-\d+$", done.headers["location"])
    shown = ann.get(BASE).text
    assert "Activities/Citizen self-help" in shown
    assert '<q class="app-quote">The council asked every household to recycle more.</q>' in shown


def test_removing_a_coding_someone_else_removed_is_a_conflict_not_a_silent_success(
    project: Store,
) -> None:
    coded = apply_code(project, "Riverside", "interview.txt", "activity:co_design", quote=QUOTE)
    ann, bea = Api(project, "ann"), Api(project, "bea")
    first = ann.call("DELETE", f"{API}/codings/{coded.id}?version=1")
    assert first.status_code == 204
    second = bea.call("DELETE", f"{API}/codings/{coded.id}?version=1")
    assert second.status_code == 409
    assert second.json()["detail"].startswith("ann removed this coding at")
    page = bea.browser.post(f"{BASE}/codings/remove", {"coding": f"{coded.id}:1"})
    assert page.status_code == 409
    assert "There is a problem" in page.text and "Ann removed this coding at" in page.text


def test_suggestions_are_reviewed_most_confident_first_and_a_stale_decision_conflicts(
    project: Store,
) -> None:
    low = _suggest(
        project,
        "The cabinet decides after a survey of residents.",
        "activity:consultation_only",
        0.6,
    )
    high = _suggest(project, QUOTE, "activity:co_design", 0.9)
    ann, bea = Api(project, "ann"), Api(project, "bea")
    waiting = ann.call("GET", API + "/suggestions").json()
    assert [s["id"] for s in waiting] == [high, low]
    accepted = ann.call("PUT", f"{API}/suggestions/{high}", {"status": "accepted", "version": 1})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted" and accepted.json()["changed_by"] == "ann"
    late = bea.call("PUT", f"{API}/suggestions/{high}", {"status": "rejected", "version": 1})
    assert late.status_code == 409
    assert late.json()["detail"].startswith("ann marked this coding accepted at")
    assert ann.call("GET", API + "/codings").json()[0]["status"] == "accepted"
    # the page's form rejects the other, and it leaves the list of suggestions
    rejected = bea.browser.post(f"{BASE}/suggestions/decide", {"decision": f"rejected:{low}:1"})
    assert rejected.status_code == 303 and rejected.headers["location"].endswith("#suggestions")
    assert ann.call("GET", API + "/suggestions").json() == []
    assert [e.action for e in project_log(project, "Riverside")[:2]] == [
        "coding.reject",
        "coding.accept",
    ]


def test_a_memo_edited_meanwhile_is_shown_yours_and_theirs_never_overwritten(
    project: Store,
) -> None:
    coded = apply_code(project, "Riverside", "interview.txt", "activity:co_design", quote=QUOTE)
    ann, bea = Api(project, "ann"), Api(project, "bea")
    made = ann.call(
        "POST",
        API + "/memos",
        {"title": "Co-design?", "text": "Check who decided.", "coding": coded.id},
    )
    assert made.status_code == 201 and made.json()["coding"] == coded.id
    memo = made.json()
    changed = bea.call(
        "PUT",
        f"{API}/memos/{memo['id']}",
        {"title": "Co-design?", "text": "Bea: the users decided.", "version": 1},
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = ann.call(
        "PUT",
        f"{API}/memos/{memo['id']}",
        {"title": "Co-design?", "text": "Ann: unclear.", "version": 1},
    )
    assert stale.status_code == 409
    problem = stale.json()
    assert problem["detail"].startswith("bea changed this memo at")
    assert (
        problem["theirs"]["text"] == "Bea: the users decided." and problem["theirs"]["version"] == 2
    )
    assert ann.call("GET", API + "/memos").json()[0]["text"] == "Bea: the users decided."

    page = ann.browser.post(
        f"{BASE}/memos/{memo['id']}",
        {"title": "Co-design?", "text": "Ann: unclear.", "version": "1"},
    )
    assert page.status_code == 409
    assert "Bea changed this memo at" in page.text
    assert "Yours" in page.text and "Theirs" in page.text
    assert "Ann: unclear.</textarea>" in page.text and "Bea: the users decided." in page.text
    assert 'name="version" value="2"' in page.text  # saving again is a choice made knowingly
    saved = ann.browser.post(
        f"{BASE}/memos/{memo['id']}",
        {"title": "Co-design?", "text": "Ann: unclear.", "version": "2"},
    )
    assert saved.status_code == 303
    assert ann.call("GET", API + "/memos").json()[0]["text"] == "Ann: unclear."


def test_a_memo_without_a_title_gets_a_field_message(project: Store) -> None:
    ann = Api(project, "ann")
    page = ann.browser.post(BASE + "/memos", {"title": " ", "text": "x"})
    assert page.status_code == 422 and "Enter a title for the memo" in page.text
    api = ann.call("POST", API + "/memos", {"title": "", "text": "x"})
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "title"


def test_suggesting_for_one_source_runs_in_the_background_with_progress(
    project: Store,
) -> None:
    ann = Api(project, "ann")
    started = ann.call("POST", API + "/suggestion-runs")
    assert started.status_code == 202
    deadline = time.monotonic() + 120
    run = started.json()
    while run["running"] and time.monotonic() < deadline:
        time.sleep(0.2)
        run = ann.call("GET", API + "/suggestion-runs/latest").json()
    assert run["stage"] == "done", run
    assert run["report"]["suggested"] >= 1
    suggestions = ann.call("GET", API + "/suggestions").json()
    assert len(suggestions) == run["report"]["suggested"]
    assert all(s["source"] == "interview.txt" and s["origin"] == "machine" for s in suggestions)
    other = ann.call("GET", "/api/projects/Riverside/sources/board-notes.txt/suggestions")
    assert other.json() == []  # only the source asked for
    progress = ann.browser.get(BASE + "/suggestions/progress")
    assert "Suggestions made in" in progress.text
    assert project_log(project, "Riverside")[0].action == "suggestion.run"


def test_a_decision_made_in_a_filtered_view_returns_to_the_same_view(project: Store) -> None:
    coded = apply_code(project, "Riverside", "interview.txt", "activity:co_design", quote=QUOTE)
    ann = Api(project, "ann").browser
    view = ann.get(BASE + "?speaker=Bea+Jones").text
    assert (
        'action="/projects/Riverside/sources/interview.txt/codings/remove?speaker=Bea+Jones"'
        in view
    )
    removed = ann.post(BASE + "/codings/remove?speaker=Bea+Jones", {"coding": f"{coded.id}:1"})
    assert removed.status_code == 303
    assert removed.headers["location"] == BASE + "?speaker=Bea+Jones#codings"
