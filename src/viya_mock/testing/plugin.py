"""The pytest plugin (entry point `viya_mock`): a real mock server for the session, reset before each test.

Fixtures, outermost first:

* ``viya_mock_settings`` (session): the Settings the server starts with; override it in a conftest to use
  your own fixtures or scenarios. Default: bundled fixtures, a virtual clock at 2026-01-05T09:00:00Z, seed 0.
* ``viya_mock_server`` (session): the running server (``.url``, ``.app``).
* ``viya_mock`` (function): the server reset to its start, with helpers to arrange and assert. When the mock
  failed inside while answering one of the test's requests (a bug in the mock, answered with a 500), the
  exception is raised again at the end of that test, as pytest-httpserver does with its handler errors, so
  it is never only a line in a log.

Tokens: ``viya_mock.token(user="sasdemo", scope=None, lifetime=None)`` mints an access token for a user
without their password (the one a password grant of client ``sas.ec`` would give), and
``viya_mock.headers(user)`` is ``{"Authorization": "Bearer <token>"}`` for it. Override
``viya_mock_settings`` with ``Settings(auth="required", ...)`` to make every call need one.

Admin calls over HTTP: the helpers above reach the mock directly, but a test (or the code under test) that
calls ``/__admin`` itself sends ``viya_mock.admin_headers``: ``X-Viya-Mock-Admin: 1``, without which a POST
or DELETE with no JSON or YAML body is refused as a possible cross-site request, and the admin token when
the server has one (``Settings(admin_token=...)``, or any ``host`` off loopback).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from viya_mock.container import Container
    from viya_mock.settings import Settings
    from viya_mock.testing.server import ThreadedServer

START_TIME = "2026-01-05T09:00:00Z"


class ViyaMock:
    """One test's view of the mock: where it is, and how to script, move and inspect it."""

    def __init__(self, server: ThreadedServer, container: Container) -> None:
        self.server = server
        self.container = container

    @property
    def url(self) -> str:
        """Base URL; clients add /jobExecution/…, /jobDefinitions/…, /files/…, /__admin/…"""
        return self.server.url

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
        from viya_mock.middleware.admin_guard import ADMIN_HEADER, TOKEN_HEADER

        headers = {ADMIN_HEADER: "1"}
        token: str | None = self.server.app.admin_token  # type: ignore[attr-defined]
        if token:
            headers[TOKEN_HEADER] = token
        return headers

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


@pytest.fixture(scope="session")
def viya_mock_settings() -> Settings:
    from viya_mock.core.domain.timestamps import parse_iso
    from viya_mock.settings import Settings

    return Settings(virtual_start=parse_iso(START_TIME), seed=0)


@pytest.fixture(scope="session")
def viya_mock_server(viya_mock_settings: Settings) -> Iterator[ThreadedServer]:
    from viya_mock.app import create_app
    from viya_mock.testing.server import ThreadedServer

    app = create_app(viya_mock_settings)
    with ThreadedServer(app) as server:
        server.app = app  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def viya_mock(viya_mock_server: ThreadedServer) -> Iterator[ViyaMock]:
    container: Container = viya_mock_server.app.container  # type: ignore[attr-defined]
    container.reset()
    mock = ViyaMock(viya_mock_server, container)
    yield mock
    mock.check_server_errors()
