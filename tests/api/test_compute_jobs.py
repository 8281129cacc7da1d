"""Jobs in a Compute session: submit, read, list, state and its long poll, cancel, delete, log, listing,
results and _webout, running over the virtual clock."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.api.compute_support import interpreter, new_session, scripted, submit
from tests.support import ADMIN_HEADERS, assert_sas_error
from viya_mock.clock import VirtualClock
from viya_mock.compute.domain.session import JOB_BASE_MS
from viya_mock.container import Container
from viya_mock.sas.domain.run import Line, Output

SASCTL_BODY = {
    "version": 3,
    "name": "sasctl job",
    "description": None,
    "environment": {},
    "variables": None,
    "code": ["data _null_;", "run;"],
    "resources": [],
    "attributes": {},
}
LONG = scripted([Line("note", "first", 0), Line("note", "second", 10_000)], duration=60_000)


def _async(app: Any, body: Any) -> Any:
    async def run() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ADMIN_HEADERS) as c:
            return await body(c)

    return asyncio.run(run())


@pytest.fixture
def sid(client: TestClient) -> str:
    return str(new_session(client)["id"])


def _source(client: TestClient, uri: str) -> list[str]:
    """The source lines of a log (the interpreter adds its notes after them)."""
    items = client.get(uri, params={"limit": 1000}).json()["items"]
    return [item["line"] for item in items if item["type"] == "source"]


def _uri(sid: str, job: dict[str, Any], tail: str = "") -> str:
    return f"/compute/sessions/{sid}/jobs/{job['id']}{tail}"


class TestSubmit:
    def test_201_with_location_etag_and_the_job(self, client: TestClient, sid: str) -> None:
        response = client.post(
            f"/compute/sessions/{sid}/jobs",
            json={"code": ["data _null_;", "run;"]},
            headers={"Content-Type": "application/vnd.sas.compute.job.request+json"},
        )
        assert response.status_code == 201, response.text
        job = response.json()
        assert response.headers["location"] == f"/compute/sessions/{sid}/jobs/{job['id']}"
        assert response.headers["etag"]
        assert response.headers["content-type"].startswith("application/vnd.sas.compute.job+json")
        assert job["sessionId"] == sid and job["state"] in {"pending", "running"} and job["version"] == 1
        assert job["id"] == job["id"].upper()
        rels = [link["rel"] for link in job["links"]]
        assert rels[:8] == ["self", "state", "cancel", "delete", "log", "listing", "results", "up"]

    def test_sasctl_sends_application_json_with_nulls(self, client: TestClient, sid: str) -> None:
        response = client.post(f"/compute/sessions/{sid}/jobs", json=SASCTL_BODY)
        assert response.status_code == 201, response.text
        assert response.json()["name"] == "sasctl job"

    def test_code_as_one_string_is_split_into_lines(self, client: TestClient, clock: VirtualClock, sid: str) -> None:
        job = submit(client, sid, "data _null_;\nrun;")
        clock.advance(1000)
        assert _source(client, _uri(sid, job, "/log")) == ["1     data _null_;", "2     run;"]

    def test_code_from_a_file(self, client: TestClient, clock: VirtualClock, sid: str) -> None:
        uploaded = client.post("/files/files", content=b"proc print;\nrun;", headers={"Content-Type": "text/plain"})
        assert uploaded.status_code == 201, uploaded.text
        uri = f"/files/files/{uploaded.json()['id']}"
        response = client.post(f"/compute/sessions/{sid}/jobs", json={"codeUri": uri})
        assert response.status_code == 201, response.text
        clock.advance(1000)
        assert _source(client, _uri(sid, response.json(), "/log")) == ["1     proc print;", "2     run;"]

    def test_a_code_uri_that_names_no_file_is_400(self, client: TestClient, sid: str) -> None:
        assert_sas_error(client.post(f"/compute/sessions/{sid}/jobs", json={"codeUri": "/files/files/nope"}), 400)

    @pytest.mark.parametrize("body", [{}, {"code": []}, {"code": "   "}, {"name": "x"}])
    def test_no_code_is_5202(self, client: TestClient, sid: str, body: dict[str, Any]) -> None:
        assert_sas_error(client.post(f"/compute/sessions/{sid}/jobs", json=body), 400, 5202)

    def test_an_unknown_session_is_5837(self, client: TestClient) -> None:
        assert_sas_error(client.post("/compute/sessions/nope/jobs", json={"code": ["x;"]}), 404, 5837)

    def test_source_lines_are_numbered_across_the_session(
        self, client: TestClient, clock: VirtualClock, sid: str
    ) -> None:
        submit(client, sid, ["a;", "b;"])
        second = submit(client, sid, ["c;"])
        clock.advance(1000)
        assert _source(client, _uri(sid, second, "/log")) == ["3     c;"]


class TestLifecycle:
    def test_states_follow_the_clock(
        self, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        with interpreter(container, scripted([Line("note", "n")], duration=5000, condition_code=0)):
            job = submit(client, sid)
        state = client.get(_uri(sid, job, "/state"))
        assert (state.text, state.headers["content-type"]) == ("running", "text/plain")
        clock.advance(5000 + JOB_BASE_MS)
        done = client.get(_uri(sid, job))
        body = done.json()
        assert body["state"] == "completed" and body["jobConditionCode"] == 0
        assert body["completedTimeStamp"] and body["logStatistics"]["lineCount"] == 1
        assert body["listingStatistics"]["lineCount"] == 0

    def test_an_error_ends_the_job_in_error(
        self, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        with interpreter(container, scripted([Line("error", "ERROR: no")], outcome="error", condition_code=1012)):
            job = submit(client, sid)
        clock.advance(1000)
        body = client.get(_uri(sid, job)).json()
        assert (body["state"], body["jobConditionCode"]) == ("error", 1012)
        assert client.get(f"/compute/sessions/{sid}").json()["sessionConditionCode"] == 1012
        assert client.get(f"/compute/sessions/{sid}/state").text == "idle"

    def test_a_second_job_waits_for_the_first(
        self, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        with interpreter(container, scripted(duration=10_000)):
            first, second = submit(client, sid), submit(client, sid)
        assert second["state"] == "pending"
        assert client.get(_uri(sid, first, "/state")).text == "running"
        clock.advance(10_000 + JOB_BASE_MS)
        assert client.get(_uri(sid, first, "/state")).text == "completed"
        assert client.get(_uri(sid, second, "/state")).text == "running"
        clock.advance(10_000 + JOB_BASE_MS)
        assert client.get(_uri(sid, second, "/state")).text == "completed"

    def test_the_state_etag_stays_until_the_job_ends(
        self, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        with interpreter(container, scripted(duration=10_000)):
            submit(client, sid)
            created = client.post(f"/compute/sessions/{sid}/jobs", json={"code": ["x;"]})
        job = created.json()
        pending = client.get(_uri(sid, job, "/state"))
        assert pending.text == "pending" and pending.headers["etag"] == created.headers["etag"]
        clock.advance(10_000 + JOB_BASE_MS)
        running = client.get(_uri(sid, job, "/state"))
        assert running.text == "running" and running.headers["etag"] == created.headers["etag"]
        clock.advance(10_000 + JOB_BASE_MS)
        ended = client.get(_uri(sid, job, "/state"))
        assert ended.text == "completed" and ended.headers["etag"] != created.headers["etag"]
        assert client.get(_uri(sid, job)).headers["etag"] == ended.headers["etag"]

    def test_list_and_filter_jobs(self, client: TestClient, container: Container, sid: str) -> None:
        with interpreter(container, scripted(duration=10_000)):
            first, second = submit(client, sid), submit(client, sid)
        listed = client.get(f"/compute/sessions/{sid}/jobs").json()
        assert [item["id"] for item in listed["items"]] == [first["id"], second["id"]]
        pending = client.get(f"/compute/sessions/{sid}/jobs", params={"filter": "eq(state,'pending')"}).json()
        assert [item["id"] for item in pending["items"]] == [second["id"]]

    def test_get_an_unknown_job_is_404(self, client: TestClient, sid: str) -> None:
        assert_sas_error(client.get(f"/compute/sessions/{sid}/jobs/NOPE"), 404)


class TestStateLongPoll:
    def test_unchanged_is_304(self, client: TestClient, container: Container, sid: str) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)
        etag = client.get(_uri(sid, job, "/state")).headers["etag"]
        response = client.get(_uri(sid, job, "/state"), params={"wait": 1}, headers={"If-None-Match": etag})
        assert response.status_code == 304 and response.content == b""

    def test_a_stale_if_none_match_answers_at_once(self, client: TestClient, container: Container, sid: str) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)
        response = client.get(_uri(sid, job, "/state"), params={"wait": 60}, headers={"If-None-Match": '"old"'})
        assert (response.status_code, response.text) == (200, "running")

    def test_the_end_of_the_job_ends_the_wait(
        self, app: Any, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)
        etag = client.get(_uri(sid, job, "/state")).headers["etag"]

        async def body(c: httpx.AsyncClient) -> httpx.Response:
            poll = asyncio.create_task(
                c.get(_uri(sid, job, "/state"), params={"wait": 30}, headers={"If-None-Match": etag})
            )
            await asyncio.sleep(0.05)
            assert not poll.done()
            clock.advance(60_000 + JOB_BASE_MS)
            return await asyncio.wait_for(poll, 5)

        response = _async(app, body)
        assert (response.status_code, response.text) == (200, "completed")

    def test_a_cancel_ends_the_wait(self, app: Any, client: TestClient, container: Container, sid: str) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)
        etag = client.get(_uri(sid, job, "/state")).headers["etag"]

        async def body(c: httpx.AsyncClient) -> httpx.Response:
            poll = asyncio.create_task(
                c.get(_uri(sid, job, "/state"), params={"wait": 30}, headers={"If-None-Match": etag})
            )
            await asyncio.sleep(0.05)
            cancel = await c.put(_uri(sid, job, "/state"), params={"value": "canceled"}, headers={"If-Match": etag})
            assert cancel.status_code == 200
            return await asyncio.wait_for(poll, 5)

        assert _async(app, body).text == "canceled"


class TestCancel:
    def test_needs_if_match(self, client: TestClient, container: Container, sid: str) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)
        assert_sas_error(client.put(_uri(sid, job, "/state"), params={"value": "canceled"}), 428, 5033)
        stale = client.put(_uri(sid, job, "/state"), params={"value": "canceled"}, headers={"If-Match": '"x"'})
        assert_sas_error(stale, 412)

    def test_keeps_the_lines_written_by_then(
        self, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)
        clock.advance(5000)
        etag = client.get(_uri(sid, job, "/state")).headers["etag"]
        response = client.put(_uri(sid, job, "/state"), params={"value": "canceled"}, headers={"If-Match": etag})
        assert (response.status_code, response.text) == (200, "canceled")
        clock.advance(60_000)
        assert [i["line"] for i in client.get(_uri(sid, job, "/log")).json()["items"]] == ["first"]
        assert client.get(_uri(sid, job)).json()["state"] == "canceled"
        assert client.get(f"/compute/sessions/{sid}/state").text == "idle"

    def test_an_ended_job_is_409(self, client: TestClient, clock: VirtualClock, sid: str) -> None:
        job = submit(client, sid)
        etag = client.get(_uri(sid, job, "/state")).headers["etag"]
        clock.advance(1000)
        assert_sas_error(
            client.put(_uri(sid, job, "/state"), params={"value": "canceled"}, headers={"If-Match": etag}), 409
        )

    def test_the_next_job_starts_when_the_running_one_is_canceled(
        self, client: TestClient, container: Container, sid: str
    ) -> None:
        with interpreter(container, LONG):
            first, second = submit(client, sid), submit(client, sid)
        etag = client.get(_uri(sid, first, "/state")).headers["etag"]
        client.put(_uri(sid, first, "/state"), params={"value": "canceled"}, headers={"If-Match": etag})
        assert client.get(_uri(sid, second, "/state")).text == "running"

    def test_an_unknown_value_is_400(self, client: TestClient, sid: str) -> None:
        job = submit(client, sid)
        assert_sas_error(
            client.put(_uri(sid, job, "/state"), params={"value": "running"}, headers={"If-Match": "*"}), 400
        )


class TestDelete:
    def test_204_then_404(self, client: TestClient, sid: str) -> None:
        job = submit(client, sid)
        assert client.delete(_uri(sid, job)).status_code == 204
        assert_sas_error(client.get(_uri(sid, job)), 404)
        assert_sas_error(client.delete(_uri(sid, job)), 404)


class TestLog:
    @pytest.fixture
    def job(self, client: TestClient, container: Container, clock: VirtualClock, sid: str) -> dict[str, Any]:
        lines = [Line("note" if n % 2 else "source", f"line {n}") for n in range(25)]
        with interpreter(container, scripted(lines, listing=[Line("normal", "The listing")])):
            job = submit(client, sid)
        clock.advance(1000)
        return job

    def test_pages_honour_start_and_limit_and_advertise_the_limit(
        self, client: TestClient, sid: str, job: dict
    ) -> None:
        first = client.get(_uri(sid, job, "/log"), params={"limit": 10}).json()
        assert first["name"] == "Job Log" and first["count"] == 25
        assert first["accept"] == "application/vnd.sas.compute.log.line"
        assert [i["line"] for i in first["items"]] == [f"line {n}" for n in range(10)]
        assert first["items"][0] == {"version": 1, "type": "source", "line": "line 0"}
        following = next(link for link in first["links"] if link["rel"] == "next")
        assert following["href"].endswith("?start=10&limit=10")
        second = client.get(following["href"]).json()
        assert [i["line"] for i in second["items"]][0] == "line 10"

    def test_saspys_loop_ends(self, client: TestClient, sid: str, job: dict) -> None:
        lines: list[str] = []
        start = 0
        for _ in range(5):
            items = client.get(_uri(sid, job, "/log"), params={"start": start, "limit": start + 1000}).json()["items"]
            if not items:
                break
            lines += [item["line"] for item in items]
            start += len(items)
        assert len(lines) == 25

    def test_type_filters_lines(self, client: TestClient, sid: str, job: dict) -> None:
        notes = client.get(_uri(sid, job, "/log"), params={"type": "note|error", "limit": 100}).json()
        assert {item["type"] for item in notes["items"]} == {"note"} and notes["count"] == 12

    def test_text_forms(self, client: TestClient, sid: str, job: dict) -> None:
        text = client.get(_uri(sid, job, "/log"), headers={"Accept": "text/plain"})
        assert text.headers["content-type"].startswith("text/plain")
        assert text.text.startswith("line 0\r\nline 1\r\n") and text.text.count("\r\n") == 25
        content = client.get(_uri(sid, job, "/log/content"))
        assert content.text == text.text
        assert client.get(_uri(sid, job, "/log/content"), params={"start": 24}).text == "line 24\r\n"
        assert client.get(_uri(sid, job, "/listing/content")).text == "The listing\r\n"

    def test_listing(self, client: TestClient, sid: str, job: dict) -> None:
        listing = client.get(_uri(sid, job, "/listing")).json()
        assert listing["name"] == "Job Listing" and listing["items"] == [
            {"version": 1, "type": "normal", "line": "The listing"}
        ]

    def test_lines_appear_as_the_clock_passes(
        self, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)
        assert [i["line"] for i in client.get(_uri(sid, job, "/log")).json()["items"]] == ["first"]
        clock.advance(10_000)
        assert [i["line"] for i in client.get(_uri(sid, job, "/log")).json()["items"]] == ["first", "second"]

    def test_timeout_answers_empty_when_nothing_comes(self, client: TestClient, container: Container, sid: str) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)
        response = client.get(_uri(sid, job, "/log"), params={"start": 1, "timeout": 1})
        assert response.status_code == 200 and response.json()["items"] == []

    def test_timeout_answers_when_a_line_is_written(
        self, app: Any, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        with interpreter(container, LONG):
            job = submit(client, sid)

        async def body(c: httpx.AsyncClient) -> httpx.Response:
            poll = asyncio.create_task(c.get(_uri(sid, job, "/log"), params={"start": 1, "timeout": 30}))
            await asyncio.sleep(0.05)
            assert not poll.done()
            clock.advance(10_000)
            return await asyncio.wait_for(poll, 5)

        assert [i["line"] for i in _async(app, body).json()["items"]] == ["second"]

    def test_an_ended_job_answers_at_once(self, client: TestClient, sid: str, job: dict) -> None:
        response = client.get(_uri(sid, job, "/log"), params={"start": 25, "timeout": 30})
        assert response.json()["items"] == []


class TestResults:
    def test_ods_html_and_include_types(
        self, client: TestClient, container: Container, clock: VirtualClock, sid: str
    ) -> None:
        html = "<html><body><table></table></body></html>"
        outputs = [Output("sashtml.htm", "ODS", "text/html", html), Output("data.csv", "FILE", "text/csv", "a,b")]
        with interpreter(container, scripted(results=outputs, webout=b'{"ok":true}')):
            job = submit(client, sid)
        clock.advance(1000)
        everything = client.get(_uri(sid, job, "/results")).json()
        assert [item["type"] for item in everything["items"]] == ["ODS", "FILE"]
        ods = client.get(_uri(sid, job, "/results"), params={"includeTypes": "ODS"}).json()["items"]
        assert [item["name"] for item in ods] == ["sashtml.htm"]
        first = ods[0]["links"][0]
        assert first["type"] == "text/html"
        served = client.get(first["href"], headers={"Accept": "application/vnd.sas.collection+json"})
        assert served.status_code == 200 and served.text == html
        assert served.headers["content-type"].startswith("text/html")
        webout = client.get(f"/compute/sessions/{sid}/filerefs/_webout/content")
        assert webout.status_code == 200 and webout.content == b'{"ok":true}'

    def test_no_webout_is_404(self, client: TestClient, sid: str) -> None:
        submit(client, sid)
        assert_sas_error(client.get(f"/compute/sessions/{sid}/filerefs/_webout/content"), 404)

    def test_an_unknown_result_is_404(self, client: TestClient, sid: str) -> None:
        assert_sas_error(client.get(f"/compute/sessions/{sid}/results/x/y.htm"), 404)
