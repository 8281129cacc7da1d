"""saspy's HTTP access method, unmodified, against a live `viya-mock serve` on real time.

saspy reaches SAS Viya through Compute only: a token from SAS Logon (client `sas.tkmtrb`, or a token given as
`authtoken`), the contexts at `limit=999999`, a session from the context's `createSession` link (read from
`uri`), a probe job, then one job per submit whose state it long-polls with `?wait=` and If-None-Match,
reading the log with `start`/`limit` until a page is empty. It is configured the way its users configure
it, through a sascfg_personal.py. After every test the mock's journal is read back: any 4xx or 5xx the
client received that the test did not declare fails the test.

The tests that need the SAS session subset (the HTML a `proc print` writes, `call sleep`) are expected to
fail until the interpreter behind sessions has them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.live import serving
from tests.support import ADMIN_HEADERS

saspy = pytest.importorskip("saspy")

pytestmark = pytest.mark.e2e

CONTEXT = "SAS Job Execution compute context"


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with serving("--seed", "1", "--auth", "required", "--job-duration", "1") as url:
        yield url


@pytest.fixture
def admin(mock_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_url, headers=ADMIN_HEADERS) as client:
        assert client.post("/__admin/reset").status_code == 204
        yield client


def compute_sessions(admin: httpx.Client) -> list[dict[str, Any]]:
    """The sessions the server holds, read with a minted token (the server requires one)."""
    token = admin.post("/__admin/tokens", json={"user": "sasdemo"}).json()["access_token"]
    response = admin.get("/compute/sessions", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.fixture
def journal_clean(admin: httpx.Client) -> Iterator[None]:
    yield
    entries = admin.get("/__admin/requests").json()["items"]
    unexpected = [(e["status"], e["method"], e["path"]) for e in entries if e["status"] >= 400]
    assert unexpected == [], "the client received errors the test did not ask for"


@pytest.fixture
def cfgfile(mock_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A sascfg_personal.py as saspy's users write one (and a HOME without their ~/.authinfo)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    path = tmp_path / "sascfg_personal.py"
    path.write_text(
        "SAS_config_names = ['viya', 'viyatoken']\n"
        f"viya = {{'url': {mock_url!r}, 'context': {CONTEXT!r}, 'user': 'sasdemo', 'pw': 'Orion123',"
        " 'verify': False}\n"
        f"viyatoken = {{'url': {mock_url!r}, 'context': {CONTEXT!r}, 'verify': False}}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def sas(cfgfile: Path, journal_clean: None) -> Iterator[Any]:
    session = saspy.SASsession(cfgfile=str(cfgfile), cfgname="viya", results="TEXT")
    try:
        yield session
    finally:
        session.endsas()


class TestSaspy:
    def test_connects_submits_and_reads_the_log(self, sas: Any, admin: httpx.Client) -> None:
        result = sas.submit("data _null_; put 'hello'; run;", results="TEXT")
        assert "data _null_; put 'hello'; run;" in result["LOG"]
        assert "data _null_; put 'hello'; run;" in sas.lastlog()
        sessions = compute_sessions(admin)
        assert len(sessions) == 1 and sessions[0]["owner"] == "sasdemo"

    def test_endsas_deletes_the_session(self, cfgfile: Path, admin: httpx.Client, journal_clean: None) -> None:
        session = saspy.SASsession(cfgfile=str(cfgfile), cfgname="viya")
        assert len(compute_sessions(admin)) == 1
        session.endsas()
        assert compute_sessions(admin) == []

    def test_an_access_token_instead_of_a_password(
        self, cfgfile: Path, admin: httpx.Client, journal_clean: None
    ) -> None:
        token = admin.post("/__admin/tokens", json={"user": "sasuser2"}).json()["access_token"]
        session = saspy.SASsession(cfgfile=str(cfgfile), cfgname="viyatoken", authtoken=token)
        try:
            assert "%put token;" in session.submit("%put token;", results="TEXT")["LOG"]
            assert compute_sessions(admin)[0]["owner"] == "sasuser2"
        finally:
            session.endsas()

    def test_a_log_of_1200_lines_is_read_completely(self, sas: Any) -> None:
        code = "\n".join(f"%put line {n};" for n in range(1200))
        log = sas.submit(code, results="TEXT")["LOG"]
        assert all(f"%put line {n};" in log for n in (0, 999, 1000, 1199))
        assert sum(1 for line in log.splitlines() if "%put line" in line) == 1200

    def test_html_results_of_a_proc_print(self, sas: Any) -> None:
        result = sas.submit("proc print data=sashelp.class; run;", results="HTML")
        assert "<table" in result["LST"].lower() and "Alfred" in result["LST"]

    def test_submit_timeout_cancels_the_job_and_the_session_stays_usable(self, sas: Any) -> None:
        with pytest.raises(saspy.SASsubmitTimeout):
            sas.submit("data _null_; call sleep(120, 1); run;", results="TEXT", submit_timeout=2)
        assert "%put still here;" in sas.submit("%put still here;", results="TEXT")["LOG"]
