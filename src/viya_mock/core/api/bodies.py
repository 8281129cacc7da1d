"""An empty body is no body wherever the operation's body is optional, whatever Content-Type it is labelled.

aiohttp labels every request `application/octet-stream`, an empty one included, so its heartbeats and state
changes met a 415 from Connexion's media-type check for a body that was not there. After routing, this
middleware drops the Content-Type of an empty body on the operations whose document makes the body optional
(not on those that take any media type, such as the Files uploads, which keep the type they are given).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


def optional_bodies(documents: Iterable[dict[str, Any]]) -> frozenset[str]:
    """The operationIds whose request body the documents make optional, except those taking any media type."""
    found: set[str] = set()
    for document in documents:
        for item in document.get("paths", {}).values():
            for operation in item.values():
                if not isinstance(operation, dict) or "operationId" not in operation:
                    continue
                body = operation.get("requestBody")
                if body and not body.get("required", False) and "*/*" not in body.get("content", {}):
                    found.add(operation["operationId"])
    return frozenset(found)


def _empty(headers: list[tuple[bytes, bytes]]) -> bool:
    length = None
    for name, value in headers:
        if name == b"content-length":
            length = value.strip()
        elif name == b"transfer-encoding":
            return False
    return length is None or length == b"0"


class EmptyBodies:
    """ASGI middleware at MiddlewarePosition.BEFORE_VALIDATION (it reads the operation routing found)."""

    def __init__(self, app: ASGIApp, *, optional: frozenset[str]) -> None:
        self.app = app
        self.optional = optional

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            routing = scope.get("extensions", {}).get("connexion_routing", {})
            headers = scope["headers"]
            if (
                routing.get("operation_id") in self.optional
                and any(name == b"content-type" for name, _ in headers)
                and _empty(headers)
            ):
                scope = dict(scope, headers=[(name, value) for name, value in headers if name != b"content-type"])
        await self.app(scope, receive, send)
