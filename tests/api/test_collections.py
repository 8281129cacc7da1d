"""Paging, sorting and the SAS filter language on the collection operations."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI
from tests.support import assert_sas_error
from viya_mock.clock import VirtualClock


def submit_many(client: TestClient, clock: VirtualClock, names: list[str]) -> list[dict[str, Any]]:
    jobs = []
    for name in names:
        clock.advance(1_000)
        response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI, "name": name})
        jobs.append(response.json())
    return jobs


def hrefs(body: dict[str, Any]) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in body["links"]}


class TestPaging:
    def test_the_default_page_is_ten_newest_first_with_next_and_last(
        self, client: TestClient, clock: VirtualClock
    ) -> None:
        jobs = submit_many(client, clock, [f"job {n:02d}" for n in range(12)])
        body = client.get("/jobExecution/jobs").json()
        assert (body["start"], body["limit"], body["count"]) == (0, 10, 16)
        assert [item["id"] for item in body["items"][:12]] == [job["id"] for job in reversed(jobs)][:10]
        links = hrefs(body)
        assert links["self"] == "/jobExecution/jobs?start=0&limit=10"
        assert links["next"] == "/jobExecution/jobs?start=10&limit=10"
        assert links["last"] == "/jobExecution/jobs?start=10&limit=10"
        assert "prev" not in links and "first" not in links
        assert {"collection", "up", "submitJob", "submitJobs", "updateStates"} <= set(links)

    def test_the_last_page_has_prev_and_first_but_no_next(self, client: TestClient, clock: VirtualClock) -> None:
        submit_many(client, clock, ["a", "b", "c"])
        body = client.get("/jobExecution/jobs", params={"start": 5, "limit": 2}).json()
        assert len(body["items"]) == 2 and body["count"] == 7
        links = hrefs(body)
        assert links["prev"] == "/jobExecution/jobs?start=3&limit=2"
        assert links["first"] == "/jobExecution/jobs?start=0&limit=2"
        assert "next" not in links

    def test_past_the_end_is_an_empty_page(self, client: TestClient) -> None:
        body = client.get("/jobExecution/jobs", params={"start": 100}).json()
        assert body["items"] == [] and body["count"] == 4

    @pytest.mark.parametrize("params", [{"start": "-1"}, {"limit": "-5"}, {"start": "abc"}])
    def test_negative_or_non_numeric_paging_is_a_400_naming_the_value(
        self, client: TestClient, params: dict[str, str]
    ) -> None:
        body = assert_sas_error(client.get("/jobExecution/jobs", params=params), 400)
        assert next(iter(params.values())) in body["message"] + " ".join(body["details"])


class TestSorting:
    def test_sort_by_a_nested_field_ascending(self, client: TestClient, clock: VirtualClock) -> None:
        submit_many(client, clock, ["charlie", "alpha", "bravo"])
        body = client.get(
            "/jobExecution/jobs", params={"sortBy": "jobRequest.name:ascending", "filter": "isNull(jobRequest.id)"}
        ).json()
        names = [item["jobRequest"].get("name") for item in body["items"]]
        assert names[:3] == ["alpha", "bravo", "charlie"]
        assert hrefs(body)["self"].startswith("/jobExecution/jobs?filter=isNull(jobRequest.id)&sortBy=")

    def test_an_unknown_sort_field_is_a_400_naming_it(self, client: TestClient) -> None:
        body = assert_sas_error(client.get("/jobExecution/jobs", params={"sortBy": "color:ascending"}), 400)
        assert "color" in " ".join([body["message"], *body["details"]])


class TestFiltering:
    def test_filters_combine_functions_and_nested_fields(self, client: TestClient, clock: VirtualClock) -> None:
        jobs = submit_many(client, clock, ["nightly one", "nightly two", "other"])
        client.put(f"/jobExecution/jobs/{jobs[1]['id']}/state", params={"value": "completed"})
        expression = "and(eq(state,'running'),startsWith(jobRequest.name,'nightly'))"
        body = client.get("/jobExecution/jobs", params={"filter": expression}).json()
        assert [item["id"] for item in body["items"]] == [jobs[0]["id"]]
        assert body["count"] == 1

    def test_in_not_and_timestamps(self, client: TestClient, clock: VirtualClock) -> None:
        jobs = submit_many(client, clock, ["x", "y"])
        expression = (
            f"and(in(state,'running','pending'),not(eq(id,'{jobs[0]['id']}')),gt(creationTimeStamp,'2026-01-01'))"
        )
        body = client.get("/jobExecution/jobs", params={"filter": expression}).json()
        assert [item["id"] for item in body["items"]] == [jobs[1]["id"]]

    def test_the_filter_may_travel_in_a_text_body(self, client: TestClient, clock: VirtualClock) -> None:
        jobs = submit_many(client, clock, ["needle", "hay"])
        response = client.post(
            "/jobExecution/jobs", content="eq(jobRequest.name,'needle')", headers={"Content-Type": "text/plain"}
        )
        assert response.status_code == 200
        assert [item["id"] for item in response.json()["items"]] == [jobs[0]["id"]]

    def test_contains_looks_into_results(self, client: TestClient) -> None:
        body = client.get(
            "/jobExecution/jobs",
            params={"filter": "contains(results,'/files/files/9ad6e3f4-998a-4512-922b-985ffa2f35bd')"},
        ).json()
        assert [item["id"] for item in body["items"]] == ["2f52eecc-054b-45b0-837c-b3c21c6115a2"]

    @pytest.mark.parametrize("expression", ["eq(state,'running'", "bogus(state,'x')", "eq(state)", "and()"])
    def test_a_malformed_filter_is_a_400_that_says_where(self, client: TestClient, expression: str) -> None:
        body = assert_sas_error(client.get("/jobExecution/jobs", params={"filter": expression}), 400, 1104)
        assert "position" in " ".join(body["details"])

    def test_job_requests_and_definitions_filter_too(self, client: TestClient) -> None:
        requests = client.get("/jobExecution/jobRequests", params={"filter": "eq(name,'List Catalogs')"}).json()
        assert [item["name"] for item in requests["items"]] == ["List Catalogs"]
        definitions = client.get("/jobDefinitions/definitions", params={"filter": "eq(type,'casl')"}).json()
        assert [item["name"] for item in definitions["items"]] == ["CAS Audit table update"]


class TestQueryableFields:
    """Filter and sortBy follow one table of fields per collection."""

    @pytest.mark.parametrize(
        ("path", "params"),
        [
            ("/jobExecution/jobs", {"filter": "eq(nosuchfield,'x')"}),
            ("/jobExecution/jobs", {"sortBy": "nosuchfield:ascending"}),
            ("/jobExecution/jobRequests", {"filter": "eq(nosuchfield,'x')"}),
            ("/jobExecution/jobRequests", {"sortBy": "nosuchfield"}),
            ("/jobDefinitions/definitions", {"filter": "and(eq(name,'x'),eq(nosuchfield,'x'))"}),
            ("/jobDefinitions/definitions", {"sortBy": "name,nosuchfield:descending"}),
            ("/files/files", {"filter": "contains(nosuchfield,'x')"}),
            ("/files/files", {"sortBy": "nosuchfield"}),
        ],
    )
    def test_an_unknown_field_is_the_same_400_in_a_filter_and_in_sortby(
        self, client: TestClient, path: str, params: dict[str, str]
    ) -> None:
        body = assert_sas_error(client.get(path, params=params), 400)
        assert "'nosuchfield' is not a field that" in body["message"]
        assert any(detail.startswith("fields: ") and "createdBy" in detail for detail in body["details"])

    def test_a_filter_in_the_body_follows_the_same_table(self, client: TestClient) -> None:
        response = client.post(
            "/jobExecution/jobs", content="eq(nosuchfield,'x')", headers={"Content-Type": "text/plain"}
        )
        assert "'nosuchfield' is not a field that jobs" in assert_sas_error(response, 400)["message"]

    def test_jobs_are_filtered_and_sorted_by_name_the_name_of_their_request(
        self, client: TestClient, clock: VirtualClock
    ) -> None:
        submit_many(client, clock, ["myJob b", "other", "myJob a"])
        response = client.get("/jobExecution/jobs", params={"filter": "startsWith(name, 'myJob')", "sortBy": "name"})
        assert [job["jobRequest"]["name"] for job in response.json()["items"]] == ["myJob a", "myJob b"]

    def test_startswith_name_works_on_a_job_requests_jobs_as_its_page_shows(self, client: TestClient) -> None:
        created = client.post(
            "/jobExecution/jobRequests", json={"name": "myJob nightly", "jobDefinitionUri": PROC_PRINT_URI}
        ).json()
        client.post(f"/jobExecution/jobRequests/{created['id']}/jobs")
        response = client.post(
            f"/jobExecution/jobRequests/{created['id']}/jobs",
            content="startsWith(name, 'myJob')",
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 200 and response.json()["count"] == 1

    def test_an_argument_of_a_job_is_a_field(self, client: TestClient) -> None:
        client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "41"}})
        body = client.get("/jobExecution/jobs", params={"filter": "eq(jobRequest.arguments.AGE,'41')"}).json()
        assert body["count"] == 1 and body["items"][0]["jobRequest"]["arguments"]["AGE"] == "41"
