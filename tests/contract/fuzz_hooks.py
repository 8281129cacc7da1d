"""Schemathesis hooks shared by the suite's in-process run and `make fuzz` (SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.hook
def map_query(context: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:
    # A long poll waits as long as it is asked to (up to 300 s, or until virtual time moves); fuzzing asks
    # for no wait so each case answers at once. Long polling has its own tests in tests/api/test_admin.py.
    if query and "wait" in query:
        query["wait"] = 0
    return query


# The bundled "Simple proc print" definition; generated requests cannot know an id that exists.
DEFINITION_URI = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    # A job request must name a job definition that exists, which no generator can guess, so without help
    # every submit is a 400 and the workflows never start. Bodies that name no definition at all get the
    # bundled one; a body that carries a (possibly invalid) definition is left as generated, so negative
    # cases stay negative.
    operation = context.operation
    submits = operation.method.upper() == "POST" and operation.path in {"/jobs", "/jobRequests"}
    if submits and isinstance(body, dict) and "jobDefinitionUri" not in body and "jobDefinition" not in body:
        body["jobDefinitionUri"] = DEFINITION_URI
    return body


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    # A script driving the admin API says so with this header, or its writes without a JSON or YAML body are
    # refused as possible cross-site requests (403); the guard has its own tests in tests/api/test_admin_guard.py.
    # (map_headers would not do: it runs only for operations that declare header parameters.)
    if case.headers is None:
        case.headers = {}
    case.headers["X-Viya-Mock-Admin"] = "1"
