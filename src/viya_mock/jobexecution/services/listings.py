"""The job collection's repeated lists, kept current as jobs change and as time passes.

A job's state depends on the clock (a running job times out, an ended one expires, with no write at all), so
what a kept list must follow comes in two kinds: writes, which the store's change tracking names, and
instants, which each job's view gives (it holds until its next scheduled change). A heap of those instants
names the jobs whose view may differ once the clock has passed them. Bringing the lists up to an instant
re-reads only those jobs, so a page of a question asked before costs O(log n + page) at any store size and
advancing the clock over many jobs costs nothing until someone lists them.

A question is kept from the second time it is asked (a one-off filter costs what a plain scan costs and keeps
nothing); at most MAX_KEPT questions are kept, the least recently asked dropped first.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Final

from viya_mock.core.query.filters import Predicate
from viya_mock.core.query.kept import KeptQuery
from viya_mock.core.query.paging import Page, SortKey
from viya_mock.core.store.memory import Store
from viya_mock.jobexecution.domain.job import NEVER, Job

# Questions kept answered, and questions remembered as asked once (so the second asking keeps it).
MAX_KEPT: Final = 8
MAX_ASKED: Final = 64
# When more than 1/REBUILD_SHARE of the jobs changed at once, each kept list is rebuilt instead of updated.
REBUILD_SHARE: Final = 4
# The heap keeps stale instants of jobs rescheduled since; it is compacted past twice the live ones.
HEAP_SLACK: Final = 1024

Question = tuple[str, tuple[SortKey, ...]]
Update = tuple[str, Mapping[str, Any] | None, int]  # a job's id, its document (None: gone), its order
Current = tuple[str, Mapping[str, Any], int]


class JobListings:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.rebuild_share = REBUILD_SHARE
        self._kept: OrderedDict[Question, KeptQuery] = OrderedDict()
        self._asked: OrderedDict[Question, None] = OrderedDict()
        # When each job's view may next differ (jobs that never change again are not scheduled).
        self._heap: list[tuple[int, str]] = []
        self._scheduled: dict[str, int] = {}
        self._now: int | None = None  # the instant the kept lists are current at
        self._jobs: dict[str, Job] | None = None  # the store's job table they were built from

    def clear(self) -> None:
        """Keep nothing (a reset: the next questions start as if never asked)."""
        with self.store.lock:
            self._kept.clear()
            self._asked.clear()
            self._heap, self._scheduled, self._now, self._jobs = [], {}, None, None

    def page(
        self,
        filter_text: str | None,
        predicate: Predicate | None,
        sort: Sequence[SortKey],
        *,
        start: int,
        limit: int,
        now: int,
    ) -> tuple[Page[Job], list[Job]] | None:
        """A page of the question and the jobs found expired on the way (for the service to delete), or None
        when the question is not kept (yet): the caller then scans the jobs itself."""
        question: Question = ((filter_text or "").strip(), tuple(sort))
        with self.store.lock:
            kept = self._kept.get(question)
            if kept is None and not self._keep(question):
                return None
            expired = self._catch_up(now)
            if kept is None:
                kept = KeptQuery(predicate, sort)
                kept.rebuild(self._current(now))
                self._kept[question] = kept
                while len(self._kept) > MAX_KEPT:
                    self._kept.popitem(last=False)
            else:
                self._kept.move_to_end(question)
            jobs = self.store.jobs
            items = [jobs[job_id] for job_id in kept.page(start, limit)]
            return Page(items=items, start=start, limit=limit, count=len(kept)), expired

    def _keep(self, question: Question) -> bool:
        """Whether a question not kept yet is now asked often enough to keep (the second time)."""
        if question in self._asked:
            del self._asked[question]
            return True
        self._asked[question] = None
        while len(self._asked) > MAX_ASKED:
            self._asked.popitem(last=False)
        return False

    def _catch_up(self, now: int) -> list[Job]:
        """Bring every kept list to `now`; the jobs that have expired by then are left out and returned."""
        store = self.store
        changed = store.job_changes.drain()
        if changed is None or store.jobs is not self._jobs or self._now is None or now < self._now:
            return self._restart(now)
        heap, scheduled = self._heap, self._scheduled
        while heap and heap[0][0] <= now:
            at, job_id = heapq.heappop(heap)
            if scheduled.get(job_id) == at:
                changed.add(job_id)
        self._now = now
        if not changed:
            return []
        if len(changed) * self.rebuild_share > len(store.jobs):
            return self._restart(now)
        expired: list[Job] = []
        updates: list[Update] = []
        for job_id in changed:
            job = store.jobs.get(job_id)
            updates.append((job_id, self._read(job_id, job, now, expired), store.job_order.get(job_id, 0)))
        for kept in self._kept.values():
            for job_id, doc, order in updates:
                kept.update(job_id, doc, order)
        if len(heap) > 2 * len(scheduled) + HEAP_SLACK:
            self._heap = [(at, job_id) for job_id, at in scheduled.items()]
            heapq.heapify(self._heap)
        return expired

    def _read(self, job_id: str, job: Job | None, now: int, expired: list[Job]) -> Mapping[str, Any] | None:
        """The job's document at `now`, rescheduled for its next change; None when it is gone or expired."""
        self._scheduled.pop(job_id, None)
        if job is None:
            return None
        view = job.view(now)
        if view.expired(now):
            expired.append(job)
            return None
        until = job.next_change(now)
        if until < NEVER:
            self._scheduled[job_id] = until
            heapq.heappush(self._heap, (until, job_id))
        return view.doc

    def _restart(self, now: int) -> list[Job]:
        """Reschedule every job and rebuild every kept list from the store as it is at `now`."""
        store = self.store
        self._jobs, self._now = store.jobs, now
        self._heap, self._scheduled = [], {}
        expired: list[Job] = []
        order = store.job_order
        current: list[Current] = []
        for job_id, job in store.jobs.items():
            view = job.view(now)
            if view.expired(now):
                expired.append(job)
                continue
            until = job.next_change(now)
            if until < NEVER:
                self._scheduled[job_id] = until
            current.append((job_id, view.doc, order[job_id]))
        self._heap = [(at, job_id) for job_id, at in self._scheduled.items()]
        heapq.heapify(self._heap)
        for kept in self._kept.values():
            kept.rebuild(current)
        return expired

    def _current(self, now: int) -> list[Current]:
        """Every unexpired job's document at `now`, for a list kept from now on (the lists are current)."""
        order = self.store.job_order
        current: list[Current] = []
        for job_id, job in self.store.jobs.items():
            view = job.view(now)
            if not view.expired(now):
                current.append((job_id, view.doc, order[job_id]))
        return current
