"""Domain objects to SAS representations: the only place that builds links, collections and responses.

Links carry both `href` and `uri` because SAS's own clients disagree on which one they read. Media types
in links have no `+json` suffix (as the service writes them); the Content-Type of responses has it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from viya_mock.domain.errors import ViyaError
from viya_mock.domain.resource import Resource
from viya_mock.domain.timestamps import http_date
from viya_mock.services.jobs import JobSnapshot
from viya_mock.store.query import Page

JOB = "application/vnd.sas.job.execution.job"
JOB_REQUEST = "application/vnd.sas.job.execution.job.request"
JOB_DEFINITION = "application/vnd.sas.job.definition"
COLLECTION = "application/vnd.sas.collection"
SUMMARY = "application/vnd.sas.summary"
SELECTION = "application/vnd.sas.selection"
ERROR = "application/vnd.sas.error"
API = "application/vnd.sas.api"
TRANSFER = "application/vnd.sas.transfer.object"
TEXT = "text/plain"
JSON = "application/json"

JOBS = "/jobExecution/jobs"
JOB_REQUESTS = "/jobExecution/jobRequests"
DEFINITIONS = "/jobDefinitions/definitions"
DEFAULT_LIMIT = 10


def link(
    method: str,
    rel: str,
    uri: str,
    type_: str | None = None,
    *,
    item_type: str | None = None,
    response_type: str | None = None,
    response_item_type: str | None = None,
) -> dict[str, str]:
    out = {"method": method, "rel": rel, "href": uri, "uri": uri}
    for key, value in (
        ("type", type_),
        ("itemType", item_type),
        ("responseType", response_type),
        ("responseItemType", response_item_type),
    ):
        if value is not None:
            out[key] = value
    return out


def dumps(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(body: Any, media_type: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(content=dumps(body), status_code=status, media_type=media_type, headers=headers)


def text_response(text: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(content=text.encode(), status_code=status, media_type=TEXT, headers=headers)


def no_content(headers: Mapping[str, str] | None = None) -> Response:
    return Response(status_code=204, headers=headers)


def head_of(response: Response) -> Response:
    """What HEAD answers: the GET's status and headers (Content-Length included), no body."""
    head = Response(status_code=response.status_code)
    head.raw_headers = list(response.raw_headers)
    head.body = b""
    return head


# -- content negotiation ------------------------------------------------------------------------------

_negotiated: dict[tuple[str, tuple[str, ...]], str] = {}


def negotiate(accept: str | None, offered: Sequence[str]) -> str:
    """The first offered type the Accept header names, else the first offered one.

    Real SAS services answer JSON to `*/*`, to axios' `application/json, text/plain, */*` and to lists that
    mix plain JSON with vendor types; only an explicit vendor type or `application/json` changes the choice.
    Answers are cached per header value, since clients repeat the same header on every call.
    """
    if not accept:
        return offered[0]
    key = (accept, tuple(offered))
    chosen = _negotiated.get(key)
    if chosen is None:
        chosen = offered[0]
        for part in accept.split(","):
            media = part.split(";", 1)[0].strip().lower()
            if media in offered:
                chosen = media
                break
        if len(_negotiated) < 1024:
            _negotiated[key] = chosen
    return chosen


# -- jobs -----------------------------------------------------------------------------------------------


def definition_links(definition_id: str) -> list[dict[str, str]]:
    uri = f"{DEFINITIONS}/{definition_id}"
    return [
        link("GET", "self", uri, JOB_DEFINITION),
        link("GET", "alternate", uri, SUMMARY),
        link("PUT", "update", uri, JOB_DEFINITION, response_type=JOB_DEFINITION),
        link("DELETE", "delete", uri),
    ]


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


# -- job requests and definitions ----------------------------------------------------------------------


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


def job_definition_body(resource: Resource) -> dict[str, Any]:
    return {**resource.doc, "links": definition_links(resource.id)}


def summary_body(resource: Resource, media_type: str, links: list[dict[str, str]]) -> dict[str, Any]:
    doc = resource.doc
    summary: dict[str, Any] = {"id": resource.id, "type": media_type}
    for name in ("name", "description", "createdBy", "creationTimeStamp", "modifiedBy", "modifiedTimeStamp"):
        if doc.get(name) is not None:
            summary[name] = doc[name]
    summary["links"] = [entry for entry in links if entry["rel"] in {"self", "alternate"}]
    summary["version"] = 2
    return summary


def resource_headers(resource: Resource) -> dict[str, str]:
    return {"ETag": resource.etag, "Last-Modified": http_date(resource.modified)}


# -- collections -----------------------------------------------------------------------------------------


def _query(start: int, limit: int, sort_by: str | None, filter_text: str | None) -> str:
    parts = []
    if filter_text:
        parts.append("filter=" + quote(filter_text, safe="(),:'"))
    if sort_by:
        parts.append("sortBy=" + quote(sort_by, safe=",:"))
    parts.append(f"start={start}")
    parts.append(f"limit={limit}")
    return "?" + "&".join(parts)


def paging_links(
    page: Page[Any],
    uri: str,
    make: Callable[[str, str], dict[str, str]],
    *,
    sort_by: str | None,
    filter_text: str | None,
    bare_default: bool = False,
) -> list[dict[str, str]]:
    """self, first, prev, next, last: first/prev omitted on the first page, next/last on the last one.

    `make(rel, href)` builds each link, so GET collections and POST-filter collections share the paging.
    With `bare_default` the first page at the default limit has no query, as the POST-filter sample shows.
    """
    start, limit, count = page.start, page.limit, page.count

    def at(offset: int) -> str:
        if bare_default and offset == 0 and limit == DEFAULT_LIMIT and not sort_by:
            return uri
        return uri + _query(offset, limit, sort_by, filter_text)

    out = [make("self", at(start))]
    step = max(limit, 1)
    if start > 0:
        out += [make("first", at(0)), make("prev", at(max(start - step, 0)))]
    if start + step < count:
        out += [make("next", at(start + step)), make("last", at((count - 1) // step * step))]
    return out


def collection_body(
    name: str, accept: str, page: Page[Any], items: Iterable[Any], links: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "links": links,
        "name": name,
        "accept": accept,
        "start": page.start,
        "count": page.count,
        "items": list(items),
        "limit": page.limit,
        "version": 2,
    }


def collection_response(body: Mapping[str, Any], accept: str | None, status: int = 200) -> Response:
    return json_response(body, negotiate(accept, (f"{COLLECTION}+json", JSON)), status)


def items_body(items: Sequence[Any]) -> dict[str, Any]:
    """The collection a selection operation answers with: items 1-to-1 with the selection's resources."""
    return {"links": [], "name": "items", "start": 0, "count": len(items), "items": list(items), "version": 2}


# -- errors --------------------------------------------------------------------------------------------


def error_body(
    status: int,
    message: str,
    *,
    error_code: int | None = None,
    details: Sequence[str] = (),
    remediation: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"httpStatusCode": status}
    if error_code is not None:
        body["errorCode"] = error_code
    body["message"] = message
    body["details"] = list(details)
    if remediation:
        body["remediation"] = remediation
    body["errors"] = []
    body["links"] = []
    body["version"] = 2
    return body


def viya_error_body(error: ViyaError, path: str | None = None) -> dict[str, Any]:
    details = [*error.details, *([f"path: {path}"] if path else [])]
    return error_body(
        error.status, error.message, error_code=error.error_code, details=details, remediation=error.remediation
    )


def error_response(body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    return json_response(body, f"{ERROR}+json", int(body["httpStatusCode"]), headers)


# -- the collections and their links, described once -----------------------------------------------------


def _get_link(type_: str, item_type: str) -> Callable[[str, str], dict[str, str]]:
    return lambda rel, href: link("GET", rel, href, type_, item_type=item_type)


def _post_filter_link(item_type: str) -> Callable[[str, str], dict[str, str]]:
    return lambda rel, href: link("POST", rel, href, TEXT, response_type=COLLECTION, response_item_type=item_type)


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
    make = _post_filter_link(JOB) if by_post else _get_link(COLLECTION, JOB)
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
        return _post_filter_link(JOB)("up", f"{JOB_REQUESTS}/{request_id}/")
    return link("GET", "up", f"{JOB_REQUESTS}/{request_id}", JOB_REQUEST)


def resources_collection(
    page: Page[Resource],
    *,
    name: str,
    uri: str,
    item_type: str,
    body: Callable[[Resource], dict[str, Any]],
    up: str,
    sort_by: str | None,
    filter_text: str | None,
    extra: Sequence[dict[str, str]],
) -> dict[str, Any]:
    make = _get_link(COLLECTION, item_type)
    links = [
        make("collection", uri),
        *paging_links(page, uri, make, sort_by=sort_by, filter_text=filter_text),
        link("GET", "up", up, API),
        *extra,
    ]
    return collection_body(name, item_type, page, (body(item) for item in page.items), links)


def api_root(links: list[dict[str, str]]) -> dict[str, Any]:
    return {"version": 1, "links": links}
