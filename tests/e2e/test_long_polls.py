"""A thousand idle long polls on a real server: they cost no CPU while they wait, other jobs' heartbeats do not
wake them, GETs are as fast as without them, and when their clients go the server drops them."""

from __future__ import annotations

import asyncio
import os
import statistics
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.live import Launched, launched

pytestmark = pytest.mark.e2e

DEFINITION = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"
SUBMIT = {"Content-Type": "application/vnd.sas.job.execution.job.request+json"}
POLLS = 1000
POLLED_JOBS = 50


@pytest.fixture(scope="module")
def server() -> Iterator[Launched]:
    # Jobs run for ten minutes, so nothing ends a poll but the test.
    with launched("--job-duration", "600") as live:
        yield live


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _median_get_ms(client: httpx.Client, job_id: str, count: int = 150) -> float:
    timings = []
    for _ in range(count):
        began = time.perf_counter()
        assert client.get(f"/jobExecution/jobs/{job_id}").status_code == 200
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


class Heartbeats:
    """A provider heartbeating a job as fast as it can, beside the measurement."""

    def __init__(self, url: str, job_id: str) -> None:
        self.url, self.job_id = url, job_id
        self.statuses: set[int] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                self.statuses.add(client.post(f"/jobExecution/jobs/{self.job_id}/heartbeatTimeStamp").status_code)

    def __enter__(self) -> Heartbeats:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(30)


def _in_flight(client: httpx.Client) -> int:
    response = client.get("/__admin/requests", params={"inFlight": "true", "path": "/jobExecution/jobs/*/state"})
    count: int = response.json()["count"]
    return count


def test_a_thousand_idle_polls_cost_nothing_and_are_dropped_when_their_clients_go(server: Launched) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        jobs = [
            client.post("/jobExecution/jobs", json={"jobDefinitionUri": DEFINITION}, headers=SUBMIT).json()["id"]
            for _ in range(POLLED_JOBS + 2)
        ]
        polled, beating, read = jobs[:POLLED_JOBS], jobs[POLLED_JOBS], jobs[POLLED_JOBS + 1]
        with Heartbeats(server.url, beating):
            baseline = _median_get_ms(client, read)

        ready = threading.Event()
        leave = threading.Event()
        answered: list[int] = []

        async def hold_polls() -> None:
            limits = httpx.Limits(max_connections=POLLS + 10, max_keepalive_connections=0)
            async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as pollers:
                tasks = [
                    asyncio.create_task(pollers.get(f"/jobExecution/jobs/{polled[n % POLLED_JOBS]}/state?wait=120"))
                    for n in range(POLLS)
                ]
                ready.set()
                while not leave.is_set():
                    await asyncio.sleep(0.05)
                answered.extend(task.result().status_code for task in tasks if task.done())
                for task in tasks:
                    task.cancel()  # the clients go away: their connections close
                await asyncio.gather(*tasks, return_exceptions=True)

        holder = threading.Thread(target=asyncio.run, args=(hold_polls(),), daemon=True)
        holder.start()
        try:
            assert ready.wait(30)
            deadline = time.monotonic() + 60
            while _in_flight(client) < POLLS:
                assert time.monotonic() < deadline, f"only {_in_flight(client)} polls arrived"
                time.sleep(0.2)

            # Idle: waiting polls use no CPU (a spinning poll would burn a core for its whole wait).
            before = _cpu_seconds(server.process.pid)
            time.sleep(2)
            idle_cpu = _cpu_seconds(server.process.pid) - before
            assert idle_cpu < 0.3, f"{idle_cpu:.2f} s of CPU in 2 s with {POLLS} idle polls"

            # Another job heartbeating all the while: no poll wakes, and a GET costs what it did without them.
            with Heartbeats(server.url, beating) as beats:
                during = _median_get_ms(client, read)
            assert beats.statuses == {200}
            assert during < baseline * 3 + 5, f"GET median {during:.1f} ms with polls, {baseline:.1f} ms without"
            assert answered == [] and _in_flight(client) == POLLS
        finally:
            leave.set()
            holder.join(30)

        # Their clients gone, the polls are dropped well before their two minutes.
        deadline = time.monotonic() + 10
        while _in_flight(client) > 0:
            assert time.monotonic() < deadline, f"{_in_flight(client)} polls still held after their clients left"
            time.sleep(0.1)
        assert answered == []
