"""Pages served from cached classifications never show a stale one: after a profile changes
through the library, the next view of the list, the partnership's page and the chart shows
the new classification (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from collabmap.examples import load_example
from collabmap.profile import Profile
from collabmap.store import Store
from collabmap.store.accounts import create_user
from collabmap.store.models import Partnership
from collabmap.store.partnerships import save_profile
from collabmap.store.projects import add_profiles, create_project
from collabmap.web import WebSettings, create_app
from collabmap.web._charts import GRID_LIMIT

PROJECT = "Portfolio"
PASSWORD = "a long enough password"


@pytest.fixture
def officer(store: Store) -> Iterator[TestClient]:
    """An owner of a project holding the five reference cases, signed in through the form."""
    create_user(store, "officer", PASSWORD, actor="test")
    create_project(store, PROJECT, with_examples=True, owner="officer", actor="test")
    with TestClient(create_app(store, WebSettings())) as client:
        form = client.get("/sign-in").text
        token = re.search(r'name="form_token" value="([^"]+)"', form)
        assert token is not None
        answer = client.post(
            "/sign-in",
            data={"name": "officer", "password": PASSWORD, "form_token": token[1], "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        yield client


def kind_in_list(client: TestClient, name: str) -> str:
    """The 'Kind' cell of the partnership's row in the project's list."""
    html = client.get(f"/projects/{PROJECT}", params={"q": name}).text
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, re.S):
        if f">{name}</a>" in row:
            cells = re.findall(r"<td class=\"govuk-table__cell\">(.*?)</td>", row, re.S)
            return re.sub(r"<[^>]+>", "", cells[1]).strip()
    raise AssertionError(f"{name} is not in the list")


def kind_on_page(client: TestClient, name: str) -> str:
    html = client.get(f"/projects/{PROJECT}/partnerships/{name}").text
    found = re.search(r'<div class="app-result">\s*<p[^>]*>(.*?)</p>', html, re.S)
    assert found is not None
    return re.sub(r"<[^>]+>|Hybrid", "", found[1]).strip()


def chart_key(client: TestClient) -> str:
    found = re.search(r"typology\.svg\?v=(\w+)", client.get(f"/projects/{PROJECT}").text)
    assert found is not None
    return found[1]


def renamed(example: str, name: str) -> Profile:
    return load_example(example).model_copy(update={"name": name})


def test_a_changed_profile_shows_its_new_classification_at_once(
    officer: TestClient, store: Store
) -> None:
    assert kind_in_list(officer, "Wigan Deal") == "Collaborative council"
    assert kind_on_page(officer, "Wigan Deal") == "Collaborative council"
    key = chart_key(officer)
    chart = officer.get(f"/projects/{PROJECT}/charts/typology.svg").content

    save_profile(
        store, PROJECT, renamed("golden-key", "Wigan Deal"), actor="test", replacing="Wigan Deal"
    )

    assert kind_in_list(officer, "Wigan Deal") == "Agent of change"
    assert kind_on_page(officer, "Wigan Deal") == "Agent of change"
    assert chart_key(officer) != key
    assert officer.get(f"/projects/{PROJECT}/charts/typology.svg").content != chart
    assert (
        officer.get(f"/projects/{PROJECT}", params={"structure": "agent_of_change"}).text.count(
            ">Wigan Deal</a>"
        )
        == 1
    )


def test_a_partnership_deleted_and_added_again_under_its_old_id_is_classified_afresh(
    officer: TestClient, store: Store
) -> None:
    assert kind_on_page(officer, "Wirral") == "Collaborative council"
    assert kind_in_list(officer, "Wirral") == "Collaborative council"
    with store.transaction() as session:
        case = session.scalars(select(Partnership).where(Partnership.name == "Wirral")).one()
        old_id = case.id
        session.delete(case)

    add_profiles(store, PROJECT, [renamed("golden-key", "Wirral")])

    with store.reading() as session:
        case = session.scalars(select(Partnership).where(Partnership.name == "Wirral")).one()
        assert case.revision == 1
        same_id = case.id == old_id  # SQLite reuses the highest id; PostgreSQL never does
    assert same_id or store.dialect == "postgresql"
    assert kind_in_list(officer, "Wirral") == "Agent of change"
    assert kind_on_page(officer, "Wirral") == "Agent of change"


def test_a_large_project_is_charted_as_counts_by_kind_that_follow_changes(
    officer: TestClient, store: Store
) -> None:
    add_profiles(
        store, PROJECT, [renamed("plymouth", f"Alliance {n:02d}") for n in range(GRID_LIMIT)]
    )
    chart = officer.get(f"/projects/{PROJECT}/charts/typology.svg")
    svg = chart.text
    assert re.search(r"Kinds of partnership \(35[;)]", svg)
    # opened on its own, the drawing keeps its styles but may run no script
    assert (
        chart.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    )
    assert (
        "Bar chart of how many partnerships are of each kind"
        in officer.get(f"/projects/{PROJECT}").text
    )

    save_profile(
        store, PROJECT, renamed("golden-key", "Alliance 00"), actor="test", replacing="Alliance 00"
    )

    after = officer.get(f"/projects/{PROJECT}/charts/typology.svg").text
    assert after != svg
    assert kind_in_list(officer, "Alliance 00") == "Agent of change"
