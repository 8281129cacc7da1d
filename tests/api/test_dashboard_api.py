"""The admin API's part for the dashboard: its files, and the jobs it polls without filling the journal."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI
from viya_mock.clock import VirtualClock


def test_the_page_and_its_files_are_served_with_their_types(client: TestClient) -> None:
    page = client.get("/__admin/dashboard/")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert 'src="dashboard.js"' in page.text and 'href="dashboard.css"' in page.text
    assert client.get("/__admin/dashboard/dashboard.js").headers["content-type"] == "text/javascript; charset=utf-8"
    assert client.get("/__admin/dashboard/dashboard.css").headers["content-type"] == "text/css; charset=utf-8"
    assert client.get("/__admin/dashboard/secrets.txt").status_code in (400, 404)


def test_the_jobs_it_polls_are_the_apis_and_stay_out_of_the_journal(client: TestClient) -> None:
    query = {"filter": "eq(state,'completed')", "sortBy": "id:ascending", "limit": 2}
    polled = client.get("/__admin/jobs", params=query).json()
    listed = client.get("/jobExecution/jobs", params=query).json()
    assert [job["id"] for job in polled["items"]] == [job["id"] for job in listed["items"]]
    assert polled["count"] == listed["count"] == 3
    journal = client.get("/__admin/requests").json()
    assert [entry["path"] for entry in journal["items"]] == ["/jobExecution/jobs"]  # only the API's own list


def test_a_bad_filter_is_the_same_400_as_the_apis(client: TestClient) -> None:
    answer = client.get("/__admin/jobs", params={"filter": "eq(nope,'x')"})
    assert answer.status_code == 400 and "nope" in answer.json()["message"]


def test_a_jobs_history_names_each_change_and_its_cause(client: TestClient, clock: VirtualClock) -> None:
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
    before = client.get(f"/__admin/jobs/{job['id']}/history").json()
    assert [c["changes"].get("state") for c in before["changes"]] == ["running"]  # the end has not happened yet
    client.post(f"/jobExecution/jobs/{job['id']}/heartbeatTimeStamp")
    clock.advance(60_000)
    after = client.get(f"/__admin/jobs/{job['id']}/history").json()
    assert after["state"] == "completed"
    causes = [change["cause"] for change in after["changes"]]
    assert causes[0] == "the provider's timeline" and causes[-1] == "the provider's timeline"
    assert "heartbeat through the API" in causes
    assert any(line["line"] == "NOTE: The SAS System stopped processing this job." for line in after["log"])
    assert client.get("/__admin/jobs/nope/history").status_code == 404


def test_forcing_a_failure_gives_the_job_the_error_and_names_the_cause(client: TestClient) -> None:
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
    forced = client.put(f"/__admin/jobs/{job['id']}/state", json={"state": "failed", "message": "Disk full."})
    assert forced.status_code == 200
    assert forced.json()["changes"][-1] == {
        "at": forced.json()["changes"][-1]["at"],
        "cause": "request by the viya-mock admin API",
        "changes": {
            "state": "failed",
            "error": {"httpStatusCode": 400, "message": "Disk full.", "details": ["Disk full."], "version": 2},
        },
    }
    seen = client.get(f"/jobExecution/jobs/{job['id']}").json()
    assert (seen["state"], seen["error"]["message"]) == ("failed", "Disk full.")
    again = client.put(f"/__admin/jobs/{job['id']}/state", json={"state": "completed"})
    assert again.status_code == 405 and again.json()["errorCode"] == 31501


def test_forcing_needs_a_state_the_job_can_be_forced_into(client: TestClient) -> None:
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
    assert client.put(f"/__admin/jobs/{job['id']}/state", json={"state": "pending"}).status_code == 400
    assert client.put("/__admin/jobs/nope/state", json={"state": "failed"}).status_code == 404


def test_generating_adds_realistic_jobs(client: TestClient) -> None:
    before = client.get("/jobExecution/jobs", params={"limit": 0}).json()["count"]
    answer = client.post("/__admin/generated-jobs", json={"count": 50})
    assert answer.status_code == 201 and answer.json() == {"generated": 50, "jobs": before + 50}
    assert client.get("/jobExecution/jobs", params={"limit": 0}).json()["count"] == before + 50
    assert client.post("/__admin/generated-jobs", json={"count": 0}).status_code == 400


def test_a_scripted_jobs_history_names_its_scenario(client: TestClient, clock: VirtualClock) -> None:
    scenario = {"name": "slow-one", "match": {"name": "scripted"}, "timeline": [{"after": "PT0S", "state": "running"}]}
    assert client.post("/__admin/scenarios", json=scenario).status_code == 201
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI, "name": "scripted"}).json()
    history = client.get(f"/__admin/jobs/{job['id']}/history").json()
    assert [change["cause"] for change in history["changes"]] == ["the timeline of scenario slow-one"]
