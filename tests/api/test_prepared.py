"""Connexion with its per-operation work done once (core.api.prepared) and indexed routing (core.api.routing).

The subclasses reach into Connexion 3.3 and Starlette; these tests pin what they rely on, prove that the
indexed routers choose exactly what Starlette's would for every documented path and method (and for paths
no document has), and that validation still refuses what Connexion's refuses once its validators are kept.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import re
from importlib.metadata import version
from typing import Any

import connexion
import jsonschema
import pytest
from connexion.decorators.parameter import AsyncParameterDecorator, get_arguments
from connexion.middleware.request_validation import RequestValidationOperation
from connexion.middleware.routing import RoutingMiddleware
from starlette.exceptions import HTTPException
from starlette.routing import Router
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI
from tests.support import assert_sas_error
from viya_mock import documents
from viya_mock.app import DOCUMENTS
from viya_mock.core.api.prepared import MAX_BODY_VALIDATORS, PreparedValidationOperation
from viya_mock.core.api.routing import IndexedRouter, IndexedRouting

JOB = "f9dbe76c-1a13-491e-b1e4-eda2219a2320"


def test_the_connexion_parts_the_subclasses_rely_on_are_there() -> None:
    assert re.match(r"3\.3\.", version("connexion")), "core.api.prepared was written against Connexion 3.3"
    assert {"extract_content_type", "security_query_params", "validate_mime_type"} <= set(
        dir(RequestValidationOperation)
    )
    assert list(inspect.signature(get_arguments).parameters)[1:] == [
        "path_params",
        "query_params",
        "body",
        "files",
        "arguments",
        "has_kwargs",
        "sanitize",
        "content_type",
    ]
    assert "sanitize_fn" in vars(AsyncParameterDecorator(framework=object, pythonic_params=True))
    assert {"routes", "default", "redirect_slashes", "lifespan"} <= set(dir(Router(default=None)))


def _stack(client: TestClient) -> list[Any]:
    client.get("/jobExecution/")  # the middleware stack is built by the first request
    stack: list[Any] = client.app.middleware.middleware_stack  # type: ignore[attr-defined]
    return stack


def _validation_operations(stack: list[Any]) -> list[tuple[str, PreparedValidationOperation]]:
    """Every operation of the prepared request validation in the middleware stack, with its operationId."""
    return [
        (name, operation)
        for middleware in stack
        for apis in getattr(middleware, "apis", {}).values()
        if isinstance(apis, list)
        for api in apis
        for name, operation in getattr(api, "operations", {}).items()
        if isinstance(operation, PreparedValidationOperation)
    ]


def test_validators_are_built_once_per_operation(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    _stack(client)
    client.get(f"/jobExecution/jobs/{JOB}")
    client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
    built: list[object] = []
    original = jsonschema.Draft4Validator.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(jsonschema.Draft4Validator, "__init__", counting)
    for _ in range(3):
        assert client.get(f"/jobExecution/jobs/{JOB}").status_code == 200
    assert built == []


def test_a_kept_body_validator_still_refuses_a_bad_body(client: TestClient) -> None:
    for _ in range(2):
        response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": 5})
        assert_sas_error(response, 400)


def test_made_up_media_types_keep_the_table_of_body_validators_bounded(client: TestClient) -> None:
    stack = _stack(client)
    for number in range(MAX_BODY_VALIDATORS + 8):
        response = client.post(
            "/jobExecution/jobs",
            content=b'{"jobDefinitionUri": 5}',
            headers={"Content-Type": f"application/vnd.made.up.{number}+json"},
        )
        assert response.status_code in (400, 415), response.text
    operations = [operation for _, operation in _validation_operations(stack)]
    assert operations, "request validation is not the prepared one"
    assert max(len(operation._bodies) for operation in operations) <= MAX_BODY_VALIDATORS


# -- routing ------------------------------------------------------------------------------------------


def _requests() -> list[tuple[str, str]]:
    """Every documented path with its parameters filled in, under each method, and paths no document has."""
    paths = []
    for name in DOCUMENTS:
        document = documents.document(name)
        root = document["servers"][0]["url"].rstrip("/")
        for path in document["paths"]:
            paths.append(root + re.sub(r"\{[^}]+\}", "abc", path))
            paths.append(root + re.sub(r"\{[^}]+\}", "@item", path) + "/")
    paths += ["/", "", "/nothing", "/jobExecution", "/jobExecution/jobs/a/b/c/d", "/files/", "/__admin/x//y"]
    return list(itertools.product(("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"), paths))


async def _route(middleware: Any, method: str, path: str) -> Any:
    seen: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        seen.setdefault("status", message.get("status"))

    scope = {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"", "headers": []}
    scope["app"] = object()  # as under Connexion: a method mismatch raises instead of answering
    try:
        await middleware(scope, receive, send)
    except HTTPException as error:
        return ("refused", error.status_code, error.headers)
    routing = scope.get("extensions", {}).get("connexion_routing", {})
    return (routing.get("operation_id"), routing.get("api_base_path"), seen.get("status"), scope.get("path_params"))


def test_indexed_routing_chooses_what_starlette_chooses(client: TestClient) -> None:
    _stack(client)
    apis = client.app.middleware.apis  # type: ignore[attr-defined]

    async def reached(scope: Any, receive: Any, send: Any) -> None:
        return None

    plain, indexed = RoutingMiddleware(reached), IndexedRouting(reached)
    for api in apis:
        for middleware in (plain, indexed):
            middleware.add_api(api.specification, base_path=api.base_path, **api.kwargs)
    assert isinstance(indexed.router, IndexedRouter)

    async def compare() -> int:
        count = 0
        for method, path in _requests():
            expected = await _route(plain, method, path)
            assert await _route(indexed, method, path) == expected, (method, path)
            count += expected[0] is not None
        return count

    assert asyncio.run(compare()) > 100  # most documented requests reached an operation


def test_swagger_ui_and_documents_are_still_served(client: TestClient) -> None:
    assert client.get("/jobExecution/openapi.json").json()["openapi"].startswith("3.")
    assert "swagger" in client.get("/jobExecution/ui/").text.lower()
    assert client.get("/compute/openapi.yaml").status_code == 200


def test_the_app_is_connexions_async_app(client: TestClient) -> None:
    assert isinstance(client.app, connexion.AsyncApp)


def test_job_request_bodies_are_checked_by_jsonschema_rs_from_the_documents_form(client: TestClient) -> None:
    stack = _stack(client)
    for content_type in ("application/json", "application/vnd.sas.job.execution.job.request+json"):
        response = client.post(
            "/jobExecution/jobs", content=b'{"jobDefinitionUri": 5}', headers={"Content-Type": content_type}
        )
        assert_sas_error(response, 400)
    compiled = {
        key[0]: validator._compiled is not None
        for name, operation in _validation_operations(stack)
        if name == "createJob"
        for key, validator in operation._bodies.items()
        if hasattr(validator, "_compiled")
    }
    assert compiled == {"application/json": True, "application/vnd.sas.job.execution.job.request+json": True}
