"""Compute sessions and their jobs as timelines: everything a client sees is folded from a few instants.

A job is given the instant it starts when it is submitted (when the jobs before it in its session will have
ended), runs for its program's duration plus a small base, and writes each line of its log at the offset
the program says. Its state, visible lines and ETag at any instant follow from those numbers and from the
instant it was canceled, if it was: nothing runs in the background, and moving a virtual clock is free.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from viya_mock.core.domain.preconditions import make_etag
from viya_mock.sas.domain.run import Line, Output, Run, Session

JobState = Literal["pending", "running", "canceled", "warning", "error", "completed"]
ENDED: frozenset[str] = frozenset(("canceled", "warning", "error", "completed"))
# What a job costs before its first statement, so that even an empty program is seen running for a moment.
JOB_BASE_MS = 100
# Lines kept per job's log and listing; a program writing more keeps the first ones and a note saying so.
MAX_LINES = 100_000
# Jobs a session remembers; beyond it the oldest ended one is forgotten (its lines leave the session log).
MAX_JOBS_PER_SESSION = 1_000


def _capped(lines: Sequence[Line]) -> list[Line]:
    if len(lines) <= MAX_LINES:
        return list(lines)
    kept = list(lines[: MAX_LINES - 1])
    kept.append(Line("note", f"NOTE: The log was cut to its first {MAX_LINES - 1} lines.", kept[-1].at))
    return kept


class Lines:
    """A log or listing: lines in the order written, with the offsets they appear at for bisecting."""

    __slots__ = ("_ats", "items")

    def __init__(self, lines: Sequence[Line]) -> None:
        self.items = _capped(lines)
        # Offsets made non-decreasing, so "written by then" is a prefix of the lines.
        running = 0
        self._ats: list[int] = []
        for line in self.items:
            running = max(running, line.at)
            self._ats.append(running)

    def written_by(self, offset: int) -> int:
        """How many lines had been written `offset` ms after the job started."""
        return bisect_right(self._ats, offset)

    def next_after(self, offset: int) -> int | None:
        """The offset of the first line not yet written at `offset`, if any."""
        index = bisect_right(self._ats, offset)
        return self._ats[index] if index < len(self._ats) else None


@dataclass(slots=True)
class ComputeJob:
    """A job of a session: its request, what its program wrote (`run`) and when it starts, ends, or stopped."""

    id: str
    session_id: str
    created: int
    start: int
    run: Run
    request: dict[str, Any]
    created_by: str
    canceled_at: int | None = None
    log: Lines = field(init=False)
    listing: Lines = field(init=False)

    def __post_init__(self) -> None:
        self.log = Lines(self.run.log)
        self.listing = Lines(self.run.listing)

    @property
    def natural_end(self) -> int:
        return self.start + JOB_BASE_MS + self.run.duration

    @property
    def end(self) -> int:
        """When the job ends (or ended): its natural end, or the instant it was canceled if that was earlier."""
        if self.canceled_at is not None and self.canceled_at < self.natural_end:
            return max(self.canceled_at, self.created)
        return self.natural_end

    @property
    def was_canceled(self) -> bool:
        return self.canceled_at is not None and self.canceled_at < self.natural_end

    def state(self, now: int) -> JobState:
        if now >= self.end:
            return "canceled" if self.was_canceled else self.run.outcome
        return "pending" if now < self.start else "running"

    def ended(self, now: int) -> bool:
        return now >= self.end

    def etag(self, now: int) -> str:
        """One tag while the job is pending or running, another once it has ended: saspy sends the tag of its
        first state GET as If-Match on cancel, so the tag must not move while the job runs."""
        phase = self.state(now) if self.ended(now) else "open"
        return make_etag(self.id, phase)

    def _offset(self, now: int) -> int:
        """Milliseconds of the program that had run at `now` (-1 before it started)."""
        if now < self.start:
            return -1
        return min(now, self.end) - self.start if self.was_canceled else now - self.start

    def log_lines(self, now: int) -> list[Line]:
        return self.log.items[: self.log.written_by(self._offset(now))] if now >= self.start else []

    def listing_lines(self, now: int) -> list[Line]:
        return self.listing.items[: self.listing.written_by(self._offset(now))] if now >= self.start else []

    def results(self, now: int) -> list[Output]:
        offset = self._offset(now)
        return [output for output in self.run.results if output.at <= offset] if now >= self.start else []

    def webout(self, now: int) -> bytes | None:
        return self.run.webout if self.ended(now) and not self.was_canceled else None

    def condition_code(self, now: int) -> int | None:
        if not self.ended(now):
            return None
        return max(self.run.condition_code, 1) if self.was_canceled else self.run.condition_code

    def next_change(self, now: int) -> int | None:
        """The next instant after `now` at which the state changes or a line appears (None: never again)."""
        if self.ended(now):
            return None
        candidates = [self.end]
        if now < self.start:
            candidates.append(self.start)
        else:
            offset = self._offset(now)
            for lines in (self.log, self.listing):
                upcoming = lines.next_after(offset)
                if upcoming is not None:
                    candidates.append(self.start + upcoming)
        return min(instant for instant in candidates if instant > now) if any(c > now for c in candidates) else None

    def next_state_change(self, now: int) -> int | None:
        """The next instant after `now` at which the state changes (None: it has ended)."""
        if self.ended(now):
            return None
        return self.start if now < self.start else self.end

    def cancel(self, now: int) -> None:
        if not self.ended(now):
            self.canceled_at = now


@dataclass(slots=True)
class ComputeSession:
    """A SAS session: what carries from job to job (`sas`), its jobs in submission order, its audit fields."""

    id: str
    context_id: str
    context_name: str
    owner: str
    created: int
    request: dict[str, Any]
    sas: Session
    process_id: int
    revision: int = 0
    jobs: dict[str, ComputeJob] = field(default_factory=dict)

    def etag(self) -> str:
        return make_etag(self.id, self.revision)

    def ordered(self) -> Iterator[ComputeJob]:
        return iter(self.jobs.values())

    def free_at(self, now: int) -> int:
        """When the session can start a new job: now, or when the last job submitted ends."""
        return max(now, *(job.end for job in self.jobs.values())) if self.jobs else now

    def add(self, job: ComputeJob, now: int) -> None:
        """Queue a job; beyond MAX_JOBS_PER_SESSION the oldest ended job is forgotten."""
        self.jobs[job.id] = job
        self.revision += 1
        while len(self.jobs) > MAX_JOBS_PER_SESSION:
            oldest = next((j for j in self.jobs.values() if j.ended(now)), None)
            if oldest is None:
                break
            del self.jobs[oldest.id]

    def reschedule(self, now: int) -> None:
        """After a cancel or a delete: the jobs not started yet start when the one before them ends."""
        previous_end: int | None = None
        for job in self.jobs.values():
            if previous_end is not None and job.start > now and job.canceled_at is None:
                job.start = max(job.created, previous_end, now)
            previous_end = job.end if previous_end is None else max(previous_end, job.end)

    def state(self, now: int) -> str:
        return "running" if any(not job.ended(now) and job.start <= now for job in self.jobs.values()) else "idle"

    def condition_code(self, now: int) -> int:
        codes = [code for job in self.jobs.values() if (code := job.condition_code(now)) is not None]
        return max(codes, default=0)

    def next_change(self, now: int) -> int | None:
        upcoming = [instant for job in self.jobs.values() if (instant := job.next_change(now)) is not None]
        return min(upcoming, default=None)

    def log_lines(self, now: int) -> list[Line]:
        return [line for job in self.jobs.values() for line in job.log_lines(now)]

    def listing_lines(self, now: int) -> list[Line]:
        return [line for job in self.jobs.values() for line in job.listing_lines(now)]
