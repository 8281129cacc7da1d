"""Hostile input: bodies and values built to break a parser or overflow arithmetic are 400s, quickly.

Each case was a 500 (or worse, a store that answered 500 on every later read) before the limits in NOTES.md.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI
from tests.support import assert_sas_error

# Every hostile request must be refused well within this (they are all refused before any expensive work).
QUICK = 2.0


def refused(response: httpx.Response, started: float, status: int = 400) -> str:
    """The response is a SAS error with this status, answered quickly; its message, lower-cased."""
    assert time.monotonic() - started < QUICK
    body = assert_sas_error(response, status)
    return str(body["message"]).lower()


def load(client: TestClient, text: str) -> httpx.Response:
    return client.post("/__admin/scenarios", content=text, headers={"Content-Type": "application/yaml"})


HUGE_DURATIONS = ["P1000000000D", "PT99999999999999999999H", "P1000000000000W", "P1000Y", "PT" + "9" * 400 + "S"]


class TestDurations:
    @pytest.mark.parametrize("value", HUGE_DURATIONS)
    def test_a_huge_expires_after_on_submit_is_a_400(self, client: TestClient, value: str) -> None:
        before = client.get("/jobExecution/jobs").json()["count"]
        started = time.monotonic()
        response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI, "expiresAfter": value})
        message = refused(response, started)
        assert "out of range" in message and "100 years" in message
        assert client.get("/jobExecution/jobs").json()["count"] == before

    @pytest.mark.parametrize("value", HUGE_DURATIONS)
    def test_a_huge_expires_after_on_a_job_request_is_a_400(self, client: TestClient, value: str) -> None:
        before = client.get("/jobExecution/jobRequests").json()["count"]
        started = time.monotonic()
        body = {"name": "x", "jobDefinitionUri": PROC_PRINT_URI, "expiresAfter": value}
        message = refused(client.post("/jobExecution/jobRequests", json=body), started)
        assert "100 years" in message
        assert client.get("/jobExecution/jobRequests").json()["count"] == before

    def test_a_hundred_years_is_still_accepted(self, client: TestClient) -> None:
        body = {"jobDefinitionUri": PROC_PRINT_URI, "expiresAfter": "P36500D"}
        response = client.post("/jobExecution/jobs", json=body)
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize("by", ["9" * 400, "P1000000000D", "PT99999999999999999999H", "P101Y"])
    def test_a_huge_clock_advance_is_a_400_and_the_clock_stays(self, client: TestClient, by: str) -> None:
        now = client.get("/__admin/clock").json()["now"]
        started = time.monotonic()
        message = refused(client.post("/__admin/clock/advance", params={"by": by}), started)
        assert "out of range" in message and "100 years" in message
        assert client.get("/__admin/clock").json()["now"] == now

    def test_the_clock_cannot_be_moved_past_the_year_9999(self, client: TestClient) -> None:
        assert client.put("/__admin/clock", json={"now": "9990-01-01T00:00:00Z"}).status_code == 200
        message = refused(client.post("/__admin/clock/advance", params={"by": "P20Y"}), time.monotonic())
        assert "9999-12-31t23:59:59.999z" in message
        assert client.get("/__admin/clock").json()["now"] == "9990-01-01T00:00:00.000Z"
        late = client.put("/__admin/clock", json={"now": "9999-12-31T23:59:59-14:00"})
        assert "9999" in refused(late, time.monotonic())

    @pytest.mark.parametrize("field", ["after", "latency"])
    def test_a_scenario_with_a_huge_duration_is_a_400(self, client: TestClient, field: str) -> None:
        text = (
            "name: slow\ntimeline:\n  - after: P1000000000D\n    state: completed\n"
            if field == "after"
            else "name: slow\nfaults:\n  - path: /jobExecution/jobs\n    latency: P1000000000D\n"
        )
        started = time.monotonic()
        message = refused(load(client, text), started)
        assert "out of range" in message and "100 years" in message
        assert client.get("/__admin/scenarios").json()["items"] == []

    def test_a_scenario_with_a_huge_expires_after_is_refused_when_loaded(self, client: TestClient) -> None:
        message = refused(load(client, "name: keep\nexpiresAfter: P1000000000D\n"), time.monotonic())
        assert "100 years" in message
        message = refused(load(client, "name: keep\nexpiresAfter: soon\n"), time.monotonic())
        assert "expiresafter" in message or "duration" in message


def billion_laughs(levels: int = 9) -> str:
    """About 500 bytes of YAML that expand to 9**levels strings (387 million for 9 levels)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "name: laughs\ndescription: x\nmatch:\n  arguments:\n" + "".join(f"    {line}\n" for line in lines)


class TestScenarioYaml:
    @pytest.mark.parametrize(
        "text",
        [
            "name: !!python/object/apply:os.system ['true']\n",
            "name: !!python/object:os.system x\n",
            "name: !custom x\n",
            "name: x\ndescription: !!python/name:os.system ''\n",
        ],
    )
    def test_unknown_and_python_tags_are_400s(self, client: TestClient, text: str) -> None:
        message = refused(load(client, text), time.monotonic())
        assert "not valid yaml" in message and "tag" in message
        assert client.get("/__admin/scenarios").json()["items"] == []

    def test_a_billion_laughs_is_refused_without_expanding_it(self, client: TestClient) -> None:
        text = billion_laughs()
        assert len(text) < 700
        started = time.monotonic()
        message = refused(load(client, text), started)
        assert "expands to more than 100000 nodes" in message
        assert client.get("/__admin/scenarios").json()["items"] == []

    def test_a_small_use_of_aliases_is_still_fine(self, client: TestClient) -> None:
        text = "name: shared\nmatch:\n  arguments: &args {a: '1'}\n  headers: *args\n"
        assert load(client, text).status_code == 201

    def test_an_alias_inside_its_own_anchor_is_a_400(self, client: TestClient) -> None:
        message = refused(load(client, "name: loop\nmatch: &m\n  arguments: *m\n"), time.monotonic())
        assert "refers to a node that contains it" in message

    @pytest.mark.parametrize("depth", [65, 10_000, 100_000])
    def test_deeply_nested_yaml_is_a_400(self, client: TestClient, depth: int) -> None:
        started = time.monotonic()
        message = refused(load(client, "name: deep\ndescription: " + "[" * depth + "]" * depth + "\n"), started)
        assert "nests deeper than 64 levels" in message

    def test_nesting_through_aliases_counts_too(self, client: TestClient) -> None:
        inner = "[" * 40 + "]" * 40
        text = f"name: deep\ndescription: x\nmatch:\n  arguments:\n    a: &a {inner}\n    b: {'[' * 30}*a{']' * 30}\n"
        assert "nests deeper than 64 levels" in refused(load(client, text), time.monotonic())


def nested(depth: int, leaf: str = '"x"') -> str:
    """A JSON object nested `depth` levels deep: {"a":{"a":…"x"…}}."""
    return '{"a":' * depth + leaf + "}" * depth


JSON = {"Content-Type": "application/json"}


class TestDeepJson:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("POST", "/jobExecution/jobs"),
            ("POST", "/jobExecution/jobRequests"),
            ("POST", "/jobDefinitions/definitions"),
            ("POST", "/__admin/scenarios"),
            ("PUT", "/__admin/store"),
            ("PUT", "/__admin/clock"),
        ],
    )
    @pytest.mark.parametrize("depth", [65, 1_000, 100_000])
    def test_a_deeply_nested_body_is_a_400(self, client: TestClient, method: str, path: str, depth: int) -> None:
        started = time.monotonic()
        response = client.request(method, path, content=nested(depth), headers=JSON)
        assert "deeper than 64 levels" in refused(response, started)

    def test_deep_arrays_inside_a_submit_are_a_400(self, client: TestClient) -> None:
        body = json.dumps({"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"x": "@"}})
        body = body.replace('"@"', "[" * 5000 + "]" * 5000)
        started = time.monotonic()
        response = client.post("/jobExecution/jobs", content=body, headers=JSON)
        assert "deeper than 64 levels" in refused(response, started)

    def test_a_deep_body_without_a_content_type_is_a_400_too(self, client: TestClient) -> None:
        started = time.monotonic()
        response = client.post("/jobExecution/jobs", content=nested(2_000))
        assert "deeper than 64 levels" in refused(response, started)

    def test_sixty_four_levels_are_only_checked_against_the_schema(self, client: TestClient) -> None:
        body = f'{{"jobDefinitionUri": "{PROC_PRINT_URI}", "arguments": {nested(63)}}}'
        response = client.post("/jobExecution/jobs", content=body, headers=JSON)
        assert "deeper than" not in refused(response, time.monotonic())


class TestMissingContentType:
    def test_a_submit_without_a_content_type_is_read_as_json(self, client: TestClient) -> None:
        body = b'{"jobDefinitionUri": "%s", "arguments": {"AGE": "12"}}' % PROC_PRINT_URI.encode()
        response = client.post("/jobExecution/jobs", content=body)
        assert response.status_code == 201, response.text
        job = client.get(response.headers["Location"]).json()
        assert job["jobRequest"]["arguments"]["AGE"] == "12"

    def test_an_invalid_submit_without_a_content_type_is_a_400(self, client: TestClient) -> None:
        assert_sas_error(client.post("/jobExecution/jobs", content=b'{"jobDefinitionUri": 5}'), 400)
        assert_sas_error(client.post("/jobExecution/jobs", content=b"not json"), 400)

    def test_a_job_request_without_a_content_type_is_read_as_json(self, client: TestClient) -> None:
        body = b'{"name": "bare", "jobDefinitionUri": "%s"}' % PROC_PRINT_URI.encode()
        response = client.post("/jobExecution/jobRequests", content=body)
        assert response.status_code == 201, response.text
        assert response.json()["name"] == "bare"

    def test_a_raw_file_upload_without_a_content_type_keeps_its_bytes(self, client: TestClient) -> None:
        response = client.post("/files/files", content=b'{"not": "parsed"}')
        assert response.status_code == 201, response.text
        content = client.get(f"/files/files/{response.json()['id']}/content")
        assert content.content == b'{"not": "parsed"}'
        assert response.json()["contentType"] != "application/json"


def _job(export: dict[str, Any]) -> dict[str, Any]:
    job: dict[str, Any] = export["jobs"][0]
    return job


CORRUPTIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "no state": lambda e: _job(e)["base"].pop("state"),
    "unknown state": lambda e: _job(e)["base"].update(state="sleeping"),
    "created 10**30": lambda e: _job(e).update(created=10**30),
    "created after 9999": lambda e: _job(e).update(created=10**15),
    "jobRequest not an object": lambda e: _job(e)["base"].update(jobRequest="run it"),
    "results not an object": lambda e: _job(e)["base"].update(results=[1]),
    "base id differs": lambda e: _job(e)["base"].update(id="someone-else"),
    "event with an unknown state": lambda e: _job(e)["events"].append({"at": 1, "changes": {"state": "x"}}),
    "event with bad results": lambda e: _job(e)["events"].append({"at": 1, "changes": {"results": 5}}),
    "event at 10**30": lambda e: _job(e)["events"].append({"at": 10**30, "changes": {}}),
    "event heartbeat not a number": lambda e: _job(e)["events"].append(
        {"at": 1, "changes": {"heartbeatTimeStamp": "soon"}}
    ),
    "expiresAfter 10**20": lambda e: _job(e).update(expiresAfter=10**20),
    "expiration past 9999": lambda e: _job(e).update(
        base={**_job(e)["base"], "state": "running", "heartbeatInterval": 0},
        events=[{"at": 253_402_300_000_000, "changes": {"state": "completed"}}],
        expiresAfter=3_155_760_000_000,
    ),
    "log line not an object": lambda e: _job(e).update(log=[[1, "line"]]),
    "duplicate job": lambda e: e["jobs"].append(_job(e)),
    "job request with a huge expiresAfter": lambda e: e["jobRequests"][0]["doc"].update(expiresAfter="P1000000000D"),
    "job request name not a string": lambda e: e["jobRequests"][0]["doc"].update(name=5),
    "job definition parameters not a list": lambda e: e["jobDefinitions"][0]["doc"].update(parameters="none"),
    "resource modified 10**30": lambda e: e["jobDefinitions"][0].update(modified=10**30),
}


class TestStoreImport:
    @pytest.mark.parametrize("corruption", list(CORRUPTIONS))
    def test_an_invalid_item_is_a_400_naming_it_and_nothing_is_imported(
        self, client: TestClient, corruption: str
    ) -> None:
        client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
        before = client.get("/__admin/store").json()
        export = copy.deepcopy(before)
        export["jobs"].append(export["jobs"].pop(0))  # a valid job first, so "nothing is imported" means something
        CORRUPTIONS[corruption](export)
        started = time.monotonic()
        body = assert_sas_error(client.put("/__admin/store", json=export), 400)
        assert time.monotonic() - started < QUICK
        text = " ".join([body["message"], *body["details"]])
        part = "jobs" if "job" in corruption and "request" not in corruption and "definition" not in corruption else ""
        assert part in text and ("[" in text or "." in text), text
        assert client.get("/__admin/store").json() == before
        listed = client.get("/jobExecution/jobs")
        assert listed.status_code == 200 and listed.json()["count"] == len(before["jobs"])

    def test_errors_name_the_item(self, client: TestClient) -> None:
        export = client.get("/__admin/store").json()
        export["jobs"][2]["base"]["state"] = "sleeping"
        body = assert_sas_error(client.put("/__admin/store", json=export), 400)
        assert f"jobs[2] (id {export['jobs'][2]['id']})" in body["message"]
        assert "sleeping" in body["message"]

    def test_a_valid_export_still_imports(self, client: TestClient) -> None:
        client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
        saved = client.get("/__admin/store").json()
        assert client.post("/__admin/reset").status_code == 204
        assert client.put("/__admin/store", json=saved).status_code == 204
        assert client.get("/__admin/store").json() == saved
