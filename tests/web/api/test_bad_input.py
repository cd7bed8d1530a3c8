"""Bad input never gets a server error: every route, as listed by the OpenAPI document,
answers malformed JSON, wrong types, missing fields, oversized bodies, unknown names, wrong
roles and missing or wrong CSRF tokens with a 4xx problem document."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from collabmap.store.workspace import list_sources
from tests.web.api.conftest import PROJECT, SOURCE, World, is_problem

SAFE = {"get", "head", "options"}
REAL = {"project": PROJECT, "name": "Wigan Deal", "user": "vera", "source": SOURCE}
"""A path parameter's value that exists in the test project."""


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _declared_routes() -> set[tuple[str, str]]:
    """Every route the modules of ``collabmap.web.api`` declare, with its full path."""
    from fastapi.routing import APIRoute

    import collabmap.web.api as package

    found = set()
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("_"):
            continue
        router = importlib.import_module(f"{package.__name__}.{module.name}").router
        for route in router.routes:
            assert isinstance(route, APIRoute)
            found |= {
                (package.router.prefix + route.path, method) for method in route.methods or ()
            }
    return found


def _fill(path: str, values: dict[str, str] | None = None) -> str:
    values = values or REAL
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


@pytest.fixture
def document(world: World) -> dict[str, Any]:
    answer = world.client().get("/openapi.json")
    assert answer.status_code == 200
    found: dict[str, Any] = answer.json()
    return found


def test_the_openapi_document_is_valid_and_lists_every_api_route(
    world: World, document: dict[str, Any]
) -> None:
    validate(document)
    listed = {(path, method.upper()) for path, method, _ in _operations(document)}
    assert listed == _declared_routes()
    assert len(listed) >= 15
    assert not any(path.startswith("/projects") for path, _ in listed)  # pages stay out


def test_every_operation_is_described_with_its_errors(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        assert operation.get("summary") and operation.get("description"), (method, path)
        errors = {code for code in operation["responses"] if code.startswith("4")}
        assert {"413", "422"} <= errors, (method, path)
        if path != "/api/session":
            assert "401" in errors, (method, path)
        if "{project}" in path:
            assert "404" in errors, (method, path)
        for code in errors:
            content = operation["responses"][code]["content"]
            assert list(content) == ["application/problem+json"], (method, path, code)


def test_every_change_needs_the_csrf_header(world: World, document: dict[str, Any]) -> None:
    olive = world.person("olive")
    for path, method, _ in _operations(document):
        if method in SAFE or (path == "/api/session" and method == "post"):
            continue
        url = _fill(path)
        for headers in ({}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": olive.csrf + "x"}):
            answer = olive.client.request(method, url, json={"role": "viewer"}, headers=headers)
            assert "X-CSRF-Token" in is_problem(answer, 403)["detail"], (method, path)
    assert olive.get("/api/session").status_code == 200


def test_every_route_but_sign_in_needs_a_session(world: World, document: dict[str, Any]) -> None:
    client = world.client()
    for path, method, _ in _operations(document):
        if path == "/api/session" and method == "post":
            continue
        is_problem(client.request(method, _fill(path), json={}), 401)


def test_unknown_names_are_not_found(world: World, document: dict[str, Any]) -> None:
    olive = world.person("olive")
    for path, method, _ in _operations(document):
        if "{" not in path:
            continue
        for name in ("project", "name", "user", "source"):
            if "{" + name + "}" not in path:
                continue
            url = _fill(path, {**REAL, name: "Nowhere at all"})
            body = {"name": "Elsewhere"} if "partnerships" in path else {"role": "viewer"}
            answer = olive.send(method, url, json=body)
            assert "unknown" in is_problem(answer, 404)["detail"], (method, url)


def _bodies(
    document: dict[str, Any], *, needing_fields: bool = False, media: str | None = None
) -> list[tuple[str, str]]:
    """The routes that read a body (of the ``media`` type, when given: JSON, or a
    multipart form for uploads); with ``needing_fields``, only those whose body has
    required fields (an empty object is a complete request for the others, such as starting
    an empty assessment)."""
    return [
        (method, _fill(path))
        for path, method, operation in _operations(document)
        if "requestBody" in operation
        and (media is None or media in operation["requestBody"]["content"])
        and (not needing_fields or _required_fields(document, operation))
    ]


JSON = "application/json"
MULTIPART = "multipart/form-data"


def _required_fields(document: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    content = operation["requestBody"]["content"]
    schema = (content.get(JSON) or content[MULTIPART])["schema"]
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return list(schema.get("required", [])) if schema.get("type") == "object" else ["(any)"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"name": ', 422),
        (b"[1, 2,]", 422),
        (b"NaN-ish", 422),
        (b"", 422),
        (b"null", 422),
        (b"\xff\xfe not json", 400),  # not even text: the body cannot be read at all
    ],
    ids=["truncated", "trailing-comma", "not-json", "empty", "null", "not-utf8"],
)
def test_malformed_json_is_refused(
    world: World, document: dict[str, Any], body: bytes, status: int
) -> None:
    olive = world.person("olive")
    for method, url in _bodies(document, media=JSON):
        answer = olive.send(method, url, content=body, headers={"Content-Type": "application/json"})
        is_problem(answer, status)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nnot a part at all"),
        ("multipart/form-data", b"no boundary"),
        ("multipart/form-data; boundary=xyz", b"--xyz--\r\n"),  # no parts
        (
            "multipart/form-data; boundary=xyz",
            b'--xyz\r\nContent-Disposition: form-data; name="files"\r\n\r\n'
            b"a field, not a file\r\n--xyz--\r\n",
        ),
        ("application/json", b'{"files": ["a.txt"]}'),
    ],
    ids=["broken-part", "no-boundary", "no-parts", "text-not-file", "json-not-form"],
)
def test_malformed_uploads_are_refused(
    world: World, document: dict[str, Any], content_type: str, body: bytes
) -> None:
    olive = world.person("olive")
    routes = _bodies(document, media=MULTIPART)
    assert routes, "the upload route reads a multipart form"
    for method, url in routes:
        answer = olive.send(method, url, content=body, headers={"Content-Type": content_type})
        assert 400 <= answer.status_code < 500, (url, answer.status_code, answer.text)
        is_problem(answer, answer.status_code)


@pytest.mark.parametrize(
    "body",
    [{}, {"name": 5, "password": [], "role": 7}, 42, "text", {"name": None}],
    ids=["missing-fields", "wrong-types", "a-number", "a-string", "null-name"],
)
def test_missing_fields_and_wrong_types_are_named(
    world: World, document: dict[str, Any], body: Any
) -> None:
    olive = world.person("olive")
    for method, url in _bodies(document, needing_fields=body == {}, media=JSON):
        problem = is_problem(olive.send(method, url, json=body), 422)
        assert problem.get("errors"), (method, url, problem)


def test_an_oversized_body_is_refused_before_it_is_read(
    world: World, document: dict[str, Any]
) -> None:
    olive = world.person("olive")
    big = json.dumps({"name": "x" * 1_200_000}).encode()
    for method, url in _bodies(document):
        body = is_problem(olive.send(method, url, content=big), 413)
        assert "larger than 1.0 MB" in body["detail"]


def test_an_oversized_chunked_body_is_refused_as_it_arrives(
    world: World, document: dict[str, Any]
) -> None:
    olive = world.person("olive")

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(40):  # 40 × 64 kB, well past the 1 MB limit
            yield b"x" * 65_536
        yield b'"}'

    # an upload's route reads only a multipart form: a JSON body is never read at all (422)
    for method, url in _bodies(document, media=JSON):
        answer = olive.send(method, url, content=chunks())
        assert "content-length" not in answer.request.headers  # sent in chunks, length unknown
        is_problem(answer, 413)
    assert world.person("olive").get("/api/projects").status_code == 200


def test_an_oversized_upload_is_refused_as_it_arrives(
    world: World, document: dict[str, Any]
) -> None:
    """Past the 50 MB upload limit, declared or not, with nothing imported."""
    olive = world.person("olive")
    head = (
        b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(52):  # 52 × 1 MB, past the 50 MB limit
            yield b"x" * 1_000_000
        yield b"\r\n--xyz--\r\n"

    multipart = {"Content-Type": "multipart/form-data; boundary=xyz"}
    for method, url in _bodies(document, media=MULTIPART):
        declared = {**multipart, "Content-Length": "60000000"}
        is_problem(olive.send(method, url, content=head, headers=declared), 413)
        answer = olive.send(method, url, content=chunks(), headers=multipart)
        assert "content-length" not in answer.request.headers
        assert "larger than 50.0 MB" in is_problem(answer, 413)["detail"]
    assert [s.name for s in list_sources(world.store, PROJECT)] == [SOURCE]


def test_a_wrong_method_and_an_unknown_address_are_problems(world: World) -> None:
    olive = world.person("olive")
    is_problem(olive.get("/api/nothing-here"), 404)
    is_problem(olive.send("PATCH", "/api/projects"), 405)
    # an address holding a control character names nothing (refused before any database)
    is_problem(olive.get("/api/projects/%00"), 404)
    is_problem(olive.send("DELETE", "/api/projects/Reference%20cases/members/%00"), 404)
    is_problem(olive.get("/api/projects/Reference%20cases/partnerships/a%00b"), 404)
    is_problem(olive.get("/api/projects/" + "x" * 300), 422)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_segment = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["Wigan Deal", PROJECT, "olive", "..", ".", "%2F", " ", "\x00", "é" * 300]),
)


@st.composite
def _requests(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """One request to one of the document's operations: path segments real or random, as
    any of the people or nobody, with or without the CSRF header, random query and body."""
    path, method, operation = draw(st.sampled_from(list(_operations(document))))
    values = {name: draw(st.one_of(st.just(real), _segment)) for name, real in REAL.items()}
    queries = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    return {
        "method": method,
        "url": _fill(path, values),
        "who": draw(st.sampled_from(["olive", "vera", "rhea", "oscar", None])),
        "csrf": draw(st.booleans()),
        "params": draw(
            st.dictionaries(st.sampled_from(queries), st.text(max_size=20) | st.integers().map(str))
            if queries
            else st.just({})
        ),
        "body": draw(st.none() | _json),
    }


def test_random_requests_to_every_route_never_fail_with_a_server_error(
    world: World, document: dict[str, Any]
) -> None:
    failures: list[str] = []

    # The store changes from one request to the next, so Hypothesis could not replay a
    # failure faithfully (it would shrink against a different store and report a confusing
    # "inconsistent data generation"): the first failing request is reported as it happened.
    @settings(max_examples=120, database=None, phases=[Phase.generate], deadline=None)
    @given(request=_requests(document))
    def fire(request: dict[str, Any]) -> None:
        person = world.session_for(request["who"]) if request["who"] else None
        client = person.client if person else world.client()
        headers = {"X-CSRF-Token": person.csrf} if person and request["csrf"] else {}
        method, url = request["method"], request["url"]
        answer = client.request(
            method, url, params=request["params"], json=request["body"], headers=headers
        )
        try:
            assert answer.status_code < 500
            if answer.status_code >= 400:
                is_problem(answer, answer.status_code)
            elif answer.status_code != 204 and not url.endswith(".svg"):
                answer.json()
        except AssertionError:
            failures.append(
                f"{method.upper()} {url} {request} → {answer.status_code} {answer.text}"
            )
            raise

    try:
        fire()
    except Exception:
        if failures:
            pytest.fail(failures[0], pytrace=False)
        raise
