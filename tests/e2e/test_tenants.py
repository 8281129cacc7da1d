"""Two tenants of one real server under mixed load, with a reset in one: the other loses nothing, and nobody
sees a 5xx. And the pytest plugin's shared-server mode, as a second suite would use it."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.live import serving
from tests.support import ADMIN_HEADERS

pytest_plugins = ["pytester"]

pytestmark = pytest.mark.e2e

DEFINITION = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"
SUBMIT = {"Content-Type": "application/vnd.sas.job.execution.job.request+json"}
CLIENTS_PER_TENANT = 4
SECONDS = 5.0


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving("--clock", "virtual", "--seed", "3") as url:
        yield url


def test_a_reset_in_one_tenant_under_load_leaves_the_other_whole(base_url: str) -> None:
    created: dict[str, list[tuple[float, str]]] = {"calm": [], "reset": []}
    errors: list[str] = []
    lock = threading.Lock()
    began = time.monotonic()
    stop = began + SECONDS
    reset_at: list[float] = []

    def client_loop(tenant: str, seed: int) -> None:
        chance = random.Random(seed)
        with httpx.Client(base_url=f"{base_url}/t/{tenant}", timeout=30) as client:
            while time.monotonic() < stop:
                mine = [job_id for _, job_id in created[tenant]]
                if chance.random() < 0.4 or not mine:
                    sent = time.monotonic()
                    response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": DEFINITION}, headers=SUBMIT)
                    if response.status_code == 201:
                        assert response.headers["location"].startswith(f"/t/{tenant}/jobExecution/jobs/")
                        with lock:
                            created[tenant].append((sent, response.json()["id"]))
                else:
                    uri = chance.choice(
                        [f"/jobExecution/jobs/{chance.choice(mine)}", f"/jobExecution/jobs/{chance.choice(mine)}/state"]
                    )
                    if chance.random() < 0.2:
                        response = client.get("/jobExecution/jobs", params={"filter": "eq(state,'running')"})
                    else:
                        response = client.get(uri)
                if response.status_code >= 500:
                    errors.append(f"{tenant}: {response.request.method} {response.request.url}: {response.status_code}")

    threads = [
        threading.Thread(target=client_loop, args=(tenant, n)) for tenant in created for n in range(CLIENTS_PER_TENANT)
    ]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS / 2)
    with httpx.Client(base_url=base_url, timeout=30, headers=ADMIN_HEADERS) as admin:
        reset_at.append(time.monotonic())
        assert admin.post("/t/reset/__admin/reset").status_code == 204
        reset_done = time.monotonic()
    for thread in threads:
        thread.join(60)

    assert errors == []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        calm = [job_id for _, job_id in created["calm"]]
        assert len(calm) > 20
        for job_id in calm:
            assert client.get(f"/t/calm/jobExecution/jobs/{job_id}").status_code == 200, job_id
        listed = client.get("/t/calm/jobExecution/jobs", params={"limit": 10_000}).json()
        assert set(calm) <= {item["id"] for item in listed["items"]}
        # The reset tenant holds the fixtures and what was made after the reset (with a fixed seed, a reset
        # re-issues the same ids in that tenant, so ids alone cannot tell before from after).
        after = [job_id for sent, job_id in created["reset"] if sent > reset_done]
        unsure = [job_id for sent, job_id in created["reset"] if reset_at[0] - 0.5 <= sent <= reset_done]
        assert after and len(created["reset"]) > len(after) + len(unsure)
        count = client.get("/t/reset/jobExecution/jobs").json()["count"]
        assert 4 + len(after) <= count <= 4 + len(after) + len(unsure)
        assert {client.get(f"/t/reset/jobExecution/jobs/{job_id}").status_code for job_id in after} == {200}
        assert not set(calm) & {job_id for _, job_id in created["reset"]}  # ids never repeat across tenants


PLUGIN_SUITE = """
import httpx

def test_a_job_in_my_tenant(viya_mock):
    assert "/t/" in viya_mock.url
    job = httpx.post(viya_mock.url + "/jobExecution/jobs",
                     json={"jobDefinitionUri": "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"})
    assert job.status_code == 201
    assert job.headers["location"].startswith("/t/")
    viya_mock.advance("PT10S")
    assert httpx.get(viya_mock.url + "/jobExecution/jobs/" + job.json()["id"] + "/state").text == "completed"

def test_each_test_starts_from_the_fixtures(viya_mock):
    assert httpx.get(viya_mock.url + "/jobExecution/jobs").json()["count"] == 4
"""


def test_the_plugin_runs_a_suite_in_a_tenant_of_its_own_on_a_shared_server(
    base_url: str, pytester: pytest.Pytester
) -> None:
    with httpx.Client(base_url=base_url, timeout=30, headers=ADMIN_HEADERS) as admin:
        default_jobs = admin.get("/jobExecution/jobs").json()["count"]
        pytester.makepyfile(test_shared=PLUGIN_SUITE)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--viya-mock-url={base_url}", "-q")
        result.assert_outcomes(passed=2)
        # The suite's jobs stayed in its tenant, which is gone once the session ended.
        assert admin.get("/jobExecution/jobs").json()["count"] == default_jobs
        names = [item["name"] for item in admin.get("/__admin/tenants").json()["items"]]
        assert not [name for name in names if name.startswith("pytest-")]
