"""Concurrency against a real server: races on one job let exactly one change through, and mixed traffic from
many clients loses nothing and breaks no state rule."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.live import serving

pytestmark = pytest.mark.e2e

DEFINITION = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"
SUBMIT = {"Content-Type": "application/vnd.sas.job.execution.job.request+json"}
PROVIDER = {"Content-Type": "application/vnd.sas.job.execution.job+json"}
ENDED = {"completed", "failed", "canceled", "timedOut"}
RACERS = 12


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    # Jobs run for ten minutes, so that only the clients end them.
    with serving("--job-duration", "600") as url:
        yield url


def _submit(client: httpx.Client) -> dict[str, str]:
    response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": DEFINITION}, headers=SUBMIT)
    assert response.status_code == 201, response.text
    job: dict[str, str] = response.json()
    job["etag"] = response.headers["ETag"]
    return job


def _race(base_url: str, attempt: Callable[[httpx.Client], int]) -> Counter[int]:
    """Every racer waits at a barrier, then tries once; the statuses they got, counted."""
    barrier = threading.Barrier(RACERS)

    def one(_: int) -> int:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            barrier.wait()
            return attempt(client)

    with ThreadPoolExecutor(RACERS) as pool:
        return Counter(pool.map(one, range(RACERS)))


def test_concurrent_updates_with_one_etag_let_exactly_one_through(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as client:
        job = _submit(client)
    body = {"id": job["id"], "state": "running", "results": {"racer": "x"}}

    def update(client: httpx.Client) -> int:
        headers = {**PROVIDER, "If-Match": job["etag"]}
        return client.put(f"/jobExecution/jobs/{job['id']}", json=body, headers=headers).status_code

    statuses = _race(base_url, update)
    assert statuses == Counter({200: 1, 412: RACERS - 1})


def test_concurrent_cancels_and_completions_end_the_job_once(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as client:
        job = _submit(client)
        uri = f"/jobExecution/jobs/{job['id']}"

    def end(client: httpx.Client) -> int:
        if random.random() < 0.5:
            return client.put(f"{uri}/state", params={"value": "canceled"}).status_code
        completion = {"id": job["id"], "state": "completed"}
        return client.put(uri, json=completion, headers={**PROVIDER, "If-Match": "*"}).status_code

    statuses = _race(base_url, end)
    assert statuses[200] == 1 and statuses[405] == RACERS - 1, statuses
    with httpx.Client(base_url=base_url) as client:
        assert client.get(f"{uri}/state").text in {"canceled", "completed"}


def test_concurrent_deletes_delete_once(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as client:
        job = _submit(client)
    statuses = _race(base_url, lambda client: client.delete(f"/jobExecution/jobs/{job['id']}").status_code)
    assert statuses == Counter({204: 1, 404: RACERS - 1})


def test_mixed_traffic_loses_no_job_and_breaks_no_state_rule(base_url: str) -> None:
    """Sixteen clients submit, read, poll, heartbeat, cancel, complete and delete for a few seconds; then every
    job that was created and not deleted is still there, and no job left an ended state."""
    created: set[str] = set()
    deleted: set[str] = set()
    seen: dict[str, list[str]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + 6

    def client_loop(seed: int) -> None:
        chance = random.Random(seed)
        mine: list[str] = []
        with httpx.Client(base_url=base_url, timeout=30) as client:
            while time.monotonic() < stop:
                action = chance.random()
                if action < 0.3 or not mine:
                    job = _submit(client)
                    mine.append(job["id"])
                    with lock:
                        created.add(job["id"])
                    continue
                job_id = chance.choice(mine)
                uri = f"/jobExecution/jobs/{job_id}"
                if action < 0.55:
                    response = client.get(f"{uri}/state", params={"wait": "0.05"})
                elif action < 0.65:
                    response = client.put(f"{uri}/heartbeatTimeStamp")
                elif action < 0.75:
                    response = client.put(f"{uri}/state", params={"value": "canceled"})
                elif action < 0.85:
                    completion = {"id": job_id, "state": "completed"}
                    response = client.put(uri, json=completion, headers={**PROVIDER, "If-Match": "*"})
                elif action < 0.9:
                    response = client.delete(uri)
                    if response.status_code == 204:
                        mine.remove(job_id)
                        with lock:
                            deleted.add(job_id)
                else:
                    response = client.get("/jobExecution/jobs", params={"filter": "eq(state,'running')", "limit": "5"})
                if response.status_code >= 500:
                    errors.append(f"{response.request.method} {response.request.url}: {response.status_code}")
                if response.request.url.path.endswith("/state") and response.status_code == 200:
                    with lock:
                        seen[job_id].append(response.text)

    threads = [threading.Thread(target=client_loop, args=(seed,)) for seed in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    with httpx.Client(base_url=base_url) as client:
        listed = client.get("/jobExecution/jobs", params={"limit": "100000"}).json()["items"]
    ids = {item["id"] for item in listed}
    assert len(created) > 50
    assert created - deleted <= ids
    assert not (deleted & ids)
    for job_id, states in seen.items():
        ended_at = next((index for index, state in enumerate(states) if state in ENDED), None)
        if ended_at is not None:
            assert set(states[ended_at:]) == {states[ended_at]}, (job_id, states)
