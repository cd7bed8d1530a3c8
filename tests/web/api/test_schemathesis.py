"""Schemathesis against /openapi.json: requests generated from the API's own description,
valid and invalid, as the signed-in owner, to every operation, on SQLite and PostgreSQL.

No request may end in a server error, and every answer must match what the document says the
operation answers (status code, content type, body schema). Path parameters are sometimes the
names of real things (so requests reach the code behind the route) and sometimes generated.

The number of examples per operation is ``COLLABMAP_FUZZ_EXAMPLES`` (default 6, a few minutes
for both databases on a loaded two-core machine); docs/security.md gives the command for a
longer run.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from collabmap.store.accounts import open_session_for
from collabmap.web._settings import SESSION_COOKIE
from tests.web.api.conftest import PROJECT, SOURCE, World
from tests.web.api.things import add_things

EXAMPLES = int(os.environ.get("COLLABMAP_FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_generated_requests_to_every_operation_get_no_server_error(world: World) -> None:
    things = add_things(world.store, PROJECT, "olive", source=SOURCE)
    token, signed_in = open_session_for(world.store, "olive")
    real: dict[str, Any] = {
        "project": PROJECT,
        "name": things.partnership,
        "source": SOURCE,
        "user": "vera",
        "assessment_id": things.assessment,
        "coding_id": things.coding,
        "memo_id": things.memo,
        "invitation_id": things.invitation,
        "topic_id": "partners",
        "page_id": "partner",
        "index": 0,
    }
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 50
    failures: list[str] = []
    seen: set[str] = set()
    for operation in operations:
        named = {
            p.name: real[p.name]
            for p in operation.path_parameters
            if p.name in real  # a job's id is random: nothing to name without making a report
        }
        headers = {"X-CSRF-Token": signed_in.csrf_token}
        cookies = {SESSION_COOKIE: token}
        strategy = st.one_of(
            operation.as_strategy(
                GenerationMode.POSITIVE, path_parameters=named, headers=headers, cookies=cookies
            ),
            operation.as_strategy(
                GenerationMode.NEGATIVE, path_parameters=named, headers=headers, cookies=cookies
            ),
            operation.as_strategy(GenerationMode.POSITIVE, headers=headers, cookies=cookies),
            operation.as_strategy(GenerationMode.NEGATIVE, headers=headers, cookies=cookies),
        )

        # The store changes as requests are made, so a failure is reported as it happened
        # rather than shrunk against a store that is no longer the same.
        @settings(
            max_examples=EXAMPLES,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def fire(case: Any) -> None:
            response = case.call()
            label = case.operation.label
            seen.add(label)
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as exc:
                failures.append(f"{label}: {exc}")
                raise

        try:
            fire()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # schemathesis reports a group of failures
            pass  # collected in failures; every operation is tried before reporting
    assert not failures, "\n\n".join(failures[:5])
    assert seen == {operation.label for operation in operations}


@pytest.mark.parametrize("mode", list(GenerationMode))
def test_the_document_describes_what_schemathesis_needs(world: World, mode: Any) -> None:
    """Every operation can be turned into requests (no broken references or patterns)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        assert operation.as_strategy(mode) is not None, operation.label
