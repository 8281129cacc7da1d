"""Schemathesis over every served document, in process against the ASGI app, with every check enabled.

Settings (and the one tuned check, with its reasons) are in schemathesis.toml at the repository root; the
hooks, shared with `make fuzz`, in tests/contract/fuzz_hooks.py.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import START_MS
from tests.contract import fuzz_hooks  # noqa: F401 - registers the hooks this module's runs rely on
from viya_mock.app import create_app
from viya_mock.settings import Settings

# One app for the whole module, on a virtual clock so scripted timelines do not depend on the wall clock.
APP = create_app(Settings(virtual_start=START_MS, seed=3))
# Derandomized: the same cases every run, so a CI failure reproduces on a laptop (make fuzz explores more).
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def schema_of(root: str, app: Any = APP) -> Any:
    return schemathesis.openapi.from_asgi(f"{root}/openapi.json", app)


JOB_EXECUTION = schema_of("/jobExecution")
JOB_DEFINITIONS = schema_of("/jobDefinitions")
FILES = schema_of("/files")
LOGON = schema_of("/SASLogon")
IDENTITIES = schema_of("/identities")
COMPUTE = schema_of("/compute")
FOLDERS = schema_of("/folders")
# The web runner waits for the program it runs to end; on real time the bundled programs end in milliseconds.
WEB_RUNNER = schema_of("/SASJobExecution", create_app(Settings(seed=3, max_wait=2)))
# Fuzzing the admin API loads random scenarios (faults on every path, say), moves the clock and imports
# stores, so it gets an app of its own rather than pulling the others' ground from under them.
ADMIN = schema_of("/__admin", create_app(Settings(virtual_start=START_MS, seed=3)))


@JOB_EXECUTION.parametrize()
@FUZZ
def test_job_execution(case: Any) -> None:
    case.call_and_validate()


@JOB_DEFINITIONS.parametrize()
@FUZZ
def test_job_definitions(case: Any) -> None:
    case.call_and_validate()


@FILES.parametrize()
@FUZZ
def test_files(case: Any) -> None:
    case.call_and_validate()


@LOGON.parametrize()
@FUZZ
def test_saslogon(case: Any) -> None:
    case.call_and_validate()


@IDENTITIES.parametrize()
@FUZZ
def test_identities(case: Any) -> None:
    case.call_and_validate()


@COMPUTE.parametrize()
@FUZZ
def test_compute(case: Any) -> None:
    case.call_and_validate()


@FOLDERS.parametrize()
@FUZZ
def test_folders(case: Any) -> None:
    case.call_and_validate()


@WEB_RUNNER.parametrize()
@FUZZ
def test_web_runner(case: Any) -> None:
    case.call_and_validate()


@ADMIN.parametrize()
@FUZZ
def test_admin(case: Any) -> None:
    case.call_and_validate()


# Generation order still varies with Python's string hashing, so the budget is sized for a walk that reaches
# every linked step (including delete) under any hash seed (checked with eight), not for one lucky order.
STATEFUL = settings(
    max_examples=80, stateful_step_count=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)

# Workflows through the documents' links: submit → read → change state → heartbeat → expire → delete, and
# create a job request → submit from it → list its jobs; job definitions likewise.
JobExecutionWorkflows = JOB_EXECUTION.as_state_machine()
TestJobExecutionWorkflows = JobExecutionWorkflows.TestCase
TestJobExecutionWorkflows.settings = STATEFUL

JobDefinitionWorkflows = JOB_DEFINITIONS.as_state_machine()
TestJobDefinitionWorkflows = JobDefinitionWorkflows.TestCase
TestJobDefinitionWorkflows.settings = STATEFUL


def test_the_workflows_followed_links_to_the_resources_they_created() -> None:
    """Runs after the state machines above. Generated ids never name a job, so a job read (200), deleted (204)
    or submitted from a created request (201) can only have been reached through the documents' links."""
    journal = APP.container.journal
    assert journal.find("GET", "/jobExecution/jobs/*", 200)
    assert journal.find("DELETE", "/jobExecution/jobs/*", 204)
    assert journal.find("POST", "/jobExecution/jobRequests/*/jobs", 201)
    assert journal.find("GET", "/jobDefinitions/definitions/*", 200)
