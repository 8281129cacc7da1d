"""The jobs resource over HTTP, as a client sees it (responses validated against the document)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START
from tests.support import assert_sas_error
from viya_mock.clock import VirtualClock

JOB_TYPE = "application/vnd.sas.job.execution.job+json"
REQUEST_TYPE = "application/vnd.sas.job.execution.job.request+json"
COLLECTION_TYPE = "application/vnd.sas.collection+json"
# A job that the bundled fixtures hold in the running state (SAS's "Submit a job request" sample).
RUNNING_JOB = "f9dbe76c-1a13-491e-b1e4-eda2219a2320"
# A completed job from the fixtures (SAS's "Update or replace an existing job" sample).
COMPLETED_JOB = "859ad72d-5fa2-470c-9d43-f7a65829ae5f"


def submit(client: TestClient, body: dict[str, Any] | None = None, **params: str) -> dict[str, Any]:
    response = client.post(
        "/jobExecution/jobs",
        json=body if body is not None else {"jobDefinitionUri": PROC_PRINT_URI},
        params=params,
        headers={"Accept": JOB_TYPE},
    )
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


def rels(links: list[dict[str, Any]]) -> list[str]:
    return [entry["rel"] for entry in links]


class TestSubmit:
    def test_a_job_from_a_definition_uri_is_created_running_with_location(self, client: TestClient) -> None:
        response = client.post(
            "/jobExecution/jobs",
            json={"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "14"}, "name": "proc print example"},
            headers={"Content-Type": REQUEST_TYPE, "Accept": JOB_TYPE},
        )
        assert response.status_code == 201
        assert response.headers["content-type"] == JOB_TYPE
        job = response.json()
        assert response.headers["location"] == f"/jobExecution/jobs/{job['id']}"
        assert len(job["id"]) == 36
        assert job["state"] == "running"
        assert job["version"] == 4
        assert job["createdBy"] == job["modifiedBy"] == "sasdemo"
        assert job["creationTimeStamp"] == job["modifiedTimeStamp"] == START
        assert job["results"] == {}
        assert job["elapsedTime"] == 0
        assert "endTimeStamp" not in job
        assert response.headers["etag"].startswith('"')
        assert response.headers["last-modified"] == "Mon, 05 Jan 2026 09:00:00 GMT"

    def test_the_embedded_request_has_the_resolved_definition_and_merged_arguments(self, client: TestClient) -> None:
        job = submit(client, {"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "14", "extra": "x"}})
        request = job["jobRequest"]
        assert request["jobDefinitionUri"] == PROC_PRINT_URI
        assert request["jobDefinition"]["name"] == "Simple proc print"
        assert rels(request["jobDefinition"]["links"]) == ["self", "alternate", "update", "delete"]
        assert request["arguments"] == {
            "_contextName": "SAS Job Execution compute context",
            "AGE": "14",
            "extra": "x",
        }
        assert request["createdByApplication"] == "jobExecution"
        assert request["version"] == 3

    def test_links_are_those_of_the_published_sample(self, client: TestClient) -> None:
        job = submit(client)
        uri = f"/jobExecution/jobs/{job['id']}"
        assert job["links"] == [
            {"method": "GET", "rel": "self", "href": uri, "uri": uri, "type": "application/vnd.sas.job.execution.job"},
            {"method": "GET", "rel": "state", "href": f"{uri}/state", "uri": f"{uri}/state", "type": "text/plain"},
            {
                "method": "PUT",
                "rel": "update",
                "href": uri,
                "uri": uri,
                "type": "application/vnd.sas.job.execution.job",
                "responseType": "application/vnd.sas.job.execution.job",
            },
            {"method": "DELETE", "rel": "delete", "href": uri, "uri": uri},
            {
                "method": "PUT",
                "rel": "updateState",
                "href": f"{uri}/state",
                "uri": f"{uri}/state",
                "type": "text/plain",
            },
            {
                "method": "POST",
                "rel": "updateHeartbeatTimeStamp",
                "href": f"{uri}/heartbeatTimeStamp",
                "uri": f"{uri}/heartbeatTimeStamp",
                "type": "text/plain",
            },
            {
                "method": "GET",
                "rel": "jobDefinition",
                "href": PROC_PRINT_URI,
                "uri": PROC_PRINT_URI,
                "type": "application/vnd.sas.job.definition",
            },
        ]

    def test_an_embedded_definition_runs_without_a_uri(self, client: TestClient) -> None:
        job = submit(
            client,
            {
                "name": "Airflow_task",
                "jobDefinition": {"type": "Compute", "code": "data _null_; run;"},
                "arguments": {"_contextName": "SAS Job Execution compute context"},
            },
        )
        assert job["jobRequest"]["jobDefinition"] == {"type": "Compute", "code": "data _null_; run;"}
        assert "jobDefinition" not in rels(job["links"])

    def test_definition_defaults_fill_missing_arguments_and_null_defaults_are_dropped(self, client: TestClient) -> None:
        definition = {
            "type": "Compute",
            "code": "%put &A &B;",
            "parameters": [
                {"name": "A", "defaultValue": "1", "required": False},
                {"name": "B", "defaultValue": None, "required": False},
            ],
        }
        job = submit(client, {"jobDefinition": definition})
        assert job["jobRequest"]["arguments"] == {"A": "1"}

    def test_a_missing_required_argument_is_a_400(self, client: TestClient) -> None:
        definition = {"type": "casl", "code": "x", "parameters": [{"name": "%VAR-expireDate", "required": True}]}
        response = client.post("/jobExecution/jobs", json={"jobDefinition": definition})
        body = assert_sas_error(response, 400)
        assert "%VAR-expireDate" in body["message"]

    def test_neither_uri_nor_definition_is_a_400(self, client: TestClient) -> None:
        body = assert_sas_error(client.post("/jobExecution/jobs", json={"name": "nothing to run"}), 400)
        assert "jobDefinitionUri" in body["message"]

    def test_an_unknown_definition_uri_is_a_400(self, client: TestClient) -> None:
        response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": "/jobDefinitions/definitions/nope"})
        body = assert_sas_error(response, 400)
        assert "/jobDefinitions/definitions/nope" in body["message"]

    def test_submitter_becomes_submitted_by_application(self, client: TestClient) -> None:
        assert submit(client, submitter="workflow")["submittedByApplication"] == "workflow"

    def test_created_by_application_is_used_without_a_submitter(self, client: TestClient) -> None:
        job = submit(client, {"jobDefinitionUri": PROC_PRINT_URI, "createdByApplication": "jobrequestui"})
        assert job["submittedByApplication"] == "jobrequestui"

    @pytest.mark.parametrize("submitter", ["has space", "under_score", "x" * 65])
    def test_a_bad_submitter_is_a_400_naming_the_parameter(self, client: TestClient, submitter: str) -> None:
        response = client.post(
            "/jobExecution/jobs", params={"submitter": submitter}, json={"jobDefinitionUri": PROC_PRINT_URI}
        )
        assert_sas_error(response, 400)

    def test_a_bad_created_by_application_is_a_400(self, client: TestClient) -> None:
        body = {"jobDefinitionUri": PROC_PRINT_URI, "createdByApplication": "no!"}
        assert_sas_error(client.post("/jobExecution/jobs", json=body), 400)

    def test_a_malformed_expires_after_is_a_400(self, client: TestClient) -> None:
        body = {"jobDefinitionUri": PROC_PRINT_URI, "expiresAfter": "one hour"}
        assert "expiresAfter" in assert_sas_error(client.post("/jobExecution/jobs", json=body), 400)["message"]

    def test_malformed_json_is_a_sas_400_not_a_500(self, client: TestClient) -> None:
        response = client.post("/jobExecution/jobs", content=b"{", headers={"Content-Type": "application/json"})
        assert_sas_error(response, 400)

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("POST", "/jobExecution/jobs"),
            ("PUT", "/jobExecution/jobs/@selection/state"),
            ("PUT", f"/jobExecution/jobs/{RUNNING_JOB}"),
        ],
    )
    def test_a_body_that_is_not_utf8_is_a_400(self, client: TestClient, method: str, path: str) -> None:
        response = client.request(
            method, path, content=b"\xa5\x01", headers={"Content-Type": "application/json", "If-Match": "*"}
        )
        assert "UTF-8" in assert_sas_error(response, 400)["message"]

    def test_an_unsupported_media_type_is_a_415(self, client: TestClient) -> None:
        response = client.post("/jobExecution/jobs", content=b"<job/>", headers={"Content-Type": "application/xml"})
        assert_sas_error(response, 415)

    def test_plain_json_is_answered_when_asked_for(self, client: TestClient) -> None:
        response = client.post(
            "/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}, headers={"Accept": "application/json"}
        )
        assert response.headers["content-type"] == "application/json"


class TestGetAndHead:
    def test_get_returns_the_job_with_etag_and_last_modified(self, client: TestClient, clock: VirtualClock) -> None:
        job = submit(client)
        clock.advance(2_500)
        response = client.get(f"/jobExecution/jobs/{job['id']}")
        assert response.status_code == 200
        assert response.headers["content-type"] == JOB_TYPE
        assert response.json()["elapsedTime"] == 2_500
        assert response.headers["etag"]
        assert response.headers["last-modified"]

    def test_a_fixture_job_renders_as_the_sample_with_derived_elapsed_time(self, client: TestClient) -> None:
        job = client.get(f"/jobExecution/jobs/{COMPLETED_JOB}").json()
        assert job["state"] == "completed"
        assert job["endTimeStamp"] == "2022-04-07T20:00:03.975Z"
        assert job["modifiedTimeStamp"] == "2022-04-07T20:00:03.977Z"
        assert job["elapsedTime"] == 1637
        assert job["logLocation"] == "/files/files/4e5356eb-5b9e-45e4-bc11-7c865a4e14db"
        assert rels(job["links"])[-1] == "log"

    def test_an_unknown_job_is_a_404(self, client: TestClient) -> None:
        assert_sas_error(client.get("/jobExecution/jobs/nope"), 404)

    def test_head_mirrors_get_headers_without_a_body(self, client: TestClient) -> None:
        job = submit(client)
        get = client.get(f"/jobExecution/jobs/{job['id']}")
        head = client.head(f"/jobExecution/jobs/{job['id']}")
        assert head.status_code == 200
        assert head.content == b""
        for name in ("etag", "last-modified", "content-type", "content-length"):
            assert head.headers[name] == get.headers[name]

    def test_head_of_an_unknown_job_is_a_404(self, client: TestClient) -> None:
        assert client.head("/jobExecution/jobs/nope").status_code == 404


class TestState:
    def test_get_state_is_one_word_of_text(self, client: TestClient) -> None:
        job = submit(client)
        response = client.get(f"/jobExecution/jobs/{job['id']}/state")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == "running"

    def test_the_value_parameter_wins_over_the_body(self, client: TestClient) -> None:
        job = submit(client)
        response = client.put(
            f"/jobExecution/jobs/{job['id']}/state",
            params={"value": "canceled"},
            content="completed",
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 200
        assert response.text == "canceled"

    def test_the_body_sets_the_state_without_a_value(self, client: TestClient, clock: VirtualClock) -> None:
        job = submit(client)
        clock.advance(1_000)
        response = client.put(
            f"/jobExecution/jobs/{job['id']}/state", content="completed", headers={"Content-Type": "text/plain"}
        )
        assert response.text == "completed"
        done = client.get(f"/jobExecution/jobs/{job['id']}").json()
        assert done["endTimeStamp"] == "2026-01-05T09:00:01.000Z"
        assert done["elapsedTime"] == 1_000
        clock.advance(60_000)
        assert client.get(f"/jobExecution/jobs/{job['id']}").json()["elapsedTime"] == 1_000

    def test_neither_value_nor_body_is_31505(self, client: TestClient) -> None:
        job = submit(client)
        assert_sas_error(client.put(f"/jobExecution/jobs/{job['id']}/state"), 400, 31505)

    def test_an_unknown_state_is_31506(self, client: TestClient) -> None:
        job = submit(client)
        assert_sas_error(client.put(f"/jobExecution/jobs/{job['id']}/state", params={"value": "paused"}), 400, 31506)

    @pytest.mark.parametrize("ended", ["completed", "failed", "canceled", "timedOut"])
    def test_an_ended_job_cannot_change_state_31501(self, client: TestClient, ended: str) -> None:
        job = submit(client)
        assert client.put(f"/jobExecution/jobs/{job['id']}/state", params={"value": ended}).status_code == 200
        response = client.put(f"/jobExecution/jobs/{job['id']}/state", params={"value": "running"})
        assert_sas_error(response, 405, 31501)

    def test_a_running_job_cannot_go_back_to_pending(self, client: TestClient) -> None:
        job = submit(client)
        assert_sas_error(client.put(f"/jobExecution/jobs/{job['id']}/state", params={"value": "pending"}), 409)

    def test_state_of_an_unknown_job_is_a_404(self, client: TestClient) -> None:
        assert_sas_error(client.put("/jobExecution/jobs/nope/state", params={"value": "canceled"}), 404)

    def test_head_state_has_no_body(self, client: TestClient) -> None:
        job = submit(client)
        head = client.head(f"/jobExecution/jobs/{job['id']}/state")
        assert head.status_code == 200 and head.content == b""


class TestSelectionState:
    def test_items_answer_one_to_one_with_summaries_and_errors(self, client: TestClient) -> None:
        first, second = submit(client), submit(client)
        resources = [
            f"/jobExecution/jobs/{first['id']}",
            "/jobExecution/jobs/does-not-exist",
            f"/jobExecution/jobs/{COMPLETED_JOB}",
            f"/jobExecution/jobs/{second['id']}",
        ]
        response = client.put(
            "/jobExecution/jobs/@selection/state",
            params={"value": "canceled"},
            json={"version": 1, "type": "uri", "resources": resources},
            headers={"Content-Type": "application/vnd.sas.selection+json"},
        )
        assert response.status_code == 200
        items = response.json()["items"]
        assert [item.get("id") for item in items] == [first["id"], None, None, second["id"]]
        assert items[0]["type"] == "application/vnd.sas.job.execution.job"
        assert items[1]["httpStatusCode"] == 404
        assert (items[2]["httpStatusCode"], items[2]["errorCode"]) == (405, 31501)
        assert client.get(f"/jobExecution/jobs/{second['id']}/state").text == "canceled"

    def test_no_value_is_31505(self, client: TestClient) -> None:
        response = client.put("/jobExecution/jobs/@selection/state", json={"type": "uri", "resources": []})
        assert_sas_error(response, 400, 31505)

    def test_a_selection_of_ids_is_a_400(self, client: TestClient) -> None:
        response = client.put(
            "/jobExecution/jobs/@selection/state", params={"value": "canceled"}, json={"type": "id", "resources": ["a"]}
        )
        assert_sas_error(response, 400)


class TestProviderUpdate:
    def _put(self, client: TestClient, job_id: str, body: dict[str, Any], **headers: str) -> Any:
        return client.put(f"/jobExecution/jobs/{job_id}", json=body, headers=headers)

    def test_if_match_with_the_current_etag_updates_the_job(self, client: TestClient, clock: VirtualClock) -> None:
        job = submit(client)
        etag = client.get(f"/jobExecution/jobs/{job['id']}").headers["etag"]
        clock.advance(4_000)
        body = {
            **job,
            "state": "completed",
            "results": {"_webout.json": "/files/files/abc"},
            "logLocation": "/files/files/log1",
        }
        response = self._put(client, job["id"], body, **{"If-Match": etag})
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["state"] == "completed"
        assert updated["results"] == {"_webout.json": "/files/files/abc"}
        assert updated["endTimeStamp"] == updated["modifiedTimeStamp"] == "2026-01-05T09:00:04.000Z"
        assert rels(updated["links"])[-1] == "log"
        assert response.headers["etag"] != etag

    def test_if_unmodified_since_works_without_if_match(self, client: TestClient) -> None:
        job = submit(client)
        last_modified = client.get(f"/jobExecution/jobs/{job['id']}").headers["last-modified"]
        response = self._put(
            client, job["id"], {"stateDetails": "warming up"}, **{"If-Unmodified-Since": last_modified}
        )
        assert response.status_code == 200
        assert response.json()["stateDetails"] == "warming up"

    def test_no_precondition_is_a_428(self, client: TestClient) -> None:
        job = submit(client)
        assert_sas_error(self._put(client, job["id"], {"state": "completed"}), 428)

    def test_a_stale_etag_is_a_412(self, client: TestClient) -> None:
        job = submit(client)
        assert_sas_error(self._put(client, job["id"], {"state": "completed"}, **{"If-Match": '"stale"'}), 412)

    def test_a_stale_if_unmodified_since_is_a_412(self, client: TestClient) -> None:
        job = submit(client)
        old = "Thu, 01 Jan 2026 00:00:00 GMT"
        assert_sas_error(self._put(client, job["id"], {"state": "completed"}, **{"If-Unmodified-Since": old}), 412)

    def test_a_different_id_in_the_body_is_a_400(self, client: TestClient) -> None:
        job = submit(client)
        response = self._put(client, job["id"], {"id": "other"}, **{"If-Match": "*"})
        assert "other" in assert_sas_error(response, 400)["message"]

    def test_an_ended_job_cannot_be_updated_31501(self, client: TestClient) -> None:
        response = self._put(client, COMPLETED_JOB, {"state": "completed"}, **{"If-Match": "*"})
        assert_sas_error(response, 405, 31501)


class TestHeartbeat:
    def test_a_new_job_has_its_first_heartbeat_at_creation(self, client: TestClient) -> None:
        job = submit(client)
        assert job["heartbeatInterval"] == 600
        response = client.get(f"/jobExecution/jobs/{job['id']}/heartbeatTimeStamp")
        assert response.text == START

    def test_post_stamps_the_time_of_receipt(self, client: TestClient, clock: VirtualClock) -> None:
        job = submit(client)
        clock.advance(3_000)
        response = client.post(f"/jobExecution/jobs/{job['id']}/heartbeatTimeStamp", content="ignored")
        assert response.status_code == 200
        assert response.text == "2026-01-05T09:00:03.000Z"
        refreshed = client.get(f"/jobExecution/jobs/{job['id']}").json()
        assert refreshed["heartbeatTimeStamp"] == "2026-01-05T09:00:03.000Z"
        assert refreshed["modifiedTimeStamp"] == START

    def test_a_job_without_heartbeats_answers_204(self, client: TestClient) -> None:
        # The 2018 sample job has a heartbeat interval of 0 and no heartbeat timestamp.
        assert client.get(f"/jobExecution/jobs/{RUNNING_JOB}/heartbeatTimeStamp").status_code == 204

    def test_head_heartbeat_has_no_body(self, client: TestClient) -> None:
        job = submit(client)
        head = client.head(f"/jobExecution/jobs/{job['id']}/heartbeatTimeStamp")
        assert head.status_code == 200 and head.content == b""


class TestExpiration:
    def test_before_completion_it_is_31503(self, client: TestClient) -> None:
        job = submit(client)
        response = client.put(
            f"/jobExecution/jobs/{job['id']}/expirationTimeStamp", params={"value": "2026-02-01T00:00:00.000Z"}
        )
        assert_sas_error(response, 409, 31503)

    def test_a_malformed_timestamp_is_31504(self, client: TestClient) -> None:
        response = client.put(f"/jobExecution/jobs/{COMPLETED_JOB}/expirationTimeStamp", params={"value": "tomorrow"})
        assert_sas_error(response, 400, 31504)

    def test_setting_answers_the_timestamp_and_clearing_answers_204(self, client: TestClient) -> None:
        uri = f"/jobExecution/jobs/{COMPLETED_JOB}/expirationTimeStamp"
        assert client.get(uri).status_code == 204
        response = client.put(uri, params={"value": "2027-04-07T23:59:31.570Z"})
        assert (response.status_code, response.text) == (200, "2027-04-07T23:59:31.570Z")
        assert client.get(uri).text == "2027-04-07T23:59:31.570Z"
        assert (
            client.get(f"/jobExecution/jobs/{COMPLETED_JOB}").json()["expirationTimeStamp"]
            == "2027-04-07T23:59:31.570Z"
        )
        assert client.put(uri, params={"value": ""}).status_code == 204
        assert client.get(uri).status_code == 204
        assert client.head(uri).status_code == 204

    def test_expires_after_sets_the_expiration_on_completion_and_the_job_then_goes(
        self, client: TestClient, clock: VirtualClock
    ) -> None:
        job = submit(client, {"jobDefinitionUri": PROC_PRINT_URI, "expiresAfter": "PT1H"})
        client.put(f"/jobExecution/jobs/{job['id']}/state", params={"value": "completed"})
        done = client.get(f"/jobExecution/jobs/{job['id']}").json()
        assert done["expirationTimeStamp"] == "2026-01-05T10:00:00.000Z"
        clock.advance(3_600_000)
        assert_sas_error(client.get(f"/jobExecution/jobs/{job['id']}"), 404)


class TestDelete:
    def test_delete_removes_the_job_and_its_log(self, client: TestClient) -> None:
        log = "/files/files/4e5356eb-5b9e-45e4-bc11-7c865a4e14db"
        assert client.get(f"{log}/content").status_code == 200
        assert client.delete(f"/jobExecution/jobs/{COMPLETED_JOB}").status_code == 204
        assert_sas_error(client.get(f"/jobExecution/jobs/{COMPLETED_JOB}"), 404)
        assert_sas_error(client.get(f"{log}/content"), 404)
        assert_sas_error(client.delete(f"/jobExecution/jobs/{COMPLETED_JOB}"), 404)


class TestRoutes:
    def test_an_unknown_route_is_a_sas_404(self, client: TestClient) -> None:
        assert "path: /nowhere" in assert_sas_error(client.get("/nowhere"), 404)["details"]

    def test_a_method_the_path_lacks_is_a_sas_405(self, client: TestClient) -> None:
        assert_sas_error(client.delete("/jobExecution/jobs"), 405)

    def test_an_unknown_query_parameter_is_a_400(self, client: TestClient) -> None:
        assert "bogus" in assert_sas_error(client.get("/jobExecution/jobs", params={"bogus": "1"}), 400)["message"]

    def test_the_root_lists_the_collections(self, client: TestClient) -> None:
        root = client.get("/jobExecution/", headers={"Accept": "application/vnd.sas.api+json"})
        assert root.headers["content-type"] == "application/vnd.sas.api+json"
        assert rels(root.json()["links"]) == ["jobs", "create", "jobRequests"]
        assert client.head("/jobExecution/").status_code == 200


def test_sasjs_submit_with_action_wait_and_an_embedded_definition_is_created(client: TestClient) -> None:
    """@sasjs/adapter's JES executor: `POST /jobExecution/jobs?_action=wait` with the fetched definition inside."""
    definition = client.get(PROC_PRINT_URI).json()
    body = {
        "name": "exec-print",
        "description": "Powered by SASjs",
        "jobDefinition": definition,
        "arguments": {"_contextName": "SAS Job Execution compute context", "_OMITJSONLOG": "true"},
    }
    response = client.post("/jobExecution/jobs", params={"_action": "wait"}, json=body)
    assert response.status_code == 201, response.text
    job = response.json()
    state = next(link for link in job["links"] if link["rel"] == "state")
    assert client.get(state["href"], params={"_action": "wait", "wait": 0}).text in ("pending", "running")
