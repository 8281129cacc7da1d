"""The simulated execution provider: what happens to a job after it is submitted, as a plan of events.

A plan is computed once, at submission, from the scenario that matches the job (or the default
timeline); nothing runs later. Reading the job folds the plan against the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from viya_mock.compute.domain.session import ComputeJob
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
    # Content of result files the program wrote (`_webout.json`), by result name.
    outputs: dict[str, bytes] = field(default_factory=dict)


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


# Log lines are read, never changed, once a plan holds them; jobs that run the same program write the same
# lines, so each distinct line is one dict the jobs share (up to this many; past it, lines are not shared).
MAX_SHARED_LINES = 8192


class Provider:
    def __init__(self, randomness: Randomness) -> None:
        self.randomness = randomness
        self._lines: dict[tuple[str, str], dict[str, str]] = {}

    def _line(self, type_: str, text: str) -> dict[str, str]:
        key = (type_, text)
        line = self._lines.get(key)
        if line is None:
            line = {"type": type_, "line": text}
            if len(self._lines) < MAX_SHARED_LINES:
                self._lines[key] = line
        return line

    def plan(
        self,
        steps: Sequence[Step],
        *,
        submitted: int,
        context_name: str | None,
        program: ComputeJob | None = None,
    ) -> Plan:
        """Turn scripted steps into timeline events; the log URI and Compute results are made up once.

        With `program` (the Compute job a Job Execution job of type Compute runs), the job completes no earlier
        than the program ends, fails when the program ends in error, and its log is the program's log followed
        by the provider's own lines.
        """
        log_location: str | None = None
        compute_job = program.id if program is not None else self.randomness.uuid().upper()
        events: list[JobEvent] = []
        log: list[tuple[int, dict[str, str]]] = []
        outputs: dict[str, bytes] = {}
        if program is not None:
            log.extend((program.start + line.at, self._line(line.type, line.line)) for line in program.log.items)
        for step in sorted(steps, key=lambda s: s.after):
            at = submitted + step.after
            completes = step.changes.get("state") == "completed"
            if program is not None and completes:
                at = max(at, program.end)
            if at > MAX_INSTANT_MS:
                break  # the clock can never get there (it stops at the end of 9999), so neither can the job
            changes: dict[str, Any] = dict(step.changes)
            if step.heartbeats is not None:
                changes[HEARTBEATS] = step.heartbeats
            if step.log_location and "logLocation" not in changes:
                log_location = log_location or FILES + self.randomness.uuid()
                changes["logLocation"] = log_location
            if changes.get("state") == "completed" and "results" not in changes:
                changes["results"] = self._compute_results(compute_job, context_name, program)
                if program is not None and program.run.webout is not None:
                    outputs[WEBOUT] = program.run.webout
            if program is not None and completes and program.run.outcome == "error":
                changes["state"] = "failed"
                changes["error"] = _program_error(program)
            if "logLocation" in changes:
                log_location = changes["logLocation"]
            log.extend((at, dict(line)) for line in step.log)
            only_heartbeats = set(changes) <= {HEARTBEATS}
            events.append(JobEvent(at=at, changes=changes, modifies=not only_heartbeats))
        return Plan(events=events, log_location=log_location, log=log, outputs=outputs)

    def _compute_results(
        self, compute_job: str, context_name: str | None, program: ComputeJob | None = None
    ) -> dict[str, str]:
        """Results shaped like the Compute provider's: context, compute job and session, the log file, and
        the `_webout.json` file when the program wrote to _webout."""
        session = program.session_id if program is not None else f"{self.randomness.uuid()}-ses0000"
        results = {
            "COMPUTE_CONTEXT": (program.request.get("name") if program is not None else None)
            or context_name
            or "SAS Job Execution compute context",
            "COMPUTE_JOB": compute_job,
            "COMPUTE_SESSION": f"{session} ended.",
            f"{compute_job}.log.txt": FILES + self.randomness.uuid(),
        }
        if program is not None and program.run.webout is not None:
            results[WEBOUT] = FILES + self.randomness.uuid()
        return results


WEBOUT = "_webout.json"


def _program_error(program: ComputeJob) -> dict[str, Any]:
    """The error of a job whose program ended in error: the program's first ERROR line says why."""
    first = next((line.line for line in program.log.items if line.type == "error"), None)
    return {
        "httpStatusCode": 400,
        "message": f"The SAS program ended with errors (SYSCC={program.run.condition_code}).",
        "details": [first] if first else [],
        "version": 2,
    }
