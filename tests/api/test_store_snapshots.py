"""PUT /__admin/store with an export: Compute sessions come back with their jobs and SAS session state, and the
accounts and Compute contexts (which come from fixtures, not exports) stay, so clients can still sign in."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.api.compute_support import JES_CONTEXT, new_session, submit
from tests.support import assert_sas_error, set_at
from viya_mock.admin.services.snapshots import export_store, import_store
from viya_mock.clock import VirtualClock
from viya_mock.container import Container
from viya_mock.core.domain.errors import BadRequest

WEBOUT_PROGRAM = """%let greeting=hello;
data _null_; file _webout; put '{"ok":true}'; run;
%put NOTE: said &greeting;"""
TOKEN_FORM = {"grant_type": "password", "username": "sasdemo", "password": "Orion123"}
SAS_EC = {"Authorization": "Basic " + base64.b64encode(b"sas.ec:").decode("ascii"), "Accept": "application/json"}


def _sign_in(client: TestClient) -> int:
    return client.post("/SASLogon/oauth/token", data=TOKEN_FORM, headers=SAS_EC).status_code


def _session_with_a_finished_job(client: TestClient, clock: VirtualClock) -> tuple[str, str]:
    sid = new_session(client)["id"]
    job = submit(client, sid, WEBOUT_PROGRAM)
    clock.advance(5_000)
    assert client.get(f"/compute/sessions/{sid}/jobs/{job['id']}/state").text == "completed"
    return sid, job["id"]


def test_an_export_keeps_compute_sessions_with_their_jobs_logs_webout_and_macros(
    client: TestClient, clock: VirtualClock
) -> None:
    sid, job_id = _session_with_a_finished_job(client, clock)
    log = client.get(f"/compute/sessions/{sid}/jobs/{job_id}/log", params={"limit": 1000}).json()["items"]
    saved = client.get("/__admin/store").json()
    assert [session["id"] for session in saved["computeSessions"]] == [sid]

    assert client.delete(f"/compute/sessions/{sid}").status_code == 204
    assert client.put("/__admin/store", json=saved).status_code == 204

    assert client.get(f"/compute/sessions/{sid}").json()["state"] == "idle"
    again = client.get(f"/compute/sessions/{sid}/jobs/{job_id}/log", params={"limit": 1000}).json()["items"]
    assert again == log and any("said hello" in line["line"] for line in again)
    webout = client.get(f"/compute/sessions/{sid}/filerefs/_webout/content")
    assert (webout.status_code, webout.content.strip()) == (200, b'{"ok":true}')
    # The SAS session state came back too: a new job in the session still sees the macro variable.
    later = submit(client, sid, "%put NOTE: still &greeting;")
    clock.advance(5_000)
    lines = client.get(f"/compute/sessions/{sid}/jobs/{later['id']}/log", params={"limit": 1000}).json()["items"]
    assert any(line["line"] == "NOTE: still hello" for line in lines)
    assert client.get("/__admin/store").json()["computeSessions"][0]["sas"]["macros"]["GREETING"] == "hello"


def test_a_job_still_running_at_export_runs_on_after_import(client: TestClient, clock: VirtualClock) -> None:
    sid = new_session(client)["id"]
    job = submit(client, sid, "data _null_; call sleep(10, 1); run;")
    clock.advance(1_000)
    assert client.get(f"/compute/sessions/{sid}/jobs/{job['id']}/state").text == "running"
    saved = client.get("/__admin/store").json()
    assert client.put("/__admin/store", json=saved).status_code == 204
    assert client.get(f"/compute/sessions/{sid}/jobs/{job['id']}/state").text == "running"
    clock.advance(20_000)
    assert client.get(f"/compute/sessions/{sid}/jobs/{job['id']}/state").text == "completed"


def test_an_import_keeps_accounts_and_compute_contexts(client: TestClient) -> None:
    contexts = client.get("/compute/contexts").json()["count"]
    assert contexts > 0 and _sign_in(client) == 200
    assert client.put("/__admin/store", json=client.get("/__admin/store").json()).status_code == 204
    assert _sign_in(client) == 200
    assert client.get("/compute/contexts").json()["count"] == contexts
    assert client.post(f"/compute/contexts/{JES_CONTEXT}/sessions").status_code == 201


def test_an_export_from_before_compute_sessions_imports_as_none(client: TestClient) -> None:
    new_session(client)
    saved = client.get("/__admin/store").json()
    del saved["computeSessions"]
    assert client.put("/__admin/store", json=saved).status_code == 204
    assert client.get("/compute/sessions").json()["count"] == 0


def _duplicate_job(data: dict[str, Any]) -> None:
    jobs = data["computeSessions"][0]["jobs"]
    jobs.append(copy.deepcopy(jobs[0]))


# Each change breaks one part of one session; the document refuses what its schema can say, the service the
# rest, and the service refuses all of them on its own when the export comes from a state file instead.
BROKEN = [
    (set_at("computeSessions.0.jobs.0.run.outcome", "exploded"), "outcome must be one of"),
    (set_at("computeSessions.0.jobs.0.run.log.0", ["shout", "x", 0]), "line type"),
    (set_at("computeSessions.0.jobs.0.run.log.0", "a line"), "must be [type, text, offset]"),
    (set_at("computeSessions.0.jobs.0.run.duration", 10**30), "duration must be an integer"),
    (set_at("computeSessions.0.jobs.0.start", 253_402_300_799_990), "would end after the year 9999"),
    (set_at("computeSessions.0.jobs.0.start", 0), "starts before it was created"),
    (set_at("computeSessions.0.jobs.0.run.webout", "not base64!"), "cannot be read"),
    (set_at("computeSessions.0.sas.macros", {"A": 1}), "must be a string"),
    (set_at("computeSessions.0.sas.librefs", "WORK"), "librefs must be an array"),
    (set_at("computeSessions.0.created", True), "created must be epoch milliseconds"),
    (set_at("computeSessions.0.processId", -1), "processId must be an integer"),
    (_duplicate_job, "appears twice"),
]


@pytest.fixture
def saved(client: TestClient, clock: VirtualClock) -> dict[str, Any]:
    _session_with_a_finished_job(client, clock)
    export: dict[str, Any] = client.get("/__admin/store").json()
    return export


@pytest.mark.parametrize(("change", "quoted"), BROKEN)
def test_a_session_that_cannot_be_read_is_a_400_naming_it_and_nothing_changes(
    client: TestClient, saved: dict[str, Any], change: Callable[[dict[str, Any]], None], quoted: str
) -> None:
    bad = copy.deepcopy(saved)
    change(bad)
    body = assert_sas_error(client.put("/__admin/store", json=bad), 400)
    text = body["message"] + " ".join(body.get("details", []))
    assert "computeSessions[0]" in text or "computeSessions.0" in text, text
    assert client.get("/__admin/store").json() == saved


@pytest.mark.parametrize(("change", "quoted"), BROKEN)
def test_the_service_alone_refuses_every_broken_session_saying_why(
    container: Container, saved: dict[str, Any], change: Callable[[dict[str, Any]], None], quoted: str
) -> None:
    bad = copy.deepcopy(saved)
    change(bad)
    with pytest.raises(BadRequest) as refused:
        import_store(container.store, bad, container.clock.now())
    text = refused.value.message + " ".join(refused.value.details)
    assert "computeSessions[0]" in text and quoted in text, text
    assert export_store(container.store) == saved
