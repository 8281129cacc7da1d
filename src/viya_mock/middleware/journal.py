"""Records every request to the mocked APIs in the journal; admin calls are left out, so polling the
journal does not change it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viya_mock.journal import Entry, Journal
from viya_mock.middleware import ADMIN_PREFIX, route_path

FAULT_KEY = "viya_mock.fault"
# Set by the auth middleware: the user the request was made as.
USER_KEY = "viya_mock.user"


class JournalMiddleware:
    def __init__(self, app: ASGIApp, journal: Journal, now_text: Callable[[], str]) -> None:
        self.app = app
        self.journal = journal
        self.now_text = now_text

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        if path.startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        digest = hashlib.sha256()
        seen_body = False
        status = 500
        time = self.now_text()

        async def receive_and_digest() -> Message:
            nonlocal seen_body
            message = await receive()
            if message["type"] == "http.request" and message.get("body"):
                digest.update(message["body"])
                seen_body = True
            return message

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        method = scope["method"]
        query = scope.get("query_string", b"").decode("latin-1")
        arrival = self.journal.arrived(Entry(method, path, query, None, time, None, None))
        try:
            await self.app(scope, receive_and_digest, send_and_note)
        finally:
            self.journal.record(
                Entry(
                    method=method,
                    path=path,
                    query=query,
                    status=status,
                    time=time,
                    bodyDigest=digest.hexdigest() if seen_body else None,
                    fault=scope.get("extensions", {}).get(FAULT_KEY),
                    user=scope.get("extensions", {}).get(USER_KEY),
                ),
                arrival,
            )
