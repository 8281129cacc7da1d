"""CSRF protection as SAS Viya enforces it on browser sessions.

A request authenticated by the SAS Logon session cookie (not by a bearer token) that changes state (POST,
PUT, PATCH, DELETE) must carry the session's token in `X-CSRF-TOKEN`, and, when it names an `Origin` (or a
`Referer`), one the server allows. Otherwise the answer is 403 with `x-forbidden-reason: CSRF`, the header
name in `x-csrf-header` and a token to retry with in `X-CSRF-TOKEN`, which is what @sasjs/adapter and SAS's
portal framework read before retrying once. Every other answer to a cookie session names the token the same
way, so an app can send it from its first write on.

`mode` is `on` (cookie sessions, as Viya), `off`, or `all` (every state-changing request, bearer tokens and
the default user included, each user with a token of their own), which lets a test drive a client's retry
without a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viya_mock.core.api.render import error_body, error_response
from viya_mock.middleware import route_path
from viya_mock.middleware.journal import USER_KEY

MODES = ("on", "off", "all")
HEADER = "X-CSRF-TOKEN"
# Set by the auth middleware when a session cookie authenticated the request: that session's token.
SESSION_TOKEN_KEY = "viya_mock.csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CsrfMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        mode: str,
        origin_allowed: Callable[[str, Headers], bool],
        token_for_user: Callable[[str], str],
        open_prefixes: tuple[str, ...],
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"csrf must be one of {', '.join(MODES)}, not {mode!r}")
        self.app = app
        self.mode = mode
        self.origin_allowed = origin_allowed
        self.token_for_user = token_for_user
        self.open_prefixes = open_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.mode == "off" or route_path(scope).startswith(self.open_prefixes):
            await self.app(scope, receive, send)
            return
        extensions = scope.get("extensions", {})
        session_token: str | None = extensions.get(SESSION_TOKEN_KEY)
        expected = session_token
        if expected is None and self.mode == "all" and extensions.get(USER_KEY):
            expected = self.token_for_user(str(extensions[USER_KEY]))
        if expected is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS:
            headers = Headers(scope=scope)
            why = self._refusal(headers, expected, cookie=session_token is not None)
            if why is not None:
                await self._refuse(scope, receive, send, why, expected)
                return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer = MutableHeaders(scope=message)
                answer["x-csrf-header"] = HEADER
                answer[HEADER] = expected
            await send(message)

        await self.app(scope, receive, named)

    def _refusal(self, headers: Headers, expected: str, *, cookie: bool) -> str | None:
        if cookie:
            origin = headers.get("origin") or _origin_of(headers.get("referer"))
            if origin and not self.origin_allowed(origin, headers):
                return f"The request's origin {origin[:200]} is not allowed to make changes with a session cookie."
        if headers.get(HEADER) != expected:
            return "The request has no valid CSRF token: send the one X-CSRF-TOKEN names in the x-csrf-token header."
        return None

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, why: str, token: str) -> None:
        body = error_body(403, why, details=[f"path: {scope['path']}"])
        headers = {"x-forbidden-reason": "CSRF", "x-csrf-header": HEADER, HEADER: token}
        await error_response(body, headers)(scope, receive, send)


def _origin_of(referer: str | None) -> str | None:
    if not referer:
        return None
    try:
        parts = urlsplit(referer)
    except ValueError:
        return "null"
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "null"
