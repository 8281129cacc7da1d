"""The responses every document-kept resource (job request, job definition) gives, written once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from viya_mock.core.api import render
from viya_mock.core.api.render import JSON, SUMMARY, json_response
from viya_mock.core.api.requests import accept, header
from viya_mock.core.domain.resource import Resource
from viya_mock.core.services.resources import ResourceService


@dataclass(frozen=True, slots=True)
class ResourceEndpoints:
    service: ResourceService
    media_type: str
    uri: str
    body: Callable[[Resource], dict[str, Any]]
    links: Callable[[str], list[dict[str, str]]]

    def created(self, body: dict[str, Any]) -> Response:
        resource = self.service.create(body)
        headers = {**render.resource_headers(resource), "Location": f"{self.uri}/{resource.id}"}
        return json_response(self.body(resource), self._negotiate(), 201, headers)

    def read(self, resource_id: str) -> Response:
        """The full representation, or the summary when the client asks for application/vnd.sas.summary."""
        resource = self.service.get(resource_id)
        media_type = render.negotiate(accept(), (f"{self.media_type}+json", f"{SUMMARY}+json", JSON))
        if media_type == f"{SUMMARY}+json":
            body = render.summary_body(resource, self.media_type, self.links(resource.id))
        else:
            body = self.body(resource)
        return json_response(body, media_type, headers=render.resource_headers(resource))

    def replaced(self, resource_id: str, body: dict[str, Any]) -> Response:
        resource = self.service.replace(resource_id, body, header("if-match"), header("if-unmodified-since"))
        return json_response(self.body(resource), self._negotiate(), headers=render.resource_headers(resource))

    def _negotiate(self) -> str:
        return render.negotiate(accept(), (f"{self.media_type}+json", JSON))
