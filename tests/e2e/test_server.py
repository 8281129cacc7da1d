"""The real command on a loopback port: what `make run` serves, driven the way a client drives it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.live import serving
from tests.support import ADMIN_HEADERS

pytestmark = pytest.mark.e2e


SCENARIOS = Path(__file__).parent.parent.parent / "scenarios"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture(scope="module")
def virtual_url() -> Iterator[str]:
    with serving(
        "--clock", "virtual", "--start-time", "2026-01-05T09:00:00Z", "--seed", "3", "--scenarios", str(SCENARIOS)
    ) as url:
        yield url


def test_the_bundled_fixtures_are_served(base_url: str) -> None:
    body = httpx.get(f"{base_url}/jobExecution/jobs").json()
    assert body["count"] == 4
    assert {item["state"] for item in body["items"]} == {"running", "completed"}


def test_submit_get_and_cancel_like_a_client(base_url: str) -> None:
    created = httpx.post(
        f"{base_url}/jobExecution/jobs",
        json={"jobDefinitionUri": "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"},
        headers={"Content-Type": "application/vnd.sas.job.execution.job.request+json"},
    )
    assert created.status_code == 201
    location = created.headers["location"]
    assert httpx.get(f"{base_url}{location}").json()["state"] == "running"
    assert httpx.put(f"{base_url}{location}/state", params={"value": "canceled"}).text == "canceled"
    assert httpx.get(f"{base_url}{location}/state").text == "canceled"
    error = httpx.put(f"{base_url}{location}/state", params={"value": "running"})
    assert (error.status_code, error.json()["errorCode"]) == (405, 31501)


def test_a_dropped_connection_is_a_transport_error_then_the_service_recovers(base_url: str) -> None:
    scenario = "name: gone\nfaults: [{path: /jobExecution/jobs, method: POST, drop: true, first: 1}]\n"
    loaded = httpx.post(f"{base_url}/__admin/scenarios", content=scenario, headers={"Content-Type": "application/yaml"})
    assert loaded.status_code == 201
    body = {"jobDefinitionUri": "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"}
    try:
        with pytest.raises(httpx.TransportError):  # an incomplete body or a reset, as timing has it
            httpx.post(f"{base_url}/jobExecution/jobs", json=body)
        assert httpx.post(f"{base_url}/jobExecution/jobs", json=body).status_code == 201
    finally:
        httpx.delete(f"{base_url}/__admin/scenarios/gone", headers=ADMIN_HEADERS)


def test_health_answers_for_readiness_checks(base_url: str) -> None:
    assert httpx.get(f"{base_url}/__admin/health").json() == {"status": "ok"}


def test_a_ci_run_with_a_virtual_clock_and_the_shipped_scenarios(virtual_url: str) -> None:
    with httpx.Client(base_url=virtual_url, headers=ADMIN_HEADERS) as client:
        assert client.post("/__admin/reset").status_code == 204
        assert len(client.get("/__admin/scenarios").json()["items"]) == 10
        job = client.post(
            "/jobExecution/jobs",
            json={"jobDefinitionUri": "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"},
            headers={"X-Viya-Mock-Scenario": "happy-path"},
        ).json()
        assert (job["state"], job["creationTimeStamp"]) == ("pending", "2026-01-05T09:00:00.000Z")
        for _ in range(3):
            assert client.get(f"/jobExecution/jobs/{job['id']}/state").text == "pending"
        assert client.post("/__admin/clock/advance", params={"by": "PT10S"}).json()["now"] == "2026-01-05T09:00:10.000Z"
        assert client.get(f"/jobExecution/jobs/{job['id']}/state").text == "completed"
        polls = client.get("/__admin/requests", params={"path": "/jobExecution/jobs/*/state"}).json()
        assert polls["count"] == 4
        assert client.get("/__admin/requests", params={"method": "PUT"}).json()["count"] == 0
