"""Create, read, replace, delete and list for resources kept as documents (job requests, job definitions).

Both SAS resources follow the same conventions: the server owns id, audit fields and version; a
replacement must prove with If-Match or If-Unmodified-Since that the client saw the current version; the
id cannot change. What differs per kind (validation, defaults) is a hook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from viya_mock.clock import Clock
from viya_mock.core.domain.errors import IdMismatch, NotFound
from viya_mock.core.domain.preconditions import check_preconditions
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import format_ms
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.listing import page_of
from viya_mock.core.query.paging import Page, SortKey
from viya_mock.core.store.memory import Store
from viya_mock.randomness import Randomness

SERVER_FIELDS = ("id", "creationTimeStamp", "modifiedTimeStamp", "createdBy", "modifiedBy", "links", "version")
# What every document-kept resource can be filtered and sorted by; each kind adds its own members.
AUDIT_FIELDS = ("id", "name", "description", "createdBy", "modifiedBy", "creationTimeStamp", "modifiedTimeStamp")


@dataclass(frozen=True, slots=True)
class ResourceKind:
    """What one kind of resource is called and how its documents are made valid."""

    noun: str
    version: int
    fields: QueryFields
    default_sort: tuple[SortKey, ...]


class ResourceService:
    def __init__(
        self,
        kind: ResourceKind,
        items: Callable[[], dict[str, Resource]],
        store: Store,
        clock: Clock,
        randomness: Randomness,
        user: Callable[[], str],
    ) -> None:
        self.kind = kind
        self._items = items
        self.store = store
        self.clock = clock
        self.randomness = randomness
        self.user = user

    def prepare(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Check a client's document and fill in defaults; the kinds override this."""
        return {k: v for k, v in body.items() if k not in SERVER_FIELDS}

    def create(self, body: Mapping[str, Any]) -> Resource:
        fields = self.prepare(body)
        now = self.clock.now()
        stamp = format_ms(now)
        user = self.user()
        with self.store.lock:
            resource_id = self.randomness.uuid()
            doc = {
                "creationTimeStamp": stamp,
                "modifiedTimeStamp": stamp,
                "createdBy": user,
                "modifiedBy": user,
                "version": self.kind.version,
                "id": resource_id,
                **fields,
            }
            resource = Resource(id=resource_id, doc=doc, modified=now)
            self._items()[resource_id] = resource
        return resource

    def get(self, resource_id: str) -> Resource:
        resource = self._items().get(resource_id)
        if resource is None:
            raise NotFound(f"No {self.kind.noun} exists with the ID {resource_id}.", details=[f"id: {resource_id}"])
        return resource

    def replace(
        self, resource_id: str, body: Mapping[str, Any], if_match: str | None, if_unmodified_since: str | None
    ) -> Resource:
        with self.store.lock:
            resource = self.get(resource_id)
            if body.get("id", resource_id) != resource_id:
                raise IdMismatch(
                    f"The {self.kind.noun} ID in the body ({body['id']}) does not match the ID in the path "
                    f"({resource_id})."
                )
            check_preconditions(if_match, if_unmodified_since, etag=resource.etag, modified=resource.modified)
            fields = self.prepare(body)
            now = max(self.clock.now(), resource.modified)
            kept: dict[str, Any] = {k: resource.doc[k] for k in ("creationTimeStamp", "createdBy") if k in resource.doc}
            resource.doc = {
                **kept,
                "modifiedTimeStamp": format_ms(now),
                "modifiedBy": self.user(),
                "version": self.kind.version,
                "id": resource_id,
                **fields,
            }
            resource.modified = now
            resource.revision += 1
        return resource

    def delete(self, resource_id: str) -> None:
        with self.store.lock:
            self.get(resource_id)
            del self._items()[resource_id]

    def query(self, *, start: int, limit: int, filter_text: str | None, sort_text: str | None) -> Page[Resource]:
        return page_of(
            list(self._items().values()),
            doc=lambda resource: resource.doc,
            filter_text=filter_text,
            sort_text=sort_text,
            fields=self.kind.fields,
            default_sort=self.kind.default_sort,
            start=start,
            limit=limit,
        )
