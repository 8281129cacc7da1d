"""The pytest plugin against a shared, already running server (`--viya-mock-url`): two suites (as two
pytest-xdist workers would) run the README example at the same time, each in a tenant of its own that is
gone when it ends; a named tenant is kept; the admin token is sent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.live import serving
from tests.support import ADMIN_HEADERS

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).parent.parent / "examples" / "test_howto_pytest.py"
# What the plugin's own server starts with, so that the README example passes against this one too.
SERVER = ("--clock", "virtual", "--start-time", "2026-01-05T09:00:00Z", "--seed", "0")
REMOTE_HELPERS = """
import httpx

def test_the_helpers_reach_the_named_tenant(viya_mock):
    assert viya_mock.url.endswith("/t/team-a")
    assert viya_mock.admin_headers == {"X-Viya-Mock-Admin": "1", "X-Viya-Mock-Admin-Token": "team-secret"}
    created = httpx.post(f"{viya_mock.url}/jobExecution/jobs", json={"jobDefinitionUri": DEFINITION})
    assert created.headers["location"].startswith("/t/team-a/jobExecution/jobs/")
    job_id = created.json()["id"]
    assert [entry["path"] for entry in viya_mock.journal()] == ["/jobExecution/jobs"]  # relative to viya_mock.url
    assert viya_mock.job(job_id)["jobRequest"]["jobDefinitionUri"] == DEFINITION
    assert job_id in viya_mock.store.jobs
    token = viya_mock.token("sasadm")
    me = httpx.get(f"{viya_mock.url}/identities/users/@currentUser", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["id"] == "sasadm"
    assert viya_mock.load_scenario({"name": "quiet", "faults": []}) == ["quiet"]
    assert viya_mock.advance("PT1M") == "2026-01-05T09:01:00.000Z" == viya_mock.now()

def test_the_next_test_starts_afresh(viya_mock):
    assert viya_mock.journal() == [] and viya_mock.now() == "2026-01-05T09:00:00.000Z"
    assert httpx.get(f"{viya_mock.url}/__admin/scenarios", headers=viya_mock.admin_headers).json()["items"] == []
""".replace("DEFINITION", repr("/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"))


def run_pytest(folder: Path, *options: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A user's suite in a fresh pytest process (the plugin comes in by its entry point, as once installed)."""
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", *options],
        cwd=folder,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def tenant_names(url: str, **headers: str) -> list[str]:
    listed = httpx.get(f"{url}/__admin/tenants", headers={**ADMIN_HEADERS, **headers}).json()
    return [item["name"] for item in listed["items"]]


def test_two_suites_share_a_server_each_in_a_tenant_of_its_own(tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    with serving(*SERVER) as url:
        runs = [
            run_pytest(tmp_path, "--viya-mock-url", url, env={"PYTEST_XDIST_WORKER": worker})
            for worker in ("gw0", "gw1")
        ]
        outputs = [run.communicate(timeout=120)[0].decode(errors="replace") for run in runs]
        for run, output in zip(runs, outputs, strict=True):
            assert run.returncode == 0, output
            assert "3 passed" in output, output
        # Both ran their resets and jobs at once, and their tenants are gone; the default one was never touched.
        assert tenant_names(url) == ["default"]
        assert httpx.get(f"{url}/__admin/requests").json()["count"] == 0


def test_a_named_tenant_with_the_admin_token(tmp_path: Path) -> None:
    (tmp_path / "test_remote.py").write_text(REMOTE_HELPERS, encoding="utf-8")
    with serving(*SERVER, "--admin-token", "team-secret") as url:
        options = ("--viya-mock-url", url, "--viya-mock-tenant", "team-a")
        run = run_pytest(tmp_path, *options, env={"VIYA_MOCK_ADMIN_TOKEN": "team-secret"})
        output = run.communicate(timeout=120)[0].decode(errors="replace")
        assert run.returncode == 0, output
        assert "2 passed" in output, output
        assert tenant_names(url, **{"X-Viya-Mock-Admin-Token": "team-secret"}) == ["default", "team-a"]

        refused = run_pytest(tmp_path, *options, env={"VIYA_MOCK_ADMIN_TOKEN": ""})
        output = refused.communicate(timeout=120)[0].decode(errors="replace")
        assert refused.returncode != 0 and "answered 401" in output, output
