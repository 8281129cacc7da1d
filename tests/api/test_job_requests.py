"""Persisted job requests, the jobs submitted from them, and job definitions, over HTTP."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START
from tests.support import assert_sas_error
from viya_mock.clock import VirtualClock

REQUEST_TYPE = "application/vnd.sas.job.execution.job.request+json"
SUMMARY_TYPE = "application/vnd.sas.summary+json"
# The "List Catalogs" request of SAS's filtered-list sample, with its two completed jobs.
LIST_CATALOGS = "3c6338bf-a2a0-4d2a-89d2-22d64ffb69e4"


def create_request(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"name": "nightly", "jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "12"}, **fields}
    response = client.post("/jobExecution/jobRequests", json=body, headers={"Content-Type": REQUEST_TYPE})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/jobExecution/jobRequests/{created['id']}"
    return created


class TestJobRequestCrud:
    def test_create_stores_the_request_as_sent_with_audit_fields_and_links(self, client: TestClient) -> None:
        created = create_request(client)
        assert created["arguments"] == {"AGE": "12"}
        assert created["version"] == 3
        assert created["creationTimeStamp"] == START
        assert [link["rel"] for link in created["links"]] == [
            "self",
            "alternate",
            "export",
            "delete",
            "update",
            "import",
            "up",
            "jobs",
            "submitJob",
        ]

    def test_a_request_without_a_definition_is_a_400(self, client: TestClient) -> None:
        assert_sas_error(client.post("/jobExecution/jobRequests", json={"name": "x"}), 400)

    def test_get_full_and_summary(self, client: TestClient) -> None:
        created = create_request(client)
        uri = f"/jobExecution/jobRequests/{created['id']}"
        full = client.get(uri, headers={"Accept": REQUEST_TYPE})
        assert full.headers["content-type"] == REQUEST_TYPE
        assert full.json() == created
        summary = client.get(uri, headers={"Accept": SUMMARY_TYPE})
        assert summary.headers["content-type"] == SUMMARY_TYPE
        assert summary.json()["type"] == "application/vnd.sas.job.execution.job.request"
        assert summary.json()["name"] == "nightly"
        head = client.head(uri, headers={"Accept": SUMMARY_TYPE})
        assert head.status_code == 200 and head.content == b""
        assert head.headers["etag"] == summary.headers["etag"]

    def test_put_replaces_with_if_match_and_keeps_the_id(self, client: TestClient, clock: VirtualClock) -> None:
        created = create_request(client)
        uri = f"/jobExecution/jobRequests/{created['id']}"
        etag = client.get(uri).headers["etag"]
        clock.advance(1_000)
        replaced = client.put(uri, json={**created, "name": "renamed"}, headers={"If-Match": etag})
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["name"] == "renamed"
        assert replaced.json()["creationTimeStamp"] == START
        assert replaced.json()["modifiedTimeStamp"] == "2026-01-05T09:00:01.000Z"
        assert_sas_error(client.put(uri, json={**created, "name": "again"}, headers={"If-Match": etag}), 412)
        assert_sas_error(client.put(uri, json={**created, "name": "again"}), 428)
        assert_sas_error(client.put(uri, json={**created, "id": "other"}, headers={"If-Match": "*"}), 400)

    def test_delete_then_404(self, client: TestClient) -> None:
        created = create_request(client)
        uri = f"/jobExecution/jobRequests/{created['id']}"
        assert client.delete(uri).status_code == 204
        assert_sas_error(client.get(uri), 404)
        assert_sas_error(client.get(f"{uri}/jobs"), 404)

    def test_the_list_sorts_by_name_by_default(self, client: TestClient) -> None:
        create_request(client, name="aaa first")
        body = client.get("/jobExecution/jobRequests").json()
        assert body["name"] == "jobRequests"
        names = [item["name"] for item in body["items"]]
        assert names == sorted(names, key=str.casefold)
        assert names[0] == "aaa first"


class TestSubmitFromRequest:
    def test_the_job_keeps_the_requests_identity(self, client: TestClient, clock: VirtualClock) -> None:
        created = create_request(client)
        clock.advance(10_000)
        response = client.post(f"/jobExecution/jobRequests/{created['id']}/jobs")
        assert response.status_code == 201, response.text
        job = response.json()
        embedded = job["jobRequest"]
        for name in ("id", "createdBy", "creationTimeStamp", "modifiedBy", "modifiedTimeStamp"):
            assert embedded[name] == created[name]
        assert embedded["arguments"] == {"_contextName": "SAS Job Execution compute context", "AGE": "12"}
        assert embedded["links"] == [
            {
                "method": "GET",
                "rel": "self",
                "href": f"/jobExecution/jobRequests/{created['id']}",
                "uri": f"/jobExecution/jobRequests/{created['id']}",
                "type": "application/vnd.sas.job.execution.job.request",
            }
        ]
        assert "jobRequest" in [link["rel"] for link in job["links"]]
        listed = client.get(f"/jobExecution/jobRequests/{created['id']}/jobs").json()
        assert [item["id"] for item in listed["items"]] == [job["id"]]

    def test_submitting_from_an_unknown_request_is_a_404(self, client: TestClient) -> None:
        assert_sas_error(client.post("/jobExecution/jobRequests/nope/jobs"), 404)

    def test_selection_submit_answers_one_to_one(self, client: TestClient) -> None:
        created = create_request(client)
        response = client.post(
            "/jobExecution/jobRequests/@selection/jobs",
            json={
                "type": "uri",
                "resources": [f"/jobExecution/jobRequests/{created['id']}", "/jobExecution/jobRequests/missing"],
            },
        )
        assert response.status_code == 201
        items = response.json()["items"]
        assert items[0]["jobRequest"]["id"] == created["id"]
        assert items[1]["httpStatusCode"] == 404

    def test_the_published_filtered_list_is_reproduced(self, client: TestClient) -> None:
        response = client.post(
            f"/jobExecution/jobRequests/{LIST_CATALOGS}/jobs",
            content="eq(state,'completed')",
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        base = f"/jobExecution/jobRequests/{LIST_CATALOGS}/jobs"
        post_link = {
            "method": "POST",
            "href": base,
            "uri": base,
            "type": "text/plain",
            "responseType": "application/vnd.sas.collection",
            "responseItemType": "application/vnd.sas.job.execution.job",
        }
        assert body["links"] == [
            {**post_link, "rel": "collection"},
            {**post_link, "rel": "self"},
            {**post_link, "rel": "up", "href": f"{base[:-5]}/", "uri": f"{base[:-5]}/"},
            {
                "method": "POST",
                "rel": "submitJob",
                "href": base,
                "uri": base,
                "responseType": "application/vnd.sas.job.execution.job",
            },
        ]
        assert (body["name"], body["accept"], body["start"], body["count"], body["limit"]) == (
            "jobs",
            "application/vnd.sas.job.execution.job",
            0,
            2,
            10,
        )
        assert [item["id"] for item in body["items"]] == [
            "2f52eecc-054b-45b0-837c-b3c21c6115a2",
            "f47d224c-5951-47df-b188-488635e04706",
        ]
        assert body["items"][0]["elapsedTime"] == 20487


class TestJobDefinitions:
    def test_crud(self, client: TestClient) -> None:
        definition = {
            "name": "Hello",
            "type": "Compute",
            "code": "%put hello &WHO;",
            "parameters": [{"name": "WHO", "type": "CHARACTER", "required": True}],
        }
        created = client.post("/jobDefinitions/definitions", json=definition)
        assert created.status_code == 201, created.text
        body = created.json()
        uri = f"/jobDefinitions/definitions/{body['id']}"
        assert created.headers["location"] == uri
        assert body["parameters"][0]["version"] == 1
        assert [link["rel"] for link in body["links"]] == ["self", "alternate", "update", "delete"]
        summary = client.get(uri, headers={"Accept": "application/vnd.sas.summary+json"}).json()
        assert summary["type"] == "application/vnd.sas.job.definition"
        head = client.head(uri)
        assert head.status_code == 200 and head.content == b"" and head.headers["etag"]
        etag = client.get(uri).headers["etag"]
        updated = client.put(uri, json={**definition, "name": "Hello again"}, headers={"If-Match": etag})
        assert updated.json()["name"] == "Hello again"
        missing = client.post("/jobExecution/jobs", json={"jobDefinitionUri": uri})
        assert "WHO" in assert_sas_error(missing, 400)["message"]
        ran = client.post("/jobExecution/jobs", json={"jobDefinitionUri": uri, "arguments": {"WHO": "world"}})
        assert ran.status_code == 201
        assert client.delete(uri).status_code == 204
        assert_sas_error(client.get(uri), 404)

    def test_the_bundled_definitions_are_listed_and_the_root_links_them(self, client: TestClient) -> None:
        listed = client.get("/jobDefinitions/definitions", params={"sortBy": "name:ascending"}).json()
        assert "Simple proc print" in [item["name"] for item in listed["items"]]
        root = client.get("/jobDefinitions/").json()
        assert root["links"][0]["href"] == "/jobDefinitions/definitions"
        assert client.head("/jobDefinitions/").status_code == 200
        assert client.head("/jobDefinitions/definitions/nope").status_code == 404
