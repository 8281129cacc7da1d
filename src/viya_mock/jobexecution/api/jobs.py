"""Handlers for the "jobs" tag: parse, call the job service, render."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.core.api import render
from viya_mock.core.api.render import head_of, no_content, text_response
from viya_mock.core.api.requests import accept, header, is_text_body, request_headers, text_of, while_connected
from viya_mock.core.domain.errors import ViyaError
from viya_mock.jobexecution.api import representation
from viya_mock.jobexecution.api.representation import JOBS
from viya_mock.jobexecution.services.jobs import JobService, JobSnapshot


def jobs_page(
    jobs: JobService, *, start: int, limit: int, filter_text: str | None, sort_by: str | None, by_post: bool
) -> Response:
    page = jobs.query(start=start, limit=limit, filter_text=filter_text, sort_text=sort_by)
    body = representation.jobs_collection(
        page,
        uri=JOBS,
        sort_by=sort_by,
        filter_text=filter_text,
        by_post=by_post,
        up=representation.UP_TO_ROOT,
        extra=representation.all_jobs_links(),
    )
    return render.collection_response(body, accept())


class JobHandlers:
    def __init__(self, jobs: JobService) -> None:
        self.jobs = jobs

    async def getJobs(self, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None) -> Response:
        return jobs_page(self.jobs, start=start, limit=limit, filter_text=filter_, sort_by=sort_by, by_post=False)

    async def createJob(
        self, body: Any, start: int, limit: int, submitter: str | None = None, sort_by: str | None = None
    ) -> Response:
        if is_text_body():
            return jobs_page(
                self.jobs, start=start, limit=limit, filter_text=text_of(body), sort_by=sort_by, by_post=True
            )
        snapshot = self.jobs.submit(body, submitter=submitter, headers=request_headers())
        return representation.job_response(snapshot, accept(), status=201)

    async def updateJobsState(self, body: dict[str, Any], value: str | None = None) -> Response:
        results = self.jobs.set_states(body, value)
        items = [_summary_or_error(result) for result in results]
        return render.collection_response(render.items_body(items), accept())

    async def getJob(self, job_id: str) -> Response:
        return representation.job_response(self.jobs.get(job_id), accept())

    async def headJob(self, job_id: str) -> Response:
        return head_of(await self.getJob(job_id))

    async def updateJob(self, job_id: str, body: dict[str, Any]) -> Response:
        snapshot = self.jobs.update(
            job_id,
            body,
            if_match=header("if-match"),
            if_unmodified_since=header("if-unmodified-since"),
        )
        return representation.job_response(snapshot, accept())

    async def deleteJob(self, job_id: str) -> Response:
        self.jobs.delete(job_id)
        return no_content()

    async def getJobState(self, job_id: str, wait: int | None = None) -> Response:
        """With `wait`, a long poll (as @sasjs/adapter sends it): answer when the state differs from the one
        If-None-Match names, or from the state at arrival, or after `wait` seconds (the document caps it). A
        poll whose client has gone is dropped rather than kept until its deadline."""
        if wait:
            known = _state_named(header("if-none-match"))
            polled = await while_connected(self.jobs.wait_for_state(job_id, known, wait * 1000))
            snapshot = polled if polled is not None else self.jobs.get(job_id)
        else:
            snapshot = self.jobs.get(job_id)
        return _state_response(snapshot)

    async def headJobState(self, job_id: str) -> Response:
        return head_of(await self.getJobState(job_id))

    async def updateJobState(self, job_id: str, value: str | None = None, body: Any = None) -> Response:
        return _state_response(self.jobs.set_state(job_id, value, text_of(body)))

    async def getHeartbeatTimeStamp(self, job_id: str) -> Response:
        return _timestamp(self.jobs.get(job_id), "heartbeatTimeStamp")

    async def headHeartbeatTimeStamp(self, job_id: str) -> Response:
        return head_of(await self.getHeartbeatTimeStamp(job_id))

    async def updateHeartbeatTimeStamp(self, job_id: str, body: Any = None) -> Response:
        return _timestamp(self.jobs.heartbeat(job_id), "heartbeatTimeStamp")

    async def getExpirationTimeStamp(self, job_id: str) -> Response:
        return _timestamp(self.jobs.get(job_id), "expirationTimeStamp")

    async def headExpirationTimeStamp(self, job_id: str) -> Response:
        return head_of(await self.getExpirationTimeStamp(job_id))

    async def updateExpirationTimeStamp(self, job_id: str, value: str) -> Response:
        return _timestamp(self.jobs.set_expiration(job_id, value), "expirationTimeStamp")


def _state_response(snapshot: JobSnapshot) -> Response:
    """The state as text; its ETag names the state, so If-None-Match on a long poll says what the client saw."""
    state = snapshot.view.state.value
    return text_response(state, headers={"ETag": f'"{state}"'})


def _state_named(if_none_match: str | None) -> str | None:
    if not if_none_match:
        return None
    return str(if_none_match).split(",")[0].strip().removeprefix("W/").strip('"') or None


def _timestamp(snapshot: JobSnapshot, field: str) -> Response:
    """A timestamp member as text; 204 when the job has none (a cleared expiration, no heartbeat yet)."""
    value = snapshot.view.doc.get(field)
    return text_response(value) if value else no_content()


def _summary_or_error(result: JobSnapshot | ViyaError) -> dict[str, Any]:
    if isinstance(result, ViyaError):
        return render.viya_error_body(result)
    name = (result.view.doc.get("jobRequest") or {}).get("name")
    summary: dict[str, Any] = {"id": result.job.id, "type": representation.JOB}
    if name:
        summary["name"] = name
    summary["version"] = 2
    return summary
