"""Tenants through HTTP as clients see them: `/t/<name>/…` or `X-Viya-Mock-Tenant`, each with its own store,
clock, seed, scenarios and journal; links carry the prefix; capped; listed and deleted through the admin API;
and no sequence of requests in one tenant reads or changes another's state (a Hypothesis property)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START, START_MS
from tests.support import ADMIN_HEADERS, assert_sas_error
from viya_mock.settings import Settings
from viya_mock.tenants import Tenants

SUBMIT = {"jobDefinitionUri": PROC_PRINT_URI}
FIXTURE_JOBS = 4


def _tenants(**options: object) -> Tenants:
    return Tenants(Settings(virtual_start=START_MS, seed=7, validate_responses=True, **options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def server() -> Tenants:
    return _tenants()


@pytest.fixture
def client(server: Tenants) -> Iterator[TestClient]:
    with TestClient(server, headers=ADMIN_HEADERS) as test_client:
        for name in ("alice", "bob"):
            assert test_client.post(f"/t/{name}/__admin/reset").status_code == 204
        assert test_client.post("/__admin/reset").status_code == 204
        yield test_client


def _submit(client: TestClient, base: str = "", **headers: str) -> dict[str, str]:
    response = client.post(f"{base}/jobExecution/jobs", json=SUBMIT, headers=headers)
    assert response.status_code == 201, response.text
    job: dict[str, str] = response.json()
    job["location"] = response.headers["location"]
    return job


class TestIsolation:
    def test_a_job_made_in_one_tenant_is_not_in_another_or_the_default(self, client: TestClient) -> None:
        job = _submit(client, "/t/alice")
        assert client.get(f"/t/alice/jobExecution/jobs/{job['id']}").status_code == 200
        assert_sas_error(client.get(f"/t/bob/jobExecution/jobs/{job['id']}"), 404)
        assert_sas_error(client.get(f"/jobExecution/jobs/{job['id']}"), 404)
        assert client.get("/t/alice/jobExecution/jobs").json()["count"] == FIXTURE_JOBS + 1
        assert client.get("/t/bob/jobExecution/jobs").json()["count"] == FIXTURE_JOBS

    def test_the_header_names_the_same_tenant_as_the_prefix(self, client: TestClient) -> None:
        job = _submit(client, **{"X-Viya-Mock-Tenant": "alice"})
        assert client.get(f"/t/alice/jobExecution/jobs/{job['id']}").status_code == 200
        assert client.get(f"/jobExecution/jobs/{job['id']}", headers={"X-Viya-Mock-Tenant": "alice"}).status_code == 200
        assert_sas_error(client.get(f"/jobExecution/jobs/{job['id']}"), 404)
        # Named by the header, the URIs are the app's own: no prefix to add.
        assert job["location"] == f"/jobExecution/jobs/{job['id']}"

    def test_t_default_is_the_default_tenant(self, client: TestClient) -> None:
        job = _submit(client)
        assert client.get(f"/t/default/jobExecution/jobs/{job['id']}").status_code == 200

    def test_ids_differ_between_tenants_with_one_seed_and_repeat_in_a_tenant(self, client: TestClient) -> None:
        first = {name: _submit(client, f"/t/{name}")["id"] for name in ("alice", "bob")}
        first["default"] = _submit(client)["id"]
        assert len(set(first.values())) == 3
        assert client.post("/t/alice/__admin/reset").status_code == 204
        assert _submit(client, "/t/alice")["id"] == first["alice"]

    def test_a_reset_in_one_tenant_leaves_the_other(self, client: TestClient) -> None:
        alices, bobs = _submit(client, "/t/alice"), _submit(client, "/t/bob")
        assert client.post("/t/alice/__admin/reset").status_code == 204
        assert_sas_error(client.get(f"/t/alice/jobExecution/jobs/{alices['id']}"), 404)
        assert client.get(f"/t/bob/jobExecution/jobs/{bobs['id']}").status_code == 200

    def test_each_tenant_has_its_own_clock(self, client: TestClient) -> None:
        moved = client.post("/t/alice/__admin/clock/advance", params={"by": "PT1H"})
        assert moved.status_code == 200, moved.text
        assert moved.json()["now"] == "2026-01-05T10:00:00.000Z"
        assert client.get("/t/bob/__admin/clock").json()["now"] == START
        assert client.get("/__admin/clock").json()["now"] == START

    def test_each_tenant_has_its_own_scenarios(self, client: TestClient) -> None:
        scenario = "name: broken\nfaults: [{path: /jobExecution/jobs, method: GET, status: 503}]\n"
        loaded = client.post(
            "/t/alice/__admin/scenarios", content=scenario, headers={"Content-Type": "application/yaml"}
        )
        assert loaded.status_code == 201, loaded.text
        assert client.get("/t/alice/jobExecution/jobs").status_code == 503
        assert client.get("/t/bob/jobExecution/jobs").status_code == 200
        assert client.get("/t/bob/__admin/scenarios").json()["items"] == []

    def test_each_tenant_has_its_own_journal(self, client: TestClient) -> None:
        client.get("/t/alice/jobExecution/jobs", params={"limit": 3})
        # Through the prefix the journal's paths are as the client sent them, and filter the same way.
        for glob in ("/jobExecution/jobs", "/t/alice/jobExecution/jobs"):
            alices = client.get("/t/alice/__admin/requests", params={"path": glob}).json()["items"]
            assert [(e["path"], e["query"]) for e in alices] == [("/t/alice/jobExecution/jobs", "limit=3")]
        assert client.get("/t/bob/__admin/requests").json()["count"] == 0
        assert client.get("/__admin/requests", params={"path": "/jobExecution/jobs"}).json()["count"] == 0


class TestPrefixedUris:
    def test_location_and_links_carry_the_prefix_and_can_be_followed(self, client: TestClient) -> None:
        job = _submit(client, "/t/alice")
        assert job["location"] == f"/t/alice/jobExecution/jobs/{job['id']}"
        hrefs = [link["href"] for link in job["links"]]  # type: ignore[attr-defined]
        assert hrefs and all(href.startswith("/t/alice/") for href in hrefs)
        self_link = next(link for link in job["links"] if link["rel"] == "self")  # type: ignore[attr-defined]
        assert client.get(self_link["href"]).json()["id"] == job["id"]
        state = next(link for link in job["links"] if link["rel"] == "state")  # type: ignore[attr-defined]
        assert client.get(state["href"]).text in ("pending", "running")

    def test_a_collections_paging_links_carry_the_prefix(self, client: TestClient) -> None:
        page = client.get("/t/bob/jobExecution/jobs", params={"limit": 1}).json()
        following = next(link for link in page["links"] if link["rel"] == "next")
        assert following["href"].startswith("/t/bob/jobExecution/jobs?")
        assert client.get(following["href"]).json()["start"] == 1

    def test_a_uri_sent_with_the_prefix_is_understood_without_it(self, client: TestClient) -> None:
        definition = client.get("/t/alice" + PROC_PRINT_URI).json()
        assert definition["id"] == PROC_PRINT_URI.rsplit("/", 1)[1]
        job = client.post("/t/alice/jobExecution/jobs", json={"jobDefinitionUri": "/t/alice" + PROC_PRINT_URI})
        assert job.status_code == 201, job.text


class TestNamesAndCap:
    @pytest.mark.parametrize("name", ["-dash", "a" * 65, "sp ace", "é"])
    def test_a_bad_name_is_a_400(self, client: TestClient, name: str) -> None:
        assert_sas_error(client.get("/jobExecution/jobs", headers={"X-Viya-Mock-Tenant": name.encode()}), 400)

    def test_a_bad_prefix_name_is_a_400(self, client: TestClient) -> None:
        assert_sas_error(client.get("/t/-dash/jobExecution/jobs"), 400)

    def test_a_prefix_and_a_header_naming_two_tenants_is_a_400(self, client: TestClient) -> None:
        assert_sas_error(client.get("/t/alice/jobExecution/jobs", headers={"X-Viya-Mock-Tenant": "bob"}), 400)

    def test_past_the_cap_a_new_tenant_is_a_429_and_deleting_one_makes_room(self) -> None:
        with TestClient(_tenants(max_tenants=2), headers=ADMIN_HEADERS) as client:
            assert client.get("/t/one/jobExecution/jobs").status_code == 200
            assert client.get("/t/two/jobExecution/jobs").status_code == 200
            body = assert_sas_error(client.get("/t/three/jobExecution/jobs"), 429)
            assert "--max-tenants" in body["message"]
            assert client.get("/t/one/jobExecution/jobs").status_code == 200  # existing ones still answer
            assert client.delete("/__admin/tenants/one").status_code == 204
            assert client.get("/t/three/jobExecution/jobs").status_code == 200


class TestAdmin:
    def test_the_tenants_are_listed_and_a_deleted_one_starts_afresh(self, client: TestClient) -> None:
        job = _submit(client, "/t/alice")
        listed = client.get("/__admin/tenants").json()
        names = [item["name"] for item in listed["items"]]
        assert names[0] == "default" and {"alice", "bob"} <= set(names)
        alice = next(item for item in listed["items"] if item["name"] == "alice")
        assert alice["jobs"] == FIXTURE_JOBS + 1
        assert listed["maxTenants"] == 64
        assert client.delete("/__admin/tenants/alice").status_code == 204
        assert "alice" not in [item["name"] for item in client.get("/__admin/tenants").json()["items"]]
        assert_sas_error(client.delete("/__admin/tenants/alice"), 404)
        assert_sas_error(client.get(f"/t/alice/jobExecution/jobs/{job['id']}"), 404)  # a new alice

    def test_the_default_tenant_cannot_be_deleted(self, client: TestClient) -> None:
        assert_sas_error(client.delete("/__admin/tenants/default"), 400)

    def test_the_guard_refuses_a_cross_site_admin_write_in_a_tenant_and_creates_nothing(self, server: Tenants) -> None:
        with TestClient(server) as bare:  # no admin header: what a form on another site could send
            assert_sas_error(bare.post("/t/alice/__admin/reset"), 403)
            assert_sas_error(bare.post("/t/newcomer/__admin/reset"), 403)
            assert_sas_error(bare.post("/__admin/reset", headers={"X-Viya-Mock-Tenant": "newcomer"}), 403)
            names = [item["name"] for item in bare.get("/__admin/tenants").json()["items"]]
        assert "newcomer" not in names


# -- no request in one tenant reads or changes another's state -------------------------------------------------

OPERATIONS = st.sampled_from(["submit", "cancel", "delete", "reset", "advance", "read"])
STEPS = st.lists(st.tuples(st.sampled_from(["alice", "bob"]), OPERATIONS, st.integers(0, 7)), max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_requests_in_one_tenant_never_reach_another(client: TestClient, steps: list[tuple[str, str, int]]) -> None:
    """Each tenant is checked against a model of it alone after every step of a random interleaving."""
    for name in ("alice", "bob"):
        assert client.post(f"/t/{name}/__admin/reset").status_code == 204
    model: dict[str, dict[str, str]] = {"alice": {}, "bob": {}}  # job id → state expected, per tenant
    fixtures = {job["id"] for job in client.get("/t/alice/jobExecution/jobs").json()["items"]}
    for name, operation, pick in steps:
        base, jobs = f"/t/{name}", model[name]
        ids = sorted(jobs)
        chosen = ids[pick % len(ids)] if ids else None
        if operation == "submit":
            jobs[_submit(client, base)["id"]] = "running"
        elif operation == "cancel" and chosen is not None and jobs[chosen] == "running":
            canceled = client.put(f"{base}/jobExecution/jobs/{chosen}/state", params={"value": "canceled"})
            assert canceled.status_code in (200, 405), canceled.text  # 405: its own clock had ended it
            jobs[chosen] = "canceled" if canceled.status_code == 200 else "ended"
        elif operation == "delete" and chosen is not None:
            assert client.delete(f"{base}/jobExecution/jobs/{chosen}").status_code == 204
            del jobs[chosen]
        elif operation == "reset":
            assert client.post(f"{base}/__admin/reset").status_code == 204
            jobs.clear()
        elif operation == "advance":
            assert client.post(f"{base}/__admin/clock/advance", params={"by": "PT1S"}).status_code == 200
        for tenant, expected in model.items():
            listed = client.get(f"/t/{tenant}/jobExecution/jobs", params={"limit": 100}).json()["items"]
            own = {job["id"]: job["state"] for job in listed if job["id"] not in fixtures}
            assert set(own) == set(expected), (tenant, name, operation)
            for job_id, state in expected.items():
                if state == "canceled":
                    assert own[job_id] == "canceled"


def test_a_token_minted_in_one_tenant_is_refused_in_another(client: TestClient) -> None:
    minted = client.post("/t/alice/__admin/tokens", json={"user": "sasdemo"})
    assert minted.status_code in (200, 201), minted.text
    token = minted.json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/t/alice/jobExecution/jobs", headers=bearer).status_code == 200
    assert_sas_error(client.get("/t/bob/jobExecution/jobs", headers=bearer), 401)
