"""Job definitions as the Job Definitions service represents them: the resource, its links, its root."""

from __future__ import annotations

from typing import Any

from viya_mock.core.api.render import COLLECTION, SUMMARY, link
from viya_mock.core.domain.resource import Resource

JOB_DEFINITION = "application/vnd.sas.job.definition"
DEFINITIONS = "/jobDefinitions/definitions"

ROOT_LINKS = [link("GET", "job-definitions", DEFINITIONS, COLLECTION, item_type=JOB_DEFINITION)]


def definition_links(definition_id: str) -> list[dict[str, str]]:
    uri = f"{DEFINITIONS}/{definition_id}"
    return [
        link("GET", "self", uri, JOB_DEFINITION),
        link("GET", "alternate", uri, SUMMARY),
        link("PUT", "update", uri, JOB_DEFINITION, response_type=JOB_DEFINITION),
        link("DELETE", "delete", uri),
    ]


def job_definition_body(resource: Resource) -> dict[str, Any]:
    return {**resource.doc, "links": definition_links(resource.id)}
