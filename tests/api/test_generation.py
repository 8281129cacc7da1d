"""Generated data: realistic, consistent, and the same for the same seed."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import START_MS
from viya_mock.app import create_app
from viya_mock.settings import Settings

PAGES = (
    "/jobExecution/jobs?limit=1000",
    "/jobExecution/jobRequests?limit=1000",
    "/jobDefinitions/definitions?limit=1000",
    "/jobExecution/jobs?filter=eq(state,'failed')&sortBy=jobRequest.name:ascending",
)


def responses(seed: int) -> list[bytes]:
    settings = Settings(fixtures=None, generate=200, seed=seed, virtual_start=START_MS, validate_responses=True)
    with TestClient(create_app(settings)) as client:
        return [client.get(page).content for page in PAGES]


def test_the_same_seed_gives_byte_identical_responses_and_another_seed_does_not() -> None:
    first, again, other = responses(5), responses(5), responses(6)
    assert first == again
    assert all(a != b for a, b in zip(first, other, strict=True))


def test_generated_jobs_are_consistent_with_their_state() -> None:
    settings = Settings(fixtures=None, generate=300, seed=11, virtual_start=START_MS, validate_responses=True)
    with TestClient(create_app(settings)) as client:
        jobs: list[dict[str, Any]] = client.get("/jobExecution/jobs", params={"limit": 1000}).json()["items"]
        requests = client.get("/jobExecution/jobRequests", params={"limit": 1000}).json()
        definitions = client.get("/jobDefinitions/definitions", params={"limit": 1000}).json()
        assert len(jobs) == 300 and requests["count"] == 30 and definitions["count"] == 15
        states = {job["state"] for job in jobs}
        assert {"completed", "failed", "running"} <= states
        assert sum(job["state"] == "completed" for job in jobs) > len(jobs) / 2
        for job in jobs:
            ended = job["state"] in {"completed", "failed", "canceled", "timedOut"}
            assert ("endTimeStamp" in job) is ended
            assert ("logLocation" in job) is ended
            assert bool(job["results"]) is (job["state"] == "completed")
            assert ("error" in job) is (job["state"] == "failed")
            assert job["creationTimeStamp"] <= job["modifiedTimeStamp"] <= "2026-01-05T09:00:00.000Z"
            assert job["creationTimeStamp"] >= "2026-01-02T09:00:00.000Z"
            uri = job["jobRequest"]["jobDefinitionUri"]
            assert client.get(uri).status_code == 200
            if "id" in job["jobRequest"]:
                assert client.get(f"/jobExecution/jobRequests/{job['jobRequest']['id']}").status_code == 200
            if ended:
                assert client.get(f"{job['logLocation']}/content").status_code == 200
