"""Every scenario shipped in scenarios/, driven over HTTP on the virtual clock, step by step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START
from tests.support import assert_sas_error
from viya_mock.clock import VirtualClock

SCENARIOS = Path(__file__).parent.parent.parent / "scenarios"
SECOND = 1_000
MINUTE = 60 * SECOND


def load(client: TestClient, name: str) -> None:
    text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    response = client.post("/__admin/scenarios", content=text, headers={"Content-Type": "application/yaml"})
    assert response.status_code == 201, response.text


def submit(client: TestClient, scenario: str) -> dict[str, Any]:
    response = client.post(
        "/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}, headers={"X-Viya-Mock-Scenario": scenario}
    )
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


def job_at(client: TestClient, job_id: str) -> dict[str, Any]:
    response = client.get(f"/jobExecution/jobs/{job_id}")
    assert response.status_code == 200, response.text
    job: dict[str, Any] = response.json()
    return job


def test_every_shipped_scenario_has_a_test_here() -> None:
    names = {path.stem for path in SCENARIOS.glob("*.yaml")}
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert {name.replace("-", "_") for name in names} <= tested


def test_happy_path(client: TestClient, clock: VirtualClock) -> None:
    load(client, "happy-path")
    job = submit(client, "happy-path")
    assert job["state"] == "pending"
    clock.advance(1 * SECOND)
    running = job_at(client, job["id"])
    assert (running["state"], running["heartbeatTimeStamp"]) == ("running", "2026-01-05T09:00:01.000Z")
    clock.advance(9 * SECOND - 1)
    assert job_at(client, job["id"])["state"] == "running"
    clock.advance(1)
    done = job_at(client, job["id"])
    assert done["state"] == "completed"
    assert done["endTimeStamp"] == done["modifiedTimeStamp"] == "2026-01-05T09:00:10.000Z"
    assert done["elapsedTime"] == 10 * SECOND
    assert done["results"] == {"_webout.json": "/files/files/7f1c7a3e-0c55-4f0e-9d0a-7f3b1c1f0a11"}
    assert done["logLocation"].startswith("/files/files/")
    assert done["links"][-1] == {
        "method": "GET",
        "rel": "log",
        "href": done["logLocation"],
        "uri": done["logLocation"],
    }


def test_slow_start(client: TestClient, clock: VirtualClock) -> None:
    load(client, "slow-start")
    job = submit(client, "slow-start")
    clock.advance(2 * MINUTE - 1)
    assert client.get(f"/jobExecution/jobs/{job['id']}/state").text == "pending"
    clock.advance(1)
    assert client.get(f"/jobExecution/jobs/{job['id']}/state").text == "running"
    clock.advance(3 * MINUTE)
    done = job_at(client, job["id"])
    assert (done["state"], done["endTimeStamp"]) == ("completed", "2026-01-05T09:05:00.000Z")
    assert done["results"]["COMPUTE_CONTEXT"] == "SAS Job Execution compute context"


def test_failure_with_error(client: TestClient, clock: VirtualClock) -> None:
    load(client, "failure-with-error")
    job = submit(client, "failure-with-error")
    clock.advance(5 * SECOND)
    failed = job_at(client, job["id"])
    assert failed["state"] == "failed"
    assert failed["endTimeStamp"] == "2026-01-05T09:00:05.000Z"
    assert failed["error"] == {
        "httpStatusCode": 400,
        "errorCode": 5202,
        "message": "The job failed: ERROR: File WORK.MISSING.DATA does not exist.",
        "details": ["ERROR: File WORK.MISSING.DATA does not exist."],
        "errors": [],
        "links": [],
        "version": 2,
    }


def test_cancel_while_running(client: TestClient, clock: VirtualClock) -> None:
    load(client, "cancel-while-running")
    job = submit(client, "cancel-while-running")
    clock.advance(10 * MINUTE)
    assert client.put(f"/jobExecution/jobs/{job['id']}/state", params={"value": "canceled"}).text == "canceled"
    clock.advance(2 * 60 * MINUTE)
    canceled = job_at(client, job["id"])
    assert (canceled["state"], canceled["endTimeStamp"]) == ("canceled", "2026-01-05T09:10:00.000Z")


def test_heartbeat_timeout(client: TestClient, clock: VirtualClock) -> None:
    load(client, "heartbeat-timeout")
    job = submit(client, "heartbeat-timeout")
    assert job["heartbeatInterval"] == 60
    clock.advance(3 * MINUTE - 1)
    stalled = job_at(client, job["id"])
    assert (stalled["state"], stalled["heartbeatTimeStamp"]) == ("running", "2026-01-05T09:02:00.000Z")
    clock.advance(1)
    timed_out = job_at(client, job["id"])
    assert (timed_out["state"], timed_out["endTimeStamp"]) == ("timedOut", "2026-01-05T09:03:00.000Z")
    clock.advance(60 * MINUTE)
    assert job_at(client, job["id"])["state"] == "timedOut"


def test_expiry(client: TestClient, clock: VirtualClock) -> None:
    load(client, "expiry")
    job = submit(client, "expiry")
    assert job["jobRequest"]["expiresAfter"] == "PT1H"
    clock.advance(10 * SECOND)
    done = job_at(client, job["id"])
    assert done["expirationTimeStamp"] == "2026-01-05T10:00:10.000Z"
    assert client.get(f"/jobExecution/jobs/{job['id']}/expirationTimeStamp").text == "2026-01-05T10:00:10.000Z"
    clock.advance(60 * MINUTE - 1)
    assert client.get(f"/jobExecution/jobs/{job['id']}").status_code == 200
    clock.advance(1)
    assert_sas_error(client.get(f"/jobExecution/jobs/{job['id']}"), 404)
    listed = client.get("/jobExecution/jobs", params={"filter": f"eq(id,'{job['id']}')"}).json()
    assert listed["count"] == 0


def test_flaky_submit(client: TestClient) -> None:
    load(client, "flaky-submit")
    headers = {"X-Viya-Mock-Scenario": "flaky-submit"}
    body = {"jobDefinitionUri": PROC_PRINT_URI}
    for _ in range(2):
        failure = client.post("/jobExecution/jobs", json=body, headers=headers)
        assert_sas_error(failure, 503)
    assert client.post("/jobExecution/jobs", json=body, headers=headers).status_code == 201
    assert client.post("/jobExecution/jobs", json=body).status_code == 201
    journal = client.get("/__admin/requests", params={"method": "POST", "path": "/jobExecution/jobs"}).json()
    assert journal["count"] == 4
    assert [(entry["status"], entry["fault"]) for entry in journal["items"]] == [
        (503, "flaky-submit"),
        (503, "flaky-submit"),
        (201, None),
        (201, None),
    ]


def test_job_ended_31501(client: TestClient) -> None:
    load(client, "job-ended-31501")
    job = submit(client, "job-ended-31501")
    assert job["state"] == "completed"
    assert_sas_error(client.put(f"/jobExecution/jobs/{job['id']}/state", params={"value": "canceled"}), 405, 31501)
    response = client.put(f"/jobExecution/jobs/{job['id']}", json={"state": "failed"}, headers={"If-Match": "*"})
    assert_sas_error(response, 405, 31501)


def test_expiration_before_completion_31503(client: TestClient) -> None:
    load(client, "expiration-before-completion-31503")
    job = submit(client, "expiration-before-completion-31503")
    response = client.put(f"/jobExecution/jobs/{job['id']}/expirationTimeStamp", params={"value": START})
    assert_sas_error(response, 409, 31503)


def test_state_missing_31505(client: TestClient) -> None:
    load(client, "state-missing-31505")
    job = submit(client, "state-missing-31505")
    headers = {"X-Viya-Mock-Scenario": "state-missing-31505"}
    uri = f"/jobExecution/jobs/{job['id']}/state"
    assert_sas_error(client.put(uri, params={"value": "canceled"}, headers=headers), 400, 31505)
    assert client.put(uri, params={"value": "canceled"}, headers=headers).text == "canceled"


def test_the_same_run_twice_gives_identical_journals_and_jobs(client: TestClient, clock: VirtualClock) -> None:
    def run() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        client.post("/__admin/reset")
        for name in ("happy-path", "flaky-submit", "heartbeat-timeout"):
            load(client, name)
        for scenario in ("happy-path", "heartbeat-timeout", "flaky-submit"):
            client.post(
                "/jobExecution/jobs",
                json={"jobDefinitionUri": PROC_PRINT_URI},
                headers={"X-Viya-Mock-Scenario": scenario},
            )
            clock.advance(30 * SECOND)
        clock.advance(5 * MINUTE)
        jobs = client.get("/jobExecution/jobs", params={"limit": 100}).json()["items"]
        return client.get("/__admin/requests").json()["items"], jobs

    first = run()
    second = run()
    assert first == second
    assert len(first[0]) == 4 and {job["state"] for job in first[1]} >= {"completed", "timedOut"}


@pytest.mark.parametrize("name", sorted(path.stem for path in SCENARIOS.glob("*.yaml")))
def test_shipped_scenarios_are_selected_only_by_their_header(client: TestClient, name: str) -> None:
    load(client, name)
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
    assert job.status_code == 201
    assert job.json()["state"] == "running"  # the default timeline


def test_the_readme_example_does_what_the_readme_says(client: TestClient, clock: VirtualClock) -> None:
    readme = (SCENARIOS.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    response = client.post("/__admin/scenarios", content=example, headers={"Content-Type": "application/yaml"})
    assert response.status_code == 201, response.text
    body = {"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "14"}}
    assert [client.post("/jobExecution/jobs", json=body).status_code for _ in range(3)] == [503, 503, 201]
    job = client.get("/jobExecution/jobs", params={"limit": 1}).json()["items"][0]
    assert (job["state"], job["heartbeatInterval"]) == ("pending", 60)
    clock.advance(30 * SECOND)
    assert job_at(client, job["id"])["state"] == "running"
    clock.advance(2 * MINUTE)
    timed_out = job_at(client, job["id"])
    assert (timed_out["state"], timed_out["endTimeStamp"]) == ("timedOut", "2026-01-05T09:02:30.000Z")
