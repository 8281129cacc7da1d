"""Persisted job requests: CRUD, submitting jobs from them, and listing the jobs each one submitted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from viya_mock.core.domain.errors import InvalidSelection, NotFound, ViyaError
from viya_mock.core.domain.resource import Resource
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.paging import Page, SortKey
from viya_mock.core.services.resources import AUDIT_FIELDS, ResourceKind, ResourceService
from viya_mock.jobdefinitions.services.definitions import JobDefinitionService
from viya_mock.jobexecution.services.jobs import JobService, JobSnapshot, check_job_request

JOB_REQUEST_URI_PREFIX = "/jobExecution/jobRequests/"

JOB_REQUEST = ResourceKind(
    noun="job request",
    version=3,
    fields=QueryFields(
        "job requests",
        names=(*AUDIT_FIELDS, "jobDefinitionUri", "createdByApplication", "expiresAfter", "properties", "arguments"),
        aliases=(),
        maps=("arguments",),
    ),
    default_sort=(SortKey(("name",), False),),
)


class JobRequestService(ResourceService):
    """A persisted request is stored as sent: definition defaults are merged only into the jobs it submits."""

    def __init__(self, *args: Any, definitions: JobDefinitionService, jobs: JobService, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definitions = definitions
        self.jobs = jobs

    def prepare(self, body: Mapping[str, Any]) -> dict[str, Any]:
        check_job_request(body, self.definitions, self.clock.now())
        # Members sent as null are left out, as the service leaves them out of what it answers.
        fields = {k: v for k, v in super().prepare(body).items() if v is not None}
        if isinstance(fields.get("jobDefinition"), dict):
            fields["jobDefinition"] = {k: v for k, v in fields["jobDefinition"].items() if k != "links"}
        fields.setdefault("arguments", {})
        fields.setdefault("properties", [])
        return fields

    def delete(self, resource_id: str) -> None:
        # The jobs keep their own copy of the request; only the request's list of jobs goes.
        with self.store.lock:
            super().delete(resource_id)
            self.store.jobs_by_request.pop(resource_id, None)

    def submit(self, request_id: str, headers: Mapping[str, str] | None = None) -> JobSnapshot:
        request = self.get(request_id)
        return self.jobs.submit(request.doc, submitter=None, persisted=request, headers=headers)

    def submit_selection(
        self, selection: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> list[JobSnapshot | ViyaError]:
        """One job or one error per job-request URI, in the order given."""
        if selection.get("type", "uri") != "uri":
            raise InvalidSelection("The selection type must be uri, and its resources the URIs of job requests.")
        results: list[JobSnapshot | ViyaError] = []
        for uri in selection["resources"]:
            try:
                request_id = uri.removeprefix(JOB_REQUEST_URI_PREFIX)
                if not uri.startswith(JOB_REQUEST_URI_PREFIX) or "/" in request_id:
                    raise NotFound(f"{uri} is not the URI of a job request.", details=[f"uri: {uri}"])
                results.append(self.submit(request_id, headers))
            except ViyaError as error:
                results.append(error)
        return results

    def list_jobs(
        self, request_id: str, *, start: int, limit: int, filter_text: str | None, sort_text: str | None
    ) -> tuple[Resource, Page[JobSnapshot]]:
        request = self.get(request_id)
        page = self.jobs.query(
            start=start, limit=limit, filter_text=filter_text, sort_text=sort_text, job_request_id=request_id
        )
        return request, page
