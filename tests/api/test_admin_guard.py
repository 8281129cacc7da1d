"""The admin API's guard, as a browser, a rebinding page and a network client meet it (README: Threat model).

These clients send no admin header unless a test adds one, unlike the suite's shared `client`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START_MS
from tests.support import assert_sas_error
from viya_mock.app import create_app
from viya_mock.container import Container
from viya_mock.middleware.admin_guard import admin_path, is_loopback
from viya_mock.settings import Settings

FAULT_EVERYWHERE = "name: broken\nfaults: [{path: '*', status: 500}]\n"
ADMIN = {"X-Viya-Mock-Admin": "1"}


@pytest.fixture
def browser(app: Any, container: Container) -> Iterator[TestClient]:
    """The session app, reached without the admin header (what a web page can make a browser send)."""
    with TestClient(app) as test_client:
        yield test_client


def own(**settings: Any) -> TestClient:
    return TestClient(create_app(Settings(virtual_start=START_MS, seed=7, **settings)))


def submit(client: TestClient) -> str:
    response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
    assert response.status_code == 201
    return str(response.json()["id"])


def scenario_names(client: TestClient) -> list[str]:
    return [item["name"] for item in client.get("/__admin/scenarios").json()["items"]]


class TestCrossSiteWrites:
    def test_a_text_plain_scenario_post_is_refused_and_no_fault_is_installed(self, browser: TestClient) -> None:
        response = browser.post(
            "/__admin/scenarios", content=FAULT_EVERYWHERE, headers={"Content-Type": "text/plain;charset=UTF-8"}
        )
        body = assert_sas_error(response, 403)
        assert "text/plain" in body["message"] and "X-Viya-Mock-Admin: 1" in body["message"]
        assert body["details"] == ["path: /__admin/scenarios"]
        assert scenario_names(browser) == []
        assert browser.get("/jobExecution/jobs").status_code == 200

    def test_a_reset_with_no_body_is_refused_and_the_store_is_kept(self, browser: TestClient) -> None:
        job_id = submit(browser)
        body = assert_sas_error(browser.post("/__admin/reset"), 403)
        assert "no body" in body["message"]
        assert browser.get(f"/jobExecution/jobs/{job_id}").status_code == 200

    @pytest.mark.parametrize(
        ("method", "path", "content_type"),
        [
            ("POST", "/__admin/reset", "application/x-www-form-urlencoded"),
            ("POST", "/__admin/clock/advance?by=PT1H", "multipart/form-data; boundary=x"),
            ("POST", "/__admin/clock/advance?by=PT1H", "TEXT/PLAIN"),
            ("DELETE", "/__admin/requests", None),
            ("DELETE", "/__admin/scenarios", None),
            ("PUT", "/__admin/clock", "text/plain"),
        ],
    )
    def test_every_kind_of_simple_write_is_refused(
        self, browser: TestClient, container: Container, method: str, path: str, content_type: str | None
    ) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        before = container.clock.now()
        assert_sas_error(browser.request(method, path, content=b"x" if content_type else None, headers=headers), 403)
        assert container.clock.now() == before

    def test_the_admin_header_or_a_non_simple_body_lets_a_write_through(self, browser: TestClient) -> None:
        loaded = browser.post(
            "/__admin/scenarios", content=FAULT_EVERYWHERE, headers={"Content-Type": "text/plain", **ADMIN}
        )
        assert loaded.status_code == 201
        assert browser.post("/__admin/reset", headers=ADMIN).status_code == 204
        yaml = browser.post(
            "/__admin/scenarios", content=FAULT_EVERYWHERE, headers={"Content-Type": "application/yaml"}
        )
        assert yaml.status_code == 201
        assert browser.put("/__admin/clock", json={"now": "2026-02-01T00:00:00Z"}).status_code == 200
        # A bearer token is a header a browser never adds on its own.
        assert browser.delete("/__admin/scenarios", headers={"Authorization": "Bearer anything"}).status_code == 204

    def test_reads_need_no_header(self, browser: TestClient) -> None:
        assert browser.get("/__admin/requests").status_code == 200
        assert browser.get("/__admin/health").json() == {"status": "ok"}

    def test_the_mocked_apis_are_not_concerned(self, browser: TestClient) -> None:
        job_id = submit(browser)
        assert browser.put(f"/jobExecution/jobs/{job_id}/state", params={"value": "canceled"}).status_code == 200

    def test_the_admin_api_under_a_tenant_prefix_is_guarded_too(self, browser: TestClient) -> None:
        assert_sas_error(browser.post("/t/acme/__admin/reset"), 403)
        assert admin_path("/t/acme/__admin/tenants") == "/__admin/tenants"
        assert admin_path("/__admin/reset") == "/__admin/reset"
        assert admin_path("/t/acme/jobExecution/jobs") is None
        assert admin_path("/t/acme") is None
        assert admin_path("/jobExecution/__admin") is None


class TestOrigin:
    def test_a_foreign_origin_is_refused_even_with_the_header(self, browser: TestClient) -> None:
        job_id = submit(browser)
        response = browser.post("/__admin/reset", headers={"Origin": "https://evil.example", **ADMIN})
        body = assert_sas_error(response, 403)
        assert "https://evil.example" in body["message"] and "--cors-origin" in body["message"]
        assert browser.get(f"/jobExecution/jobs/{job_id}").status_code == 200

    @pytest.mark.parametrize("origin", ["null", "http://localhost.evil.example", "http://127.0.0.1.evil.example:80"])
    def test_origins_that_only_look_local_are_refused(self, browser: TestClient, origin: str) -> None:
        assert_sas_error(browser.get("/__admin/store", headers={"Origin": origin}), 403)

    @pytest.mark.parametrize("origin", ["http://localhost:5173", "https://127.0.0.1", "http://[::1]:3000"])
    def test_localhost_origins_are_allowed_by_default(self, browser: TestClient, origin: str) -> None:
        response = browser.post("/__admin/reset", headers={"Origin": origin, **ADMIN})
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == origin

    def test_the_mocks_own_pages_are_allowed(self) -> None:
        """Swagger UI at /__admin/ui/ on a server reached by another name sends its own origin."""
        with own(allowed_hosts=("mock.internal",)) as client:
            same = {"Origin": "http://mock.internal:8080", "Host": "mock.internal:8080", **ADMIN}
            assert client.post("/__admin/reset", headers=same).status_code == 204
            other_port = {**same, "Origin": "http://mock.internal:9090"}
            assert_sas_error(client.post("/__admin/reset", headers=other_port), 403)

    def test_configured_cors_origins_replace_localhost(self) -> None:
        with own(cors_origins=("https://app.example",)) as client:
            allowed = client.post("/__admin/reset", headers={"Origin": "https://app.example", **ADMIN})
            local = client.post("/__admin/reset", headers={"Origin": "http://localhost:5173", **ADMIN})
        assert allowed.status_code == 204
        assert_sas_error(local, 403)


class TestHost:
    @pytest.mark.parametrize(
        ("method", "path"),
        [("GET", "/jobExecution/jobs"), ("GET", "/files/files"), ("POST", "/__admin/reset"), ("GET", "/__admin/store")],
    )
    def test_a_foreign_host_is_refused_on_the_mocked_apis_and_the_admin_api(
        self, browser: TestClient, method: str, path: str
    ) -> None:
        response = browser.request(method, path, headers={"Host": "rebound.evil.example:8080", **ADMIN})
        body = assert_sas_error(response, 421)
        assert "'rebound.evil.example:8080'" in body["message"] and "--allowed-host" in body["message"]

    def test_a_trailing_slash_redirect_does_not_follow_a_foreign_host(self, browser: TestClient) -> None:
        response = browser.get("/jobExecution/jobs/", headers={"Host": "evil.example"}, follow_redirects=False)
        assert_sas_error(response, 421)
        assert "location" not in response.headers
        local = browser.get("/jobExecution/jobs/", headers={"Host": "localhost:8080"}, follow_redirects=False)
        assert local.headers["location"] == "http://localhost:8080/jobExecution/jobs"

    @pytest.mark.parametrize(
        "host",
        ["localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "192.168.1.20:8080", "[fe80::1]", "testserver"],
    )
    def test_loopback_names_and_ip_addresses_are_answered(self, browser: TestClient, host: str) -> None:
        assert browser.get("/jobExecution/jobs", headers={"Host": host}).status_code == 200

    @pytest.mark.parametrize("host", ["localhost.evil.example", "127.0.0.1.nip.io", "[::1", "[::1]x", "evil"])
    def test_names_that_only_look_local_are_refused(self, browser: TestClient, host: str) -> None:
        assert_sas_error(browser.get("/jobExecution/jobs", headers={"Host": host}), 421)

    def test_allowed_hosts_and_the_bound_name_are_answered(self) -> None:
        with own(host="mock.local", allowed_hosts=("ci-runner", ".example.org")) as client:
            for host in ("mock.local:8080", "ci-runner", "example.org", "a.b.example.org:80", "CI-RUNNER."):
                assert client.get("/jobExecution/jobs", headers={"Host": host}).status_code == 200, host
            for host in ("testserver", "evil.org", "badexample.org"):
                assert_sas_error(client.get("/jobExecution/jobs", headers={"Host": host}), 421)

    def test_a_star_answers_any_host(self) -> None:
        with own(allowed_hosts=("*",)) as client:
            assert client.get("/jobExecution/jobs", headers={"Host": "anything.example"}).status_code == 200

    def test_the_message_quotes_a_long_host_in_part(self, browser: TestClient) -> None:
        body = assert_sas_error(browser.get("/jobExecution/jobs", headers={"Host": "h" * 5000}), 421)
        assert len(body["message"]) < 400


class TestAdminToken:
    def test_off_loopback_a_token_is_made_and_required(self) -> None:
        app = create_app(Settings(host="0.0.0.0", virtual_start=START_MS, seed=7))
        token = app.admin_token
        assert isinstance(token, str) and len(token) >= 32
        assert token != create_app(Settings(host="0.0.0.0", virtual_start=START_MS, seed=7)).admin_token
        with TestClient(app) as client:
            missing = client.post("/__admin/reset", headers=ADMIN)
            body = assert_sas_error(missing, 401)
            assert "needs the admin token" in body["message"] and "X-Viya-Mock-Admin-Token" in body["message"]
            assert missing.headers["www-authenticate"] == 'Bearer realm="viya-mock-admin"'
            assert_sas_error(client.get("/__admin/store"), 401)
            wrong = assert_sas_error(client.get("/__admin/store", headers={"Authorization": "Bearer nope"}), 401)
            assert "not the admin token" in wrong["message"]
            assert client.get("/__admin/store", headers={"Authorization": f"Bearer {token}"}).status_code == 200
            # The token header also tells the guard the write is no cross-site request.
            assert client.post("/__admin/reset", headers={"X-Viya-Mock-Admin-Token": token}).status_code == 204
            # Health, the document and Swagger UI tell nothing and change nothing.
            assert client.get("/__admin/health").status_code == 200
            assert client.get("/__admin/openapi.json").status_code == 200
            # The mocked APIs do not need it.
            assert client.get("/jobExecution/jobs").status_code == 200

    def test_a_given_token_is_used_and_required_on_loopback_too(self) -> None:
        assert create_app(Settings(host="0.0.0.0", admin_token="chosen")).admin_token == "chosen"
        with own(admin_token="s3cret") as client:
            assert_sas_error(client.post("/__admin/reset", headers=ADMIN), 401)
            assert client.post("/__admin/reset", headers={"Authorization": "Bearer s3cret"}).status_code == 204

    def test_on_loopback_no_token_is_needed(self, app: Any) -> None:
        assert app.admin_token is None
        assert create_app(Settings(host="localhost")).admin_token is None
        assert create_app(Settings(host="::1")).admin_token is None

    def test_the_host_check_comes_first(self) -> None:
        with own(admin_token="s3cret") as client:
            assert_sas_error(client.get("/__admin/store", headers={"Host": "evil.example"}), 421)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("mock.local", False), ("", False)],
)  # fmt: skip
def test_which_binds_count_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_an_asgi_client_with_its_own_base_url_is_refused_with_the_reason() -> None:
    """In-process clients other than TestClient must use testserver, localhost or an IP address as their host."""
    app = create_app(Settings(virtual_start=START_MS, seed=7))

    async def call() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            return await client.get("/jobExecution/jobs")

    assert_sas_error(asyncio.run(call()), 421)
