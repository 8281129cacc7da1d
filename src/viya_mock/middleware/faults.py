"""Scripted request faults: an error status with a SAS body, added latency, or a dropped connection.

The one place where the mock waits on purpose: latency goes through the clock, so under a virtual clock it
costs no real time.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from viya_mock.api.render import ERROR, dumps, error_body
from viya_mock.clock import Clock
from viya_mock.middleware import ADMIN_PREFIX
from viya_mock.middleware.journal import FAULT_KEY
from viya_mock.scenarios.model import Fault


class DroppedConnection(Exception):
    """Raised after the response has started, so the server closes the connection mid-response."""


class FaultMiddleware:
    def __init__(self, app: ASGIApp, fault_for: Callable[[str, str], tuple[str, Fault] | None], clock: Clock) -> None:
        self.app = app
        self.fault_for = fault_for
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        found = self.fault_for(scope["method"], scope["path"])
        if found is None:
            await self.app(scope, receive, send)
            return
        scenario, fault = found
        scope.setdefault("extensions", {})[FAULT_KEY] = scenario
        await self.clock.sleep(fault.latency)
        if fault.drop:
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
            raise DroppedConnection(f"scenario {scenario} drops {scope['method']} {scope['path']}")
        if fault.status is None:
            await self.app(scope, receive, send)
            return
        message = fault.message or f"The service is not available (scenario {scenario})."
        body = dumps(error_body(fault.status, message, error_code=fault.error_code, details=[f"path: {scope['path']}"]))
        headers = [(b"content-type", f"{ERROR}+json".encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": fault.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
