"""Job logs in the Files API, as clients read them at {logLocation}/content."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI
from tests.support import assert_sas_error
from viya_mock.clock import VirtualClock

SCENARIO = """
name: logged
expiresAfter: PT1M
timeline:
  - after: 0
    state: running
    log: ["NOTE: starting"]
  - after: 2
    log: [{type: warning, line: "WARNING: almost"}]
  - after: 4
    state: completed
    logLocation: /files/files/0b6f3a52-1b58-4e0b-a3d2-b3f0f1d1a001
    log: [{type: note, line: "NOTE: done"}]
"""


def test_a_scripted_log_grows_with_time_and_goes_with_its_job(client: TestClient, clock: VirtualClock) -> None:
    client.post("/__admin/scenarios", content=SCENARIO, headers={"Content-Type": "application/yaml"})
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
    log = "/files/files/0b6f3a52-1b58-4e0b-a3d2-b3f0f1d1a001"
    assert_sas_error(client.get(f"{log}/content"), 404)  # not written until the job names it
    clock.advance(4_000)
    done = client.get(f"/jobExecution/jobs/{job['id']}").json()
    assert done["logLocation"] == log
    content = client.get(f"{log}/content", params={"start": 0, "limit": 10000}).json()
    assert [(item["type"], item["line"]) for item in content["items"]] == [
        ("normal", "NOTE: starting"),
        ("warning", "WARNING: almost"),
        ("note", "NOTE: done"),
    ]
    metadata = client.get(log).json()
    assert metadata["parentUri"] == f"/jobExecution/jobs/{job['id']}"
    assert [link["rel"] for link in metadata["links"]] == ["self", "content"]
    assert client.head(log).status_code == 200
    clock.advance(60_000)
    assert_sas_error(client.get(f"/jobExecution/jobs/{job['id']}"), 404)
    assert_sas_error(client.get(f"{log}/content"), 404)


def test_the_default_timeline_writes_a_log_at_completion(client: TestClient, clock: VirtualClock) -> None:
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
    clock.advance(5_000)
    location = client.get(f"/jobExecution/jobs/{job['id']}").json()["logLocation"]
    items = client.get(f"{location}/content").json()["items"]
    assert items[-1]["line"] == "NOTE: The SAS System stopped processing this job."


def test_an_unknown_file_is_a_404(client: TestClient) -> None:
    assert_sas_error(client.get("/files/files/nope"), 404)
    assert client.head("/files/files/nope").status_code == 404
