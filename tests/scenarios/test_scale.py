"""Ten thousand running jobs move an hour forward at once: time is derived, so nothing has to run."""

from __future__ import annotations

import copy
import uuid

from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI
from viya_mock.clock import VirtualClock

JOBS = 10_000
HOUR = 3_600_000


def test_ten_thousand_running_jobs_advance_an_hour_and_read_back(client: TestClient, clock: VirtualClock) -> None:
    scenario = (
        "name: hour\n"
        "heartbeatInterval: 600\n"
        "timeline: [{after: 0, state: running}, {after: PT30M, heartbeat: stop}, {after: PT2H, state: completed}]\n"
    )
    client.post("/__admin/scenarios", content=scenario, headers={"Content-Type": "application/yaml"})
    client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
    export = client.get("/__admin/store").json()
    template = export["jobs"][-1]
    for number in range(JOBS - 1):
        job = copy.deepcopy(template)
        job["id"] = job["base"]["id"] = str(uuid.UUID(int=number, version=4))
        export["jobs"].append(job)
    assert client.put("/__admin/store", json=export).status_code == 204
    running = client.get("/jobExecution/jobs", params={"filter": "eq(state,'running')", "limit": 0}).json()
    assert running["count"] == JOBS + 1  # and the fixtures' 2018 job, which has no heartbeat to miss

    clock.advance(HOUR)

    states: dict[str, int] = {}
    for start in range(0, JOBS + 4, 2_000):
        page = client.get("/jobExecution/jobs", params={"start": start, "limit": 2_000}).json()
        for item in page["items"]:
            states[item["state"]] = states.get(item["state"], 0) + 1
    # Heartbeats stopped at 30 minutes; one 600 s interval later every job had timed out.
    assert states == {"timedOut": JOBS, "running": 1, "completed": 3}
    timed_out = client.get("/jobExecution/jobs", params={"filter": "eq(state,'timedOut')", "limit": 1}).json()
    assert timed_out["items"][0]["endTimeStamp"] == "2026-01-05T09:40:00.000Z"
