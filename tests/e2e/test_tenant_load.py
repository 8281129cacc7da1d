"""Two tenants of one real server under mixed load, one of them reset halfway: the other loses no job, and
neither sees a 5xx. One tenant is named by its prefix and the other by the header, so both ways of naming a
tenant (and the prefix's rewriting) are under load."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.live import serving
from tests.support import ADMIN_HEADERS

pytestmark = pytest.mark.e2e

DEFINITION = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"
SUBMIT = {"Content-Type": "application/vnd.sas.job.execution.job.request+json"}
CLIENTS = 3  # per tenant
SECONDS = 3.0
# calm is never reset; busy is reset halfway. (base path, headers) of each.
TENANTS = {"calm": ("/t/calm", {}), "busy": ("", {"X-Viya-Mock-Tenant": "busy"})}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    # Jobs run for ten minutes, so that only the clients end them.
    with serving("--job-duration", "600", "--seed", "3") as url:
        yield url


def test_a_reset_in_one_tenant_under_load_leaves_the_other_whole(base_url: str) -> None:
    created: dict[str, list[tuple[float, str]]] = {name: [] for name in TENANTS}  # (submit started, id)
    deleted: dict[str, set[str]] = {name: set() for name in TENANTS}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS
    reset_done: list[float] = []

    def client_loop(name: str, seed: int) -> None:
        base, headers = TENANTS[name]
        chance = random.Random(seed)
        mine: list[str] = []
        with httpx.Client(base_url=f"{base_url}{base}", headers=headers, timeout=30) as client:
            while time.monotonic() < stop:
                action = chance.random()
                started = time.monotonic()
                if action < 0.35 or not mine:
                    response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": DEFINITION}, headers=SUBMIT)
                    if response.status_code == 201:
                        job_id = response.json()["id"]
                        assert response.headers["location"] == f"{base}/jobExecution/jobs/{job_id}"
                        mine.append(job_id)
                        with lock:
                            created[name].append((started, job_id))
                else:
                    job_id = chance.choice(mine)
                    uri = f"/jobExecution/jobs/{job_id}"
                    if action < 0.6:
                        response = client.get(f"{uri}/state", params={"wait": "0.05"})
                    elif action < 0.75:
                        response = client.put(f"{uri}/state", params={"value": "canceled"})
                    elif action < 0.8:
                        response = client.delete(uri)
                        if response.status_code == 204:
                            mine.remove(job_id)
                            with lock:
                                deleted[name].add(job_id)
                    else:
                        response = client.get("/jobExecution/jobs", params={"limit": "20"})
                if response.status_code >= 500:
                    with lock:
                        request = response.request
                        errors.append(f"{name}: {request.method} {request.url}: {response.status_code}")

    def reset_busy_halfway() -> None:
        time.sleep(SECONDS / 2)
        response = httpx.post(f"{base_url}/__admin/reset", headers={**ADMIN_HEADERS, **TENANTS["busy"][1]})
        assert response.status_code == 204
        reset_done.append(time.monotonic())

    threads = [threading.Thread(target=client_loop, args=(name, n)) for name in TENANTS for n in range(CLIENTS)]
    threads.append(threading.Thread(target=reset_busy_halfway))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert reset_done
    listed = {}
    for name, (base, headers) in TENANTS.items():
        answer = httpx.get(f"{base_url}{base}/jobExecution/jobs", headers=headers, params={"limit": "100000"})
        listed[name] = {item["id"] for item in answer.json()["items"]}
    calm = {job_id for _, job_id in created["calm"]}
    assert len(calm) > 20
    assert calm - deleted["calm"] <= listed["calm"]  # the reset of busy took nothing from calm
    assert not (deleted["calm"] & listed["calm"])
    after_reset = {job_id for started, job_id in created["busy"] if started > reset_done[0]}
    assert after_reset and after_reset - deleted["busy"] <= listed["busy"]
    busy = {job_id for _, job_id in created["busy"]}
    assert not (listed["calm"] & busy) and not (listed["busy"] & calm)  # (the fixture jobs are in both)
