"""Job definitions as python-sasctl's definition calls use them (create, find by name, update, delete)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import assert_sas_error

DEFINITION_TYPE = "application/vnd.sas.job.definition+json"
# What sasctl's create_definition sends (python-sasctl dev-jobexecution job_definitions.py): unset members as null.
SASCTL_DEFINITION: dict[str, Any] = {
    "version": 2,
    "name": "sasctl definition",
    "description": None,
    "type": "Compute",
    "code": "proc print data=sashelp.class(where=(age>&AGE)); run;",
    "parameters": [
        {"version": 1, "name": "AGE", "type": "NUMERIC", "label": "Age", "required": False, "defaultValue": "14"},
        {"version": 1, "name": "DATA", "type": "TABLE", "label": None, "required": True, "defaultValue": None},
        {"version": 1, "name": "ASOF", "type": "DATE", "label": None, "required": False, "defaultValue": None},
    ],
    "properties": [{"name": "owner", "value": "tests"}],
}


def create(client: TestClient, body: dict[str, Any], content_type: str = "application/json") -> Any:
    response = client.post(
        "/jobDefinitions/definitions", json=body, headers={"Accept": DEFINITION_TYPE, "Content-Type": content_type}
    )
    assert response.status_code == 201, response.text
    return response


class TestCreate:
    @pytest.mark.parametrize("content_type", ["application/json", DEFINITION_TYPE])
    def test_sasctls_definition_is_created_with_either_media_type(self, client: TestClient, content_type: str) -> None:
        response = create(client, SASCTL_DEFINITION, content_type)
        body = response.json()
        assert response.headers["content-type"] == DEFINITION_TYPE
        assert response.headers["location"] == f"/jobDefinitions/definitions/{body['id']}"
        assert response.headers["etag"] and response.headers["last-modified"]
        assert body["createdBy"] == "sasdemo" and body["version"] == 2

    def test_members_sent_as_null_are_left_out_and_typed_parameters_kept(self, client: TestClient) -> None:
        body = create(client, SASCTL_DEFINITION).json()
        assert "description" not in body
        assert body["parameters"][1] == {"version": 1, "name": "DATA", "type": "TABLE", "required": True}
        assert [p["type"] for p in body["parameters"]] == ["NUMERIC", "TABLE", "DATE"]
        assert body["properties"] == [{"name": "owner", "value": "tests"}]

    def test_a_parameter_type_sasctl_would_refuse_is_a_400(self, client: TestClient) -> None:
        bad = {**SASCTL_DEFINITION, "parameters": [{"name": "X", "type": "STRING"}]}
        response = client.post("/jobDefinitions/definitions", json=bad)
        assert "STRING" in assert_sas_error(response, 400)["message"]


class TestFind:
    def test_by_name_with_sasctls_double_quoted_filter(self, client: TestClient) -> None:
        created = create(client, SASCTL_DEFINITION).json()
        body = client.get("/jobDefinitions/definitions", params={"filter": 'eq(name, "sasctl definition")'}).json()
        assert body["count"] == 1 and body["items"][0]["id"] == created["id"]
        self_link = next(link for link in body["items"][0]["links"] if link["rel"] == "self")
        assert client.get(self_link["href"]).json()["name"] == "sasctl definition"

    def test_startswith_sorted_by_name_pages_through_next_links(self, client: TestClient) -> None:
        for name in ("nightly c", "nightly a", "daily", "nightly b"):
            create(client, {**SASCTL_DEFINITION, "name": name})
        names, href = [], "/jobDefinitions/definitions?filter=startsWith(name,'nightly')&sortBy=name:ascending&limit=2"
        while href:
            page = client.get(href).json()
            assert page["count"] == 3
            names += [item["name"] for item in page["items"]]
            href = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
            if href:
                assert href.index("start=") < href.index("limit=")  # sasctl's regex needs this order
        assert names == ["nightly a", "nightly b", "nightly c"]


class TestUpdateAndDelete:
    def test_the_representation_as_last_read_is_put_back_with_if_match(self, client: TestClient) -> None:
        read = client.get(create(client, SASCTL_DEFINITION).headers["location"])
        changed = {**read.json(), "description": "now described"}  # links and read-only members included
        headers = {"If-Match": read.headers["etag"], "Content-Type": read.headers["content-type"]}
        response = client.put(f"/jobDefinitions/definitions/{changed['id']}", json=changed, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["description"] == "now described"
        assert response.headers["etag"] != read.headers["etag"]
        stale = client.put(f"/jobDefinitions/definitions/{changed['id']}", json=changed, headers=headers)
        assert_sas_error(stale, 412)

    def test_put_without_a_precondition_is_a_428(self, client: TestClient) -> None:
        created = create(client, SASCTL_DEFINITION).json()
        assert_sas_error(client.put(f"/jobDefinitions/definitions/{created['id']}", json=created), 428)

    def test_deleted_is_gone(self, client: TestClient) -> None:
        uri = create(client, SASCTL_DEFINITION).headers["location"]
        assert client.delete(uri).status_code == 204
        assert_sas_error(client.get(uri), 404)
        assert_sas_error(client.delete(uri), 404)
