"""python-sasctl (if installed) logs on to a real server with --auth required and refreshes an expired token."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.test_server import serving

pytestmark = pytest.mark.e2e


def test_sasctl_logs_on_and_refreshes_when_the_token_expires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    core = pytest.importorskip("sasctl.core")
    # No ~/.netrc or ~/.sas profile, no client id from the environment, no proxy.
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("SASCTL_CLIENT_ID", "SASCTL_CLIENT_SECRET", "SSLCALISTLOC", "CAS_CLIENT_SSL_CA_LIST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with serving("--auth", "required", "--clock", "virtual", "--start-time", "2026-01-05T09:00:00Z") as url:
        port = urlsplit(url).port
        with core.Session(
            "127.0.0.1", "sasuser2", "User2pass", protocol="http", port=port, verify_ssl=False
        ) as session:
            me = session.get("/identities/users/@currentUser")
            assert me.status_code == 200
            assert me.json()["id"] == "sasuser2"
            httpx.post(f"{url}/__admin/clock/advance", params={"by": "PT13H"}).raise_for_status()
            again = session.get("/jobExecution/jobs")
            assert again.status_code == 200
        tokens = httpx.get(f"{url}/__admin/requests", params={"path": "/jobExecution/jobs"}).json()["items"]
        assert [entry["status"] for entry in tokens] == [401, 200]
        assert tokens[-1]["user"] == "sasuser2"


def test_sasctl_reports_bad_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    core = pytest.importorskip("sasctl.core")
    exceptions = pytest.importorskip("sasctl.exceptions")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with serving() as url:
        with pytest.raises(exceptions.AuthenticationError):
            core.Session("127.0.0.1", "sasdemo", "wrong", protocol="http", port=urlsplit(url).port, verify_ssl=False)
