"""GET /compute/contexts and /compute/contexts/{id}: the bundled contexts, items as summaries or in full."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.api.compute_support import JES_CONTEXT, JES_CONTEXT_NAME, STUDIO_CONTEXT
from tests.support import assert_sas_error


def _link(resource: dict, rel: str) -> dict:
    return next(link for link in resource["links"] if link["rel"] == rel)


class TestContexts:
    def test_the_collection_lists_both_contexts_as_summaries(self, client: TestClient) -> None:
        response = client.get("/compute/contexts")
        assert response.status_code == 200
        body = response.json()
        assert body["accept"] == "application/vnd.sas.compute.context.summary"
        assert body["count"] == 2 and body["limit"] == 10
        names = {item["name"] for item in body["items"]}
        assert names == {JES_CONTEXT_NAME, "SAS Studio compute context"}
        item = next(i for i in body["items"] if i["id"] == JES_CONTEXT)
        assert set(item) == {"createdBy", "id", "name", "links", "version"}
        create = _link(item, "createSession")
        assert create["method"] == "POST"
        assert create["href"] == create["uri"] == f"/compute/contexts/{JES_CONTEXT}/sessions"
        assert create["type"] == "application/vnd.sas.compute.session.request"
        assert create["responseType"] == "application/vnd.sas.compute.session"

    def test_accept_item_asks_for_whole_contexts(self, client: TestClient) -> None:
        response = client.get("/compute/contexts", headers={"Accept-Item": "application/vnd.sas.compute.context+json"})
        body = response.json()
        assert body["accept"] == "application/vnd.sas.compute.context"
        assert all("attributes" in item for item in body["items"])

    def test_saspy_asks_for_every_context_at_once(self, client: TestClient) -> None:
        response = client.get(
            "/compute/contexts",
            params={"limit": 999999},
            headers={
                "Accept": "application/vnd.sas.collection+json",
                "Accept-Item": "application/vnd.sas.compute.context.summary+json",
            },
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/vnd.sas.collection+json")
        assert response.json()["limit"] == 999999 and len(response.json()["items"]) == 2

    def test_a_filter_by_name_as_sasctl_writes_it(self, client: TestClient) -> None:
        response = client.get("/compute/contexts", params={"filter": f'eq(name, "{JES_CONTEXT_NAME}")'})
        assert [item["id"] for item in response.json()["items"]] == [JES_CONTEXT]

    def test_paging_and_sorting(self, client: TestClient) -> None:
        first = client.get("/compute/contexts", params={"sortBy": "name:descending", "limit": 1}).json()
        assert [item["id"] for item in first["items"]] == [STUDIO_CONTEXT]
        after = next(link for link in first["links"] if link["rel"] == "next")
        assert "start=1&limit=1" in after["href"]
        second = client.get(after["href"]).json()
        assert [item["id"] for item in second["items"]] == [JES_CONTEXT]

    def test_a_bad_filter_is_1104(self, client: TestClient) -> None:
        assert_sas_error(client.get("/compute/contexts", params={"filter": "eq(name"}), 400, 1104)

    def test_a_filter_on_an_unknown_field_is_400(self, client: TestClient) -> None:
        assert_sas_error(client.get("/compute/contexts", params={"filter": "eq(colour,'red')"}), 400)

    def test_one_context(self, client: TestClient) -> None:
        response = client.get(f"/compute/contexts/{JES_CONTEXT}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/vnd.sas.compute.context+json")
        assert response.headers["etag"]
        assert response.json()["name"] == JES_CONTEXT_NAME

    def test_an_unknown_context_is_404(self, client: TestClient) -> None:
        assert_sas_error(client.get("/compute/contexts/nope"), 404)
        assert_sas_error(client.post("/compute/contexts/nope/sessions"), 404)
