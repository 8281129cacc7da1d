"""Handlers for the "jobRequests" tag."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.core.api import render
from viya_mock.core.api.render import SUMMARY, head_of, no_content
from viya_mock.core.api.requests import accept, is_text_body, request_headers, text_of
from viya_mock.core.api.resources import ResourceEndpoints
from viya_mock.core.domain.errors import ViyaError
from viya_mock.jobexecution.api import representation
from viya_mock.jobexecution.api.representation import JOB_REQUEST, JOB_REQUESTS
from viya_mock.jobexecution.services.job_requests import JobRequestService
from viya_mock.jobexecution.services.jobs import JobSnapshot


class JobRequestHandlers:
    def __init__(self, requests: JobRequestService) -> None:
        self.requests = requests
        self.endpoints = ResourceEndpoints(
            requests, JOB_REQUEST, JOB_REQUESTS, representation.job_request_body, representation.job_request_links
        )

    async def getJobRequests(
        self, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        page = self.requests.query(start=start, limit=limit, filter_text=filter_, sort_text=sort_by)
        body = render.resources_collection(
            page,
            name="jobRequests",
            uri=JOB_REQUESTS,
            item_type=JOB_REQUEST,
            body=representation.job_request_body,
            up="/jobExecution",
            sort_by=sort_by,
            filter_text=filter_,
            extra=[
                render.link("POST", "createJobRequest", JOB_REQUESTS, JOB_REQUEST, response_type=JOB_REQUEST),
                render.link("POST", "import", JOB_REQUESTS, representation.TRANSFER, response_type=SUMMARY),
            ],
        )
        return render.collection_response(body, accept())

    async def createJobRequest(self, body: dict[str, Any]) -> Response:
        return self.endpoints.created(body)

    async def getJobRequest(self, job_request_id: str) -> Response:
        return self.endpoints.read(job_request_id)

    async def headJobRequest(self, job_request_id: str) -> Response:
        return head_of(self.endpoints.read(job_request_id))

    async def updateJobRequest(self, job_request_id: str, body: dict[str, Any]) -> Response:
        return self.endpoints.replaced(job_request_id, body)

    async def deleteJobRequest(self, job_request_id: str) -> Response:
        self.requests.delete(job_request_id)
        return no_content()

    async def createJobRequestsJobs(self, body: dict[str, Any]) -> Response:
        items = [_job_or_error(result) for result in self.requests.submit_selection(body, request_headers())]
        return render.collection_response(render.items_body(items), accept(), status=201)

    async def getJobRequestJobs(
        self, job_request_id: str, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        return self._jobs_page(job_request_id, start, limit, filter_, sort_by, by_post=False)

    async def createJobRequestJob(
        self, job_request_id: str, start: int, limit: int, body: Any = None, sort_by: str | None = None
    ) -> Response:
        if is_text_body():
            return self._jobs_page(job_request_id, start, limit, text_of(body), sort_by, by_post=True)
        return representation.job_response(
            self.requests.submit(job_request_id, request_headers()), accept(), status=201
        )

    def _jobs_page(
        self, request_id: str, start: int, limit: int, filter_text: str | None, sort_by: str | None, *, by_post: bool
    ) -> Response:
        _, page = self.requests.list_jobs(
            request_id, start=start, limit=limit, filter_text=filter_text, sort_text=sort_by
        )
        uri = f"{JOB_REQUESTS}/{request_id}/jobs"
        body = representation.jobs_collection(
            page,
            uri=uri,
            sort_by=sort_by,
            filter_text=filter_text,
            by_post=by_post,
            up=representation.request_jobs_up(request_id, by_post),
            extra=[render.link("POST", "submitJob", uri, response_type=representation.JOB)],
        )
        return render.collection_response(body, accept())


def _job_or_error(result: JobSnapshot | ViyaError) -> dict[str, Any]:
    return render.viya_error_body(result) if isinstance(result, ViyaError) else representation.job_body(result)
