"""The Job Execution web application, `/SASJobExecution/`, as web apps call it: a program by path or definition,
fields as macro variables, tables and files in, `_webout` out, and the job visible through the REST API.

A page waits for its program, so most of these run on a real clock (the programs take simulated milliseconds);
on a virtual clock the wait follows virtual time, which the last tests show.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import START_MS
from tests.support import ADMIN_HEADERS
from viya_mock.app import create_app
from viya_mock.clock import VirtualClock
from viya_mock.settings import Settings

DEMO = "/Public/app/viya-mock/common"
SEND_TABLES = "/jobDefinitions/definitions/0b6f3a52-1c4d-4e8a-9f21-7d3c5b9a0e01"
PEOPLE = 'name:$char8. age:best.\r\nAlfred,14\r\n"Smith, J",.'


@pytest.fixture(scope="module")
def real_app() -> Any:
    return create_app(Settings(seed=7, validate_responses=True, max_wait=5))


@pytest.fixture
def web(real_app: Any) -> Iterator[TestClient]:
    real_app.container.reset()
    with TestClient(real_app, headers=ADMIN_HEADERS) as client:
        yield client


def job_of(client: TestClient, answer: Any) -> dict[str, Any]:
    job: dict[str, Any] = client.get(f"/jobExecution/jobs/{answer.headers['x-sas-jobexec-id']}").json()
    return job


class TestRunning:
    def test_a_program_by_path_answers_its_html_with_fields_as_macro_variables(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello", "NAME": "Ada"})
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert "<h1>Hello, Ada!</h1>" in answer.text
        assert "x-sas-jobexec-error" not in answer.headers

    def test_the_job_it_ran_is_visible_through_the_rest_api(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello", "_action": "execute"})
        job = job_of(web, answer)
        assert job["state"] == "completed"
        assert job["submittedByApplication"] == "SASJobExecution"
        assert job["jobRequest"]["arguments"]["_program"] == f"{DEMO}/hello"
        assert (
            job["jobRequest"]["jobDefinitionUri"] == "/jobDefinitions/definitions/0b6f3a52-1c4d-4e8a-9f21-7d3c5b9a0e03"
        )
        webout = web.get(job["results"]["_webout.json"] + "/content")
        assert webout.content == answer.content

    def test_sasjs_tables_in_a_multipart_form_come_back_as_json(self, web: TestClient) -> None:
        # As @sasjs/adapter's web-runner mode sends it: __program beside a doubled _job, tables as form fields.
        query = f"__program={DEMO}/sendTables&_job={SEND_TABLES}&_job={SEND_TABLES}"
        form = {"sasjs1data": (None, PEOPLE), "sasjs_tables": (None, "people")}
        answer = web.post(f"/SASJobExecution/?{query}", files=form)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        document = answer.json()
        assert document["people"] == [{"NAME": "Alfred", "AGE": 14}, {"NAME": "Smith, J", "AGE": None}]
        assert document["_PROGRAM"] == f"{DEMO}/sendTables"
        assert document["SYS_JES_JOB_URI"] == f"/jobExecution/jobs/{answer.headers['x-sas-jobexec-id']}"

    def test_uploaded_files_are_stored_in_files_and_named_by_webin_variables(self, web: TestClient) -> None:
        form = {"people": ("people.csv", PEOPLE.encode(), "application/csv")}
        answer = web.post("/SASJobExecution/", params={"_program": f"{DEMO}/sendArrays"}, files=form)
        assert answer.json()["people"] == [["Alfred", 14], ["Smith, J", None]]
        arguments = job_of(web, answer)["jobRequest"]["arguments"]
        assert (arguments["_WEBIN_FILE_COUNT"], arguments["_WEBIN_NAME1"], arguments["_WEBIN_NAME"]) == (
            "1",
            "people",
            "people",
        )
        assert arguments["_WEBIN_FILENAME1"] == "people.csv"
        stored = web.get(arguments["_WEBIN_FILEURI1"] + "/content")
        assert stored.content == PEOPLE.encode()

    def test_an_urlencoded_form_and_repeated_fields(self, web: TestClient) -> None:
        body = f"_program={DEMO}/hello&NAME=Grace&COLOR=red&COLOR=blue"
        answer = web.post(
            "/SASJobExecution/", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert "Hello, Grace!" in answer.text
        arguments = job_of(web, answer)["jobRequest"]["arguments"]
        assert [arguments[k] for k in ("COLOR", "COLOR0", "COLOR1", "COLOR2")] == ["red", "2", "red", "blue"]

    def test_a_definition_uri_alone_runs_it(self, web: TestClient) -> None:
        answer = web.get(
            "/SASJobExecution/", params={"_job": "/jobDefinitions/definitions/0b6f3a52-1c4d-4e8a-9f21-7d3c5b9a0e03"}
        )
        assert "Hello, World!" in answer.text

    def test_output_type_names_the_answers_type(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello", "_output_type": "text"})
        assert answer.headers["content-type"] == "text/plain; charset=utf-8"

    def test_debug_log_adds_the_log(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello", "_debug": "log"})
        assert "Hello, World!" in answer.text and "<pre>" in answer.text and "data _null_;" in answer.text

    def test_a_failing_program_names_its_error_in_a_header_and_shows_its_log(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/makeError"})
        assert answer.status_code == 200
        assert answer.headers["x-sas-jobexec-error"] == "The SAS program ended with errors (SYSCC=8)."
        assert "ERROR: The demo program failed on purpose." in answer.text
        assert job_of(web, answer)["state"] == "failed"

    def test_background_submits_and_answers_at_once(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello", "_action": "background"})
        assert answer.status_code == 202 and answer.headers["x-sas-jobexec-id"] in answer.text

    def test_a_scenario_can_script_a_programs_webout_by_its_path(self, web: TestClient) -> None:
        scenario = {
            "name": "scripted-send",
            "match": {"arguments": {"_program": "*/common/sendTables"}},
            "compute": {"webout": json.dumps({"scripted": True})},
        }
        assert web.post("/__admin/scenarios", json=scenario).status_code in (200, 201)
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/sendTables"})
        assert answer.json() == {"scripted": True}

    def test_a_scenario_can_fail_a_program_by_its_path(self, web: TestClient) -> None:
        scenario = {
            "name": "scripted-failure",
            "match": {"arguments": {"_program": "*/common/hello"}},
            "compute": {"state": "error", "log": [{"type": "error", "line": "ERROR: The database is down."}]},
        }
        assert web.post("/__admin/scenarios", json=scenario).status_code in (200, 201)
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello"})
        assert "x-sas-jobexec-error" in answer.headers and "ERROR: The database is down." in answer.text
        assert job_of(web, answer)["state"] == "failed"

    def test_a_scenario_can_time_a_program_by_its_path(self, web: TestClient) -> None:
        scenario = {
            "name": "scripted-timing",
            "match": {"arguments": {"_program": "*/common/hello"}},
            "compute": {"webout": "<p>slow</p>", "duration": "PT0.3S"},
        }
        assert web.post("/__admin/scenarios", json=scenario).status_code in (200, 201)
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello"})
        assert answer.text == "<p>slow</p>"
        job = job_of(web, answer)
        assert job["elapsedTime"] >= 300


class TestRefusals:
    def test_no_program_is_a_400(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"NAME": "x"})
        assert answer.status_code == 400 and "names no program" in answer.json()["message"]

    def test_an_unknown_program_is_a_404(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/nothing"})
        assert answer.status_code == 404
        assert answer.json()["message"].startswith(f"The program {DEMO}/nothing was not found")

    def test_an_unknown_definition_is_a_400(self, web: TestClient) -> None:
        assert web.get("/SASJobExecution/", params={"_job": "/jobDefinitions/definitions/nope"}).status_code == 400

    def test_an_unsupported_action_is_a_400_naming_the_supported_ones(self, web: TestClient) -> None:
        answer = web.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello", "_action": "form"})
        assert answer.status_code == 400 and "background, execute, nohistory, wait" in answer.json()["message"]

    def test_a_broken_multipart_body_is_a_400(self, web: TestClient) -> None:
        headers = {"Content-Type": "multipart/form-data"}
        answer = web.post(f"/SASJobExecution/?_program={DEMO}/hello", content=b"--x\r\n", headers=headers)
        assert answer.status_code == 400


class TestVirtualTime:
    def test_on_a_virtual_clock_the_job_ends_when_time_passes_its_program(
        self, client: TestClient, clock: VirtualClock
    ) -> None:
        answer = client.get("/SASJobExecution/", params={"_program": f"{DEMO}/hello", "_action": "background"})
        job_uri = f"/jobExecution/jobs/{answer.headers['x-sas-jobexec-id']}"
        assert client.get(job_uri).json()["state"] == "running"
        clock.set(START_MS + 1_000)
        assert client.get(job_uri).json()["state"] == "completed"
