"""How another team tests its SAS job client against viya-mock with the pytest plugin (shown in the README).

This file is run by tests/test_plugin.py in a fresh pytest process, the way a user's suite would run it.
"""

import httpx

NIGHTLY_FAILS = """
name: nightly-fails
match: {name: "nightly*"}
timeline:
  - {after: 0, state: running}
  - {after: PT2M, state: failed, error: {message: "ERROR: no data for today"}}
"""
DEFINITION = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"


def submit(base_url, name):
    response = httpx.post(f"{base_url}/jobExecution/jobs", json={"name": name, "jobDefinitionUri": DEFINITION})
    response.raise_for_status()
    return response.json()["id"]


def test_a_failing_nightly_job_is_reported(viya_mock):
    viya_mock.load_scenario(NIGHTLY_FAILS)
    job_id = submit(viya_mock.url, "nightly load")
    assert httpx.get(f"{viya_mock.url}/jobExecution/jobs/{job_id}/state").text == "running"

    viya_mock.advance("PT2M")

    job = httpx.get(f"{viya_mock.url}/jobExecution/jobs/{job_id}").json()
    assert job["state"] == "failed"
    assert job["error"]["message"] == "ERROR: no data for today"
    assert len(viya_mock.journal(method="POST", path="/jobExecution/jobs")) == 1


def test_every_test_starts_from_the_fixtures_at_the_same_instant(viya_mock):
    assert viya_mock.journal() == []  # the previous test's requests are gone
    assert viya_mock.now() == "2026-01-05T09:00:00.000Z"
    assert httpx.get(f"{viya_mock.url}/jobExecution/jobs").json()["count"] == 4


def test_the_store_is_there_to_arrange_and_assert(viya_mock):
    job_id = submit(viya_mock.url, "adhoc")
    assert viya_mock.job(job_id)["state"] == "running"
    assert job_id in viya_mock.store.jobs
