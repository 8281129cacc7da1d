"""The admin API, long polling and request faults, as a CI test of another team would use them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START
from tests.support import ADMIN_HEADERS, assert_sas_error
from viya_mock.app import create_app
from viya_mock.clock import VirtualClock
from viya_mock.container import Container
from viya_mock.settings import Settings

SECOND = 1_000


def load(client: TestClient, text: str) -> httpx.Response:
    return client.post("/__admin/scenarios", content=text, headers={"Content-Type": "application/yaml"})


class TestClock:
    def test_read_set_and_advance_a_virtual_clock(self, client: TestClient) -> None:
        assert client.get("/__admin/clock").json() == {"kind": "virtual", "now": START, "epochMillis": 1767603600000}
        moved = client.post("/__admin/clock/advance", params={"by": "PT1H30M"}).json()
        assert moved["now"] == "2026-01-05T10:30:00.000Z"
        assert client.post("/__admin/clock/advance", params={"by": "2.5"}).json()["now"] == "2026-01-05T10:30:02.500Z"
        assert (
            client.put("/__admin/clock", json={"now": "2027-01-01T00:00:00Z"}).json()["now"]
            == "2027-01-01T00:00:00.000Z"
        )

    def test_bad_durations_and_instants_are_400s(self, client: TestClient) -> None:
        assert_sas_error(client.post("/__admin/clock/advance", params={"by": "soon"}), 400)
        assert_sas_error(client.put("/__admin/clock", json={"now": "yesterday"}), 400)

    def test_a_real_clock_cannot_be_moved(self) -> None:
        with TestClient(create_app(Settings(fixtures=None)), headers=ADMIN_HEADERS) as real:
            assert real.get("/__admin/clock").json()["kind"] == "real"
            assert_sas_error(real.post("/__admin/clock/advance", params={"by": "PT1S"}), 409)


class TestScenarios:
    def test_load_list_replace_and_remove(self, client: TestClient) -> None:
        assert client.get("/__admin/scenarios").json() == {"items": []}
        assert load(client, "name: one\ntimeline: []\n---\nname: two\ntimeline: []\n").status_code == 201
        assert load(client, "name: one\ndescription: again\ntimeline: []\n").status_code == 201
        items = client.get("/__admin/scenarios").json()["items"]
        assert [(item["name"], item["description"]) for item in items] == [("one", "again"), ("two", "")]
        assert client.delete("/__admin/scenarios/one").status_code == 204
        assert_sas_error(client.delete("/__admin/scenarios/one"), 404)
        assert client.delete("/__admin/scenarios").status_code == 204
        assert client.get("/__admin/scenarios").json() == {"items": []}

    def test_json_scenarios_are_accepted_too(self, client: TestClient) -> None:
        response = client.post(
            "/__admin/scenarios", json={"name": "as-json", "timeline": [{"after": 0, "state": "failed"}]}
        )
        assert response.status_code == 201
        assert client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()["state"] == "failed"

    def test_a_bad_scenario_is_rejected_with_line_and_problem(self, client: TestClient) -> None:
        body = assert_sas_error(load(client, "name: x\ntimeline:\n  - after: PT1S\n    state: sleeping\n"), 400)
        assert "request body:4: timeline[0].state" in body["message"]
        assert "sleeping" in body["message"]
        assert client.get("/__admin/scenarios").json() == {"items": []}

    def test_the_first_matching_scenario_decides(self, client: TestClient) -> None:
        load(client, "name: by-name\nmatch: {name: 'nightly*'}\ntimeline: [{after: 0, state: failed}]\n")
        load(client, "name: anything\ntimeline: [{after: 0, state: completed}]\n")
        nightly = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI, "name": "nightly run"})
        other = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI, "name": "adhoc"})
        assert (nightly.json()["state"], other.json()["state"]) == ("failed", "completed")

    @pytest.mark.parametrize(
        ("match", "matches"),
        [
            ("{jobDefinition: {name: 'Simple*', type: Compute}}", True),
            ("{jobDefinition: {uri: '*/dabd2a63-*'}}", True),
            ("{arguments: {AGE: '1?'}}", True),
            ("{arguments: {AGE: '2*'}}", False),
            ("{submitter: workflow}", True),
            ("{headers: {x-team: blue}}", True),
            ("{headers: {X-Team: red}}", False),
        ],
    )
    def test_match_criteria(self, client: TestClient, match: str, matches: bool) -> None:
        load(client, f"name: m\nmatch: {match}\ntimeline: [{{after: 0, state: failed}}]\n")
        response = client.post(
            "/jobExecution/jobs",
            params={"submitter": "workflow"},
            json={"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "14"}},
            headers={"X-Team": "blue"},
        )
        assert (response.json()["state"] == "failed") is matches

    def test_the_schema_is_served(self, client: TestClient) -> None:
        assert client.get("/__admin/scenario-schema").json()["title"] == "viya-mock scenario"


class TestJournal:
    def test_a_client_that_polled_three_times_and_never_put(self, client: TestClient) -> None:
        job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
        for _ in range(3):
            client.get(f"/jobExecution/jobs/{job['id']}/state")
        client.get("/__admin/clock")
        polls = client.get("/__admin/requests", params={"method": "GET", "path": "/jobExecution/jobs/*/state"}).json()
        assert polls["count"] == 3
        assert client.get("/__admin/requests", params={"method": "PUT"}).json()["count"] == 0
        everything = client.get("/__admin/requests").json()
        assert everything["count"] == 4
        submit = everything["items"][0]
        assert (submit["method"], submit["path"], submit["status"], submit["time"]) == (
            "POST",
            "/jobExecution/jobs",
            201,
            START,
        )
        assert len(submit["bodyDigest"]) == 64
        assert everything["items"][1]["bodyDigest"] is None

    def test_filter_by_status_and_clear(self, client: TestClient) -> None:
        client.get("/jobExecution/jobs/missing")
        assert client.get("/__admin/requests", params={"status": 404}).json()["count"] == 1
        assert client.delete("/__admin/requests").status_code == 204
        assert client.get("/__admin/requests").json()["count"] == 0


class TestStore:
    def test_export_then_import_restores_jobs_with_their_timelines(
        self, client: TestClient, clock: VirtualClock
    ) -> None:
        job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
        saved = client.get("/__admin/store").json()
        assert saved["version"] == 1 and len(saved["jobs"]) == 5
        client.delete(f"/jobExecution/jobs/{job['id']}")
        assert client.put("/__admin/store", json=saved).status_code == 204
        clock.advance(10 * SECOND)
        restored = client.get(f"/jobExecution/jobs/{job['id']}").json()
        assert (restored["state"], restored["endTimeStamp"]) == ("completed", "2026-01-05T09:00:05.000Z")

    def test_an_unreadable_export_is_a_400_and_changes_nothing(self, client: TestClient) -> None:
        bad = {"version": 1, "jobDefinitions": [], "jobRequests": [], "jobs": [{"id": "x"}]}
        assert_sas_error(client.put("/__admin/store", json=bad), 400)
        assert client.get("/jobExecution/jobs").json()["count"] == 4

    def test_reset_returns_to_the_fixtures_scenarios_and_start_time(
        self, client: TestClient, clock: VirtualClock
    ) -> None:
        client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
        load(client, "name: x\ntimeline: []\n")
        clock.advance(SECOND)
        assert client.post("/__admin/reset").status_code == 204
        assert client.get("/jobExecution/jobs").json()["count"] == 4
        assert client.get("/__admin/scenarios").json()["items"] == []
        assert client.get("/__admin/clock").json()["now"] == START
        assert client.get("/__admin/health").json() == {"status": "ok"}


class TestFaults:
    def test_every_nth_call_fails(self, client: TestClient) -> None:
        load(
            client, "name: f\nfaults: [{path: /jobExecution/jobs, method: GET, every: 3, status: 500, errorCode: 7}]\n"
        )
        statuses = [client.get("/jobExecution/jobs").status_code for _ in range(6)]
        assert statuses == [200, 200, 500, 200, 200, 500]

    def test_probability_is_drawn_from_the_seeded_source(self, client: TestClient, container: Container) -> None:
        load(client, "name: f\nfaults: [{path: '/jobExecution/*', probability: 0.5, status: 503}]\n")
        first = [client.get("/jobExecution/jobs").status_code for _ in range(20)]
        client.post("/__admin/reset")
        load(client, "name: f\nfaults: [{path: '/jobExecution/*', probability: 0.5, status: 503}]\n")
        second = [client.get("/jobExecution/jobs").status_code for _ in range(20)]
        assert first == second
        assert {200, 503} == set(first)

    def test_latency_on_a_virtual_clock_costs_no_time(self, client: TestClient) -> None:
        load(client, "name: slow\nfaults: [{path: /jobExecution/jobs, latency: PT30S}]\n")
        assert client.get("/jobExecution/jobs").status_code == 200
        assert client.get("/__admin/requests").json()["items"][0]["fault"] == "slow"

    def test_admin_calls_never_meet_faults(self, client: TestClient) -> None:
        load(client, "name: all\nfaults: [{path: '*', status: 500}]\n")
        assert client.get("/__admin/health").status_code == 200
        assert client.get("/jobExecution/jobs").status_code == 500


class TestLongPolling:
    def _poll(self, app: Any, container: Container, job_id: str, moves: list[int], **headers: str) -> tuple[str, int]:
        """Start a long poll, move virtual time while it waits, and return what it answered and when."""
        clock = container.clock
        assert isinstance(clock, VirtualClock)

        async def scenario() -> tuple[str, int]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                poll = asyncio.create_task(
                    client.get(
                        f"/jobExecution/jobs/{job_id}/state", params={"_action": "wait", "wait": 60}, headers=headers
                    )
                )
                for amount in moves:
                    await asyncio.sleep(0.05)
                    assert not poll.done()
                    clock.advance(amount)
                response = await asyncio.wait_for(poll, 5)
                return response.text, clock.now()

        return asyncio.run(scenario())

    def test_it_answers_when_time_reaches_the_next_transition(
        self, app: Any, client: TestClient, container: Container
    ) -> None:
        job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
        state, now = self._poll(app, container, job["id"], [2 * SECOND, 3 * SECOND])
        start = container.settings.virtual_start
        assert start is not None
        assert (state, now - start) == ("completed", 5 * SECOND)

    def test_it_answers_with_the_same_state_at_its_deadline(
        self, app: Any, client: TestClient, container: Container
    ) -> None:
        load(client, "name: long\ntimeline: [{after: 0, state: running}, {after: PT1H, state: completed}]\n")
        job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
        state, _ = self._poll(app, container, job["id"], [30 * SECOND, 30 * SECOND])
        assert state == "running"

    def test_a_state_other_than_if_none_match_answers_at_once(self, client: TestClient) -> None:
        job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
        response = client.get(
            f"/jobExecution/jobs/{job['id']}/state", params={"wait": 60}, headers={"If-None-Match": '"pending"'}
        )
        assert (response.text, response.headers["etag"]) == ("running", '"running"')

    def test_a_poll_on_an_ended_job_answers_at_once_with_no_time_passing(
        self, client: TestClient, clock: VirtualClock
    ) -> None:
        job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
        clock.advance(10 * SECOND)
        before = clock.now()
        response = client.get(
            f"/jobExecution/jobs/{job['id']}/state", params={"wait": 300}, headers={"If-None-Match": '"completed"'}
        )
        assert (response.text, clock.now()) == ("completed", before)


def test_the_journal_keeps_only_the_newest_entries() -> None:
    from viya_mock.journal import Entry, Journal

    journal = Journal(limit=3)
    for number in range(5):
        journal.record(Entry("GET", f"/{number}", "", 200, "t", None, None))
    assert [entry.path for entry in journal.find()] == ["/2", "/3", "/4"]
