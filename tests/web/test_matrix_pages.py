"""The framework matrix editor, the comparison pages and coder agreement, over HTTP, on
SQLite and on PostgreSQL: what an analyst, an owner and a viewer see and can do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from collabmap.store import Store
from collabmap.store.accounts import add_member, create_user
from collabmap.store.audit import project_log
from collabmap.store.coding import apply_code, find_code
from collabmap.store.projects import create_project, get_project
from collabmap.store.sources import import_files
from collabmap.web import create_app
from tests.web.test_assessment_pages import PASSWORD, _sign_in

INTERVIEW = (
    "Officer: The Deal is an informal agreement. We keep council tax low, and residents do "
    "their part: recycle more, volunteer, look after their health.\n\n"
    "Officer: The pledges were written by the council and then we asked people what they "
    "thought at roadshows. We were asked, but the budget was ours.\n\n"
    "Resident: Our group took over the community centre on a 25-year lease. Nobody told us "
    "who is responsible if the group folds.\n"
)
ASKED = "We were asked, but the budget was ours."
LEASE = "Our group took over the community centre on a 25-year lease."
HTMX = {"HX-Request": "true"}


@pytest.fixture
def project(store: Store, tmp_path: Path) -> Iterator[Store]:
    for name in ("olga", "ann", "vic"):
        create_user(store, name, PASSWORD, actor="test")
    create_project(store, "Riverside", with_examples=True, owner="olga", actor="test")
    add_member(store, "Riverside", "ann", "analyst", actor="test")
    add_member(store, "Riverside", "vic", "viewer", actor="test")
    path = tmp_path / "wigan-interview.txt"
    path.write_text(INTERVIEW)
    import_files(store, "Riverside", [path], partnership="Wigan Deal")
    for concept, quote, coder in [
        ("activity:consultation_only", ASKED, "olga"),
        ("activity:consultation_only", ASKED, "ann"),
        ("activity:community_self_organization", LEASE, "olga"),
        ("activity:co_design", LEASE, "ann"),
    ]:
        apply_code(store, "Riverside", path.name, concept, quote=quote, coder=coder)
    apply_code(
        store,
        "Riverside",
        path.name,
        "activity:consultation_only",
        quote=ASKED,
        coder="suggester",
        origin="machine",
        status="suggested",
        confidence=0.8,
    )
    yield store


def _theme(store: Store, concept: str) -> str:
    with store.reading() as session:
        return str(find_code(session, get_project(session, "Riverside"), concept).id)


def _cell_url(store: Store, concept: str, partnership: str = "Wigan%20Deal") -> str:
    theme = _theme(store, concept)
    return f"/projects/Riverside/matrix/cell?partnership={partnership}&theme={theme}&page=1"


def _version(form_html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', form_html)
    assert found is not None, form_html[:2000]
    return found.group(1)


def test_the_matrix_shows_a_theme_group_with_drafts_marked_and_quotes_linked_to_the_source(
    project: Store,
) -> None:
    olga = _sign_in(project, "olga")
    page = olga.get("/projects/Riverside/matrix?group=Activities")
    assert page.status_code == 200
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m" id="matrix-caption">Activities: partnerships 1 to 5 of 5</caption>'
        in page.text
    )
    assert '<th scope="col" class="govuk-table__header">Consultation only</th>' in page.text
    assert re.search(r'<th scope="row"[^>]*><a [^>]*>Wigan Deal</a></th>', page.text)
    assert "Drafted</strong>" in page.text
    start = INTERVIEW.index(ASKED)
    assert (
        f'href="/projects/Riverside/sources/wigan-interview.txt#c{start}-{start + len(ASKED)}"'
        in page.text
    )
    assert 'aria-current="page">Activities</a>' in page.text
    first = olga.get("/projects/Riverside/matrix")
    assert "Collaborative structure: partnerships 1 to 5 of 5" in first.text


def test_an_analyst_edits_a_cell_in_place_and_it_is_saved_as_written_and_audited(
    project: Store,
) -> None:
    ann = _sign_in(project, "ann")
    url = _cell_url(project, "activity:consultation_only")
    form = ann.client.get(url, headers=HTMX)
    assert form.status_code == 200
    assert "<html" not in form.text  # a fragment, swapped into the cell
    assert 'name="summary"' in form.text and "autofocus" in form.text
    assert "hx-post" in form.text
    assert _version(form.text) == "0"
    coding = re.findall(r'name="evidence" type="checkbox" value="(\d+)"', form.text)
    assert len(coding) == 2  # both coders' quotations can be cited
    saved = ann.client.post(
        url,
        data={
            "csrf_token": ann.csrf,
            "summary": "Consultation presented as co-production.",
            "status": "reviewed",
            "evidence": coding[0],
            "version": "0",
        },
        headers=HTMX,
    )
    assert saved.status_code == 200, saved.text
    assert "Consultation presented as co-production." in saved.text
    assert "Reviewed</strong>" in saved.text and "Written by ann" in saved.text
    assert "1 quotation<" in saved.text  # only the chosen one
    again = ann.client.get(url, headers=HTMX)
    assert _version(again.text) == "1"
    (event,) = [e for e in project_log(project, "Riverside") if e.action == "matrix.cell"]
    assert (event.actor, event.target) == ("ann", "Wigan Deal × Activities/Consultation only")


def test_without_javascript_the_edit_form_is_a_page_and_saving_returns_to_the_cell(
    project: Store,
) -> None:
    olga = _sign_in(project, "olga")
    url = _cell_url(project, "activity:co_design")
    page = olga.get(url)
    assert page.status_code == 200 and "<h1" in page.text and "Framework matrix</a>" in page.text
    assert "hx-post" not in page.text  # a page of its own posts as a page, with or without JS
    saved = olga.post(url, {"summary": "Not co-design.", "status": "draft", "version": "0"})
    assert saved.status_code == 303
    assert saved.headers["location"].startswith("/projects/Riverside/matrix?group=Activities")
    assert "#cell-" in saved.headers["location"]


def test_two_analysts_saving_the_same_cell_the_second_sees_both_texts_and_loses_nothing(
    project: Store,
) -> None:
    olga, ann = _sign_in(project, "olga"), _sign_in(project, "ann")
    url = _cell_url(project, "activity:community_self_organization")
    opened = {
        who: _version(b.client.get(url, headers=HTMX).text)
        for who, b in (("olga", olga), ("ann", ann))
    }
    first = olga.client.post(
        url,
        data={
            "csrf_token": olga.csrf,
            "summary": "Olga: an asset transfer.",
            "status": "draft",
            "version": opened["olga"],
        },
        headers=HTMX,
    )
    assert first.status_code == 200
    second = ann.client.post(
        url,
        data={
            "csrf_token": ann.csrf,
            "summary": "Ann: self-organisation, not co-creation.",
            "status": "draft",
            "version": opened["ann"],
        },
        headers=HTMX,
    )
    assert second.status_code == 409
    assert "There is a problem" in second.text
    assert "olga changed this cell after you opened it" in second.text
    assert "Olga: an asset transfer." in second.text  # theirs, shown
    assert ">Ann: self-organisation, not co-creation.</textarea>" in second.text  # yours, kept
    assert _version(second.text) == "1"  # saving again now is a deliberate replacement
    shown = olga.get("/projects/Riverside/matrix?group=Activities").text
    assert "Olga: an asset transfer." in shown and "Ann: self-organisation" not in shown
    third = ann.client.post(
        url,
        data={
            "csrf_token": ann.csrf,
            "summary": "Both: an asset transfer; self-organisation.",
            "status": "agreed",
            "version": "1",
        },
        headers=HTMX,
    )
    assert third.status_code == 200 and "Agreed</strong>" in third.text


def test_bad_input_gets_a_message_never_a_server_error(project: Store) -> None:
    olga = _sign_in(project, "olga")
    url = _cell_url(project, "activity:co_design")
    too_long = olga.post(url, {"summary": "x" * 20_001, "status": "draft", "version": "0"})
    assert too_long.status_code == 422
    assert "Summary must be 20,000 characters or fewer" in too_long.text
    bad_status = olga.post(url, {"summary": "x", "status": "final", "version": "0"})
    assert bad_status.status_code == 422 and "Choose draft, reviewed or agreed" in bad_status.text
    alien = olga.post(url, {"summary": "x", "evidence": "999999", "version": "0"})
    assert alien.status_code == 422 and "Choose quotations from the list" in alien.text
    for query, status in [
        ("?page=0", 422),
        ("?page=abc", 422),
        ("?page=9", 422),
        ("?group=Nonsense", 404),
    ]:
        answer = olga.get("/projects/Riverside/matrix" + query)
        assert answer.status_code == status, (query, answer.text[:500])
        assert "Traceback" not in answer.text
    for theme in ("abc", "99999999", _theme(project, "group:activities")):
        missing = olga.get(
            f"/projects/Riverside/matrix/cell?partnership=Wigan%20Deal&theme={theme}"
        )
        assert missing.status_code == 404
    for query in ("partnership=a%00b&theme=1", "partnership=Wigan%20Deal&theme=%00"):
        assert olga.get(f"/projects/Riverside/matrix/cell?{query}").status_code == 422
    assert olga.get("/projects/Riverside/agreement?coder_a=%00&coder_b=ann").status_code == 422
    nobody = olga.get(_cell_url(project, "activity:co_design", partnership="Atlantis"))
    assert nobody.status_code == 404
    forged = olga.client.post(url, data={"summary": "x", "version": "0"})
    assert forged.status_code == 403
    assert olga.post(url, {"summary": "x", "version": "soon"}).status_code == 422


def test_a_viewer_reads_the_matrix_but_may_not_edit_it(project: Store) -> None:
    vic = _sign_in(project, "vic")
    page = vic.get("/projects/Riverside/matrix?group=Activities")
    assert page.status_code == 200 and ">Edit<" not in page.text
    url = _cell_url(project, "activity:co_design")
    assert vic.get(url).status_code == 403
    assert vic.post(url, {"summary": "x", "version": "0"}).status_code == 403


def test_many_partnerships_are_shown_a_page_at_a_time(store: Store) -> None:
    from collabmap.examples import load_example
    from collabmap.store.projects import add_partnership

    create_user(store, "olga", PASSWORD, actor="test")
    create_project(store, "Portfolio", owner="olga", actor="test")
    base = load_example("wigan").model_dump(mode="json")
    with store.transaction() as session:
        found = get_project(session, "Portfolio")
        from collabmap.profile import parse_profile

        for index in range(30):
            add_partnership(session, found, parse_profile({**base, "name": f"Site {index:02d}"}))
    olga = _sign_in(store, "olga")
    first = olga.get("/projects/Portfolio/matrix")
    assert "partnerships 1 to 25 of 30" in first.text
    assert first.text.count('<th scope="row"') == 25
    second = olga.get("/projects/Portfolio/matrix?page=2")
    assert "partnerships 26 to 30 of 30" in second.text and "Site 29" in second.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_the_comparison_page_sets_partnerships_side_by_side_and_links_each_one(
    project: Store,
) -> None:
    vic = _sign_in(project, "vic")
    page = vic.get("/projects/Riverside/compare")
    assert page.status_code == 200
    text = page.text
    assert "Activities by kind of partnership and by category</caption>" in text
    assert '<th scope="colgroup"' in text and "Not co-creation" in text
    assert "called co-creation" in text  # Wigan's pledges are self-help called co-creation
    assert "Rationales by partnership</caption>" in text and "General belief" in text
    assert "Accountability questions by partnership</caption>" in text
    points = re.findall(
        r'<a href="/projects/Riverside/partnerships/([^"]+)" aria-label="[^"]+">\s*<title>([^<]+)</title>',
        text,
    )
    assert len(points) == 5
    assert any(title.startswith("Wigan Deal — ") and "most like" in title for _, title in points)
    for kind in ("activities", "iap2"):
        chart = vic.get(f"/projects/Riverside/compare/{kind}.svg")
        assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"
    assert vic.get("/projects/Riverside/compare/pie.svg").status_code == 404
    network = vic.get("/projects/Riverside/partnerships/Wigan%20Deal/network.svg")
    assert network.status_code == 200 and b"<svg" in network.content
    assert vic.get("/projects/Riverside/partnerships/Atlantis/network.svg").status_code == 404


def test_agreement_between_two_coders_code_by_code(project: Store) -> None:
    vic = _sign_in(project, "vic")
    empty = vic.get("/projects/Riverside/agreement")
    assert empty.status_code == 200 and '<option value="ann">' in empty.text
    page = vic.get("/projects/Riverside/agreement?coder_a=olga&coder_b=ann&unit=sentence")
    assert page.status_code == 200
    assert "Agreement code by code</caption>" in page.text
    assert "Activities/Consultation only" in page.text and "All codes pooled" in page.text
    row = re.search(r"Activities/Consultation only</th>(.*?)</tr>", page.text, re.S)
    assert row is not None
    assert "100%" in row.group(1)  # both coded the same sentence
    assert '<option value="suggester">suggester (machine)</option>' in empty.text
    machine = vic.get("/projects/Riverside/agreement?coder_a=olga&coder_b=suggester")
    assert machine.status_code == 200 and "Only suggester" in machine.text
    machine_row = re.search(r"Activities/Consultation only</th>(.*?)</tr>", machine.text, re.S)
    assert machine_row is not None and "100%" in machine_row.group(1)
    same = vic.get("/projects/Riverside/agreement?coder_a=olga&coder_b=olga")
    assert same.status_code == 422 and "different from the first" in same.text
    unknown = vic.get("/projects/Riverside/agreement?coder_a=olga&coder_b=zed&unit=lines")
    assert unknown.status_code == 422
    assert "Choose the second coder from the list" in unknown.text
    assert "Choose sentences, paragraphs" in unknown.text


def test_the_api_reads_and_writes_cells_and_refuses_a_stale_version_with_the_current_cell(
    project: Store,
) -> None:
    olga = _sign_in(project, "olga")
    api = olga.client
    headers = {"X-CSRF-Token": olga.csrf}
    matrix = api.get("/api/projects/Riverside/matrix", params={"group": "Activities"}).json()
    assert matrix["group"] == "Activities" and matrix["total"] == 5
    wigan = [c for c in matrix["cells"] if c["partnership"] == "Wigan Deal" and c["quotes"]]
    assert wigan and wigan[0]["version"] == 0
    assert wigan[0]["quotes"][0]["href"].startswith("/projects/Riverside/sources/")
    theme = _theme(project, "activity:consultation_only")
    cell = api.get(
        "/api/projects/Riverside/matrix/cell", params={"partnership": "Wigan Deal", "theme": theme}
    ).json()
    assert cell["version"] == 0 and len(cell["candidates"]) == 2
    body = {"partnership": "Wigan Deal", "theme": theme, "summary": "First.", "version": 0}
    written = api.put("/api/projects/Riverside/matrix/cell", json=body, headers=headers)
    assert written.status_code == 200 and written.json()["version"] == 1
    assert written.json()["drafted"] is False and written.json()["author"] == "olga"
    stale = api.put(
        "/api/projects/Riverside/matrix/cell", json={**body, "summary": "Second."}, headers=headers
    )
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["current"]["summary"] == "First."
    assert stale.json()["current"]["version"] == 1
    bad = api.put(
        "/api/projects/Riverside/matrix/cell", json={**body, "status": "final"}, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    other = _theme(project, "activity:co_design")
    stray = api.get(
        "/api/projects/Riverside/matrix/cell", params={"partnership": "Wigan Deal", "theme": other}
    ).json()["candidates"][0]["coding_id"]
    alien = api.put(
        "/api/projects/Riverside/matrix/cell",
        json={**body, "version": 1, "evidence": [stray]},
        headers=headers,
    )
    assert alien.status_code == 422 and alien.json()["errors"][0]["field"] == "evidence"
    assert api.put("/api/projects/Riverside/matrix/cell", json=body).status_code == 403
    assert api.get("/api/projects/Riverside/matrix", params={"page": 0}).status_code == 422
    assert api.get("/api/projects/Riverside/matrix", params={"group": "X"}).status_code == 404


def test_the_api_compares_and_measures_agreement(project: Store) -> None:
    vic = _sign_in(project, "vic")
    compared = vic.client.get("/api/projects/Riverside/compare").json()
    assert len(compared["partnerships"]) == 5
    assert compared["activities"]["rows"] and compared["similarity"]["nearest"]
    coders = vic.client.get("/api/projects/Riverside/agreement/coders").json()
    assert {(c["name"], c["kind"]) for c in coders} == {
        ("olga", "person"),
        ("ann", "person"),
        ("suggester", "machine"),
    }
    report = vic.client.get(
        "/api/projects/Riverside/agreement", params={"coder_a": "olga", "coder_b": "ann"}
    ).json()
    assert report["level"] == "segment" and report["by_code"]
    unknown = vic.client.get(
        "/api/projects/Riverside/agreement", params={"coder_a": "olga", "coder_b": "zed"}
    )
    assert unknown.status_code == 404 and unknown.json()["status"] == 404
    bad_unit = vic.client.get(
        "/api/projects/Riverside/agreement",
        params={"coder_a": "olga", "coder_b": "ann", "unit": "lines"},
    )
    assert bad_unit.status_code == 422
    paths = TestClient(create_app(project)).get("/openapi.json").json()["paths"]
    assert {
        "/api/projects/{project}/matrix",
        "/api/projects/{project}/matrix/cell",
        "/api/projects/{project}/compare",
        "/api/projects/{project}/agreement",
    } <= set(paths)


def test_someone_outside_the_project_learns_nothing(project: Store) -> None:
    create_user(project, "eve", PASSWORD, actor="test")
    eve = _sign_in(project, "eve")
    for url in (
        "/projects/Riverside/matrix",
        "/projects/Riverside/compare",
        "/projects/Riverside/agreement",
        "/api/projects/Riverside/matrix",
    ):
        assert eve.get(url).status_code == 404


def test_the_comparison_follows_a_changed_profile(project: Store) -> None:
    from collabmap.examples import load_example
    from collabmap.store.partnerships import save_profile

    vic = _sign_in(project, "vic")
    before = vic.client.get("/api/projects/Riverside/compare").json()
    assert "Wigan Deal" in before["rationales"]["rows"]
    wigan = load_example("wigan").model_dump(mode="json")
    from collabmap.profile import parse_profile

    changed = parse_profile({**wigan, "rationales": []})
    save_profile(project, "Riverside", changed, actor="test", replacing="Wigan Deal")
    after = vic.client.get("/api/projects/Riverside/compare").json()
    assert after["rationales"]["rows"]["Wigan Deal"] == {}
    page = vic.get("/projects/Riverside/partnerships/Wigan%20Deal")
    assert 'src="/projects/Riverside/partnerships/Wigan%20Deal/network.svg"' in page.text
