"""Shared fixtures: one app per session on a virtual clock, reset to the fixtures before every test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import ADMIN_HEADERS
from viya_mock.app import create_app
from viya_mock.clock import VirtualClock
from viya_mock.container import Container
from viya_mock.core.domain.timestamps import parse_sas
from viya_mock.settings import Settings

# The examples are run through pytester by tests/test_plugin.py, as a user's suite would run them.
collect_ignore = ["examples"]

START = "2026-01-05T09:00:00.000Z"
START_MS = parse_sas(START)
assert START_MS is not None

# A job request that runs the bundled "Simple proc print" definition.
PROC_PRINT_URI = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"


@pytest.fixture(scope="session")
def app() -> Any:
    return create_app(Settings(virtual_start=START_MS, seed=7, validate_responses=True))


@pytest.fixture
def container(app: Any) -> Container:
    container: Container = app.container
    container.reset()
    assert isinstance(container.clock, VirtualClock)
    container.clock.set(START_MS)
    return container


@pytest.fixture
def clock(container: Container) -> VirtualClock:
    assert isinstance(container.clock, VirtualClock)
    return container.clock


@pytest.fixture
def client(app: Any, container: Container) -> Iterator[TestClient]:
    # Every request carries the admin header, as a test harness's do; tests/api/test_admin_guard.py goes without.
    with TestClient(app, raise_server_exceptions=True, headers=ADMIN_HEADERS) as test_client:
        yield test_client
