"""The pytest plugin, used the way another project uses it: an installed entry point and a test file."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).parent / "examples" / "test_howto_pytest.py"


def test_the_readme_example_passes_under_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=EXAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=3)


def test_a_failing_assertion_in_a_user_test_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_wrong="""
import httpx

def test_expects_the_wrong_count(viya_mock):
    assert httpx.get(f"{viya_mock.url}/jobExecution/jobs").json()["count"] == 5
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)


def test_settings_can_be_overridden_in_a_conftest(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest
from viya_mock.settings import Settings

@pytest.fixture(scope="session")
def viya_mock_settings():
    return Settings(fixtures=None, virtual_start=0, seed=1)
"""
    )
    pytester.makepyfile(
        test_empty="""
import httpx

def test_starts_empty_at_the_epoch(viya_mock):
    assert httpx.get(f"{viya_mock.url}/jobExecution/jobs").json()["count"] == 0
    assert viya_mock.now() == "1970-01-01T00:00:00.000Z"
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_readme_shows_the_example_as_it_is_run() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8") in readme


def test_a_failure_inside_the_mock_is_raised_in_the_test_that_caused_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_broken="""
import httpx

def boom(job_id):
    raise ZeroDivisionError("the mock broke")

def test_hits_a_bug_in_the_mock(viya_mock, monkeypatch):
    monkeypatch.setattr(viya_mock.container.jobs, "get", boom)
    assert httpx.get(f"{viya_mock.url}/jobExecution/jobs/x").status_code == 500

def test_the_next_test_is_not_blamed(viya_mock):
    assert httpx.get(f"{viya_mock.url}/jobExecution/jobs").status_code == 200
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*MockServerError: viya-mock failed while answering a request: ZeroDivisionError*"])


def test_tokens_from_the_plugin_name_their_user(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest
from viya_mock.settings import Settings

@pytest.fixture(scope="session")
def viya_mock_settings():
    return Settings(auth="required", virtual_start=0, seed=1)
"""
    )
    pytester.makepyfile(
        test_tokens="""
import httpx

def test_a_token_for_another_user(viya_mock):
    me = httpx.get(f"{viya_mock.url}/identities/users/@currentUser", headers=viya_mock.headers("sasadm"))
    assert me.json()["id"] == "sasadm"
    assert httpx.get(f"{viya_mock.url}/jobExecution/jobs").status_code == 401
    token = viya_mock.token(lifetime=60)
    viya_mock.advance("PT1M")
    refused = httpx.get(f"{viya_mock.url}/jobExecution/jobs", headers={"Authorization": f"Bearer {token}"})
    assert "Access token expired" in refused.headers["www-authenticate"]
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_admin_calls_over_http_send_the_plugins_admin_headers(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest
from viya_mock.settings import Settings

@pytest.fixture(scope="session")
def viya_mock_settings():
    return Settings(virtual_start=0, seed=1, admin_token="team-secret")
"""
    )
    pytester.makepyfile(
        test_admin="""
import httpx

def test_reset_over_http(viya_mock):
    assert viya_mock.admin_headers == {"X-Viya-Mock-Admin": "1", "X-Viya-Mock-Admin-Token": "team-secret"}
    assert httpx.post(f"{viya_mock.url}/__admin/reset").status_code == 401
    assert httpx.post(f"{viya_mock.url}/__admin/reset", headers=viya_mock.admin_headers).status_code == 204
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
