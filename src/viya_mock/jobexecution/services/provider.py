"""The simulated execution provider: what happens to a job after it is submitted, as a plan of events.

A plan is computed once, at submission, from the scenario that matches the job (or the default
timeline); nothing runs later. Reading the job folds the plan against the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from viya_mock.core.domain.timestamps import MAX_INSTANT_MS
from viya_mock.jobexecution.domain.job import HEARTBEATS, JobEvent
from viya_mock.jobexecution.domain.timeline import Step
from viya_mock.randomness import Randomness

FILES = "/files/files/"


@dataclass(frozen=True, slots=True)
class Plan:
    """A job's scripted life, plus the log lines its provider writes."""

    events: list[JobEvent]
    log_location: str | None
    log: list[tuple[int, dict[str, str]]]


def default_steps(running_for: int) -> tuple[Step, ...]:
    """pending → running at once (as every SAS sample shows the new job) → completed after `running_for`."""
    return (
        Step(after=0, changes={"state": "running"}, heartbeats=True),
        Step(
            after=running_for,
            changes={"state": "completed"},
            log_location=True,
            log=({"type": "note", "line": "NOTE: The SAS System stopped processing this job."},),
        ),
    )


class Provider:
    def __init__(self, randomness: Randomness) -> None:
        self.randomness = randomness

    def plan(self, steps: Sequence[Step], *, submitted: int, context_name: str | None) -> Plan:
        """Turn scripted steps into timeline events; the log URI and Compute results are made up once."""
        log_location: str | None = None
        compute_job = self.randomness.uuid().upper()
        events: list[JobEvent] = []
        log: list[tuple[int, dict[str, str]]] = []
        for step in sorted(steps, key=lambda s: s.after):
            at = submitted + step.after
            if at > MAX_INSTANT_MS:
                break  # the clock can never get there (it stops at the end of 9999), so neither can the job
            changes: dict[str, Any] = dict(step.changes)
            if step.heartbeats is not None:
                changes[HEARTBEATS] = step.heartbeats
            if step.log_location and "logLocation" not in changes:
                log_location = log_location or FILES + self.randomness.uuid()
                changes["logLocation"] = log_location
            if changes.get("state") == "completed" and "results" not in changes:
                changes["results"] = self._compute_results(compute_job, context_name)
            if "logLocation" in changes:
                log_location = changes["logLocation"]
            log.extend((at, dict(line)) for line in step.log)
            only_heartbeats = set(changes) <= {HEARTBEATS}
            events.append(JobEvent(at=at, changes=changes, modifies=not only_heartbeats))
        return Plan(events=events, log_location=log_location, log=log)

    def _compute_results(self, compute_job: str, context_name: str | None) -> dict[str, str]:
        """Results shaped like the Compute provider's: context, compute job and session, and the log file."""
        session = self.randomness.uuid()
        return {
            "COMPUTE_CONTEXT": context_name or "SAS Job Execution compute context",
            "COMPUTE_JOB": compute_job,
            "COMPUTE_SESSION": f"{session}-ses0000 ended.",
            f"{compute_job}.log.txt": FILES + self.randomness.uuid(),
        }
