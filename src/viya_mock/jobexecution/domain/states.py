"""The job lifecycle: which states exist, which have ended, and which changes are allowed."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    CANCELED = "canceled"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMED_OUT = "timedOut"


ENDED = frozenset({JobState.CANCELED, JobState.COMPLETED, JobState.FAILED, JobState.TIMED_OUT})

# pending → running → completed / failed / canceled / timedOut, and a job that has not started can be
# canceled. Staying in the same unended state is allowed (a provider may repeat itself).
TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.PENDING: frozenset({JobState.PENDING, JobState.RUNNING, JobState.CANCELED}),
    JobState.RUNNING: frozenset(
        {JobState.RUNNING, JobState.COMPLETED, JobState.FAILED, JobState.CANCELED, JobState.TIMED_OUT}
    ),
}

_BY_VALUE = {state.value: state for state in JobState}


def parse_state(text: str) -> JobState | None:
    return _BY_VALUE.get(text)


def can_move(current: JobState, target: JobState) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
