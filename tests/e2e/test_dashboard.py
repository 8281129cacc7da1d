"""The dashboard at /__admin/dashboard/, in headless Chromium against a real `viya-mock serve` on a virtual clock.

It must load without console errors, show a job submitted over HTTP without a reload, move it to `completed`
on screen when its clock control advances time, and filter with the SAS filter language. Screenshots go to
tests/e2e/screenshots/ (ignored by git).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import npm_installed, watched_page
from tests.e2e.live import serving
from tests.support import ADMIN_HEADERS

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"
AXE = Path(__file__).parent.parent / "clients" / "axe"
FAILING = """name: dashboard-failure
description: fails after five seconds
match:
  headers:
    X-Test: fail
timeline:
  - after: PT0S
    state: running
  - after: PT5S
    state: failed
    error:
      httpStatusCode: 400
      message: "The job failed: ERROR: the database is down."
"""
PROC_PRINT = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with serving("--seed", "1", "--clock", "virtual", "--start-time", "2026-01-05T09:00:00Z") as url:
        yield url


@pytest.fixture
def dashboard(browser: Any, mock_url: str) -> Iterator[tuple[Any, list[str]]]:
    assert httpx.post(f"{mock_url}/__admin/reset", headers=ADMIN_HEADERS).status_code == 204
    context = browser.new_context()
    page, problems = watched_page(context)
    page.goto(f"{mock_url}/__admin/dashboard/")
    page.wait_for_selector("#jobs tbody tr")
    yield page, problems
    context.close()


def submitted_row(mock_url: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
    """Submit a job over HTTP, as the code under test would; its id and the selector of its row."""
    job = httpx.post(f"{mock_url}/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT}, headers=headers).json()
    return job["id"], f'#jobs tbody tr[data-id="{job["id"]}"]'


def test_it_loads_the_fixture_jobs_and_the_clock_without_errors(dashboard: tuple[Any, list[str]]) -> None:
    page, problems = dashboard
    page.wait_for_function("document.getElementById('clock').textContent.includes('2026-01-05T09:00:00.000Z')")
    assert page.locator("#jobs tbody tr").count() == 4
    assert page.text_content("#jobs-count") == "Jobs 1–4 of 4"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    assert problems == []


def test_a_submitted_job_appears_and_completes_when_the_clock_is_advanced(
    dashboard: tuple[Any, list[str]], mock_url: str
) -> None:
    page, problems = dashboard
    job_id, row = submitted_row(mock_url)
    page.wait_for_selector(f'{row}[data-state="running"]', timeout=10_000)  # no reload: the poll brings it
    page.fill("#advance-by", "PT1M")
    page.click("#advance-form button[type=submit]")
    page.wait_for_selector(f'{row}[data-state="completed"]', timeout=10_000)
    assert page.text_content("#message") == "Advanced by PT1M."
    assert "2026-01-05T09:01:00.000Z" in (page.text_content("#clock") or "")
    assert problems == []


def test_the_jobs_are_filtered_with_the_sas_filter_language(dashboard: tuple[Any, list[str]]) -> None:
    page, problems = dashboard
    page.fill("#filter", "eq(state,'running')")
    page.click("#query-form button[type=submit]")
    page.wait_for_function("document.getElementById('jobs-count').textContent === 'Jobs 1–1 of 1'")
    states = page.eval_on_selector_all("#jobs tbody tr", "rows => rows.map(row => row.dataset.state)")
    assert states == ["running"]
    page.fill("#filter", "eq(nope,'x')")
    page.click("#query-form button[type=submit]")
    page.wait_for_function("document.getElementById('message').textContent.includes('nope')")
    assert problems == []


def test_every_control_has_a_label(dashboard: tuple[Any, list[str]]) -> None:
    page, _ = dashboard
    for label in ("Advance the clock by", "Filter", "Sort by"):
        assert page.get_by_label(label).count() == 1
    for name in ("Advance", "Reset to the fixtures", "Apply", "Previous page", "Next page"):
        assert page.get_by_role("button", name=name).count() == 1


def test_a_scenario_loaded_from_the_page_fails_a_job_and_its_page_shows_the_error(
    dashboard: tuple[Any, list[str]], mock_url: str
) -> None:
    page, problems = dashboard
    page.fill("#scenario-text", FAILING)
    page.click("#scenario-form button[type=submit]")
    page.wait_for_selector("#scenarios li >> text=dashboard-failure")
    job_id, row = submitted_row(mock_url, {"X-Test": "fail"})
    page.wait_for_selector(f'{row}[data-state="running"]')
    page.fill("#advance-by", "PT10S")
    page.click("#advance-form button[type=submit]")
    page.wait_for_selector(f'{row}[data-state="failed"]')
    assert httpx.get(f"{mock_url}/jobExecution/jobs/{job_id}/state").text == "failed"  # a client's poll
    page.click(f"{row} button.job-link")
    page.wait_for_selector("#job-error >> text=Error: The job failed: ERROR: the database is down.")
    page.wait_for_selector(f"#job-requests >> text=GET /jobExecution/jobs/{job_id}/state → 200")
    history = page.text_content("#job-history") or ""
    assert "2026-01-05T09:00:00.000Z — the timeline of scenario dashboard-failure: state: running" in history
    assert "2026-01-05T09:00:05.000Z — the timeline of scenario dashboard-failure: state: failed" in history
    page.screenshot(path=str(SCREENSHOTS / "dashboard-job.png"), full_page=True)
    page.click("button >> text=Unload dashboard-failure")
    page.wait_for_function("!document.getElementById('scenarios').textContent.includes('dashboard-failure')")
    assert problems == []


def test_a_bad_scenario_shows_the_line_it_fails_at(dashboard: tuple[Any, list[str]]) -> None:
    page, _ = dashboard
    page.fill("#scenario-text", "name: broken\nmatch:\n  name: [unclosed\n")
    page.click("#scenario-form button[type=submit]")
    page.wait_for_selector("#scenario-error >> text=Line 4:")
    assert "not valid YAML" in (page.text_content("#scenario-error") or "")


def test_axe_finds_no_serious_accessibility_violations(dashboard: tuple[Any, list[str]]) -> None:
    page, _ = dashboard
    npm_installed(AXE)
    page.click("#jobs tbody tr button.job-link")  # with the job's panel open too
    page.wait_for_selector("#job:not([hidden])")
    page.add_script_tag(path=str(AXE / "node_modules" / "axe-core" / "axe.min.js"))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_controls_force_a_state_generate_jobs_set_the_clock_and_arm_a_fault(
    dashboard: tuple[Any, list[str]], mock_url: str
) -> None:
    page, problems = dashboard
    job_id, row = submitted_row(mock_url)
    page.click(f"{row} button.job-link")
    page.select_option("#force-state", "failed")
    page.fill("#force-message", "Forced from the page.")
    page.click("#force-form button[type=submit]")
    page.wait_for_selector(f'{row}[data-state="failed"]')
    page.wait_for_selector("#job-error >> text=Error: Forced from the page.")

    page.fill("#generate-count", "30")
    page.click("#generate-form button[type=submit]")
    page.wait_for_function("document.getElementById('jobs-count').textContent.endsWith('of 35')")

    page.fill("#set-to", "2026-01-06T10:00:00.000Z")
    page.click("#set-form button[type=submit]")
    page.wait_for_function("document.getElementById('clock').textContent.includes('2026-01-06T10:00:00.000Z')")

    page.fill("#fault-path", "/jobExecution/jobs")
    page.fill("#fault-status", "503")
    page.click("#fault-form button[type=submit]")
    page.wait_for_selector("#scenarios li >> text=* /jobExecution/jobs answers 503")
    assert httpx.get(f"{mock_url}/jobExecution/jobs").status_code == 503
    assert problems == []
