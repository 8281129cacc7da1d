"""What a frontend developer on a laptop needs: CORS, a Swagger UI per API, and visible latency."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.testclient import TestClient

from viya_mock.app import create_app
from viya_mock.clock import Changes
from viya_mock.middleware.faults import FaultMiddleware
from viya_mock.settings import Settings


class TestCors:
    def test_a_preflight_from_a_localhost_origin_is_answered(self, client: TestClient) -> None:
        response = client.options(
            "/jobExecution/jobs",
            headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"},
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
        assert "POST" in response.headers["access-control-allow-methods"]

    def test_responses_expose_the_headers_a_client_needs(self, client: TestClient) -> None:
        response = client.get(
            "/jobExecution/jobs/f9dbe76c-1a13-491e-b1e4-eda2219a2320", headers={"Origin": "http://127.0.0.1:3000"}
        )
        assert response.headers["access-control-allow-origin"] == "http://127.0.0.1:3000"
        assert "ETag" in response.headers["access-control-expose-headers"]

    def test_other_origins_are_not_allowed_by_default(self, client: TestClient) -> None:
        response = client.get("/jobExecution/jobs", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers

    def test_configured_origins_replace_the_default(self) -> None:
        with TestClient(create_app(Settings(cors_origins=("https://app.example",)))) as configured:
            allowed = configured.get("/jobExecution/jobs", headers={"Origin": "https://app.example"})
            local = configured.get("/jobExecution/jobs", headers={"Origin": "http://localhost:5173"})
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        assert "access-control-allow-origin" not in local.headers


@pytest.mark.parametrize("api", ["/jobExecution", "/jobDefinitions", "/files", "/__admin"])
def test_each_api_has_a_swagger_ui_and_its_document(client: TestClient, api: str) -> None:
    page = client.get(f"{api}/ui/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert client.get(f"{api}/openapi.json").json()["servers"][0]["url"] == api


class RecordingClock:
    def __init__(self) -> None:
        self.changes = Changes()
        self.slept: list[int] = []

    def now(self) -> int:
        return 0

    async def sleep(self, milliseconds: int) -> None:
        self.slept.append(milliseconds)

    async def wait_until(self, instant: int) -> None:
        return None


def test_latency_delays_every_answer_of_the_apis_but_not_the_admin_api() -> None:
    clock = RecordingClock()
    answered: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        answered.append(scope["path"])

    middleware = FaultMiddleware(app, fault_for=lambda method, path, headers: None, clock=clock, latency=250)

    async def call(path: str) -> None:
        await middleware({"type": "http", "method": "GET", "path": path, "headers": []}, None, None)

    asyncio.run(call("/jobExecution/jobs"))
    asyncio.run(call("/__admin/health"))
    assert clock.slept == [250]  # once, for the API call
    assert answered == ["/jobExecution/jobs", "/__admin/health"]
