"""Job definitions: CRUD, and resolving a job request's jobDefinitionUri to the definition it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from viya_mock.core.domain.errors import InvalidJobRequest
from viya_mock.core.domain.resource import Resource
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.paging import SortKey
from viya_mock.core.services.resources import AUDIT_FIELDS, ResourceKind, ResourceService
from viya_mock.jobdefinitions.domain.definition import DEFINITION_URI_PREFIX

__all__ = ["DEFINITION_URI_PREFIX", "JOB_DEFINITION", "JobDefinitionService"]


JOB_DEFINITION = ResourceKind(
    noun="job definition",
    version=2,
    fields=QueryFields("job definitions", names=(*AUDIT_FIELDS, "type", "code", "properties", "parameters")),
    default_sort=(SortKey(("name",), False),),
)


class JobDefinitionService(ResourceService):
    def prepare(self, body: Mapping[str, Any]) -> dict[str, Any]:
        # Members sent as null are left out, as the service leaves them out of what it answers.
        fields = {k: v for k, v in super().prepare(body).items() if v is not None}
        fields["parameters"] = [
            {"version": 1, **{k: v for k, v in parameter.items() if v is not None}}
            for parameter in fields.get("parameters") or []
        ]
        fields.setdefault("properties", [])
        return fields

    def resolve(self, uri: str) -> Resource:
        """The definition a jobDefinitionUri names; a submit that names none that exists cannot run."""
        definition_id = uri.removeprefix(DEFINITION_URI_PREFIX)
        resource = self._items().get(definition_id) if uri.startswith(DEFINITION_URI_PREFIX) else None
        if resource is None:
            raise InvalidJobRequest(f"The job definition {uri} does not exist.", details=[f"jobDefinitionUri: {uri}"])
        return resource
