"""The state file in-process: what one container saves comes back whole in another, a file or a part that
cannot be used is refused without changing anything, writes are whole, and a shutdown releases long polls."""

from __future__ import annotations

import asyncio
import copy
import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.api.compute_support import JES_CONTEXT
from tests.conftest import PROC_PRINT_URI, START_MS
from tests.support import ADMIN_HEADERS, set_at
from viya_mock.app import create_app
from viya_mock.container import Container
from viya_mock.settings import Settings
from viya_mock.state import (
    FORMAT,
    VERSION,
    StateError,
    StateFile,
    parse,
    restore_container,
    restore_tenants,
    save_container,
    save_tenants,
)

RUNNING_FIXTURE_JOB = "f9dbe76c-1a13-491e-b1e4-eda2219a2320"
YAML = {"Content-Type": "application/yaml"}
SCENARIOS = """
name: flaky
faults: [{path: /jobExecution/jobs/*/state, method: GET, status: 503, first: 2}]
---
name: slow
match: {headers: {X-Viya-Mock-Scenario: slow}}
timeline: [{after: PT0S, state: pending}, {after: PT10M, state: running}]
"""


@pytest.fixture(scope="module")
def second_app() -> Any:
    return create_app(Settings(virtual_start=START_MS, seed=7, validate_responses=True))


@pytest.fixture
def target(second_app: Any) -> Iterator[TestClient]:
    """A second server, as the first was started (same seed, same start instant), freshly reset."""
    second_app.container.reset()
    with TestClient(second_app, raise_server_exceptions=True, headers=ADMIN_HEADERS) as client:
        yield client


def submit(client: TestClient, **headers: str) -> dict[str, Any]:
    response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_saved_state_comes_back_whole(
    client: TestClient, container: Container, target: TestClient, tmp_path: Path
) -> None:
    assert client.post("/__admin/scenarios", content=SCENARIOS, headers=YAML).status_code == 201
    plain, slow = submit(client), submit(client, **{"X-Viya-Mock-Scenario": "slow"})
    assert client.get(f"/jobExecution/jobs/{plain['id']}/state").status_code == 503  # the fault's first call
    uploaded = client.post("/files/files", content=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"}).json()
    assert client.post("/__admin/users", json={"id": "alice", "password": "pw", "name": "Alice"}).status_code == 201
    token = client.post("/__admin/tokens", json={"user": "alice"}).json()["access_token"]
    session = client.post(f"/compute/contexts/{JES_CONTEXT}/sessions").json()
    code = {"code": "%let where=before;"}
    assert client.post(f"/compute/sessions/{session['id']}/jobs", json=code).status_code == 201
    assert client.post("/__admin/clock/advance", params={"by": "PT5M"}).status_code == 200

    state = StateFile(tmp_path / "state.json")
    assert state.write(save_tenants({"": container}), 1)
    tenants = state.read()
    assert tenants is not None and list(tenants) == [""]
    restore_tenants(tenants, {"": target.app.container}.get)  # type: ignore[attr-defined]

    assert target.get("/__admin/store").json() == client.get("/__admin/store").json()
    assert target.get("/__admin/clock").json()["now"] == "2026-01-05T09:05:00.000Z"
    assert target.get("/__admin/scenarios").json() == client.get("/__admin/scenarios").json()
    assert target.get(f"/jobExecution/jobs/{slow['id']}/state").status_code == 503  # the second call of two
    assert target.get(f"/jobExecution/jobs/{slow['id']}/state").text == "pending"  # the script carried on
    assert target.post("/__admin/clock/advance", params={"by": "PT5M"}).status_code == 200
    assert target.get(f"/jobExecution/jobs/{slow['id']}/state").text == "running"
    assert target.get(f"/files/files/{uploaded['id']}/content").content == b"a,b\n1,2\n"
    # Tokens issued before the restart still verify: the generated signing key was saved too.
    me = target.get("/identities/users/@currentUser", headers={"Authorization": f"Bearer {token}"})
    assert (me.status_code, me.json()["id"]) == (200, "alice")
    # The id sequence carries on where it was, instead of starting again from the seed.
    assert submit(target)["id"] == submit(client)["id"]
    assert submit(target)["id"] not in {plain["id"], slow["id"]}
    # Compute sessions stay open, their SAS state with them (a new job sees the macro variable).
    carried = target.post(f"/compute/sessions/{session['id']}/jobs", json={"code": "%put NOTE: &where;"}).json()
    target.post("/__admin/clock/advance", params={"by": "PT1M"})
    log = target.get(f"/compute/sessions/{session['id']}/jobs/{carried['id']}/log").json()["items"]
    assert any(line["line"] == "NOTE: before" for line in log)


def test_a_state_written_on_a_real_clock_leaves_a_virtual_clock_where_it_is(target: TestClient) -> None:
    saved = save_container(Container(Settings(seed=3)))
    assert saved["clock"] == {"kind": "real"}
    restore_container(target.app.container, saved)  # type: ignore[attr-defined]
    assert target.get("/__admin/clock").json()["epochMillis"] == START_MS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (set_at("store.jobs.0.base.state", "sleeping"), "store: The store export cannot be imported: jobs[0]"),
        (set_at("store.jobs", 5), "store: The store export cannot be read. (TypeError: "),
        (set_at("clock", {"kind": "virtual", "epochMillis": 10**30}), "clock.epochMillis must be epoch milliseconds"),
        (set_at("clock", {"kind": "sundial"}), "clock.kind must be real or virtual"),
        (set_at("random", {"version": 3, "internal": [1, 2], "gauss": None}), "random is not a random generator"),
        (set_at("scenarios", [{"source": "x", "document": {"name": "bad name!"}}]), "scenarios[0]: x:1: name:"),
        (set_at("faultCalls", [["flaky", "first", 1]]), "faultCalls must hold [scenario name, fault index, count]"),
        (set_at("accounts.users", [{"id": "bob"}]), "accounts.users[0].password must be a text"),
        (set_at("accounts.clients", [{"id": "c", "secret": "", "grants": ["magic"]}]), "holds unknown grants"),
        (set_at("signingKey", "-----BEGIN NOTHING-----"), "signingKey must be null or a PEM RSA private key"),
        (set_at("store", None), "store must be an object"),
        (set_at("store.computeSessions", [{"id": "s"}]), "cannot be imported: computeSessions[0]"),
    ],
)
def test_a_part_that_cannot_be_used_is_refused_and_nothing_changes(
    client: TestClient, container: Container, target: TestClient, change: Any, message: str
) -> None:
    submit(client)
    assert client.post("/__admin/scenarios", content=SCENARIOS, headers=YAML).status_code == 201
    client.post("/__admin/tokens", json={"user": "sasdemo"})  # so that a signing key is saved
    saved = json.loads(json.dumps(save_container(container)))
    bad = copy.deepcopy(saved)
    change(bad)
    before = (target.get("/__admin/store").json(), target.get("/__admin/scenarios").json())
    with pytest.raises(StateError) as refused:
        restore_container(target.app.container, bad)  # type: ignore[attr-defined]
    assert message in str(refused.value)
    assert (target.get("/__admin/store").json(), target.get("/__admin/scenarios").json()) == before
    restore_container(target.app.container, saved)  # type: ignore[attr-defined]  # and the good one is taken
    assert target.get("/__admin/store").json() == client.get("/__admin/store").json()


def test_a_tenant_with_no_place_is_refused(container: Container) -> None:
    with pytest.raises(StateError, match="the tenant 'team-a', which this server has no place for"):
        restore_tenants({"team-a": save_container(container)}, {"": container}.get)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "it is not valid JSON (truncated or corrupt?): Expecting value at line 1 column 1"),
        (b'{"format": "viya-mock-state", "version": 1, "tenants": {"": {', "it is not valid JSON (truncated"),
        (b"\xff\xfe\x00", "it is not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "it nests too deeply"),
        (b"[1, 2]", 'it is not a viya-mock state file (no "format": "viya-mock-state")'),
        (b'{"format": "something-else", "version": 1, "tenants": {}}', "it is not a viya-mock state file"),
        (b'{"format": "viya-mock-state", "tenants": {}}', "it has version None; this viya-mock reads version 1"),
        (b'{"format": "viya-mock-state", "version": "1", "tenants": {}}', "it has version 1; this viya-mock reads"),
        (b'{"format": "viya-mock-state", "version": 1, "tenants": []}', 'it has no "tenants" object'),
    ],
)
def test_files_that_are_not_state_files_are_refused_with_one_line(raw: bytes, message: str) -> None:
    with pytest.raises(StateError) as refused:
        parse(raw)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_missing_file_is_a_fresh_start_and_a_missing_folder_is_refused(tmp_path: Path) -> None:
    assert StateFile(tmp_path / "state.json").read() is None
    StateFile(tmp_path / "state.json").check_writable()
    with pytest.raises(StateError, match="does not exist"):
        StateFile(tmp_path / "nowhere" / "state.json").check_writable()
    with pytest.raises(StateError, match="it is a folder"):
        StateFile(tmp_path).check_writable()


def test_writes_are_whole_private_and_never_older_than_what_is_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = StateFile(path)
    assert state.write({"": {"n": 2}}, 2)
    assert not state.write({"": {"n": 1}}, 1)  # a slower, older snapshot loses
    assert json.loads(path.read_text()) == {"format": FORMAT, "version": VERSION, "tenants": {"": {"n": 2}}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds passwords and a signing key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]
    leftover = tmp_path / ".state.json.abc123.tmp"  # what a writer killed mid-way leaves
    leftover.write_text("{")
    state.remove_leftovers()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    state = StateFile(path)
    assert state.write({"": {"n": 1}}, 1)

    def disk_full(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("viya_mock.state.os.replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        state.write({"": {"n": 2}}, 2)
    assert json.loads(path.read_text())["tenants"] == {"": {"n": 1}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_releasing_the_waiters_answers_long_polls_at_once() -> None:
    """What a stop signal does first: polls waiting on a virtual clock (which would wait for ever) answer
    with the state as it is, and polls arriving afterwards do not wait."""
    container = Container(Settings(virtual_start=START_MS, seed=1))
    jobs = container.jobs

    async def run() -> None:
        poll = asyncio.create_task(jobs.wait_for_state(RUNNING_FIXTURE_JOB, None, 60_000))
        await asyncio.sleep(0.05)
        assert not poll.done()
        container.clock.changes.release_all()
        answered = await asyncio.wait_for(poll, 1)
        assert answered.view.state.value == "running"
        late = await asyncio.wait_for(jobs.wait_for_state(RUNNING_FIXTURE_JOB, None, 60_000), 1)
        assert late.view.state.value == "running"

    asyncio.run(run())
