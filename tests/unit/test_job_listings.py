"""Kept job lists (jobexecution/services/listings.py) answer exactly what a scan of every job answers.

Whatever happens between two lists (submits, provider updates, heartbeats, deletes, expirations, time moving
forward or back, a reset), a question asked again is answered from its kept list; these tests compare each
answer with a plain scan of the store at the same instant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, rule

from tests.conftest import PROC_PRINT_URI, START_MS
from viya_mock.clock import VirtualClock
from viya_mock.container import Container
from viya_mock.core.domain.errors import ViyaError
from viya_mock.core.query.listing import predicate_for, sort_for
from viya_mock.core.query.paging import select
from viya_mock.jobexecution.services.jobs import DEFAULT_JOB_SORT, JOB_FIELDS
from viya_mock.jobexecution.services.listings import MAX_KEPT, REBUILD_SHARE
from viya_mock.settings import Settings

CONTAINER = Container(Settings(virtual_start=START_MS, seed=3, job_duration=4_000))

# Few questions, so that a plan asks each several times with changes in between (the kept list's updates).
QUESTIONS = [
    (None, None),
    ("in(state,'completed','canceled','timedOut')", "name"),
    ("and(ne(state,'pending'),isNull(endTimeStamp))", "state:descending,creationTimeStamp"),
    ("startsWith(name,'a')", "heartbeatTimeStamp:descending"),
    ("gt(heartbeatTimeStamp,'2026-01-05T09:00:03')", "modifiedTimeStamp:ascending,name:descending"),
    (None, "expirationTimeStamp:descending,id"),
]


def scanned(container: Container, filter_text: str | None, sort_text: str | None, start: int, limit: int) -> Any:
    """What a scan of every unexpired job answers now, without touching the store."""
    now = container.clock.now()
    live = [job for job in container.store.jobs.values() if not job.view(now).expired(now)]
    page = select(
        live,
        doc=lambda job: job.view(now).doc,
        predicate=predicate_for(filter_text, JOB_FIELDS),
        sort=sort_for(sort_text, JOB_FIELDS, DEFAULT_JOB_SORT),
        start=start,
        limit=limit,
    )
    return [job.id for job in page.items], page.count


def listed(container: Container, filter_text: str | None, sort_text: str | None, start: int, limit: int) -> Any:
    page = container.jobs.query(start=start, limit=limit, filter_text=filter_text, sort_text=sort_text)
    return [snapshot.job.id for snapshot in page.items], page.count


class KeptListsMachine(RuleBasedStateMachine):
    """Jobs submitted, updated, heartbeated, deleted and expired while time moves either way; every question
    is asked twice (the second is answered from its kept list) and compared with a scan."""

    rebuild_share = REBUILD_SHARE
    jobs = Bundle("jobs")

    def __init__(self) -> None:
        super().__init__()
        self.container = CONTAINER
        self.container.reset()
        self.container.jobs.listings.rebuild_share = self.rebuild_share
        clock = self.container.clock
        assert isinstance(clock, VirtualClock)
        self.clock = clock

    @staticmethod
    def _try(action: Callable[[], Any]) -> None:
        try:
            action()
        except ViyaError:
            pass  # the job had ended, expired, gone or could not move there: nothing changed

    @rule(
        target=jobs, name=st.sampled_from(["alpha", "beta", "Alpha"]), expires=st.sampled_from([None, "PT3S", "PT1M"])
    )
    def submit(self, name: str, expires: str | None) -> str:
        request: dict[str, Any] = {"jobDefinitionUri": PROC_PRINT_URI, "name": name}
        if expires is not None:
            request["expiresAfter"] = expires
        return self.container.jobs.submit(request, submitter=None).job.id

    @rule(milliseconds=st.sampled_from([1, 700, 2_500, 60_000]))
    def advance(self, milliseconds: int) -> None:
        self.clock.advance(milliseconds)

    @rule(milliseconds=st.sampled_from([1, 1_500, 30_000]))
    def rewind(self, milliseconds: int) -> None:
        self.clock.set(self.clock.now() - milliseconds)

    @rule(job_id=jobs, state=st.sampled_from(["canceled", "running", "completed"]))
    def set_state(self, job_id: str, state: str) -> None:
        self._try(lambda: self.container.jobs.set_state(job_id, state, None))

    @rule(job_id=jobs)
    def fail_through_the_provider(self, job_id: str) -> None:
        update = {"state": "failed"}
        self._try(lambda: self.container.jobs.update(job_id, update, if_match=None, if_unmodified_since=None))

    @rule(job_id=jobs)
    def heartbeat(self, job_id: str) -> None:
        self._try(lambda: self.container.jobs.heartbeat(job_id))

    @rule(job_id=jobs, value=st.sampled_from(["2026-01-05T09:00:05.000Z", "2026-01-05T10:00:00.000Z", ""]))
    def set_expiration(self, job_id: str, value: str) -> None:
        self._try(lambda: self.container.jobs.set_expiration(job_id, value))

    @rule(job_id=jobs)
    def delete(self, job_id: str) -> None:
        self._try(lambda: self.container.jobs.delete(job_id))

    @rule()
    def reset(self) -> None:
        self.container.reset()

    @rule(question=st.sampled_from(QUESTIONS), start=st.integers(0, 6), limit=st.sampled_from([0, 1, 3, 50]))
    def ask(self, question: tuple[str | None, str | None], start: int, limit: int) -> None:
        filter_text, sort_text = question
        expected = scanned(self.container, filter_text, sort_text, start, limit)
        assert listed(self.container, filter_text, sort_text, start, limit) == expected
        assert listed(self.container, filter_text, sort_text, start, limit) == expected


class UpdatedMachine(KeptListsMachine):
    """A small store mostly rebuilds its lists at the default share; this one updates them job by job."""

    rebuild_share = 10**9


MACHINE_SETTINGS = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestKeptListsRebuilt = KeptListsMachine.TestCase
TestKeptListsRebuilt.settings = MACHINE_SETTINGS
TestKeptListsUpdated = UpdatedMachine.TestCase
TestKeptListsUpdated.settings = MACHINE_SETTINGS


def test_a_repeated_question_is_kept_and_follows_time_without_a_write() -> None:
    container = CONTAINER
    container.reset()
    clock = container.clock
    assert isinstance(clock, VirtualClock)
    ids = [container.jobs.submit({"jobDefinitionUri": PROC_PRINT_URI}, submitter=None).job.id for _ in range(5)]
    running, completed = "eq(state,'running')", "eq(state,'completed')"
    for _ in range(2):
        assert set(ids) <= set(listed(container, running, None, 0, 50)[0])
        assert not set(ids) & set(listed(container, completed, None, 0, 50)[0])
    assert len(container.jobs.listings._kept) == 2
    clock.advance(60_000)  # the timeline has ended every job; nothing was written
    assert not set(ids) & set(listed(container, running, None, 0, 50)[0])
    assert set(ids) <= set(listed(container, completed, None, 0, 50)[0])
    assert listed(container, completed, None, 0, 2) == scanned(container, completed, None, 0, 2)


def test_at_most_a_bounded_number_of_questions_are_kept() -> None:
    container = CONTAINER
    container.reset()
    for n in range(MAX_KEPT + 5):
        for _ in range(2):
            container.jobs.query(start=0, limit=1, filter_text=f"ne(name,'{n}')", sort_text=None)
    kept = container.jobs.listings._kept
    assert len(kept) == MAX_KEPT
    assert ("ne(name,'12')", (DEFAULT_JOB_SORT[0],)) in kept
    assert ("ne(name,'0')", (DEFAULT_JOB_SORT[0],)) not in kept


def test_settings_job_duration_is_what_the_plan_uses() -> None:
    """The property test above relies on jobs ending within seconds of virtual time."""
    container = CONTAINER
    container.reset()
    clock = container.clock
    assert isinstance(clock, VirtualClock)
    job_id = container.jobs.submit({"jobDefinitionUri": PROC_PRINT_URI}, submitter=None).job.id
    clock.advance(10_000)
    assert container.jobs.get(job_id).view.state.value == "completed"


def test_a_kept_list_follows_the_clock_moved_back() -> None:
    container = CONTAINER
    container.reset()
    clock = container.clock
    assert isinstance(clock, VirtualClock)
    container.jobs.listings.rebuild_share = 10**9
    job_id = container.jobs.submit({"jobDefinitionUri": PROC_PRINT_URI}, submitter=None).job.id
    unfinished = "isNull(endTimeStamp)"
    for _ in range(2):
        assert job_id in listed(container, unfinished, None, 0, 50)[0]
    clock.advance(60_000)
    assert job_id not in listed(container, unfinished, None, 0, 50)[0]
    clock.set(clock.now() - 58_000)  # back to before the job ended
    assert listed(container, unfinished, None, 0, 50) == scanned(container, unfinished, None, 0, 50)
    assert job_id in listed(container, unfinished, None, 0, 50)[0]
