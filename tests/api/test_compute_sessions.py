"""Compute sessions: create from a context, read, list, state (and its long poll), cancel, delete."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.api.compute_support import JES_CONTEXT, JES_CONTEXT_NAME, interpreter, new_session, scripted, submit
from tests.support import ADMIN_HEADERS, assert_sas_error
from viya_mock.clock import VirtualClock
from viya_mock.container import Container
from viya_mock.sas.domain.run import Line

SASPY_BODY = {
    "name": JES_CONTEXT_NAME,
    "description": "saspy session",
    "version": 1,
    "environment": {"options": ["-PAGESIZE=MAX"]},
    "attributes": {"sessionInactiveTimeout": 900},
}


def _rels(resource: dict[str, Any]) -> list[str]:
    return [link["rel"] for link in resource["links"]]


class TestCreate:
    @pytest.mark.parametrize("body", [None, {}, SASPY_BODY], ids=["no body", "empty", "saspy"])
    def test_a_session_from_a_context(self, client: TestClient, body: Any) -> None:
        headers = {"Content-Type": "application/vnd.sas.compute.session.request+json"} if body is not None else {}
        response = client.post(
            f"/compute/contexts/{JES_CONTEXT}/sessions",
            content=None if body is None else httpx.Request("POST", "/", json=body).content,
            headers={"Accept": "application/vnd.sas.compute.session+json", **headers},
        )
        assert response.status_code == 201, response.text
        session = response.json()
        assert response.headers["location"] == f"/compute/sessions/{session['id']}"
        assert response.headers["etag"]
        assert response.headers["content-type"].startswith("application/vnd.sas.compute.session+json")
        assert session["id"].endswith("-ses0000")
        assert session["state"] == "idle" and session["owner"] == "sasdemo"
        for rel in ("self", "state", "cancel", "delete", "execute", "jobs", "log", "listing", "results", "variables"):
            assert rel in _rels(session)
        execute = next(link for link in session["links"] if link["rel"] == "execute")
        assert execute["uri"] == execute["href"] == f"/compute/sessions/{session['id']}/jobs"
        cancel = next(link for link in session["links"] if link["rel"] == "cancel")
        assert cancel["href"].endswith("/state?value=canceled") and "type" not in cancel

    def test_the_session_count_is_capped(self, client: TestClient, container: Container) -> None:
        limit = container.compute.max_sessions
        container.compute.max_sessions = 2
        try:
            new_session(client)
            new_session(client)
            assert_sas_error(client.post(f"/compute/contexts/{JES_CONTEXT}/sessions"), 503)
        finally:
            container.compute.max_sessions = limit


class TestRead:
    def test_get_list_and_filter(self, client: TestClient) -> None:
        first, second = new_session(client), new_session(client, {"name": "mine"})
        got = client.get(f"/compute/sessions/{first['id']}")
        assert got.status_code == 200 and got.headers["etag"] and got.json()["id"] == first["id"]
        listed = client.get("/compute/sessions").json()
        assert [item["id"] for item in listed["items"]] == [first["id"], second["id"]]
        assert listed["accept"] == "application/vnd.sas.compute.session.summary"
        filtered = client.get("/compute/sessions", params={"filter": "eq(name,'mine')"}).json()
        assert [item["id"] for item in filtered["items"]] == [second["id"]]
        full = client.get("/compute/sessions", headers={"Accept-Item": "application/vnd.sas.compute.session+json"})
        assert all("state" in item for item in full.json()["items"])

    def test_state_is_text_with_the_session_etag(self, client: TestClient) -> None:
        session = new_session(client)
        response = client.get(f"/compute/sessions/{session['id']}/state")
        assert response.text == "idle"
        assert response.headers["etag"] == client.get(f"/compute/sessions/{session['id']}").headers["etag"]

    def test_state_is_running_while_a_job_runs(
        self, client: TestClient, container: Container, clock: VirtualClock
    ) -> None:
        session = new_session(client)
        with interpreter(container, scripted([Line("note", "NOTE: x")], duration=5000)):
            submit(client, session["id"])
        assert client.get(f"/compute/sessions/{session['id']}/state").text == "running"
        clock.advance(6000)
        assert client.get(f"/compute/sessions/{session['id']}/state").text == "idle"


class TestLongPoll:
    def test_an_unchanged_state_is_304_after_the_wait(self, client: TestClient) -> None:
        session = new_session(client)
        etag = client.get(f"/compute/sessions/{session['id']}/state").headers["etag"]
        response = client.get(
            f"/compute/sessions/{session['id']}/state", params={"wait": 1}, headers={"If-None-Match": etag}
        )
        assert response.status_code == 304 and response.content == b""

    def test_wait_without_if_none_match_answers_at_once(self, client: TestClient) -> None:
        session = new_session(client)
        response = client.get(f"/compute/sessions/{session['id']}/state", params={"wait": 30})
        assert (response.status_code, response.text) == (200, "idle")

    def test_a_job_starting_ends_the_wait(self, app: Any, client: TestClient, container: Container) -> None:
        session = new_session(client)
        etag = client.get(f"/compute/sessions/{session['id']}/state").headers["etag"]

        async def body(c: httpx.AsyncClient) -> httpx.Response:
            poll = asyncio.create_task(
                c.get(f"/compute/sessions/{session['id']}/state", params={"wait": 30}, headers={"If-None-Match": etag})
            )
            await asyncio.sleep(0.05)
            with interpreter(container, scripted(duration=60_000)):
                await c.post(f"/compute/sessions/{session['id']}/jobs", json={"code": ["x;"]})
            return await asyncio.wait_for(poll, 5)

        response = _async(app, body)
        assert response.status_code == 200 and response.text == "running"


def _async(app: Any, body: Any) -> Any:
    async def run() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ADMIN_HEADERS) as c:
            return await body(c)

    return asyncio.run(run())


class TestChangeState:
    def test_cancel_needs_if_match(self, client: TestClient) -> None:
        session = new_session(client)
        uri = f"/compute/sessions/{session['id']}/state"
        assert_sas_error(client.put(uri, params={"value": "canceled"}), 428, 5033)
        assert_sas_error(client.put(uri, params={"value": "canceled"}, headers={"If-Match": '"stale"'}), 412)

    def test_cancel_stops_the_running_job(self, client: TestClient, container: Container) -> None:
        session = new_session(client)
        with interpreter(container, scripted(duration=60_000)):
            job = submit(client, session["id"])
        etag = client.get(f"/compute/sessions/{session['id']}").headers["etag"]
        response = client.put(
            f"/compute/sessions/{session['id']}/state",
            params={"value": "canceled"},
            headers={"If-Match": etag, "Content-Type": "text/plain"},
        )
        assert response.status_code == 200 and response.text == "idle"
        assert response.headers["etag"] != etag
        assert client.get(f"/compute/sessions/{session['id']}/jobs/{job['id']}/state").text == "canceled"

    def test_deleted_deletes(self, client: TestClient) -> None:
        session = new_session(client)
        etag = client.get(f"/compute/sessions/{session['id']}").headers["etag"]
        response = client.put(
            f"/compute/sessions/{session['id']}/state", params={"value": "deleted"}, headers={"If-Match": etag}
        )
        assert response.status_code == 200
        assert_sas_error(client.get(f"/compute/sessions/{session['id']}"), 404, 5837)

    def test_an_unknown_value_is_400(self, client: TestClient) -> None:
        session = new_session(client)
        assert_sas_error(client.put(f"/compute/sessions/{session['id']}/state", params={"value": "idle"}), 400)


class TestDelete:
    def test_delete_then_5837_on_every_route(self, client: TestClient) -> None:
        session = new_session(client)
        sid = session["id"]
        job = submit(client, sid)
        assert client.delete(f"/compute/sessions/{sid}").status_code == 204
        for path in (
            "",
            "/state",
            "/log",
            "/listing",
            "/results",
            "/variables",
            "/variables/SYSJOBID",
            "/filerefs/_webout/content",
            "/jobs",
            f"/jobs/{job['id']}",
            f"/jobs/{job['id']}/state",
            f"/jobs/{job['id']}/log",
            f"/jobs/{job['id']}/log/content",
            f"/jobs/{job['id']}/listing",
            f"/jobs/{job['id']}/results",
        ):
            body = assert_sas_error(client.get(f"/compute/sessions/{sid}{path}"), 404, 5837)
            assert sid in body["details"][0]
        assert_sas_error(client.delete(f"/compute/sessions/{sid}"), 404, 5837)
        assert_sas_error(client.post(f"/compute/sessions/{sid}/jobs", json={"code": ["x;"]}), 404, 5837)


class TestSessionOutput:
    def test_log_listing_and_results_of_the_whole_session(self, client: TestClient, container: Container) -> None:
        session = new_session(client)
        with interpreter(container, scripted([Line("note", "one")], listing=[Line("normal", "L")])):
            submit(client, session["id"])
            submit(client, session["id"])
        container.clock.advance(1000)  # type: ignore[attr-defined]
        log = client.get(f"/compute/sessions/{session['id']}/log").json()
        assert log["name"] == "Session Log" and [i["line"] for i in log["items"]] == ["one", "one"]
        listing = client.get(f"/compute/sessions/{session['id']}/listing").json()
        assert [i["line"] for i in listing["items"]] == ["L", "L"]
        assert client.get(f"/compute/sessions/{session['id']}/results").json()["items"] == []
        text = client.get(f"/compute/sessions/{session['id']}/log", headers={"Accept": "text/plain"})
        assert text.text == "one\r\none\r\n"

    def test_variables_include_sysjobid_and_the_jobs_macro_variables(
        self, client: TestClient, container: Container
    ) -> None:
        session = new_session(client)
        with interpreter(container, scripted()):
            submit(client, session["id"], variables={"answer": "42"})
        variables = client.get(f"/compute/sessions/{session['id']}/variables").json()
        names = {item["name"]: item["value"] for item in variables["items"]}
        assert names["ANSWER"] == "42" and names["SYSJOBID"].isdigit()
        one = client.get(f"/compute/sessions/{session['id']}/variables/SYSJOBID")
        assert one.status_code == 200 and one.json()["value"] == names["SYSJOBID"]
        assert_sas_error(client.get(f"/compute/sessions/{session['id']}/variables/NOPE"), 404)
        filtered = client.get(
            f"/compute/sessions/{session['id']}/variables", params={"filter": "startsWith(name,'SYSJ')"}
        ).json()
        assert [item["name"] for item in filtered["items"]] == ["SYSJOBID"]
