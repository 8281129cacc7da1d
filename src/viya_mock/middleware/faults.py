"""Scripted request faults (an error status with a SAS body, added latency, a dropped connection), and the
base latency `--latency` adds to every answer.

The one place where the mock waits on purpose: latency goes through the clock, so under a virtual clock it
costs no real time.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from viya_mock.clock import Clock
from viya_mock.core.api.render import error_body, error_response
from viya_mock.middleware import ADMIN_PREFIX, route_path
from viya_mock.middleware.journal import FAULT_KEY
from viya_mock.scenarios.model import Fault


class FaultMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        fault_for: Callable[[str, str, dict[str, str]], tuple[str, Fault] | None],
        clock: Clock,
        latency: int = 0,
        any_faults: Callable[[], bool] = lambda: True,
    ) -> None:
        self.app = app
        self.fault_for = fault_for
        self.any_faults = any_faults
        self.clock = clock
        self.latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        if path.startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        if self.latency:
            await self.clock.sleep(self.latency)
        if not self.any_faults():
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        found = self.fault_for(scope["method"], path, headers)
        if found is None:
            await self.app(scope, receive, send)
            return
        scenario, fault = found
        scope.setdefault("extensions", {})[FAULT_KEY] = scenario
        await self.clock.sleep(fault.latency)
        if fault.drop:
            # A response that starts and never finishes: the server closes the connection mid-response, which
            # is what a client sees when a gateway or pod dies under it.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
            return
        if fault.status is None:
            await self.app(scope, receive, send)
            return
        message = fault.message or f"The service is not available (scenario {scenario})."
        body = error_body(fault.status, message, error_code=fault.error_code, details=[f"path: {scope['path']}"])
        await error_response(body)(scope, receive, send)
