"""Long polls that cost nothing while they wait: woken by their own job only, dropped when the client goes,
bounded in real time on a frozen virtual clock, capped by the document, and visible in the journal."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START_MS
from tests.support import ADMIN_HEADERS, assert_sas_error
from viya_mock.app import create_app
from viya_mock.clock import VirtualClock
from viya_mock.container import Container
from viya_mock.settings import Settings

SECOND = 1000
RUNNING_FOR_AN_HOUR = "name: long\ntimeline: [{after: 0, state: running}, {after: PT1H, state: completed}]\n"


def _load(client: TestClient, text: str) -> None:
    response = client.post("/__admin/scenarios", content=text, headers={"Content-Type": "application/yaml"})
    assert response.status_code == 201, response.text


def _running_jobs(client: TestClient, count: int) -> list[str]:
    _load(client, RUNNING_FOR_AN_HOUR)
    ids = [
        client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()["id"] for _ in range(count)
    ]
    for job_id in ids:
        assert client.get(f"/jobExecution/jobs/{job_id}/state").text == "running"
    return ids


async def _until(condition: Callable[[], bool], seconds: float = 2.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


def _in_async_client(app: Any, body: Callable[[httpx.AsyncClient], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ADMIN_HEADERS) as c:
            return await body(c)

    return asyncio.run(run())


class TestWaking:
    def test_a_change_to_another_job_wakes_no_poll(self, app: Any, client: TestClient, container: Container) -> None:
        polled, other = _running_jobs(client, 2)
        changes = container.clock.changes

        async def body(c: httpx.AsyncClient) -> str:
            poll = asyncio.create_task(c.get(f"/jobExecution/jobs/{polled}/state", params={"wait": 60}))
            await _until(lambda: changes.waiting() == 1)
            woken = changes.woken
            for _ in range(20):  # a provider heartbeating another job, and modifying it
                assert (await c.post(f"/jobExecution/jobs/{other}/heartbeatTimeStamp")).status_code == 200
            current = await c.get(f"/jobExecution/jobs/{other}")
            renamed = {**current.json(), "name": "renamed"}
            headers = {"If-Match": current.headers["etag"]}
            assert (await c.put(f"/jobExecution/jobs/{other}", json=renamed, headers=headers)).status_code == 200
            await asyncio.sleep(0.05)
            assert (changes.woken, poll.done()) == (woken, False)
            assert (await c.put(f"/jobExecution/jobs/{polled}/state", params={"value": "canceled"})).status_code == 200
            response = await asyncio.wait_for(poll, 2)
            assert changes.woken == woken + 1
            return response.text

        assert _in_async_client(app, body) == "canceled"

    def test_moving_virtual_time_wakes_only_the_polls_whose_instant_came(
        self, app: Any, client: TestClient, container: Container, clock: VirtualClock
    ) -> None:
        _load(
            client,
            "name: soon\nmatch: {name: soon}\n"
            "timeline: [{after: 0, state: running}, {after: PT10S, state: completed}]\n",
        )
        soon = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI, "name": "soon"}).json()["id"]
        (late,) = _running_jobs(client, 1)
        changes = container.clock.changes

        async def body(c: httpx.AsyncClient) -> list[str]:
            polls = [
                asyncio.create_task(c.get(f"/jobExecution/jobs/{job_id}/state", params={"wait": 300}))
                for job_id in (soon, late)
            ]
            await _until(lambda: changes.waiting() == 2)
            woken = changes.woken
            clock.advance(5 * SECOND)  # neither job's next change has come
            await asyncio.sleep(0.05)
            assert changes.woken == woken and not any(poll.done() for poll in polls)
            clock.advance(5 * SECOND)  # the first one's has
            first = await asyncio.wait_for(polls[0], 2)
            await asyncio.sleep(0.05)
            assert changes.woken == woken + 1 and not polls[1].done()
            clock.advance(3600 * SECOND)
            second = await asyncio.wait_for(polls[1], 2)
            return [first.text, second.text]

        assert _in_async_client(app, body) == ["completed", "completed"]

    def test_deleting_the_job_answers_its_poll_with_404(
        self, app: Any, client: TestClient, container: Container
    ) -> None:
        (job_id,) = _running_jobs(client, 1)
        changes = container.clock.changes

        async def body(c: httpx.AsyncClient) -> httpx.Response:
            poll = asyncio.create_task(c.get(f"/jobExecution/jobs/{job_id}/state", params={"wait": 60}))
            await _until(lambda: changes.waiting() == 1)
            assert (await c.delete(f"/jobExecution/jobs/{job_id}")).status_code == 204
            return await asyncio.wait_for(poll, 2)

        assert_sas_error(_in_async_client(app, body), 404)

    def test_a_reset_wakes_every_poll(self, app: Any, client: TestClient, container: Container) -> None:
        ids = _running_jobs(client, 3)
        changes = container.clock.changes

        async def body(c: httpx.AsyncClient) -> list[int]:
            polls = [asyncio.create_task(c.get(f"/jobExecution/jobs/{i}/state", params={"wait": 60})) for i in ids]
            await _until(lambda: changes.waiting() == 3)
            assert (await c.post("/__admin/reset")).status_code == 204
            return [(await asyncio.wait_for(poll, 2)).status_code for poll in polls]

        assert _in_async_client(app, body) == [404, 404, 404]


class TestBounds:
    def test_a_poll_on_a_frozen_virtual_clock_answers_after_its_wait_of_real_time(
        self, app: Any, client: TestClient, container: Container
    ) -> None:
        (job_id,) = _running_jobs(client, 1)
        before = container.clock.now()

        async def body(c: httpx.AsyncClient) -> httpx.Response:
            return await asyncio.wait_for(c.get(f"/jobExecution/jobs/{job_id}/state", params={"wait": 1}), 5)

        response = _in_async_client(app, body)
        assert (response.status_code, response.text, container.clock.now()) == (200, "running", before)
        assert container.clock.changes.waiting() == 0

    def test_a_poll_whose_client_went_away_is_dropped(self, app: Any, client: TestClient, container: Container) -> None:
        (job_id,) = _running_jobs(client, 1)
        changes = container.clock.changes
        sent: list[dict[str, Any]] = []

        async def run() -> None:
            leave = asyncio.Event()
            messages = [{"type": "http.request", "body": b"", "more_body": False}]

            async def receive() -> dict[str, Any]:
                if messages:
                    return messages.pop()
                await leave.wait()
                return {"type": "http.disconnect"}

            async def send(message: dict[str, Any]) -> None:
                sent.append(message)

            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "path": f"/jobExecution/jobs/{job_id}/state",
                "raw_path": f"/jobExecution/jobs/{job_id}/state".encode(),
                "root_path": "",
                "query_string": b"wait=300",
                "headers": [(b"host", b"testserver")],
                "client": ("127.0.0.1", 50000),
                "server": ("testserver", 80),
            }
            served = asyncio.create_task(app(scope, receive, send))
            await _until(lambda: changes.waiting() == 1)
            leave.set()
            await asyncio.wait_for(served, 2)
            assert changes.waiting() == 0

        asyncio.run(run())

    def test_the_served_document_states_the_cap_in_force_and_a_longer_wait_is_a_400(self) -> None:
        app = create_app(Settings(virtual_start=START_MS, seed=1, max_wait=20, validate_responses=True))
        with TestClient(app) as client:
            spec = client.get("/jobExecution/openapi.json").json()
            (wait,) = [p for p in spec["paths"]["/jobs/{jobId}/state"]["get"]["parameters"] if p["name"] == "wait"]
            assert wait["schema"]["maximum"] == 20
            job_id = client.get("/jobExecution/jobs").json()["items"][0]["id"]
            assert_sas_error(client.get(f"/jobExecution/jobs/{job_id}/state", params={"wait": 21}), 400)
            assert client.get(f"/jobExecution/jobs/{job_id}/state", params={"wait": 0}).status_code == 200

    def test_the_default_cap_is_what_sasjs_asks_for(self, client: TestClient) -> None:
        spec = client.get("/jobExecution/openapi.json").json()
        (wait,) = [p for p in spec["paths"]["/jobs/{jobId}/state"]["get"]["parameters"] if p["name"] == "wait"]
        assert wait["schema"]["maximum"] == 300
        job_id = client.get("/jobExecution/jobs").json()["items"][0]["id"]
        assert_sas_error(client.get(f"/jobExecution/jobs/{job_id}/state", params={"wait": 7838141373}), 400)


class TestJournal:
    def test_a_waiting_poll_is_listed_in_flight_and_leaves_the_list_when_it_ends(
        self, app: Any, client: TestClient, container: Container
    ) -> None:
        (job_id,) = _running_jobs(client, 1)
        changes = container.clock.changes

        async def body(c: httpx.AsyncClient) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Any]]:
            poll = asyncio.create_task(c.get(f"/jobExecution/jobs/{job_id}/state", params={"wait": 60}))
            await _until(lambda: changes.waiting() == 1)
            during = (await c.get("/__admin/requests", params={"inFlight": "true"})).json()["items"]
            assert (await c.put(f"/jobExecution/jobs/{job_id}/state", params={"value": "canceled"})).status_code == 200
            await asyncio.wait_for(poll, 2)
            after = (await c.get("/__admin/requests", params={"inFlight": "true"})).json()["items"]
            ended = (await c.get("/__admin/requests", params={"path": "*/state", "method": "GET"})).json()["items"]
            return during, after, [(e["query"], e["status"]) for e in ended]

        during, after, ended = _in_async_client(app, body)
        assert [(e["method"], e["path"], e["query"], e["status"]) for e in during] == [
            ("GET", f"/jobExecution/jobs/{job_id}/state", "wait=60", None)
        ]
        assert after == []
        assert ("wait=60", 200) in ended

    def test_in_flight_filters_by_path_and_method(self, app: Any, client: TestClient, container: Container) -> None:
        (job_id,) = _running_jobs(client, 1)
        changes = container.clock.changes

        async def body(c: httpx.AsyncClient) -> tuple[int, int]:
            poll = asyncio.create_task(c.get(f"/jobExecution/jobs/{job_id}/state", params={"wait": 60}))
            await _until(lambda: changes.waiting() == 1)
            hits = await c.get("/__admin/requests", params={"inFlight": "true", "path": "/jobExecution/jobs/*"})
            misses = await c.get("/__admin/requests", params={"inFlight": "true", "method": "POST"})
            await c.put(f"/jobExecution/jobs/{job_id}/state", params={"value": "canceled"})
            await asyncio.wait_for(poll, 2)
            return hits.json()["count"], misses.json()["count"]

        assert _in_async_client(app, body) == (1, 0)
