"""The in-memory store: one dict per collection keyed by id, under one lock.

Reset empties the dicts under the lock; there is nothing global to clear. What a store export holds (the
content) is cleared apart from what comes from fixtures only (accounts, Compute contexts), so an import keeps
who can sign in and where sessions can be created.
"""

from __future__ import annotations

import itertools
import threading

from viya_mock.compute.domain.session import ComputeSession
from viya_mock.core.domain.resource import Resource
from viya_mock.core.store.changes import Changes
from viya_mock.files.domain.file import FILES_PREFIX, JOBS_PREFIX, File
from viya_mock.folders.domain.tree import FolderTree
from viya_mock.jobexecution.domain.job import Job
from viya_mock.logon.domain.accounts import AuthorizationCode, Client, User
from viya_mock.logon.domain.sessions import BrowserSession


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        # Every job removed since the store was made, a reset's included (when to give memory back: release.py).
        self.jobs_removed = 0
        # Moves on whenever the content is emptied, so what is derived from outside the store (programs loaded
        # from disk) knows to put itself back.
        self.generation = 0
        self.clear()

    def clear(self) -> None:
        self.clear_content()
        # SAS Logon's accounts (from users.yaml) and the authorization codes handed out and not yet used.
        self.users: dict[str, User] = {}
        self.clients: dict[str, Client] = {}
        self.authorization_codes: dict[str, AuthorizationCode] = {}
        # Who signed in through the SAS Logon pages, by session cookie.
        self.browser_sessions: dict[str, BrowserSession] = {}
        # Compute contexts, from fixtures.
        self.compute_contexts: dict[str, Resource] = {}
        # The Folders service's tree, from fixtures (and the programs on disk, which refresh themselves).
        self.folders = FolderTree()

    def clear_content(self) -> None:
        """Empty what a store export holds: Job Execution's resources, files, and Compute sessions."""
        self.jobs_removed += len(getattr(self, "jobs", ()))
        self.generation += 1
        self.jobs: dict[str, Job] = {}
        # Each job's place in the order jobs were added (what a list's ties fall back to), and which jobs changed
        # since the job listings last looked (core/store/changes.py).
        self.job_order: dict[str, int] = {}
        self._job_sequence = itertools.count()
        self.job_changes = Changes()
        self.job_requests: dict[str, Resource] = {}
        self.job_definitions: dict[str, Resource] = {}
        # Jobs submitted from each persisted job request, in submission order (a dict as an ordered set).
        self.jobs_by_request: dict[str, dict[str, None]] = {}
        # Which job wrote the file at each URI a job's logLocation or results have named, so the Files API can
        # serve it (derived from the job when read; a stored file with the same id takes precedence).
        self.logs: dict[str, str] = {}
        # Files clients uploaded, by id.
        self.files: dict[str, File] = {}
        # Compute's live sessions, each holding its jobs.
        self.compute_sessions: dict[str, ComputeSession] = {}

    def add_job(self, job: Job) -> None:
        if job.id not in self.jobs:
            self.job_order[job.id] = next(self._job_sequence)
        self.jobs[job.id] = job
        job.watcher = self.job_changes.touched
        self.job_changes.touched(job.id)
        if job.job_request_id is not None:
            self.jobs_by_request.setdefault(job.job_request_id, {})[job.id] = None
        self.register_logs(job)

    def register_logs(self, job: Job) -> None:
        for uri in (*job.log_locations(), *job.result_locations()):
            self.logs[uri] = job.id

    def remove_job(self, job_id: str) -> None:
        """Deleting a job deletes its log too (the Job Execution service deletes the file at logLocation),
        unless that file is a stored one whose parentUri names something other than this job."""
        job = self.jobs.pop(job_id)
        self.jobs_removed += 1
        del self.job_order[job_id]
        job.watcher = None
        self.job_changes.touched(job_id)
        if job.job_request_id is not None:
            self.jobs_by_request.get(job.job_request_id, {}).pop(job_id, None)
        for uri in (*job.log_locations(), *job.result_locations()):
            if self.logs.get(uri) == job_id:
                del self.logs[uri]
        for uri in job.log_locations():
            stored = self.files.get(uri.removeprefix(FILES_PREFIX)) if uri.startswith(FILES_PREFIX) else None
            if stored is not None and stored.parent_uri in (None, JOBS_PREFIX + job_id):
                del self.files[stored.id]
