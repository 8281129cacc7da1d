"""Jobs and job requests as the Job Execution service represents them: bodies, links and collections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import Response

from viya_mock.core.api.render import (
    API,
    COLLECTION,
    JSON,
    SELECTION,
    SUMMARY,
    TEXT,
    collection_body,
    get_link,
    json_response,
    link,
    negotiate,
    paging_links,
    post_filter_link,
)
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import http_date
from viya_mock.core.query.paging import Page
from viya_mock.jobdefinitions.api.representation import JOB_DEFINITION, definition_links
from viya_mock.jobexecution.services.jobs import JobSnapshot

JOB = "application/vnd.sas.job.execution.job"
JOB_REQUEST = "application/vnd.sas.job.execution.job.request"
TRANSFER = "application/vnd.sas.transfer.object"

JOBS = "/jobExecution/jobs"
JOB_REQUESTS = "/jobExecution/jobRequests"

UP_TO_ROOT = link("GET", "up", "/jobExecution/", API)
ROOT_LINKS = [
    link("GET", "jobs", JOBS, COLLECTION, item_type=JOB, response_item_type=JOB),
    link("POST", "create", JOBS, JOB_REQUEST, response_type=JOB),
    link("GET", "jobRequests", JOB_REQUESTS, COLLECTION, item_type=JOB_REQUEST),
]


# -- jobs -----------------------------------------------------------------------------------------------


def _embedded_request(request: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(request)
    definition = request.get("jobDefinition")
    if isinstance(definition, Mapping) and isinstance(definition.get("id"), str) and "creationTimeStamp" in definition:
        if definition.get("creationTimeStamp") != "0001-01-01T00:00:00.000Z":
            out["jobDefinition"] = {**definition, "links": definition_links(definition["id"])}
    if isinstance(request.get("id"), str):
        out["links"] = [link("GET", "self", f"{JOB_REQUESTS}/{request['id']}", JOB_REQUEST)]
    return out


def job_links(job_id: str, doc: Mapping[str, Any]) -> list[dict[str, str]]:
    uri = f"{JOBS}/{job_id}"
    links = [
        link("GET", "self", uri, JOB),
        link("GET", "state", f"{uri}/state", TEXT),
        link("PUT", "update", uri, JOB, response_type=JOB),
        link("DELETE", "delete", uri),
        link("PUT", "updateState", f"{uri}/state", TEXT),
        link("POST", "updateHeartbeatTimeStamp", f"{uri}/heartbeatTimeStamp", TEXT),
    ]
    request = doc.get("jobRequest") or {}
    if isinstance(request.get("id"), str):
        links.append(link("GET", "jobRequest", f"{JOB_REQUESTS}/{request['id']}", JOB_REQUEST))
    if isinstance(request.get("jobDefinitionUri"), str):
        links.append(link("GET", "jobDefinition", request["jobDefinitionUri"], JOB_DEFINITION))
    if isinstance(doc.get("logLocation"), str):
        links.append(link("GET", "log", doc["logLocation"]))
    return links


def job_body(snapshot: JobSnapshot) -> dict[str, Any]:
    doc = snapshot.view.doc
    body = dict(doc)
    if isinstance(doc.get("jobRequest"), Mapping):
        body["jobRequest"] = _embedded_request(doc["jobRequest"])
    body["elapsedTime"] = snapshot.view.elapsed(snapshot.now)
    body["links"] = job_links(snapshot.job.id, doc)
    return body


def job_headers(snapshot: JobSnapshot) -> dict[str, str]:
    return {"ETag": snapshot.view.etag, "Last-Modified": http_date(snapshot.view.modified)}


def job_response(snapshot: JobSnapshot, accept: str | None, status: int = 200) -> Response:
    headers = job_headers(snapshot)
    if status == 201:
        headers["Location"] = f"{JOBS}/{snapshot.job.id}"
    return json_response(job_body(snapshot), negotiate(accept, (f"{JOB}+json", JSON)), status, headers)


# -- job requests ------------------------------------------------------------------------------------


def job_request_links(request_id: str) -> list[dict[str, str]]:
    uri = f"{JOB_REQUESTS}/{request_id}"
    return [
        link("GET", "self", uri, JOB_REQUEST),
        link("GET", "alternate", uri, SUMMARY),
        link("GET", "export", uri, TRANSFER),
        link("DELETE", "delete", uri),
        link("PUT", "update", uri, JOB_REQUEST, response_type=JOB_REQUEST),
        link("PUT", "import", uri, TRANSFER, response_type=SUMMARY),
        link("GET", "up", JOB_REQUESTS, COLLECTION, item_type=JOB_REQUEST),
        link("GET", "jobs", f"{uri}/jobs", COLLECTION, item_type=JOB),
        link("POST", "submitJob", f"{uri}/jobs", response_type=JOB),
    ]


def job_request_body(resource: Resource) -> dict[str, Any]:
    return {**resource.doc, "links": job_request_links(resource.id)}


# -- collections ----------------------------------------------------------------------------------------


def jobs_collection(
    page: Page[JobSnapshot],
    *,
    uri: str,
    sort_by: str | None,
    filter_text: str | None,
    by_post: bool,
    up: dict[str, str],
    extra: Sequence[dict[str, str]],
) -> dict[str, Any]:
    """A page of jobs, from GET (filter in the query) or POST (filter in the text/plain body)."""
    make = post_filter_link(JOB) if by_post else get_link(COLLECTION, JOB)
    links = [
        make("collection", uri),
        *paging_links(
            page, uri, make, sort_by=sort_by, filter_text=None if by_post else filter_text, bare_default=by_post
        ),
        up,
        *extra,
    ]
    return collection_body("jobs", JOB, page, (job_body(snapshot) for snapshot in page.items), links)


def all_jobs_links() -> list[dict[str, str]]:
    return [
        link("POST", "submitJob", JOBS, JOB_REQUEST, response_type=JOB),
        link("POST", "submitJobs", f"{JOB_REQUESTS}/@selection/jobs", SELECTION, response_type=COLLECTION),
        link("PUT", "updateStates", f"{JOBS}/@selection/state", SELECTION, response_type=COLLECTION),
    ]


def request_jobs_up(request_id: str, by_post: bool) -> dict[str, str]:
    if by_post:
        # The published sample points "up" at the request with a trailing slash, as a POST; kept as published.
        return post_filter_link(JOB)("up", f"{JOB_REQUESTS}/{request_id}/")
    return link("GET", "up", f"{JOB_REQUESTS}/{request_id}", JOB_REQUEST)
