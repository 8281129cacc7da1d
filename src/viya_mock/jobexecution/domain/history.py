"""A job's history as a reader sees it: each change that has happened by an instant, and what caused it.

The job is kept as events (its planned timeline, provider calls, heartbeats, expiration changes); the history
names each event's cause so a person can tell why a job ended where it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from viya_mock.jobexecution.domain.job import HEARTBEATS, Job, JobEvent

# Changes that hold instants in epoch milliseconds, written as timestamps for readers.
INSTANTS = ("heartbeatTimeStamp", "expirationTimeStamp")


@dataclass(frozen=True, slots=True)
class Change:
    at: int
    cause: str
    changes: dict[str, Any]


def cause_of(event: JobEvent, scenario: str | None = None) -> str:
    names = set(event.changes) - {HEARTBEATS}
    if names <= {"heartbeatTimeStamp"} and "heartbeatTimeStamp" in names:
        # A beat through the API switches the simulated ones off (the request became the provider).
        return "heartbeat through the API" if event.changes.get(HEARTBEATS) is False else "simulated heartbeat"
    if "expirationTimeStamp" in names:
        return f"expiration set by {event.by}" if event.by else "expiration from expiresAfter"
    if event.by:
        return f"request by {event.by}"
    return f"the timeline of scenario {scenario}" if scenario else "the provider's timeline"


def history(job: Job, now: int) -> list[Change]:
    """The job's changes up to `now`, oldest first (what is scheduled after `now` has not happened)."""
    return [
        Change(event.at, cause_of(event, job.scenario), {k: v for k, v in event.changes.items() if k != HEARTBEATS})
        for event in job.events
        if event.at <= now
    ]


def log_so_far(job: Job, now: int) -> list[dict[str, str]]:
    """The provider's log lines written by `now`."""
    return [line for at, line in job.log if at <= now]
