"""Tenants over HTTP, as clients sharing one server see them: each tenant (by `/t/<name>` or the
X-Viya-Mock-Tenant header) has its own jobs, ids, clock, scenarios, journal and tokens; prefixed tenants'
URIs carry the prefix and can be followed; the cap, bad names, the tenants' admin API and the guard.

Every response is validated against the documents (`validate_responses=True`): a response that fails its
schema is a 500, and the fixture also checks that no tenant recorded a failure of its own.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START_MS
from tests.support import ADMIN_HEADERS, assert_sas_error
from viya_mock.middleware.prefix import API_ROOTS
from viya_mock.resources import openapi_dir
from viya_mock.server import Lifecycle
from viya_mock.settings import Settings
from viya_mock.state import StateError, StateFile, restore_tenants, save_tenants
from viya_mock.tenants import TENANT_HEADER, Tenants

MAX_TENANTS = 4
ALICE = "/t/alice"
BOB = {TENANT_HEADER: "bob"}
FAIL_SUBMITS = """
name: submits-fail
faults: [{method: POST, path: /jobExecution/jobs, status: 503, message: down for alice}]
"""


def settings(**changes: Any) -> Settings:
    options: dict[str, Any] = {"virtual_start": START_MS, "seed": 7, "validate_responses": True}
    return Settings(**{**options, "max_tenants": MAX_TENANTS, **changes})


@pytest.fixture(scope="module")
def tenants() -> Tenants:
    return Tenants(settings())


@pytest.fixture
def client(tenants: Tenants) -> Iterator[TestClient]:
    """The module's server with the default tenant, alice and bob reset and every other tenant gone."""
    for name in tenants.containers():
        if name not in ("", "alice", "bob"):
            tenants.delete(name)
    for name in ("alice", "bob"):
        tenants.get_or_create(name).container.reset()
    tenants.container.reset()
    with TestClient(tenants, raise_server_exceptions=True, headers=ADMIN_HEADERS) as test_client:
        yield test_client
    failures = {name: list(container.failures) for name, container in tenants.containers().items()}
    assert all(not failed for failed in failures.values()), failures


def submit(client: TestClient, base: str = "", **headers: str) -> httpx.Response:
    response = client.post(f"{base}/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}, headers=headers)
    assert response.status_code == 201, response.text
    return response


def job_id(response: httpx.Response) -> str:
    return str(response.json()["id"])


def hrefs(value: Any) -> Iterator[str]:
    """Every link href and uri in a representation, however deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("href", "uri") and isinstance(item, str):
                yield item
            else:
                yield from hrefs(item)
    elif isinstance(value, list):
        for item in value:
            yield from hrefs(item)


# -- isolation ----------------------------------------------------------------------------------------


def test_a_job_made_in_a_tenant_is_not_found_in_another_or_in_the_default(client: TestClient) -> None:
    made = job_id(submit(client, ALICE))
    assert client.get(f"{ALICE}/jobExecution/jobs/{made}").status_code == 200
    # The same tenant by header: no prefix, the same store.
    assert client.get(f"/jobExecution/jobs/{made}", headers={TENANT_HEADER: "alice"}).status_code == 200
    assert_sas_error(client.get(f"/t/bob/jobExecution/jobs/{made}"), 404)
    assert_sas_error(client.get(f"/jobExecution/jobs/{made}", headers=BOB), 404)
    assert_sas_error(client.get(f"/jobExecution/jobs/{made}"), 404)
    assert_sas_error(client.get(f"/t/default/jobExecution/jobs/{made}"), 404)
    counts = [client.get(f"{base}/jobExecution/jobs").json()["count"] for base in (ALICE, "/t/bob", "")]
    assert counts == [5, 4, 4]  # the four fixture jobs each, and alice's own


def test_a_job_made_by_header_is_the_prefixed_tenants_job(client: TestClient) -> None:
    made = job_id(submit(client, **BOB))
    assert client.get(f"/t/bob/jobExecution/jobs/{made}").status_code == 200
    assert_sas_error(client.get(f"{ALICE}/jobExecution/jobs/{made}"), 404)


def test_ids_differ_across_tenants_with_one_seed_and_repeat_after_a_reset(client: TestClient) -> None:
    first = {base: job_id(submit(client, base)) for base in ("", ALICE, "/t/bob")}
    assert len(set(first.values())) == 3
    for base in first:
        assert client.post(f"{base}/__admin/reset").status_code == 204
    again = {base: job_id(submit(client, base)) for base in first}
    assert again == first  # deterministic: the same seed and name give the same ids after a reset


def test_the_default_tenant_issues_the_ids_a_server_without_tenants_does(
    client: TestClient, app: Any, container: Any
) -> None:
    """The suite's session app has the same seed and start: the default tenant is that server, unchanged."""
    with TestClient(app, headers=ADMIN_HEADERS) as alone:
        assert job_id(submit(client)) == job_id(submit(alone))


def test_a_reset_in_one_tenant_leaves_the_other(client: TestClient) -> None:
    alices, bobs = job_id(submit(client, ALICE)), job_id(submit(client, **BOB))
    assert client.post(f"{ALICE}/__admin/reset").status_code == 204
    assert_sas_error(client.get(f"{ALICE}/jobExecution/jobs/{alices}"), 404)
    assert client.get(f"/jobExecution/jobs/{bobs}", headers=BOB).status_code == 200
    assert client.post("/__admin/reset", headers=BOB).status_code == 204  # the reset by header is bob's
    assert_sas_error(client.get(f"/jobExecution/jobs/{bobs}", headers=BOB), 404)


def test_a_clock_advance_in_one_tenant_leaves_the_other(client: TestClient) -> None:
    alices, bobs = job_id(submit(client, ALICE)), job_id(submit(client, "/t/bob"))
    moved = client.post(f"{ALICE}/__admin/clock/advance", params={"by": "PT1H"}).json()
    assert moved["epochMillis"] == START_MS + 3_600_000
    assert client.get("/t/bob/__admin/clock").json()["epochMillis"] == START_MS
    assert client.get("/__admin/clock").json()["epochMillis"] == START_MS
    assert client.get(f"{ALICE}/jobExecution/jobs/{alices}/state").text == "completed"
    assert client.get(f"/t/bob/jobExecution/jobs/{bobs}/state").text == "running"


def test_scenarios_are_per_tenant(client: TestClient) -> None:
    loaded = client.post(f"{ALICE}/__admin/scenarios", content=FAIL_SUBMITS, headers={"Content-Type": "text/yaml"})
    assert loaded.status_code == 201
    refused = client.post(f"{ALICE}/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
    assert assert_sas_error(refused, 503)["message"] == "down for alice"
    submit(client, **BOB)
    submit(client)
    names = {base: client.get(f"{base}/__admin/scenarios").json()["items"] for base in (ALICE, "/t/bob", "")}
    assert [item["name"] for item in names[ALICE]] == ["submits-fail"]
    assert names["/t/bob"] == names[""] == []


def test_the_journal_is_per_tenant_and_its_paths_are_the_tenants(client: TestClient) -> None:
    made = job_id(submit(client, ALICE))
    client.get(f"{ALICE}/jobExecution/jobs/{made}/state")
    client.get("/jobExecution/jobs", headers=BOB)
    alices = client.get(f"{ALICE}/__admin/requests").json()
    assert [(entry["method"], entry["path"]) for entry in alices["items"]] == [
        ("POST", f"{ALICE}/jobExecution/jobs"),
        ("GET", f"{ALICE}/jobExecution/jobs/{made}/state"),
    ]
    # A glob matches with or without the prefix: the tenant's journal holds its own paths.
    for glob in ("/jobExecution/jobs/*/state", f"{ALICE}/jobExecution/jobs/*/state"):
        assert client.get(f"{ALICE}/__admin/requests", params={"path": glob}).json()["count"] == 1
    bobs = client.get("/__admin/requests", headers=BOB).json()
    assert [(entry["method"], entry["path"]) for entry in bobs["items"]] == [("GET", "/jobExecution/jobs")]
    assert client.get("/__admin/requests").json()["count"] == 0


def test_a_token_works_in_its_own_tenant_only(client: TestClient) -> None:
    """Each tenant has its own signing key (NOTES.md): a token from alice does not verify in bob."""
    token = client.post(f"{ALICE}/SASLogon/oauth/token", data={"grant_type": "password", "username": "sasdemo",
                        "password": "Orion123"}, auth=("sas.ec", "")).json()["access_token"]  # fmt: skip
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{ALICE}/identities/users/@currentUser", headers=bearer).json()["id"] == "sasdemo"
    refused = client.get("/t/bob/identities/users/@currentUser", headers=bearer)
    assert_sas_error(refused, 401)
    assert_sas_error(client.get("/jobExecution/jobs", headers=bearer), 401)
    keys = [client.get(f"{base}/SASLogon/token_keys").json()["keys"][0]["n"] for base in (ALICE, "/t/bob")]
    assert keys[0] != keys[1]


# -- URIs under a prefix ------------------------------------------------------------------------------


def test_links_and_location_carry_the_prefix_and_can_be_followed(client: TestClient) -> None:
    created = submit(client, ALICE)
    job = created.json()
    assert created.headers["Location"] == f"{ALICE}/jobExecution/jobs/{job['id']}"
    assert job["jobRequest"]["jobDefinitionUri"] == f"{ALICE}{PROC_PRINT_URI}"
    found = list(hrefs(job))
    assert found and all(href.startswith(f"{ALICE}/") for href in found), found
    for link in job["links"]:
        if link["method"] == "GET":
            assert client.get(link["href"]).status_code == 200, link
    client.post(f"{ALICE}/__admin/clock/advance", params={"by": "PT10S"})
    ended = client.get(created.headers["Location"]).json()
    assert ended["logLocation"].startswith(f"{ALICE}/files/files/")
    log = client.get(f"{ended['logLocation']}/content")
    assert log.status_code == 200 and log.json()["name"] == "Job Log"
    assert client.get(next(link["href"] for link in ended["links"] if link["rel"] == "log")).status_code == 200


def test_paging_links_carry_the_prefix(client: TestClient) -> None:
    page = client.get(f"{ALICE}/jobExecution/jobs", params={"limit": 1}).json()
    following = next(link["href"] for link in page["links"] if link["rel"] == "next")
    assert following.startswith(f"{ALICE}/jobExecution/jobs?")
    assert client.get(following).json()["start"] == 1
    api = client.get(f"{ALICE}/jobExecution/").json()
    assert all(href.startswith(f"{ALICE}/") for href in hrefs(api))


def test_uris_sent_back_with_the_prefix_are_understood(client: TestClient) -> None:
    """A client copies what it read: a prefixed jobDefinitionUri, selection or parentUri names the same thing."""
    made = client.post(f"{ALICE}/jobExecution/jobs", json={"jobDefinitionUri": f"{ALICE}{PROC_PRINT_URI}"})
    assert made.status_code == 201, made.text
    uri = made.headers["Location"]
    selection = {"type": "uri", "resources": [uri]}
    canceled = client.put(f"{ALICE}/jobExecution/jobs/@selection/state", params={"value": "canceled"}, json=selection)
    assert canceled.status_code == 200 and canceled.json()["items"][0]["id"] == job_id(made)
    assert client.get(f"{uri}/state").text == "canceled"
    client.post(f"{ALICE}/__admin/clock/advance", params={"by": "PT10S"})
    uploaded = client.post(f"{ALICE}/files/files", content=b"x", params={"parentFolderUri": uri},
                           headers={"Content-Type": "text/plain"})  # fmt: skip
    assert uploaded.json()["parentUri"] == uri
    listed = client.get(f"{ALICE}/files/files", params={"parentUri": uri}).json()
    assert [item["id"] for item in listed["items"]] == [uploaded.json()["id"]]
    filtered = client.get(f"{ALICE}/files/files", params={"filter": f"eq(parentUri,'{uri}')"}).json()
    assert filtered["count"] == 1


def test_a_header_named_tenant_gets_plain_uris(client: TestClient) -> None:
    created = submit(client, **BOB)
    assert created.headers["Location"].startswith("/jobExecution/jobs/")
    assert all(href.startswith(API_ROOTS) for href in hrefs(created.json()))


def test_a_head_under_a_prefix_sends_no_content_length_it_cannot_know(client: TestClient) -> None:
    location = submit(client, ALICE).headers["Location"]
    head = client.head(location)
    assert head.status_code == 200 and "content-length" not in head.headers
    assert head.headers["etag"] == client.get(location).headers["etag"]
    plain = client.head(location.removeprefix(ALICE), headers={TENANT_HEADER: "alice"})
    assert int(plain.headers["content-length"]) > 0


def test_file_content_passes_unchanged_under_a_prefix(client: TestClient) -> None:
    content = json.dumps({"href": "/jobExecution/jobs/x", "items": ["/files/files/y"]}).encode()
    uploaded = client.post(f"{ALICE}/files/files", content=content, headers={"Content-Type": "application/json"})
    assert uploaded.status_code == 201
    read = client.get(f"{ALICE}/files/files/{uploaded.json()['id']}/content")
    assert read.content == content


def test_the_served_documents_name_the_prefixed_server(client: TestClient) -> None:
    assert client.get(f"{ALICE}/jobExecution/openapi.json").json()["servers"] == [{"url": f"{ALICE}/jobExecution"}]
    assert client.get(f"{ALICE}/__admin/ui/", follow_redirects=True).status_code == 200


def test_every_document_is_served_under_a_root_the_prefix_knows() -> None:
    import yaml

    for path in openapi_dir().glob("*.yaml"):
        servers = yaml.safe_load(path.read_text(encoding="utf-8"))["servers"]
        # The landing page is the root itself: a tenant's is at its prefix (test_the_landing_page_is_per_tenant).
        roots = ("", *API_ROOTS) if path.name == "landing.yaml" else API_ROOTS
        assert all(server["url"].rstrip("/") in roots for server in servers), path.name


def test_the_landing_page_is_per_tenant(client: TestClient) -> None:
    listed = client.get(f"{ALICE}/").json()
    assert {api["root"] for api in listed["apis"]} >= {f"{ALICE}/jobExecution", f"{ALICE}/SASJobExecution"}
    assert listed["health"] == f"{ALICE}/__admin/health"


def test_a_405_under_a_prefix_names_the_methods_it_names_without_one(client: TestClient) -> None:
    for path, allowed in (("/jobExecution/jobs", "GET, POST"), ("/jobExecution/jobs/x/state", "GET, HEAD, PUT")):
        refused = client.patch(f"{ALICE}{path}")
        assert_sas_error(refused, 405)
        assert refused.headers["allow"] == client.patch(path).headers["allow"] == allowed


# -- names, the cap and the admin API -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/t/-x/jobExecution/jobs", "/t/a%20b/jobExecution/jobs", f"/t/{'x' * 65}/jobExecution/jobs",
             "/t//jobExecution/jobs", "/t/%C3%A9t%C3%A9/jobExecution/jobs", "/t/"],
)  # fmt: skip
def test_a_bad_name_in_the_path_is_a_400(client: TestClient, path: str) -> None:
    body = assert_sas_error(client.get(path), 400)
    assert "is not a tenant name" in body["message"]


@pytest.mark.parametrize("name", ["", "-x", "a b", "x" * 65, "a/b"])
def test_a_bad_name_in_the_header_is_a_400(client: TestClient, name: str) -> None:
    assert_sas_error(client.get("/jobExecution/jobs", headers={TENANT_HEADER: name}), 400)


def test_a_path_and_a_header_naming_two_tenants_is_a_400(client: TestClient) -> None:
    body = assert_sas_error(client.get(f"{ALICE}/jobExecution/jobs", headers=BOB), 400)
    assert "alice" in body["message"] and "bob" in body["message"]
    assert client.get(f"{ALICE}/jobExecution/jobs", headers={TENANT_HEADER: "alice"}).status_code == 200


def test_names_take_letters_digits_and_punctuation(client: TestClient) -> None:
    for name in ("A.b-c_9", "x" * 64):
        assert client.get(f"/t/{name}/jobExecution/jobs").status_code == 200


def test_one_tenant_more_than_the_cap_is_a_429_naming_it(client: TestClient) -> None:
    for name in ("c1", "c2"):  # alice and bob are two of the four already
        assert client.get(f"/t/{name}/__admin/health").status_code == 200
    refused = client.get("/t/c3/jobExecution/jobs")
    body = assert_sas_error(refused, 429)
    assert f"at most {MAX_TENANTS} named tenants" in body["message"] and "--max-tenants" in body["message"]
    assert_sas_error(client.get("/jobExecution/jobs", headers={TENANT_HEADER: "c3"}), 429)
    assert client.get(f"{ALICE}/jobExecution/jobs").status_code == 200  # those there still answer
    assert client.get("/jobExecution/jobs").status_code == 200
    assert client.delete("/__admin/tenants/c1").status_code == 204
    assert client.get("/t/c3/jobExecution/jobs").status_code == 200


def test_tenants_are_listed_and_deleted(client: TestClient) -> None:
    submit(client, ALICE)
    listed = client.get("/__admin/tenants").json()
    assert listed["maxTenants"] == MAX_TENANTS
    assert [(item["name"], item["jobs"]) for item in listed["items"]] == [("default", 4), ("alice", 5), ("bob", 4)]
    assert listed["count"] == 3 and all(item["created"].endswith("Z") for item in listed["items"])
    assert client.get("/t/bob/__admin/tenants").json()["items"] == listed["items"]  # the server's, from anywhere

    assert client.delete("/__admin/tenants/alice").status_code == 204
    assert [item["name"] for item in client.get("/__admin/tenants").json()["items"]] == ["default", "bob"]
    assert client.get(f"{ALICE}/jobExecution/jobs").json()["count"] == 4  # a new alice, from the fixtures
    assert_sas_error(client.delete("/__admin/tenants/nobody"), 404)
    body = assert_sas_error(client.delete("/__admin/tenants/default"), 400)
    assert "cannot be deleted" in body["message"]


def test_deleting_a_tenant_answers_its_long_polls(client: TestClient, tenants: Tenants) -> None:
    location = submit(client, ALICE).headers["Location"]

    async def poll_then_delete() -> tuple[int, str]:
        transport = httpx.ASGITransport(app=tenants)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ADMIN_HEADERS) as ac:
            poll = asyncio.create_task(ac.get(f"{location}/state", params={"wait": "300"}))
            await asyncio.sleep(0.2)
            assert not poll.done()
            assert (await ac.delete("/__admin/tenants/alice")).status_code == 204
            answer = await asyncio.wait_for(poll, 5)
            return answer.status_code, answer.text

    assert asyncio.run(poll_then_delete()) == (200, "running")


def test_first_requests_arriving_together_build_the_tenant_once(
    client: TestClient, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    build = tenants._build

    def counted(name: str, *args: Any, **kwargs: Any) -> Any:
        built.append(name)
        return build(name, *args, **kwargs)

    monkeypatch.setattr(tenants, "_build", counted)

    async def together() -> list[int]:
        transport = httpx.ASGITransport(app=tenants)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as ac:
            answers = await asyncio.gather(*(ac.get("/t/carol/jobExecution/jobs") for _ in range(6)))
            return [answer.status_code for answer in answers]

    assert asyncio.run(together()) == [200] * 6
    assert built == ["carol"]


# -- the guard ----------------------------------------------------------------------------------------


def test_the_guard_refuses_cross_site_writes_to_a_tenants_admin_api(client: TestClient, tenants: Tenants) -> None:
    made = job_id(submit(client, ALICE))
    with TestClient(tenants) as browser:  # no admin header: what any web page can make a browser send
        for path in (f"{ALICE}/__admin/reset", "/t/newcomer/__admin/reset", "/__admin/tenants/alice"):
            method = "DELETE" if "tenants" in path else "POST"
            body = assert_sas_error(browser.request(method, path), 403)
            assert body["details"] == [f"path: {path}"]
        refused = browser.post("/__admin/reset", headers={TENANT_HEADER: "alice"})
        assert_sas_error(refused, 403)
        assert_sas_error(browser.get(f"{ALICE}/__admin/store", headers={"Origin": "https://evil.example"}), 403)
        assert browser.get(f"{ALICE}/__admin/health").status_code == 200
    assert client.get(f"{ALICE}/jobExecution/jobs/{made}").status_code == 200
    assert "newcomer" not in tenants.containers()  # a refused write built nothing


def test_a_rebinding_page_creates_no_tenant(client: TestClient, tenants: Tenants) -> None:
    for headers in ({"Host": "evil.example"}, {"Host": "evil.example", TENANT_HEADER: "rebound"}):
        path = "/t/rebound/jobExecution/jobs" if TENANT_HEADER not in headers else "/jobExecution/jobs"
        assert_sas_error(client.get(path, headers=headers), 421)
    assert_sas_error(client.get(f"{ALICE}/jobExecution/jobs", headers={"Host": "evil.example"}), 421)
    assert "rebound" not in tenants.containers()


def test_an_admin_token_applies_to_every_tenant() -> None:
    guarded = Tenants(settings(admin_token="team-secret", max_tenants=1))
    with TestClient(guarded, headers=ADMIN_HEADERS) as client:
        assert_sas_error(client.post(f"{ALICE}/__admin/reset"), 401)
        assert "alice" not in guarded.containers()
        token = {"X-Viya-Mock-Admin-Token": "team-secret"}
        assert client.post(f"{ALICE}/__admin/reset", headers=token).status_code == 204
        assert_sas_error(client.get("/__admin/tenants"), 401)
        assert client.get("/__admin/tenants", headers=token).json()["count"] == 2


# -- the state file and shutdown ----------------------------------------------------------------------


def test_the_state_file_keeps_every_tenant(client: TestClient, tenants: Tenants, tmp_path: Path) -> None:
    alices, bobs = job_id(submit(client, ALICE)), job_id(submit(client, **BOB))
    client.post(f"{ALICE}/__admin/clock/advance", params={"by": "PT1M"})
    state = StateFile(tmp_path / "state.json")
    assert state.write(save_tenants(tenants.containers()), 1)
    saved = state.read()
    assert saved is not None and list(saved) == ["", "alice", "bob"]

    restarted = Tenants(settings())
    Lifecycle(restarted.containers, state, 0, container_for=restarted.restore_target).restore()
    assert list(restarted.containers()) == ["", "alice", "bob"]
    with TestClient(restarted, headers=ADMIN_HEADERS) as again:
        assert again.get(f"{ALICE}/jobExecution/jobs/{alices}").status_code == 200
        assert again.get(f"/t/bob/jobExecution/jobs/{bobs}").status_code == 200
        assert again.get(f"{ALICE}/__admin/clock").json()["epochMillis"] == START_MS + 60_000
        assert again.get("/t/bob/__admin/clock").json()["epochMillis"] == START_MS
        assert job_id(submit(again, ALICE)) == job_id(submit(client, ALICE))  # the id sequence goes on

    small = Tenants(settings(max_tenants=1))
    with pytest.raises(StateError, match="the tenant 'bob', which this server has no place for"):
        restore_tenants(saved, small.restore_target)


def test_shutdown_answers_long_polls_in_every_tenant() -> None:
    stopping = Tenants(settings())  # its own server: released clocks never wait again
    with TestClient(stopping, headers=ADMIN_HEADERS) as client:
        locations = [submit(client, base).headers["Location"] for base in ("", ALICE, "/t/bob")]
    lifecycle = Lifecycle(stopping.containers, None, 0)

    async def polls_then_stop() -> list[str]:
        transport = httpx.ASGITransport(app=stopping)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as ac:
            polls = [asyncio.create_task(ac.get(f"{where}/state", params={"wait": "300"})) for where in locations]
            await asyncio.sleep(0.2)
            assert not any(poll.done() for poll in polls)
            lifecycle.release_waiters()
            return [answer.text for answer in await asyncio.wait_for(asyncio.gather(*polls), 5)]

    assert asyncio.run(polls_then_stop()) == ["running"] * 3


def test_bodies_under_a_prefix_keep_the_apps_limits() -> None:
    """The prefix reads a JSON body to rewrite it only within the app's own bounds: a large one is still a 413
    before it is read, and a chunked one is rewritten like any other."""
    small = Tenants(settings(max_body=2_000))
    with TestClient(small, headers=ADMIN_HEADERS) as client:
        padded = {"jobDefinitionUri": f"{ALICE}{PROC_PRINT_URI}", "description": "x" * 3_000}
        assert_sas_error(client.post(f"{ALICE}/jobExecution/jobs", json=padded), 413)
        body = json.dumps({"jobDefinitionUri": f"{ALICE}{PROC_PRINT_URI}"}).encode()
        chunked = client.post(
            f"{ALICE}/jobExecution/jobs",
            content=iter([body[:20], body[20:]]),
            headers={"Content-Type": "application/json"},
        )
        assert chunked.status_code == 201, chunked.text
        assert chunked.json()["jobRequest"]["jobDefinitionUri"] == f"{ALICE}{PROC_PRINT_URI}"
        stored = small.get_or_create("alice").container.jobs.get(chunked.json()["id"]).view.doc
        assert stored["jobRequest"]["jobDefinitionUri"] == PROC_PRINT_URI
