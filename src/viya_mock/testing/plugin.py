"""The pytest plugin (entry point `viya_mock`): a mock server for the session, reset before each test.

Fixtures, outermost first:

* ``viya_mock_settings`` (session): the Settings the server starts with; override it in a conftest to use
  your own fixtures or scenarios. Default: bundled fixtures, a virtual clock at 2026-01-05T09:00:00Z, seed 0.
* ``viya_mock_server`` (session): the running server (``.url``, ``.app``: the tenants router).
* ``viya_mock`` (function): the tenant the tests use, reset to its start, with helpers to arrange and assert.
  When the mock failed inside while answering one of the test's requests (a bug in the mock, answered with a
  500), the exception is raised again at the end of that test, as pytest-httpserver does with its handler
  errors, so it is never only a line in a log.

Tokens: ``viya_mock.token(user="sasdemo", scope=None, lifetime=None)`` mints an access token for a user
without their password (the one a password grant of client ``sas.ec`` would give), and
``viya_mock.headers(user)`` is ``{"Authorization": "Bearer <token>"}`` for it. Override
``viya_mock_settings`` with ``Settings(auth="required", ...)`` to make every call need one.

Admin calls over HTTP: the helpers above reach the mock directly, but a test (or the code under test) that
calls ``/__admin`` itself sends ``viya_mock.admin_headers``: ``X-Viya-Mock-Admin: 1``, without which a POST
or DELETE with no JSON or YAML body is refused as a possible cross-site request, and the admin token when
the server has one (``Settings(admin_token=...)``, or any ``host`` off loopback).

A shared server (tenants): several suites, or the workers of one suite under pytest-xdist, can use one
running ``viya-mock serve`` without resetting each other's state:

* ``--viya-mock-url URL``: use the server at URL instead of starting one (``viya_mock_settings`` is then
  not used: the server's own options apply).
* ``--viya-mock-tenant NAME|auto``: the tenant the tests use. ``auto`` (the default with
  ``--viya-mock-url``) is a name of its own per session and per xdist worker
  (``pytest-<worker>-<random>``), deleted when the session ends; a NAME is kept. ``viya_mock.url`` is then
  the tenant's base URL, ``<server>/t/<name>``, which is all a client needs. ``default`` (or no option,
  without ``--viya-mock-url``) is the server's default tenant.
* ``--viya-mock-admin-token TOKEN`` (or the environment variable ``VIYA_MOCK_ADMIN_TOKEN``): the server's
  admin token, when it has one (off loopback it always has).

Against a server given by URL, the helpers go over HTTP to the tenant's ``/__admin`` API with the admin
headers: ``reset`` (before each test), ``load_scenario``, ``advance``, ``now``, ``journal``, ``token``;
``job(id)`` is a GET of the job (which the journal records); ``store`` is a read-only snapshot of the
store export (``store.jobs`` and the others map ids to exported items); there is no ``container``. Paths
and URIs the helpers return are relative to ``viya_mock.url`` in both modes. The end-of-test check raises
when the tenant's journal shows a 500 that no scripted fault made.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from viya_mock.container import Container
    from viya_mock.settings import Settings
    from viya_mock.testing.server import ThreadedServer

START_TIME = "2026-01-05T09:00:00Z"
AUTO = "auto"
DEFAULT_TENANT_NAME = "default"
REMOTE_TIMEOUT = 30.0


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("viya-mock", "viya-mock: the SAS Viya Job Execution mock")
    group.addoption(
        "--viya-mock-url",
        default=None,
        metavar="URL",
        help="use the viya-mock server running at URL (one tenant of it) instead of starting one",
    )
    group.addoption(
        "--viya-mock-tenant",
        default=None,
        metavar="NAME|auto",
        help="the tenant the tests use: a name, or auto for one per session and xdist worker, deleted at the end "
        "(default: auto with --viya-mock-url, else the default tenant)",
    )
    group.addoption(
        "--viya-mock-admin-token",
        default=os.environ.get("VIYA_MOCK_ADMIN_TOKEN") or None,
        metavar="TOKEN",
        help="the admin token of the server at --viya-mock-url, if it has one [VIYA_MOCK_ADMIN_TOKEN]",
    )


def auto_tenant_name() -> str:
    """A tenant of its own for this session and xdist worker.

    The random part comes from `secrets`, not from a seeded source: two sessions started with the same seed,
    on two machines sharing a server, must still get different tenants.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"pytest-{worker}-{secrets.token_hex(4)}"[:64]


def _admin_headers(token: str | None) -> dict[str, str]:
    from viya_mock.middleware.admin_guard import ADMIN_HEADER, TOKEN_HEADER

    headers = {ADMIN_HEADER: "1"}
    if token:
        headers[TOKEN_HEADER] = token
    return headers


def _tenant_prefix(tenant: str | None) -> str:
    return "" if tenant in (None, DEFAULT_TENANT_NAME) else f"/t/{tenant}"


class ViyaMock:
    """One test's view of the mock: where it is, and how to script, move and inspect it."""

    def __init__(self, server: ThreadedServer, container: Container, tenant: str | None = None) -> None:
        self.server = server
        self.container = container
        self.tenant = tenant

    @property
    def url(self) -> str:
        """Base URL; clients add /jobExecution/…, /jobDefinitions/…, /files/…, /__admin/…"""
        return self.server.url + _tenant_prefix(self.tenant)

    @property
    def store(self) -> Any:
        """The in-memory store (jobs, job_requests, job_definitions dicts) for arrange/assert."""
        return self.container.store

    def load_scenario(self, scenario: str | Path | Mapping[str, Any]) -> list[str]:
        """Load scenarios from YAML text, a file or folder, or a dict; returns the names now loaded."""
        if isinstance(scenario, Path):
            from viya_mock.scenarios.loader import load_path

            self.container.scenarios.add(load_path(scenario))
            return [loaded.name for loaded in self.container.scenarios.scenarios]
        return [loaded.name for loaded in self.container.admin.load_scenarios(scenario, "load_scenario")]

    def advance(self, by: str | float) -> str:
        """Move the virtual clock by a duration (PT1H) or seconds; returns the new time."""
        return str(self.container.admin.advance_clock(str(by))["now"])

    def now(self) -> str:
        return str(self.container.admin.clock_state()["now"])

    def journal(
        self, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """Requests the mock received (not admin calls), oldest first; `path` is a glob."""
        from viya_mock.journal import Journal

        return [Journal.as_json(entry) for entry in self.container.journal.find(method, path, status)]

    def job(self, job_id: str) -> dict[str, Any]:
        """A job's representation fields as the API would show them now (without links)."""
        return dict(self.container.jobs.get(job_id).view.doc)

    def token(self, user: str = "sasdemo", scope: str | list[str] | None = None, lifetime: int | None = None) -> str:
        """A valid access token (a JWT) for `user`, as SAS Logon's password grant gives; `lifetime` in seconds."""
        scopes = scope.split() if isinstance(scope, str) else scope
        return str(self.container.logon.mint(user, scopes, lifetime)["access_token"])

    def headers(self, user: str = "sasdemo") -> dict[str, str]:
        """The Authorization header that makes a request as `user`."""
        return {"Authorization": f"Bearer {self.token(user)}"}

    @property
    def admin_headers(self) -> dict[str, str]:
        """What a call to ``/__admin`` over HTTP sends: the admin header, and the admin token if there is one."""
        return _admin_headers(self.server.app.admin_token)  # type: ignore[attr-defined]

    def reset(self) -> None:
        self.container.reset()

    def check_server_errors(self) -> None:
        """Raise the first exception the mock raised while answering since the last reset or check."""
        failures = self.container.failures
        if failures:
            first = failures[0]
            failures.clear()
            raise MockServerError(f"viya-mock failed while answering a request: {first!r}") from first


class MockServerError(AssertionError):
    """The mock itself failed while answering one of the test's requests (its 500s are its own bugs)."""


class RemoteCallFailed(AssertionError):
    """A helper's call to a server given by --viya-mock-url did not get the answer it needs."""


class RemoteServer:
    """One tenant of a viya-mock server someone else started, reached over HTTP."""

    def __init__(self, url: str, tenant: str | None, admin_token: str | None, *, owned: bool) -> None:
        self.server_url = url.rstrip("/")
        self.tenant = tenant
        self.url = self.server_url + _tenant_prefix(tenant)
        self.admin_headers = _admin_headers(admin_token)
        self.owned = owned  # an auto tenant: made for this session, deleted at its end

    def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        expect: tuple[int, ...] = (200,),
        base: str | None = None,
    ) -> Any:
        """One request (admin headers included); the JSON it answers, or None for an empty answer."""
        url = (base or self.url) + path
        if query:
            url += "?" + urllib.parse.urlencode({key: value for key, value in query.items() if value is not None})
        headers = dict(self.admin_headers)
        if content_type is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except OSError as error:
            raise RemoteCallFailed(f"{method} {url} failed: {error}") from error
        if status not in expect:
            message = raw.decode("utf-8", "replace")
            try:
                message = str(json.loads(message).get("message", message))
            except (ValueError, AttributeError):
                pass
            raise RemoteCallFailed(f"{method} {url} answered {status}: {message[:500]}")
        return json.loads(raw) if raw else None

    def without_prefix(self, document: Any) -> Any:
        """What the server answered, with the tenant's prefix taken off its URIs (as a local mock shows them)."""
        from viya_mock.middleware.prefix import without_prefix

        prefix = _tenant_prefix(self.tenant)
        return without_prefix(document, prefix) if prefix else document

    def start(self) -> RemoteServer:
        """Check the server answers, which also creates the tenant (or says why it cannot be)."""
        self.call("GET", "/__admin/health")
        return self

    def close(self) -> None:
        if self.owned and self.tenant is not None:
            self.call("DELETE", f"/__admin/tenants/{self.tenant}", expect=(204, 404), base=self.server_url)


class RemoteStore:
    """A snapshot of a remote tenant's store export: `jobs`, `job_requests`, `job_definitions` and `files` map
    ids to the exported items (read-only; change the store through the APIs)."""

    def __init__(self, export: Mapping[str, Any]) -> None:
        self.jobs = {item["id"]: item for item in export.get("jobs", [])}
        self.job_requests = {item["doc"]["id"]: item for item in export.get("jobRequests", [])}
        self.job_definitions = {item["doc"]["id"]: item for item in export.get("jobDefinitions", [])}
        self.files = {item["id"]: item for item in export.get("files", [])}


class RemoteViyaMock:
    """The helpers of ViyaMock for a tenant of a server given by --viya-mock-url, over its admin API."""

    def __init__(self, server: RemoteServer) -> None:
        self.server = server

    @property
    def url(self) -> str:
        """The tenant's base URL; clients add /jobExecution/…, /jobDefinitions/…, /files/…, /__admin/…"""
        return self.server.url

    @property
    def tenant(self) -> str | None:
        return self.server.tenant

    @property
    def store(self) -> RemoteStore:
        """The tenant's store as exported now (a snapshot)."""
        return RemoteStore(self.server.without_prefix(self.server.call("GET", "/__admin/store")))

    def load_scenario(self, scenario: str | Path | Mapping[str, Any]) -> list[str]:
        """Load scenarios from YAML text, a file or folder, or a dict; returns the names now loaded."""
        if isinstance(scenario, Path):
            files = sorted([*scenario.glob("*.yaml"), *scenario.glob("*.yml")]) if scenario.is_dir() else [scenario]
            texts = [file.read_text(encoding="utf-8") for file in files]
            answer = self.server.call("GET", "/__admin/scenarios")
            for text in texts:
                answer = self._post_scenario(text.encode(), "application/yaml")
        elif isinstance(scenario, str):
            answer = self._post_scenario(scenario.encode(), "application/yaml")
        else:
            answer = self._post_scenario(json.dumps(dict(scenario)).encode(), "application/json")
        return [item["name"] for item in answer["items"]]

    def _post_scenario(self, body: bytes, content_type: str) -> Any:
        return self.server.call("POST", "/__admin/scenarios", body=body, content_type=content_type, expect=(201,))

    def advance(self, by: str | float) -> str:
        """Move the virtual clock by a duration (PT1H) or seconds; returns the new time."""
        return str(self.server.call("POST", "/__admin/clock/advance", query={"by": str(by)})["now"])

    def now(self) -> str:
        return str(self.server.call("GET", "/__admin/clock")["now"])

    def journal(
        self, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """Requests the tenant received (not admin calls), oldest first; `path` is a glob below the tenant."""
        answer = self.server.call("GET", "/__admin/requests", query={"method": method, "path": path, "status": status})
        items: list[dict[str, Any]] = self.server.without_prefix(answer["items"])
        return items

    def job(self, job_id: str) -> dict[str, Any]:
        """A job's representation as the API shows it now, without its links (a GET the journal records)."""
        document = self.server.call("GET", f"/jobExecution/jobs/{urllib.parse.quote(job_id, safe='')}")
        return {key: value for key, value in self.server.without_prefix(document).items() if key != "links"}

    def token(self, user: str = "sasdemo", scope: str | list[str] | None = None, lifetime: int | None = None) -> str:
        """A valid access token (a JWT) for `user` in this tenant; `lifetime` in seconds."""
        body: dict[str, Any] = {"user": user}
        if scope is not None:
            body["scope"] = scope
        if lifetime is not None:
            body["lifetime"] = lifetime
        answer = self.server.call(
            "POST", "/__admin/tokens", body=json.dumps(body).encode(), content_type="application/json", expect=(201,)
        )
        return str(answer["access_token"])

    def headers(self, user: str = "sasdemo") -> dict[str, str]:
        """The Authorization header that makes a request as `user`."""
        return {"Authorization": f"Bearer {self.token(user)}"}

    @property
    def admin_headers(self) -> dict[str, str]:
        """What a call to ``/__admin`` over HTTP sends: the admin header, and the admin token if there is one."""
        return dict(self.server.admin_headers)

    def reset(self) -> None:
        self.server.call("POST", "/__admin/reset", expect=(204,))

    def check_server_errors(self) -> None:
        """Raise when the tenant answered a 500 since the last reset that no scripted fault made (a bug)."""
        failed = [entry for entry in self.journal(status=500) if entry.get("fault") is None]
        if failed:
            first = failed[0]
            raise MockServerError(f"viya-mock failed while answering a request: {first['method']} {first['path']}")


@pytest.fixture(scope="session")
def viya_mock_settings() -> Settings:
    from viya_mock.core.domain.timestamps import parse_iso
    from viya_mock.settings import Settings

    return Settings(virtual_start=parse_iso(START_TIME), seed=0)


@pytest.fixture(scope="session")
def viya_mock_server(
    request: pytest.FixtureRequest, viya_mock_settings: Settings
) -> Iterator[ThreadedServer | RemoteServer]:
    config = request.config
    url: str | None = config.getoption("viya_mock_url")
    tenant: str | None = config.getoption("viya_mock_tenant")
    if url is not None:
        tenant = tenant or AUTO
    owned = tenant == AUTO
    if owned:
        tenant = auto_tenant_name()
    if url is not None:
        remote = RemoteServer(url, tenant, config.getoption("viya_mock_admin_token"), owned=owned).start()
        try:
            yield remote
        finally:
            remote.close()
        return
    from viya_mock.tenants import Tenants
    from viya_mock.testing.server import ThreadedServer

    app = Tenants(viya_mock_settings)
    with ThreadedServer(app) as server:
        server.app = app  # type: ignore[attr-defined]
        server.tenant = tenant  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def viya_mock(viya_mock_server: ThreadedServer | RemoteServer) -> Iterator[ViyaMock | RemoteViyaMock]:
    mock: ViyaMock | RemoteViyaMock
    if isinstance(viya_mock_server, RemoteServer):
        mock = RemoteViyaMock(viya_mock_server)
    else:
        tenant: str | None = getattr(viya_mock_server, "tenant", None)
        tenants = viya_mock_server.app  # type: ignore[attr-defined]
        container: Container = (tenants.default if tenant is None else tenants.get_or_create(tenant)).container
        mock = ViyaMock(viya_mock_server, container, tenant)
    mock.reset()
    yield mock
    mock.check_server_errors()
