"""Job Execution jobs whose definition is of type Compute run their program through Compute's interpreter:
arguments become macro variables, the log is the program's, a failing program fails the job, and the
results name the Compute context, job and session, the text log and `_webout.json` as Files files."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.api.compute_support import interpreter, scripted
from tests.conftest import PROC_PRINT_URI
from viya_mock.clock import VirtualClock
from viya_mock.container import Container
from viya_mock.sas.domain.run import Line, Run, Session


def _submit(client: TestClient, arguments: dict[str, str] | None = None) -> dict[str, Any]:
    body = {"jobDefinitionUri": PROC_PRINT_URI, "arguments": arguments or {}}
    response = client.post("/jobExecution/jobs", json=body)
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


def _done(client: TestClient, clock: VirtualClock, job: dict[str, Any], after: int = 5_000) -> dict[str, Any]:
    clock.advance(after)
    done: dict[str, Any] = client.get(f"/jobExecution/jobs/{job['id']}").json()
    return done


class TestComputeJobs:
    def test_results_name_the_compute_context_job_and_session(self, client: TestClient, clock: VirtualClock) -> None:
        done = _done(client, clock, _submit(client))
        results = done["results"]
        assert done["state"] == "completed"
        assert results["COMPUTE_CONTEXT"] == "SAS Job Execution compute context"
        assert results["COMPUTE_JOB"] == results["COMPUTE_JOB"].upper()
        assert results["COMPUTE_SESSION"].endswith("-ses0000 ended.")
        assert f"{results['COMPUTE_JOB']}.log.txt" in results

    def test_the_log_is_the_programs(self, client: TestClient, clock: VirtualClock) -> None:
        done = _done(client, clock, _submit(client))
        lines = [item["line"] for item in client.get(f"{done['logLocation']}/content").json()["items"]]
        assert lines[0].endswith("ods html style=HTMLBlue;")
        assert any("proc print data=sashelp.class" in line for line in lines)

    def test_arguments_become_macro_variables(
        self, client: TestClient, container: Container, clock: VirtualClock
    ) -> None:
        seen: list[dict[str, str]] = []
        inner = scripted()

        def execute(code: Any, session: Session, *, job_id: str, variables: Any = None, **options: Any) -> Run:
            seen.append(dict(variables or {}))
            return inner(code, session, job_id=job_id, variables=variables, **options)

        with interpreter(container, execute):
            _submit(client, {"AGE": "14"})
        assert seen[0]["AGE"] == "14" and seen[0]["_contextName"] == "SAS Job Execution compute context"

    def test_a_failing_program_fails_the_job(
        self, client: TestClient, container: Container, clock: VirtualClock
    ) -> None:
        run = scripted(
            [Line("error", "ERROR: File WORK.NOPE.DATA does not exist.")], outcome="error", condition_code=1012
        )
        with interpreter(container, run):
            job = _submit(client)
        done = _done(client, clock, job)
        assert done["state"] == "failed"
        assert done["error"]["details"] == ["ERROR: File WORK.NOPE.DATA does not exist."]
        assert "1012" in done["error"]["message"]

    def test_webout_is_a_file_in_the_results(
        self, client: TestClient, container: Container, clock: VirtualClock
    ) -> None:
        with interpreter(container, scripted(webout=b'{"rows":[1,2]}')):
            job = _submit(client)
        done = _done(client, clock, job)
        uri = done["results"]["_webout.json"]
        content = client.get(f"{uri}/content")
        assert content.status_code == 200 and content.content == b'{"rows":[1,2]}'
        assert client.get(uri).json()["name"] == "_webout.json"

    def test_a_long_program_keeps_the_job_running(
        self, client: TestClient, container: Container, clock: VirtualClock
    ) -> None:
        with interpreter(container, scripted([Line("note", "late", 15_000)], duration=20_000)):
            job = _submit(client)
        assert _done(client, clock, job)["state"] == "running"
        assert _done(client, clock, job, after=15_200)["state"] == "completed"
