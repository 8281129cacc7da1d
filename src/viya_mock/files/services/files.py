"""The Files service as far as jobs need it: the log file at a job's logLocation."""

from __future__ import annotations

from dataclasses import dataclass

from viya_mock.core.domain.errors import NotFound
from viya_mock.core.store.memory import Store
from viya_mock.jobexecution.services.jobs import JobService, JobSnapshot
from viya_mock.jobexecution.services.provider import FILES


@dataclass(frozen=True, slots=True)
class LogFile:
    id: str
    uri: str
    snapshot: JobSnapshot
    lines: list[dict[str, str]]


class FileService:
    def __init__(self, store: Store, jobs: JobService) -> None:
        self.store = store
        self.jobs = jobs

    def log(self, file_id: str) -> LogFile:
        """A job's log as written so far; it exists once the job's logLocation names it, until the job goes."""
        uri = FILES + file_id
        job_id = self.store.logs.get(uri)
        missing = NotFound(f"No file exists with the ID {file_id}.", details=[f"id: {file_id}"])
        if job_id is None:
            raise missing
        try:
            snapshot = self.jobs.get(job_id)
        except NotFound:
            raise missing from None
        if snapshot.view.doc.get("logLocation") != uri:
            raise missing
        return LogFile(id=file_id, uri=uri, snapshot=snapshot, lines=snapshot.job.log_lines(snapshot.now))
