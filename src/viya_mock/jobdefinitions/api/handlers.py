"""Handlers for the Job Definitions document."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.core.api import render
from viya_mock.core.api.render import api_root, head_of, no_content
from viya_mock.core.api.requests import accept
from viya_mock.core.api.resources import ResourceEndpoints
from viya_mock.jobdefinitions.api import representation
from viya_mock.jobdefinitions.api.representation import DEFINITIONS, JOB_DEFINITION, ROOT_LINKS
from viya_mock.jobdefinitions.services.definitions import JobDefinitionService


class JobDefinitionHandlers:
    def __init__(self, definitions: JobDefinitionService) -> None:
        self.definitions = definitions
        self.endpoints = ResourceEndpoints(
            definitions,
            JOB_DEFINITION,
            DEFINITIONS,
            representation.job_definition_body,
            representation.definition_links,
        )

    async def getJobDefinitionsApi(self) -> Response:
        return api_root(ROOT_LINKS, accept())

    async def headJobDefinitionsApi(self) -> Response:
        return head_of(api_root(ROOT_LINKS, accept()))

    async def getJobDefinitions(
        self, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        page = self.definitions.query(start=start, limit=limit, filter_text=filter_, sort_text=sort_by)
        body = render.resources_collection(
            page,
            name="jobDefinitions",
            uri=DEFINITIONS,
            item_type=JOB_DEFINITION,
            body=representation.job_definition_body,
            up="/jobDefinitions/",
            sort_by=sort_by,
            filter_text=filter_,
            extra=[render.link("POST", "create", DEFINITIONS, JOB_DEFINITION, response_type=JOB_DEFINITION)],
        )
        return render.collection_response(body, accept())

    async def createJobDefinition(self, body: dict[str, Any]) -> Response:
        return self.endpoints.created(body)

    async def getJobDefinition(self, id_: str) -> Response:
        return self.endpoints.read(id_)

    async def headJobDefinition(self, id_: str) -> Response:
        return head_of(self.endpoints.read(id_))

    async def updateJobDefinition(self, id_: str, body: dict[str, Any]) -> Response:
        return self.endpoints.replaced(id_, body)

    async def deleteJobDefinition(self, id_: str) -> Response:
        self.definitions.delete(id_)
        return no_content()
