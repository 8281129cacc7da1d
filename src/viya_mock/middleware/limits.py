"""Bounds on every request before the app reads it: header count and size, body size, and the body's read time.

* More than MAX_HEADER_COUNT headers, or a head (request target and headers) over MAX_HEAD_BYTES, is a 431; a
  target over MAX_TARGET_BYTES a 414. The transport (viya_mock/transport.py) refuses the same when serving;
  this check covers requests that reach the app another way.
* A body over the limit for its route (`body_limit(method, path)`: --max-body, or more for the Files uploads
  and the store import) is a 413: refused from its Content-Length before a byte is read, and otherwise as
  soon as the bytes counted while it streams pass the limit. A malformed Content-Length is a 400.
* A body with a Content-Length streams through as the app reads it; nothing here holds it. A body without
  one (`Transfer-Encoding: chunked`) is collected here, within the limit, and handed on with its length, as
  a single message: Connexion takes a request without a Content-Length for one without a body.
* From the app's first read, the whole body must arrive within `read_timeout` seconds of real (transport)
  time, whatever the mock's clock says; otherwise 408. Once the body is in, reads pass straight through (a
  request waiting for its client to disconnect waits as long as it likes).

413 and 408 close the connection, since the rest of the body may still be on its way. Refusals raised while
the app reads are ViyaErrors, which the app's error handlers render as SAS errors; refusals before the app
is called are rendered here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viya_mock.core.api.render import error_response, viya_error_body
from viya_mock.core.domain.errors import BadRequest, ViyaError
from viya_mock.core.domain.limits import body_too_large, head_refusal, too_slow

CLOSE = (b"connection", b"close")
# Statuses after which the rest of the request cannot be read on the same connection.
CLOSING = frozenset({408, 413})


def _head_refusal(scope: Scope) -> ViyaError | None:
    headers = scope["headers"]
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
    target = len(raw_path) + len(scope.get("query_string", b""))
    size = target + sum(len(name) + len(value) + 4 for name, value in headers)
    return head_refusal(len(headers), target, size)


class RequestLimits:
    def __init__(self, app: ASGIApp, *, body_limit: Callable[[str, str], int], read_timeout: int) -> None:
        self.app = app
        self.body_limit = body_limit
        # Milliseconds in the settings; seconds for asyncio.
        self.read_timeout = read_timeout / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _head_refusal(scope)
        if refusal is not None:
            await self._refuse(scope, receive, send, refusal)
            return
        lengths: list[bytes] = []
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                lengths.append(value)
            elif name == b"transfer-encoding":
                chunked = True
        limit = self.body_limit(scope["method"], scope["path"])
        if lengths:
            declared = {value.strip() for value in lengths}
            text = next(iter(declared))
            if len(declared) > 1 or not text.isdigit():
                shown = ", ".join(value.decode("latin-1")[:40] for value in lengths)
                await self._refuse(scope, receive, send, BadRequest(f"The Content-Length {shown} is not valid."))
                return
            if int(text) > limit:
                await self._refuse(scope, receive, send, body_too_large(limit))
                return
        elif chunked:
            await self._collected(scope, receive, send, limit)
            return
        await self._streamed(scope, receive, send, limit)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """The body passes through as the app reads it, counted and against the clock."""
        deadline: float | None = None
        received = 0
        complete = False
        failed: list[ViyaError] = []

        async def bounded() -> Message:
            nonlocal deadline, received, complete
            if complete:
                return await receive()
            if deadline is None:
                deadline = asyncio.get_running_loop().time() + self.read_timeout
            message = await self._within(receive, deadline)
            if message is None:
                failed.append(too_slow("body", self.read_timeout))
                raise failed[-1]
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    failed.append(body_too_large(limit))
                    raise failed[-1]
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        await self._run(scope, bounded, send, failed)

    async def _collected(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """A body of unknown length, read here within the limit and the time, then replayed with its length."""
        chunks: list[bytes] = []
        received = 0
        deadline = asyncio.get_running_loop().time() + self.read_timeout
        while True:
            message = await self._within(receive, deadline)
            if message is None:
                await self._refuse(scope, receive, send, too_slow("body", self.read_timeout))
                return
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await self._refuse(scope, receive, send, body_too_large(limit))
                return
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        headers = [(name, value) for name, value in scope["headers"] if name != b"transfer-encoding"]
        headers.append((b"content-length", str(len(body)).encode()))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self._run(dict(scope, headers=headers), replay, send, [])

    @staticmethod
    async def _within(receive: Receive, deadline: float) -> Message | None:
        """The next message, or None when the deadline passes first."""
        try:
            async with asyncio.timeout_at(deadline):
                return await receive()
        except TimeoutError:
            return None

    async def _run(self, scope: Scope, receive: Receive, send: Send, failed: list[ViyaError]) -> None:
        """Call the app; an answer to a refusal raised while it read the body closes the connection."""
        started = False

        async def closing(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if failed and message["status"] in CLOSING:
                    message = {**message, "headers": [*message.get("headers", []), CLOSE]}
            await send(message)

        try:
            await self.app(scope, receive, closing)
        except ViyaError as error:
            # A refusal that escaped the app's own error handlers (raised where none applies).
            if started or error not in failed:
                raise
            await self._refuse(scope, receive, send, error)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, error: ViyaError) -> None:
        headers = {"Connection": "close"} if error.status in CLOSING else None
        await error_response(viya_error_body(error, scope["path"]), headers)(scope, receive, send)
