"""The in-memory store: one dict per collection keyed by id, under one lock.

Reset empties the dicts under the lock; there is nothing global to clear.
"""

from __future__ import annotations

import threading
from typing import Any

from viya_mock.domain.job import Job
from viya_mock.domain.resource import Resource


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        self.jobs: dict[str, Job] = {}
        self.job_requests: dict[str, Resource] = {}
        self.job_definitions: dict[str, Resource] = {}
        # Jobs submitted from each persisted job request, in submission order (a dict as an ordered set).
        self.jobs_by_request: dict[str, dict[str, None]] = {}
        # Logs the provider wrote, by the URI in the job's logLocation.
        self.logs: dict[str, list[dict[str, Any]]] = {}

    def add_job(self, job: Job) -> None:
        self.jobs[job.id] = job
        if job.job_request_id is not None:
            self.jobs_by_request.setdefault(job.job_request_id, {})[job.id] = None

    def remove_job(self, job_id: str, log_location: str | None) -> None:
        job = self.jobs.pop(job_id)
        if job.job_request_id is not None:
            self.jobs_by_request.get(job.job_request_id, {}).pop(job_id, None)
        if log_location is not None:
            self.logs.pop(log_location, None)
