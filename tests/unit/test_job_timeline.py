"""A job's state, heartbeat and end are derived from its events and the instant it is read at."""

from __future__ import annotations

from viya_mock.core.domain.timestamps import format_ms
from viya_mock.jobexecution.domain.job import HEARTBEATS, Job, JobEvent

T0 = 1_767_603_600_000  # 2026-01-05T09:00:00.000Z
SECOND = 1_000


def running_job(interval: int = 60, grace: int = 0) -> Job:
    base = {"id": "j", "state": "running", "heartbeatInterval": interval, "results": {}}
    job = Job(id="j", base=base, created=T0, heartbeat_grace=grace)
    job.record(JobEvent(at=T0, changes={HEARTBEATS: True}, modifies=False))
    return job


def test_a_heartbeating_job_never_times_out_and_its_heartbeat_follows_the_interval() -> None:
    job = running_job(interval=60)
    view = job.view(T0 + 3_601 * SECOND)
    assert view.state == "running"
    assert view.doc["heartbeatTimeStamp"] == format_ms(T0 + 3_600 * SECOND)


def test_a_stalled_job_times_out_one_interval_plus_grace_after_its_last_beat() -> None:
    job = running_job(interval=60, grace=5 * SECOND)
    job.record(JobEvent(at=T0 + 125 * SECOND, changes={HEARTBEATS: False}, modifies=False))
    assert job.view(T0 + 184 * SECOND).state == "running"
    view = job.view(T0 + 186 * SECOND)
    assert view.state == "timedOut"
    assert view.ended == T0 + 185 * SECOND  # last simulated beat at 120 s, + 60 s + 5 s grace
    assert view.doc["heartbeatTimeStamp"] == format_ms(T0 + 120 * SECOND)
    assert view.doc["endTimeStamp"] == format_ms(T0 + 185 * SECOND)


def test_a_time_out_comes_before_a_later_scheduled_completion() -> None:
    job = running_job(interval=10)
    job.record(JobEvent(at=T0 + 1 * SECOND, changes={HEARTBEATS: False}, modifies=False))
    job.record(JobEvent(at=T0 + 60 * SECOND, changes={"state": "completed"}))
    view = job.view(T0 + 120 * SECOND)
    assert view.state == "timedOut"
    assert view.ended == T0 + 10 * SECOND


def test_views_are_reproducible_whatever_order_they_are_read_in() -> None:
    job = running_job(interval=30)
    job.record(JobEvent(at=T0 + 50 * SECOND, changes={"state": "completed", "results": {"a": "b"}}))
    late = job.view(T0 + 90 * SECOND)
    early = job.view(T0 + 40 * SECOND)
    assert early.state == "running" and late.state == "completed"
    assert job.view(T0 + 90 * SECOND).doc == late.doc
    assert late.elapsed(T0 + 90 * SECOND) == 50 * SECOND


def test_a_heartbeat_does_not_change_the_etag_but_a_modification_does() -> None:
    job = running_job()
    etag = job.view(T0).etag
    job.record(JobEvent(at=T0 + SECOND, changes={"heartbeatTimeStamp": T0 + SECOND}, modifies=False))
    assert job.view(T0 + SECOND).etag == etag
    job.record(JobEvent(at=T0 + 2 * SECOND, changes={"stateDetails": "x"}))
    assert job.view(T0 + 2 * SECOND).etag != etag


def test_superseding_the_plan_drops_only_later_events() -> None:
    job = running_job()
    job.record(JobEvent(at=T0 + 100 * SECOND, changes={"state": "completed"}))
    job.record(JobEvent(at=T0 + 10 * SECOND, changes={"state": "canceled"}), supersede_plan=True)
    view = job.view(T0 + 200 * SECOND)
    assert view.state == "canceled" and view.ended == T0 + 10 * SECOND


def provider_heartbeats(job: Job, *instants: int) -> None:
    """Heartbeats through the API, as JobService.heartbeat records them."""
    for at in instants:
        job.record(JobEvent(at=at, changes={"heartbeatTimeStamp": at, HEARTBEATS: False}, modifies=False))


def test_after_api_heartbeats_the_next_change_is_the_deadline_of_the_last_beat() -> None:
    job = running_job(interval=60)
    provider_heartbeats(job, T0 + 10 * SECOND, T0 + 20 * SECOND, T0 + 30 * SECOND)
    now = T0 + 35 * SECOND
    assert job.view(now).state == "running"
    # An earlier beat's deadline (70 s) must not survive the later beats: a change in the past would make a
    # long poll wake at once, over and over.
    assert job.next_change(now) == T0 + 90 * SECOND
    assert job.view(T0 + 91 * SECOND).state == "timedOut"


def test_heartbeats_through_the_api_keep_the_timeline_short() -> None:
    job = running_job(interval=60)
    provider_heartbeats(job, *(T0 + n * SECOND for n in range(1, 5_001)))
    assert len(job.events) <= 3
    view = job.view(T0 + 5_000 * SECOND)
    assert view.state == "running" and view.doc["heartbeatTimeStamp"] == format_ms(T0 + 5_000 * SECOND)


def test_a_beat_after_a_time_out_does_not_erase_the_time_out() -> None:
    job = running_job(interval=60)
    provider_heartbeats(job, T0 + 10 * SECOND, T0 + 200 * SECOND)
    view = job.view(T0 + 300 * SECOND)
    assert view.state == "timedOut" and view.ended == T0 + 70 * SECOND
