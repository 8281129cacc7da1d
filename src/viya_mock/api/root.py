"""Handlers for the API roots, whose links let clients such as restaf discover the collections."""

from __future__ import annotations

from starlette.responses import Response

from viya_mock.api import render
from viya_mock.api.render import (
    API,
    COLLECTION,
    DEFINITIONS,
    JOB,
    JOB_DEFINITION,
    JOB_REQUEST,
    JOB_REQUESTS,
    JOBS,
    JSON,
    head_of,
    json_response,
    link,
)
from viya_mock.api.requests import accept

JOB_EXECUTION_LINKS = [
    link("GET", "jobs", JOBS, COLLECTION, item_type=JOB, response_item_type=JOB),
    link("POST", "create", JOBS, JOB_REQUEST, response_type=JOB),
    link("GET", "jobRequests", JOB_REQUESTS, COLLECTION, item_type=JOB_REQUEST),
]
JOB_DEFINITIONS_LINKS = [link("GET", "job-definitions", DEFINITIONS, COLLECTION, item_type=JOB_DEFINITION)]


def _root(links: list[dict[str, str]]) -> Response:
    return json_response(render.api_root(links), render.negotiate(accept(), (f"{API}+json", JSON)))


class RootHandlers:
    async def getApi(self) -> Response:
        return _root(JOB_EXECUTION_LINKS)

    async def headApi(self) -> Response:
        return head_of(_root(JOB_EXECUTION_LINKS))

    async def getJobDefinitionsApi(self) -> Response:
        return _root(JOB_DEFINITIONS_LINKS)

    async def headJobDefinitionsApi(self) -> Response:
        return head_of(_root(JOB_DEFINITIONS_LINKS))
