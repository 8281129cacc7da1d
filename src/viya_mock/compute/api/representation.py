"""Compute resources as the Compute service represents them: contexts, sessions, jobs, lines and results.

Every link is built with render.link, which writes both `href` and `uri`: saspy reads `uri`, sasctl and the
web clients `href`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.responses import Response

from viya_mock.compute.services.compute import JobSnapshot, LinePage, ResultItem, SessionSnapshot, job_doc
from viya_mock.core.api.render import (
    API,
    COLLECTION,
    JSON,
    TEXT,
    collection_body,
    get_link,
    json_response,
    link,
    negotiate,
    paging_links,
)
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import format_ms, http_date
from viya_mock.core.query.paging import Page
from viya_mock.sas.domain.run import Line

ROOT = "/compute"
CONTEXT = "application/vnd.sas.compute.context"
CONTEXT_SUMMARY = "application/vnd.sas.compute.context.summary"
SESSION = "application/vnd.sas.compute.session"
SESSION_SUMMARY = "application/vnd.sas.compute.session.summary"
SESSION_REQUEST = "application/vnd.sas.compute.session.request"
JOB = "application/vnd.sas.compute.job"
JOB_REQUEST = "application/vnd.sas.compute.job.request"
LOG_LINE = "application/vnd.sas.compute.log.line"
RESULT = "application/vnd.sas.compute.result"
VARIABLE = "application/vnd.sas.compute.session.variable"
DEFAULT_INACTIVE_TIMEOUT = 900

ROOT_LINKS = [
    link("GET", "contexts", f"{ROOT}/contexts", COLLECTION, item_type=CONTEXT_SUMMARY),
    link("GET", "sessions", f"{ROOT}/sessions", COLLECTION, item_type=SESSION_SUMMARY),
]


def _collection(
    page: Page[Any],
    *,
    name: str,
    uri: str,
    item_type: str,
    items: Sequence[Any],
    sort_by: str | None = None,
    filter_text: str | None = None,
    extra: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    make = get_link(COLLECTION, item_type)
    links = [
        make("collection", uri),
        *paging_links(page, uri, make, sort_by=sort_by, filter_text=filter_text),
        *extra,
    ]
    return collection_body(name, item_type, page, items, links)


def collection_response(body: dict[str, Any], accept: str | None) -> Response:
    return json_response(body, negotiate(accept, (f"{COLLECTION}+json", JSON)))


# -- contexts ---------------------------------------------------------------------------------------------


def context_links(context_id: str) -> list[dict[str, str]]:
    uri = f"{ROOT}/contexts/{context_id}"
    return [
        link("GET", "self", uri, CONTEXT),
        link("GET", "alternate", uri, CONTEXT_SUMMARY),
        link("POST", "createSession", f"{uri}/sessions", SESSION_REQUEST, response_type=SESSION),
    ]


def context_body(context: Resource, *, summary: bool) -> dict[str, Any]:
    if summary:
        doc = context.doc
        out: dict[str, Any] = {key: doc[key] for key in ("createdBy", "id", "name") if key in doc}
        return {**out, "links": context_links(context.id), "version": 2}
    return {**context.doc, "links": context_links(context.id)}


def full_items(accept_item: str | None, full: str) -> bool:
    """Accept-Item names the whole resource rather than its summary (the default)."""
    return bool(accept_item) and full in str(accept_item).lower() and ".summary" not in str(accept_item).lower()


def contexts_collection(
    page: Page[Resource], *, full: bool, sort_by: str | None, filter_text: str | None
) -> dict[str, Any]:
    return _collection(
        page,
        name="items",
        uri=f"{ROOT}/contexts",
        item_type=CONTEXT if full else CONTEXT_SUMMARY,
        items=[context_body(context, summary=not full) for context in page.items],
        sort_by=sort_by,
        filter_text=filter_text,
    )


def context_response(context: Resource, accept: str | None) -> Response:
    headers = {"ETag": context.etag, "Last-Modified": http_date(context.modified)}
    return json_response(
        context_body(context, summary=False), negotiate(accept, (f"{CONTEXT}+json", JSON)), 200, headers
    )


# -- sessions ---------------------------------------------------------------------------------------------


def session_uri(session_id: str) -> str:
    return f"{ROOT}/sessions/{session_id}"


def session_links(session_id: str) -> list[dict[str, str]]:
    uri = session_uri(session_id)
    return [
        link("GET", "self", uri, SESSION),
        link("GET", "alternate", uri, SESSION_SUMMARY),
        link("GET", "state", f"{uri}/state", TEXT),
        link("PUT", "cancel", f"{uri}/state?value=canceled"),
        link("DELETE", "delete", uri),
        link("POST", "execute", f"{uri}/jobs", JOB_REQUEST, response_type=JOB),
        link("GET", "jobs", f"{uri}/jobs", COLLECTION, item_type=JOB),
        link("GET", "log", f"{uri}/log", COLLECTION, item_type=LOG_LINE),
        link("GET", "listing", f"{uri}/listing", COLLECTION, item_type=LOG_LINE),
        link("GET", "results", f"{uri}/results", COLLECTION, item_type=RESULT),
        link("GET", "variables", f"{uri}/variables", COLLECTION, item_type=VARIABLE),
        link("GET", "files", f"{uri}/filerefs", COLLECTION, item_type="application/vnd.sas.compute.fileref"),
        link("GET", "logAsText", f"{uri}/log", TEXT),
        link("GET", "listingAsText", f"{uri}/listing", TEXT),
    ]


def _statistics(count: int, at: int) -> dict[str, Any]:
    return {"lineCount": count, "modifiedTimeStamp": format_ms(at)}


def session_body(snapshot: SessionSnapshot, *, summary: bool = False) -> dict[str, Any]:
    session, now = snapshot.session, snapshot.now
    name = session.request.get("name") or session.context_name
    if summary:
        return {
            "id": session.id,
            "name": name,
            "owner": session.owner,
            "links": session_links(session.id),
            "version": 1,
        }
    attributes = {"sessionInactiveTimeout": DEFAULT_INACTIVE_TIMEOUT, **(session.request.get("attributes") or {})}
    body: dict[str, Any] = {
        "id": session.id,
        "name": name,
        "owner": session.owner,
        "serverId": session.id.removesuffix("-ses0000"),
        "state": snapshot.state,
        "sessionConditionCode": session.condition_code(now),
        "creationTimeStamp": format_ms(session.created),
        "serviceAPIVersion": 4,
        "attributes": attributes,
        "logStatistics": _statistics(len(session.log_lines(now)), now),
        "listingStatistics": _statistics(len(session.listing_lines(now)), now),
        "links": session_links(session.id),
        "version": 2,
    }
    if session.request.get("description"):
        body["description"] = session.request["description"]
    return body


def session_response(snapshot: SessionSnapshot, accept: str | None, status: int = 200) -> Response:
    headers = {"ETag": snapshot.session.etag()}
    if status == 201:
        headers["Location"] = session_uri(snapshot.session.id)
    return json_response(session_body(snapshot), negotiate(accept, (f"{SESSION}+json", JSON)), status, headers)


def sessions_collection(
    page: Page[SessionSnapshot], *, full: bool, sort_by: str | None, filter_text: str | None
) -> dict[str, Any]:
    return _collection(
        page,
        name="items",
        uri=f"{ROOT}/sessions",
        item_type=SESSION if full else SESSION_SUMMARY,
        items=[session_body(snapshot, summary=not full) for snapshot in page.items],
        sort_by=sort_by,
        filter_text=filter_text,
        extra=[link("GET", "up", f"{ROOT}/", API)],
    )


# -- jobs -------------------------------------------------------------------------------------------------


def job_uri(session_id: str, job_id: str) -> str:
    return f"{session_uri(session_id)}/jobs/{job_id}"


def job_links(session_id: str, job_id: str) -> list[dict[str, str]]:
    uri = job_uri(session_id, job_id)
    return [
        link("GET", "self", uri, JOB),
        link("GET", "state", f"{uri}/state", TEXT),
        link("PUT", "cancel", f"{uri}/state?value=canceled"),
        link("DELETE", "delete", uri),
        link("GET", "log", f"{uri}/log", COLLECTION, item_type=LOG_LINE),
        link("GET", "listing", f"{uri}/listing", COLLECTION, item_type=LOG_LINE),
        link("GET", "results", f"{uri}/results", COLLECTION, item_type=RESULT),
        link("GET", "up", session_uri(session_id), SESSION),
        link("GET", "logAsText", f"{uri}/log", TEXT),
        link("GET", "listingAsText", f"{uri}/listing", TEXT),
    ]


def job_body(snapshot: JobSnapshot) -> dict[str, Any]:
    job, now = snapshot.job, snapshot.now
    doc = job_doc(job, now)
    body: dict[str, Any] = {"id": job.id, "sessionId": job.session_id}
    for key in ("name", "description"):
        if doc[key]:
            body[key] = doc[key]
    body["state"] = doc["state"]
    body["creationTimeStamp"] = doc["creationTimeStamp"]
    seen = min(now, job.end) if job.ended(now) else now
    if job.ended(now):
        body["completedTimeStamp"] = format_ms(job.end)
        body["jobConditionCode"] = doc["jobConditionCode"]
    body["logStatistics"] = _statistics(len(job.log_lines(now)), max(job.created, seen))
    body["listingStatistics"] = _statistics(len(job.listing_lines(now)), max(job.created, seen))
    body["links"] = job_links(job.session_id, job.id)
    body["version"] = 1
    return body


def job_response(snapshot: JobSnapshot, accept: str | None, status: int = 200) -> Response:
    headers = {"ETag": snapshot.etag}
    if status == 201:
        headers["Location"] = job_uri(snapshot.job.session_id, snapshot.job.id)
    return json_response(job_body(snapshot), negotiate(accept, (f"{JOB}+json", JSON)), status, headers)


def jobs_collection(
    session_id: str, page: Page[JobSnapshot], *, sort_by: str | None, filter_text: str | None
) -> dict[str, Any]:
    return _collection(
        page,
        name="jobs",
        uri=f"{session_uri(session_id)}/jobs",
        item_type=JOB,
        items=[job_body(snapshot) for snapshot in page.items],
        sort_by=sort_by,
        filter_text=filter_text,
        extra=[link("GET", "up", session_uri(session_id), SESSION)],
    )


# -- lines, results, variables ----------------------------------------------------------------------------


def line_body(line: Line) -> dict[str, Any]:
    return {"version": 1, "type": line.type, "line": line.line}


def lines_collection(lines: LinePage, *, name: str, uri: str) -> dict[str, Any]:
    page = lines.page
    return _collection(page, name=name, uri=uri, item_type=LOG_LINE, items=[line_body(line) for line in page.items])


def result_body(session_id: str, item: ResultItem) -> dict[str, Any]:
    output = item.output
    href = f"{session_uri(session_id)}/results/{item.id}/{output.name}"
    return {
        "id": item.id,
        "name": output.name,
        "type": output.type,
        "links": [link("GET", "self", href, output.media_type)],
        "version": 1,
    }


def results_collection(session_id: str, items: list[ResultItem], *, uri: str, start: int, limit: int) -> dict[str, Any]:
    page = Page(items[start : start + limit], start, limit, len(items))
    return _collection(
        page, name="results", uri=uri, item_type=RESULT, items=[result_body(session_id, i) for i in page.items]
    )


def variable_body(session_id: str, item: dict[str, str]) -> dict[str, Any]:
    href = f"{session_uri(session_id)}/variables/{item['name']}"
    return {"name": item["name"], "value": item["value"], "links": [link("GET", "self", href, VARIABLE)], "version": 1}


def variables_collection(
    session_id: str, page: Page[dict[str, str]], *, sort_by: str | None, filter_text: str | None
) -> dict[str, Any]:
    return _collection(
        page,
        name="variables",
        uri=f"{session_uri(session_id)}/variables",
        item_type=VARIABLE,
        items=[variable_body(session_id, item) for item in page.items],
        sort_by=sort_by,
        filter_text=filter_text,
    )


def variable_response(session_id: str, item: dict[str, str], accept: str | None) -> Response:
    return json_response(variable_body(session_id, item), negotiate(accept, (f"{VARIABLE}+json", JSON)))
