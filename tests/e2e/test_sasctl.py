"""python-sasctl, unmodified, against a live `viya-mock serve`: what its users' integration tests do.

sasctl 1.12 has no job-execution module, so the job flows go through its public Service, request_link and
PagedList machinery, sending the requests its (unreleased) job services send. The whole module runs once
with `--auth optional` and once with `--auth required`. After every test the mock's journal is read back:
any 4xx or 5xx the client received that the test did not declare fails the test.
"""

from __future__ import annotations

import fnmatch
import urllib.error
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from sasctl import Session, exceptions
from sasctl._services.service import Service
from sasctl.core import PagedList, request_link
from sasctl.services import files

from tests.e2e.live import serving
from tests.support import ADMIN_HEADERS

pytestmark = pytest.mark.e2e

START = "2026-01-05T09:00:00Z"
USER, PASSWORD = "sasdemo", "Orion123"
JOB_REQUEST = "application/vnd.sas.job.execution.job.request+json"
JOB = "application/vnd.sas.job.execution.job+json"
DEFINITION = "application/vnd.sas.job.definition+json"


class JobDefinitions(Service):  # type: ignore[misc]
    """How a sasctl user reaches an API sasctl has no module for: a Service with its CRUD functions."""

    _SERVICE_ROOT = "/jobDefinitions"
    list_definitions, get_definition, update_definition, delete_definition = Service._crud_funcs(
        "/definitions", "definition"
    )

    @classmethod
    def create_definition(cls, body: dict[str, Any]) -> Any:
        return cls.post("/definitions", json=body, headers={"Accept": DEFINITION})


class JobExecution(Service):  # type: ignore[misc]
    _SERVICE_ROOT = "/jobExecution"
    list_jobs, get_job, update_job, delete_job = Service._crud_funcs("/jobs", "job")

    @classmethod
    def create_job(cls, definition: Any, name: str, arguments: dict[str, str] | None = None) -> Any:
        """What sasctl's dev-jobexecution create_job sends: the definition's self link as jobDefinitionUri."""
        body = {
            "name": name,
            "description": None,
            "jobDefinitionUri": JobDefinitions.get_link(definition, "self")["uri"],
            "arguments": arguments or {},
        }
        return cls.post("/jobs", json=body, headers={"Content-Type": JOB_REQUEST, "Accept": JOB})


def definition(name: str, code: str = "proc print data=sashelp.class; run;") -> dict[str, Any]:
    """create_definition's body as sasctl builds it, unset members as null."""
    return {
        "version": 2,
        "name": name,
        "description": None,
        "type": "Compute",
        "code": code,
        "parameters": [
            {"version": 1, "name": "AGE", "type": "NUMERIC", "label": None, "required": False, "defaultValue": "12"}
        ],
        "properties": [],
    }


# -- the server, the admin helpers and the journal check ------------------------------------------------


@pytest.fixture(scope="module", params=["optional", "required"])
def mock_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with serving("--clock", "virtual", "--start-time", START, "--seed", "1", "--auth", request.param) as url:
        yield url


@pytest.fixture
def admin(mock_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_url, headers=ADMIN_HEADERS) as client:
        assert client.post("/__admin/reset").status_code == 204
        yield client


class Expected:
    """The error statuses a test provokes on purpose: (status, method, path glob)."""

    def __init__(self) -> None:
        self.allowed: list[tuple[int, str, str]] = []

    def allow(self, status: int, method: str, path: str) -> None:
        self.allowed.append((status, method, path))

    def covers(self, entry: dict[str, Any]) -> bool:
        return any(
            entry["status"] == status and entry["method"] == method and fnmatch.fnmatchcase(entry["path"], path)
            for status, method, path in self.allowed
        )


@pytest.fixture
def expected(admin: httpx.Client) -> Iterator[Expected]:
    wanted = Expected()
    yield wanted
    entries = admin.get("/__admin/requests").json()["items"]
    unexpected = [e for e in entries if e["status"] >= 400 and not wanted.covers(e)]
    assert unexpected == [], "the client received errors the test did not ask for"


@pytest.fixture
def port(mock_url: str) -> int:
    return int(mock_url.rsplit(":", 1)[1])


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """sasctl reads ~/.netrc, SASCTL_* variables and proxies; none of the machine's may leak in."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("SASCTL_CLIENT_ID", "SASCTL_CLIENT_SECRET", "SSLCALISTLOC", "CAS_CLIENT_SSL_CA_LIST"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def session(port: int, expected: Expected) -> Iterator[Session]:
    """The README's line: host and port apart, because sasctl drops a port written into the host name."""
    with Session("127.0.0.1", USER, PASSWORD, protocol="http", port=port) as connected:
        yield connected


def advance(admin: httpx.Client, by: str) -> None:
    assert admin.post("/__admin/clock/advance", params={"by": by}).status_code == 200


# -- connecting ------------------------------------------------------------------------------------------


class TestConnecting:
    def test_the_password_grant_gives_a_jwt_naming_the_user(self, session: Session) -> None:
        claims = jwt.decode(session.auth.access_token, options={"verify_signature": False})
        assert claims["user_name"] == USER and claims["client_id"] == "sas.ec"
        assert session.auth.refresh_token

    def test_the_token_names_the_current_user_in_identities(self, session: Session) -> None:
        me = session.get("/identities/users/@currentUser")
        assert me.status_code == 200 and me.json()["id"] == USER

    def test_an_existing_token_works_without_a_password(self, port: int, admin: httpx.Client, expected: Any) -> None:
        token = admin.post("/__admin/tokens", json={"user": "sasuser2"}).json()["access_token"]
        with Session("127.0.0.1", token=token, protocol="http", port=port):
            created = JobDefinitions.create_definition(definition("made with a token"))
        assert created["createdBy"] == "sasuser2"
        posted = admin.get("/__admin/requests", params={"method": "POST", "path": "/jobDefinitions/definitions"})
        assert [entry["user"] for entry in posted.json()["items"]] == ["sasuser2"]

    def test_bad_credentials_raise_sasctls_authentication_error(self, port: int, expected: Expected) -> None:
        expected.allow(401, "POST", "/SASLogon/oauth/token")
        with pytest.raises(exceptions.AuthenticationError):
            Session("127.0.0.1", USER, "wrong", protocol="http", port=port)

    def test_an_expired_access_token_is_refreshed_and_the_call_goes_through(
        self, session: Session, admin: httpx.Client, expected: Expected
    ) -> None:
        expected.allow(401, "GET", "/jobDefinitions/definitions")
        first = session.auth.access_token
        advance(admin, "PT13H")  # past the 12-hour access token, well within the refresh token's life
        assert JobDefinitions.list_definitions() is not None
        assert session.auth.access_token != first
        refreshes = admin.get("/__admin/requests", params={"method": "POST", "path": "/SASLogon/oauth/token"})
        assert refreshes.json()["count"] == 2


# -- files -----------------------------------------------------------------------------------------------


class TestFiles:
    def test_create_get_list_read_and_delete_a_file(self, session: Session, expected: Expected) -> None:
        expected.allow(404, "GET", "/files/files/*")
        created = files.create_file(b"name,age\nAlfred,14\n", filename="class.csv")
        assert created.name == "class.csv" and created.createdBy == USER
        assert files.get_file(created.id).name == "class.csv"
        listed = files.list_files(filter='eq(name, "class.csv")')
        assert [item.id for item in listed] == [created.id]
        assert files.get_file_content(created) == "name,age\nAlfred,14\n"
        found = files.get_file("class.csv")  # by name: a filter GET, then the item's self link
        found["description"] = "uploaded by sasctl"
        assert files.update_file(found).description == "uploaded by sasctl"  # PUT with the ETag it read
        files.delete_file(created)
        assert files.get_file(created.id) is None


# -- job definitions and jobs ----------------------------------------------------------------------------


class TestJobs:
    def test_define_submit_poll_to_completion_and_read_the_log(
        self, session: Session, admin: httpx.Client, expected: Expected
    ) -> None:
        made = JobDefinitions.create_definition(definition("sasctl proc print"))
        assert made.createdBy == USER
        job = JobExecution.create_job(made, "nightly print", {"AGE": "14"})
        assert job.state == "running" and job.jobRequest["arguments"]["AGE"] == "14"
        assert request_link(job, "state") == "running"
        advance(admin, "PT10S")
        assert request_link(job, "state") == "completed"
        finished = JobExecution.get_job(job.id)
        assert finished.createdBy == USER
        log_file = request_link(finished, "log")
        assert log_file.parentUri == f"/jobExecution/jobs/{job.id}"
        content = files.get_file_content(log_file)  # decoded by its Content-Type: the log-line collection
        assert any(line["line"].startswith("NOTE:") for line in content["items"])

    def test_definitions_page_through_next_links_filtered_and_sorted(self, session: Session, expected: Any) -> None:
        for name in ("page-c", "page-e", "page-a", "other", "page-d", "page-b"):
            JobDefinitions.create_definition(definition(name))
        listed = JobDefinitions.list_definitions(filter='startsWith(name, "page-")', sortBy="name:ascending", limit=2)
        assert len(listed) == 5
        assert [item.name for item in listed] == ["page-a", "page-b", "page-c", "page-d", "page-e"]

    def test_find_by_name_and_update_with_if_match_then_a_stale_etag_is_412(
        self, session: Session, expected: Expected
    ) -> None:
        expected.allow(412, "PUT", "/jobDefinitions/definitions/*")
        JobDefinitions.create_definition(definition("to update"))
        found = JobDefinitions.get_definition("to update")
        found["description"] = "updated by sasctl"
        updated = JobDefinitions.update_definition(found)
        assert updated.description == "updated by sasctl"
        with pytest.raises(urllib.error.HTTPError) as stale:
            JobDefinitions.update_definition(found)  # still carries the ETag of its own GET
        assert stale.value.code == 412

    def test_cancel_a_running_job(self, session: Session, expected: Any) -> None:
        job = JobExecution.create_job(JobDefinitions.create_definition(definition("to cancel")), "cancel me")
        assert request_link(job, "updateState", params={"value": "canceled"}) == "canceled"
        assert JobExecution.get_job(job.id).state == "canceled"

    def test_delete_everything_and_see_404s(self, session: Session, admin: httpx.Client, expected: Expected) -> None:
        expected.allow(404, "GET", "/jobExecution/jobs/*")
        expected.allow(404, "GET", "/jobDefinitions/definitions/*")
        expected.allow(404, "GET", "/files/files/*")
        made = JobDefinitions.create_definition(definition("to delete"))
        job = JobExecution.create_job(made, "delete me")
        advance(admin, "PT10S")
        log_id = JobExecution.get_job(job.id).logLocation.rsplit("/", 1)[1]
        assert files.get_file(log_id) is not None
        JobExecution.delete_job(job)
        JobDefinitions.delete_definition(made)
        assert JobExecution.get_job(job.id) is None
        assert JobDefinitions.get_definition(made.id) is None
        assert files.get_file(log_id) is None  # the job's log went with it


# -- compute ---------------------------------------------------------------------------------------------
#
# sasctl 1.12 ships no Compute module; its (unreleased) compute service sends these requests through the same
# Service, request_link and PagedList machinery: a context by name, a session from its `createSession` link with
# no body, a job posted as application/json, the log paged by `next`, a cancel with If-Match, a delete.

CONTEXT = "SAS Job Execution compute context"


class Compute(Service):  # type: ignore[misc]
    _SERVICE_ROOT = "/compute"
    list_contexts, get_context, _update_context, _delete_context = Service._crud_funcs("/contexts", "context")

    @classmethod
    def create_job(cls, session: Any, code: list[str]) -> Any:
        """sasctl's compute.create_job body: unset members as null or empty."""
        body = {
            "version": 3,
            "name": None,
            "description": None,
            "environment": {},
            "variables": None,
            "code": code,
            "resources": [],
            "attributes": {},
        }
        return cls.post(f"/sessions/{session['id']}/jobs", json=body, headers={"Content-Type": "application/json"})


class TestCompute:
    def test_a_context_by_name_and_a_session_from_its_link(self, session: Session, expected: Expected) -> None:
        context = Compute.get_context(CONTEXT)
        assert context["name"] == CONTEXT
        created = request_link(context, "createSession")
        assert created["id"].endswith("-ses0000") and created["state"] == "idle"
        assert created._headers["ETag"]

    def test_a_job_and_its_log_paged_by_next(self, session: Session, admin: httpx.Client, expected: Expected) -> None:
        compute_session = request_link(Compute.get_context(CONTEXT), "createSession")
        code = [f"%put line {n};" for n in range(25)]
        job = Compute.create_job(compute_session, code)
        assert job["state"] in {"pending", "running"}
        advance(admin, "PT1S")
        assert Compute.get(f"/sessions/{compute_session['id']}/jobs/{job['id']}/state") == "completed"
        log = request_link(job, "log")
        assert isinstance(log, PagedList)
        lines = [item["line"] for item in log if item["type"] == "source"]
        assert len(lines) == 25 and lines[0].endswith("%put line 0;") and lines[-1].endswith("%put line 24;")

    def test_cancel_with_if_match_then_delete_the_session(
        self, session: Session, admin: httpx.Client, expected: Expected
    ) -> None:
        expected.allow(404, "GET", "/compute/sessions/*")
        compute_session = request_link(Compute.get_context(CONTEXT), "createSession")
        sid = compute_session["id"]
        job = Compute.create_job(compute_session, ["data _null_;", "run;"])
        state = Compute.get(f"/sessions/{sid}/jobs/{job['id']}/state", format_="response")
        assert state.text == "running"
        canceled = Compute.put(
            f"/sessions/{sid}/jobs/{job['id']}/state",
            params={"value": "canceled"},
            headers={"If-Match": state.headers["ETag"]},
        )
        assert canceled == "canceled"
        assert Compute.get(f"/sessions/{sid}/jobs/{job['id']}")["state"] == "canceled"
        Compute.delete(f"/sessions/{sid}")
        assert Compute.get(f"/sessions/{sid}") is None
