"""A job: what was submitted, plus a timeline of changes from which its state at any instant is derived.

Nothing changes a job "in the background". The provider's plan (scheduled events) and the updates that
arrive through the API are both events on one timeline; reading the job at an instant folds the events
that have happened by then. That is why a virtual clock can move an hour forward instantly and every run
gives the same answer. The fold is cached until the next scheduled event, so repeated reads are cheap.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from viya_mock.core.domain.preconditions import make_etag
from viya_mock.core.domain.timestamps import format_ms
from viya_mock.jobexecution.domain.states import ENDED, JobState

NEVER = 2**62


# Pseudo-field of an event: True when the simulated provider starts heartbeating at the event's instant,
# False when it stops (a scripted stall, or a real provider taking over through the API).
HEARTBEATS = "@heartbeats"
# What may still happen to a job after it has ended: its expiration can be set or cleared.
_AFTER_END = frozenset({"expirationTimeStamp"})


@dataclass(frozen=True, slots=True)
class JobEvent:
    """A change to a job's representation at an instant.

    `changes` maps wire fields to new values (None removes a field; heartbeatTimeStamp and
    expirationTimeStamp take epoch milliseconds), plus the HEARTBEATS switch. `modifies` is False for
    changes that are not modifications of the job as a resource (a heartbeat), so they leave
    modifiedTimeStamp and the ETag alone.
    """

    at: int
    changes: Mapping[str, Any]
    by: str | None = None
    modifies: bool = True


@dataclass(frozen=True, slots=True)
class JobView:
    """A job as it is at one instant."""

    doc: dict[str, Any]
    state: JobState
    created: int
    modified: int
    ended: int | None
    expiration: int | None
    etag: str

    def expired(self, now: int) -> bool:
        """Whether the service has deleted the job by `now` (its expiration has come)."""
        return self.expiration is not None and self.expiration <= now

    def elapsed(self, now: int) -> int:
        """As the field table defines it: end minus creation once ended, else representation time minus creation."""
        return (self.ended if self.ended is not None else now) - self.created


@dataclass(slots=True)
class Job:
    id: str
    base: dict[str, Any]
    created: int
    job_request_id: str | None = None
    # Milliseconds after the end at which the service deletes the job (from expiresAfter), if any.
    expires_after: int | None = None
    # How long past a missed heartbeat a running job is still given before it becomes timedOut.
    heartbeat_grace: int = 0
    events: list[JobEvent] = field(default_factory=list)
    # Lines the provider writes to the job's log, each at an instant: (at, {"type": …, "line": …}).
    log: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    # Bytes of files the job's results name (by result name, such as `_webout.json`), when its program wrote them.
    outputs: dict[str, bytes] = field(default_factory=dict)
    # The scenario whose timeline the job follows, if one scripted it (its history names it as the cause).
    scenario: str | None = None
    # Told the job's id whenever an event is added (the store's change tracking, while the job is stored).
    watcher: Callable[[str], None] | None = field(default=None, repr=False, compare=False)
    _view: JobView | None = None
    _view_from: int = 0
    _view_until: int = 0

    def record(self, event: JobEvent, *, supersede_plan: bool = False) -> None:
        """Add an event; with `supersede_plan`, scheduled events after it are dropped.

        Provider updates through the API take precedence over the simulated timeline from that point on.
        """
        if supersede_plan:
            del self.events[bisect.bisect_right(self.events, event.at, key=lambda e: e.at) :]
        if self._replaces_last_heartbeat(event):
            self.events[-1] = event
        else:
            bisect.insort_right(self.events, event, key=lambda e: e.at)
        self._view = None
        if self.watcher is not None:
            self.watcher(self.id)

    def _replaces_last_heartbeat(self, event: JobEvent) -> bool:
        """A provider heartbeating through the API adds one event per beat; kept one by one, a long-running
        job's timeline would grow without bound and every read would fold all of it. A beat that follows
        another beat, with nothing in between and the job still running as it was, replaces it: only the
        latest beat decides the time-out. (Views of instants between the two beats then show the later one.)
        """
        if not self.events or not _is_heartbeat(event):
            return False
        last = self.events[-1]
        if not _is_heartbeat(last) or last.at > event.at or set(last.changes) != set(event.changes):
            return False
        before, now = self.view(last.at), self.view(event.at)
        return before.ended is None and now.ended is None and before.state == now.state

    def log_locations(self) -> list[str]:
        """Every URI the job's logLocation names at some point of its timeline."""
        found = [self.base.get("logLocation"), *(event.changes.get("logLocation") for event in self.events)]
        return [uri for uri in found if isinstance(uri, str)]

    def result_locations(self) -> list[str]:
        """Every Files URI the job's results name at some point of its timeline."""
        found: list[str] = []
        for results in (self.base.get("results"), *(event.changes.get("results") for event in self.events)):
            if isinstance(results, Mapping):
                found.extend(v for v in results.values() if isinstance(v, str) and v.startswith("/files/files/"))
        return found

    def log_lines(self, now: int) -> list[dict[str, str]]:
        """The log as written by `now`."""
        return [line for at, line in self.log if at <= now]

    def next_change(self, now: int) -> int:
        """The first instant after `now` at which the job's view could differ, with no further events."""
        self.view(now)
        return self._view_until

    def view(self, now: int) -> JobView:
        cached = self._view
        if cached is not None and self._view_from <= now < self._view_until:
            return cached
        fold = _Fold(self, now)
        view = fold.run()
        self._view, self._view_from, self._view_until = view, now, fold.until
        return view


def _is_heartbeat(event: JobEvent) -> bool:
    return not event.modifies and "heartbeatTimeStamp" in event.changes and _HEARTBEAT_FIELDS.issuperset(event.changes)


_HEARTBEAT_FIELDS = frozenset({"heartbeatTimeStamp", HEARTBEATS})


class _Fold:
    """Replays a job's events up to `now`, deriving heartbeats, the time-out and the expiration on the way.

    `until` is the first instant at which the result could differ (next event, next simulated heartbeat,
    time-out deadline, expiration), which is how long the view may be cached.
    """

    def __init__(self, job: Job, now: int) -> None:
        self.job, self.now = job, now
        self.doc = dict(job.base)
        self.modified = job.created
        self.revision = 0
        self.ended: int | None = None
        self.beating_since: int | None = None
        self.last_beat: int | None = None
        self.expiration_set, self.expiration_override = False, None
        self.until = NEVER

    def run(self) -> JobView:
        job, now = self.job, self.now
        for event in job.events:
            if event.at > now:
                self.until = event.at
                break
            # A deadline passed before this event ends the job there; one still ahead may yet move (a later
            # heartbeat), so only the deadline left after the last event bounds the cache (below).
            self._time_out_before(event.at, bound=False)
            if self.ended is None or _AFTER_END.issuperset(event.changes):
                self._apply(event)
        self._time_out_before(now + 1)
        self._settle_heartbeat()
        expiration = self._expiration()
        if expiration is not None:
            self.doc["expirationTimeStamp"] = format_ms(expiration)
            self.until = min(self.until, max(expiration, now + 1))
        self.doc["modifiedTimeStamp"] = format_ms(self.modified)
        return JobView(
            doc=self.doc,
            state=JobState(self.doc["state"]),
            created=job.created,
            modified=self.modified,
            ended=self.ended,
            expiration=expiration,
            etag=make_etag(job.id, self.modified, self.revision),
        )

    def _apply(self, event: JobEvent) -> None:
        doc = self.doc
        for name, value in event.changes.items():
            if name == HEARTBEATS:
                self._switch_heartbeats(bool(value), event.at)
            elif name == "heartbeatTimeStamp":
                self.last_beat = value
            elif name == "expirationTimeStamp":
                self.expiration_set, self.expiration_override = True, value
            elif value is None:
                doc.pop(name, None)
            else:
                doc[name] = value
        if "state" in event.changes and JobState(doc["state"]) in ENDED:
            self._end(event.at)
        if event.modifies:
            self.revision += 1
            self.modified = event.at
            if event.by is not None:
                doc["modifiedBy"] = event.by

    def _interval(self) -> int:
        interval = self.doc.get("heartbeatInterval") or 0
        return int(interval) * 1000 if isinstance(interval, int | float) else 0

    def _beat_at(self, instant: int) -> int | None:
        """The latest heartbeat at or before `instant`, explicit or simulated."""
        beat = self.last_beat
        interval = self._interval()
        if self.beating_since is not None and interval > 0 and instant >= self.beating_since:
            simulated = self.beating_since + (instant - self.beating_since) // interval * interval
            beat = simulated if beat is None else max(beat, simulated)
        return beat

    def _switch_heartbeats(self, on: bool, at: int) -> None:
        if on:
            self.beating_since = at if self.beating_since is None else self.beating_since
        elif self.beating_since is not None:
            self.last_beat = self._beat_at(at)
            self.beating_since = None

    def _deadline(self) -> int | None:
        """When a running job without a heartbeating provider times out, if it can."""
        interval = self._interval()
        if self.ended is not None or self.beating_since is not None or interval <= 0:
            return None
        if self.doc.get("state") != JobState.RUNNING.value:
            return None
        last = self.last_beat if self.last_beat is not None else self.job.created
        return last + interval + self.job.heartbeat_grace

    def _time_out_before(self, instant: int, *, bound: bool = True) -> None:
        deadline = self._deadline()
        if deadline is None:
            return
        if deadline < instant:
            self.doc["state"] = JobState.TIMED_OUT.value
            self._end(deadline)
            self.revision += 1
            self.modified = deadline
        elif bound:
            self.until = min(self.until, deadline)

    def _end(self, at: int) -> None:
        if self.ended is None:
            self.last_beat = self._beat_at(at)
            self.beating_since = None
            self.ended = at
            self.doc["endTimeStamp"] = format_ms(at)

    def _settle_heartbeat(self) -> None:
        beat = self._beat_at(self.now if self.ended is None else self.ended)
        if beat is not None:
            self.doc["heartbeatTimeStamp"] = format_ms(beat)
        interval = self._interval()
        if self.beating_since is not None and interval > 0 and beat is not None:
            self.until = min(self.until, beat + interval)

    def _expiration(self) -> int | None:
        # An expiration set (or cleared) through the API replaces the one derived from expiresAfter.
        if self.expiration_set:
            return self.expiration_override
        if self.ended is not None and self.job.expires_after is not None:
            return self.ended + self.job.expires_after
        return None


# Fields that a stored job derives from its timeline rather than keeping as given.
_DERIVED = frozenset({"links", "elapsedTime", "modifiedTimeStamp", "endTimeStamp", "expirationTimeStamp"})
_OUTCOME = ("state", "stateDetails", "results", "error", "logLocation")


def job_from_representation(doc: Mapping[str, Any], parse_time: Callable[[str], int]) -> Job:
    """Rebuild a job from its wire representation (fixtures, imports) as a timeline that reproduces it.

    The job starts at creationTimeStamp, reaches its recorded outcome at endTimeStamp (or stays as it is),
    and is last modified at modifiedTimeStamp, so the rebuilt job renders the same timestamps.
    """
    created = parse_time(doc["creationTimeStamp"])
    base = {k: v for k, v in doc.items() if k not in _DERIVED and k not in _OUTCOME and k != "heartbeatTimeStamp"}
    base["state"] = JobState.RUNNING.value if doc["state"] in {s.value for s in ENDED} else doc["state"]
    base.setdefault("results", {})
    job_request = doc.get("jobRequest") or {}
    job = Job(id=doc["id"], base=base, created=created, job_request_id=_persisted_request_id(job_request))
    if doc.get("heartbeatTimeStamp"):
        beat = parse_time(doc["heartbeatTimeStamp"])
        job.record(JobEvent(at=beat, changes={"heartbeatTimeStamp": beat}, modifies=False))
    if doc.get("heartbeatInterval"):
        # The provider of a recorded job was healthy: heartbeating until the recorded end (or still, for a job
        # shown running), so no time-out is derived that the record does not show.
        job.record(JobEvent(at=created, changes={HEARTBEATS: True}, modifies=False))
    outcome = {k: doc[k] for k in _OUTCOME if k in doc}
    end = doc.get("endTimeStamp")
    if outcome.get("state") in {s.value for s in ENDED}:
        ended = parse_time(end) if end else created
        job.record(JobEvent(at=ended, changes=outcome))
    elif outcome:
        job.record(JobEvent(at=created, changes=outcome, modifies=False))
    if doc.get("modifiedTimeStamp"):
        modified = parse_time(doc["modifiedTimeStamp"])
        if modified > (job.events[-1].at if job.events else created):
            job.record(JobEvent(at=modified, changes={}))
    if doc.get("expirationTimeStamp"):
        at = job.events[-1].at if job.events else created
        job.record(JobEvent(at=at, changes={"expirationTimeStamp": parse_time(doc["expirationTimeStamp"])}))
    return job


def _persisted_request_id(job_request: Mapping[str, Any]) -> str | None:
    request_id = job_request.get("id")
    return request_id if isinstance(request_id, str) else None
