"""How `viya-mock serve` stops and starts again: a stop signal ends it within the grace, answering long polls
at once; the state file brings back the store, the clock, the scenarios and the id sequence after a kill -9;
a state file that cannot be read is refused and left alone."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.live import free_port, launched
from tests.support import ADMIN_HEADERS
from viya_mock.container import Container
from viya_mock.settings import Settings
from viya_mock.state import FORMAT, VERSION, save_container

pytestmark = pytest.mark.e2e

PROC_PRINT = {"jobDefinitionUri": "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"}
GRACE = 3.0
# What an exit may take beyond the grace: uvicorn's tick, the final write, the interpreter's own exit.
EXIT_MARGIN = 2.0
VIRTUAL = ("--clock", "virtual", "--start-time", "2026-01-05T09:00:00Z")


def saved_jobs(path: Path) -> dict[str, Any]:
    return {job["id"]: job for job in json.loads(path.read_text())["tenants"][""]["store"]["jobs"]}


def ended_within(process: subprocess.Popen[bytes], seconds: float) -> int:
    started = time.monotonic()
    code = process.wait(timeout=seconds)
    assert time.monotonic() - started <= seconds
    return code


@pytest.mark.parametrize("clock", [(), VIRTUAL], ids=["real-clock", "virtual-clock"])
def test_a_stop_signal_answers_a_long_poll_at_once_and_exits_0(clock: tuple[str, ...]) -> None:
    """On a virtual clock the poll would otherwise wait until a test moved time; on real time for 60 s."""
    with launched(*clock, "--job-duration", "600", "--shutdown-grace", str(GRACE)) as live:
        job = httpx.post(f"{live.url}/jobExecution/jobs", json=PROC_PRINT).json()
        answers: list[httpx.Response] = []
        answered_at: list[float] = []

        def poll() -> None:
            answers.append(httpx.get(f"{live.url}/jobExecution/jobs/{job['id']}/state?wait=60", timeout=90))
            answered_at.append(time.monotonic())

        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(1.0)  # the poll is waiting on the server
        assert not answers
        signalled = time.monotonic()
        live.process.send_signal(signal.SIGTERM)
        poller.join(timeout=GRACE + EXIT_MARGIN)
        assert [(r.status_code, r.text, r.headers["etag"]) for r in answers] == [(200, "running", '"running"')]
        assert answered_at[0] - signalled < 1.5  # at once, not at the end of the grace
        assert ended_within(live.process, GRACE + EXIT_MARGIN) == 0


def test_a_stop_signal_under_load_loses_no_job_and_answers_no_5xx(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with launched("--state-file", str(state), "--state-interval", "0", "--shutdown-grace", str(GRACE)) as live:
        created: list[str] = []
        statuses: list[int] = []
        lock = threading.Lock()

        def submit_until_refused() -> None:
            with httpx.Client(base_url=live.url, timeout=GRACE + 5) as client:
                while True:
                    try:
                        response = client.post("/jobExecution/jobs", json=PROC_PRINT)
                        listed = client.get("/jobExecution/jobs", params={"limit": 5})
                    except httpx.TransportError:
                        return  # the server has stopped accepting
                    with lock:
                        statuses.extend((response.status_code, listed.status_code))
                        if response.status_code == 201:
                            created.append(response.json()["id"])

        clients = [threading.Thread(target=submit_until_refused) for _ in range(4)]
        for thread in clients:
            thread.start()
        time.sleep(1.5)
        live.process.send_signal(signal.SIGTERM)
        assert ended_within(live.process, GRACE + EXIT_MARGIN) == 0
        for thread in clients:
            thread.join(timeout=10)
    assert len(created) > 10
    assert [status for status in statuses if status >= 500] == []
    assert set(created) <= set(saved_jobs(state))


def test_kill_9_then_a_restart_brings_back_jobs_clock_scenarios_and_the_id_sequence(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    options = (*VIRTUAL, "--seed", "5", "--state-file", str(state), "--state-interval", "0.2")
    scenario = "name: flaky\nfaults: [{path: /jobExecution/jobs/*/state, method: GET, status: 503, first: 2}]\n"
    with launched(*options) as live, httpx.Client(base_url=live.url, headers=ADMIN_HEADERS) as client:
        before = [client.post("/jobExecution/jobs", json=PROC_PRINT).json()["id"] for _ in range(3)]
        yaml = {"Content-Type": "application/yaml"}
        assert client.post("/__admin/scenarios", content=scenario, headers=yaml).is_success
        assert client.get(f"/jobExecution/jobs/{before[0]}/state").status_code == 503  # the fault's first call
        assert client.post("/__admin/clock/advance", params={"by": "PT1H"}).is_success
        deadline = time.monotonic() + 10
        while not (state.exists() and set(before) <= set(saved_jobs(state))):
            assert time.monotonic() < deadline, "the state file was never written"
            time.sleep(0.1)
        time.sleep(0.5)  # another write or two, with the clock's move and the fault's count
        live.process.kill()
        live.process.wait(timeout=10)
    with launched(*options) as live, httpx.Client(base_url=live.url, headers=ADMIN_HEADERS) as client:
        assert [client.get(f"/jobExecution/jobs/{job_id}").status_code for job_id in before] == [200, 200, 200]
        assert client.get("/__admin/clock").json()["now"] == "2026-01-05T10:00:00.000Z"
        assert [item["name"] for item in client.get("/__admin/scenarios").json()["items"]] == ["flaky"]
        # The fault counted one call before the kill: the second still fails, the third does not.
        assert client.get(f"/jobExecution/jobs/{before[0]}/state").status_code == 503
        assert client.get(f"/jobExecution/jobs/{before[0]}/state").status_code == 200
        after = [client.post("/jobExecution/jobs", json=PROC_PRINT).json()["id"] for _ in range(3)]
        assert set(after).isdisjoint(before)  # with --seed 5, a fresh start would hand out `before` again
        live.process.send_signal(signal.SIGTERM)
        assert ended_within(live.process, GRACE + EXIT_MARGIN) == 0
    assert set(before + after) <= set(saved_jobs(state))


def _valid_state() -> str:
    tenant = save_container(Container(Settings(seed=1)))
    return json.dumps({"format": FORMAT, "version": VERSION, "tenants": {"": tenant}})


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(lambda: _valid_state()[:-200].encode(), "is not valid JSON (truncated", id="truncated"),
        pytest.param(lambda: b"\x00\xff garbage", "is not UTF-8 text", id="binary"),
        pytest.param(lambda: b'{"openapi": "3.0.3"}', 'is not a viya-mock state file (no "format"', id="foreign"),
        pytest.param(
            lambda: _valid_state().replace('"version": 1', '"version": 7', 1).encode(),
            "has version 7; this viya-mock reads version 1",
            id="other-version",
        ),
    ],
)
def test_a_state_file_that_cannot_be_read_is_refused_and_left_untouched(
    tmp_path: Path, content: Any, reason: str
) -> None:
    state = tmp_path / "state.json"
    data = content()
    state.write_bytes(data)
    ran = subprocess.run(
        [sys.executable, "-m", "viya_mock", "serve", "--port", str(free_port()), "--state-file", str(state)],
        capture_output=True,
        timeout=60,
    )
    lines = ran.stderr.decode().strip().splitlines()
    assert ran.returncode == 2
    assert len(lines) == 1 and lines[0].startswith(f"viya-mock: the state file {state} cannot be used: it ")
    assert reason in lines[0] and "left as it is" in lines[0]
    assert state.read_bytes() == data
    assert sorted(path.name for path in tmp_path.iterdir()) == ["state.json"]


WATCHDOG = """
import sys
from pathlib import Path
import viya_mock.server as server
from viya_mock.container import Container
from viya_mock.settings import Settings
from viya_mock.state import StateFile

server.WATCHDOG_MARGIN = 0.0
container = Container(Settings(seed=1))
lifecycle = server.Lifecycle({"": container}, StateFile(Path(sys.argv[1])), 0)
lifecycle.on_signal(float(sys.argv[2]))
while True:  # a request that never gives the event loop back
    pass
"""


def test_a_request_that_holds_the_loop_past_the_grace_is_abandoned_and_the_state_still_written(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.json"
    ran = subprocess.run([sys.executable, "-c", WATCHDOG, str(state), "0.5"], capture_output=True, timeout=30)
    assert ran.returncode == 0, ran.stderr.decode()
    assert "abandoned" in ran.stderr.decode()
    assert json.loads(state.read_text())["format"] == FORMAT
