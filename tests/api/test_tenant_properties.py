"""A property over random interleavings: requests spread over two tenants (one named by its path prefix, one by
the header) never read or change the other's state.

Each tenant is modelled alone (its jobs, when each was submitted, which were canceled, its virtual clock);
after every step, each tenant's jobs, as its list answers them, are exactly what its own model predicts, and
every answer was the one the acting tenant's model expected, including 404s for the other tenant's ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.conftest import START_MS
from tests.support import ADMIN_HEADERS
from viya_mock.settings import Settings
from viya_mock.tenants import TENANT_HEADER, Tenants

DURATION = 5_000  # the default timeline: running at once, completed this many milliseconds later
EMBEDDED = {"jobDefinition": {"type": "Compute", "code": "data _null_; run;"}}
# How each tenant is reached: alpha by its prefix, beta by the header (no prefix, no rewriting).
REACH: dict[str, tuple[str, dict[str, str]]] = {"alpha": ("/t/alpha", {}), "beta": ("", {TENANT_HEADER: "beta"})}


@dataclass
class Model:
    """One tenant as if it were alone: what its jobs should be."""

    now: int = START_MS
    created: dict[str, int] = field(default_factory=dict)
    canceled: set[str] = field(default_factory=set)

    def state(self, job_id: str) -> str:
        if job_id in self.canceled:
            return "canceled"
        return "completed" if self.now - self.created[job_id] >= DURATION else "running"

    def states(self) -> dict[str, str]:
        return {job_id: self.state(job_id) for job_id in self.created}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    tenants = Tenants(
        Settings(virtual_start=START_MS, seed=5, fixtures=None, validate_responses=True, job_duration=DURATION)
    )
    with TestClient(tenants, raise_server_exceptions=True, headers=ADMIN_HEADERS) as test_client:
        yield test_client
    assert all(not container.failures for container in tenants.containers().values())


tenant = st.sampled_from(sorted(REACH))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), tenant, st.just(0)),
        st.tuples(st.sampled_from(["get", "cancel", "delete"]), tenant, st.integers(0, 30)),
        st.tuples(st.just("reset"), tenant, st.just(0)),
        st.tuples(st.just("advance"), tenant, st.sampled_from([1, 2, 4, 5, 9])),
    ),
    min_size=1,
    max_size=14,
)


def call(client: TestClient, name: str, method: str, path: str, **options: Any) -> Any:
    base, headers = REACH[name]
    return client.request(method, f"{base}{path}", headers=headers, **options)


def listed(client: TestClient, name: str) -> dict[str, str]:
    answer = call(client, name, "GET", "/jobExecution/jobs", params={"limit": 1000})
    assert answer.status_code == 200
    return {item["id"]: item["state"] for item in answer.json()["items"]}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_no_request_in_one_tenant_reads_or_changes_the_other(client: TestClient, steps: list[Any]) -> None:
    models = {name: Model() for name in REACH}
    for name in REACH:
        assert call(client, name, "POST", "/__admin/reset").status_code == 204
    every_id: list[str] = []  # ids of both tenants: each is tried against either
    for action, name, number in steps:
        model = models[name]
        if action == "submit":
            answer = call(client, name, "POST", "/jobExecution/jobs", json=EMBEDDED)
            assert answer.status_code == 201
            job_id = answer.json()["id"]
            assert all(job_id not in other.created for other in models.values())  # ids never collide
            model.created[job_id] = model.now
            every_id.append(job_id)
        elif action == "reset":
            assert call(client, name, "POST", "/__admin/reset").status_code == 204
            models[name] = Model()
        elif action == "advance":
            answer = call(client, name, "POST", "/__admin/clock/advance", params={"by": str(number)})
            assert answer.status_code == 200
            model.now += number * 1000
            assert answer.json()["epochMillis"] == model.now
        elif every_id:
            job_id = every_id[number % len(every_id)]
            mine = job_id in model.created
            path = f"/jobExecution/jobs/{job_id}"
            if action == "get":
                answer = call(client, name, "GET", f"{path}/state")
                assert (answer.status_code, answer.text if mine else None) == (
                    (200, model.state(job_id)) if mine else (404, None)
                )
            elif action == "cancel":
                answer = call(client, name, "PUT", f"{path}/state", params={"value": "canceled"})
                expected = 404 if not mine else 200 if model.state(job_id) == "running" else 405
                assert answer.status_code == expected
                if expected == 200:
                    model.canceled.add(job_id)
            else:
                answer = call(client, name, "DELETE", path)
                assert answer.status_code == (204 if mine else 404)
                if mine:
                    del model.created[job_id]
                    model.canceled.discard(job_id)
        for other in REACH:
            assert listed(client, other) == models[other].states(), (action, name, other)
