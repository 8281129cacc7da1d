"""Bearer tokens on every mocked API, as SAS's resource servers check them.

`auth` is `off` (tokens ignored, the default user), `optional` (a token, if sent, must be valid and names
the user; no token means the default user) or `required` (no valid token, no answer). A browser's SAS Logon
session cookie stands in for a token (a token, when both come, wins); its session's CSRF token is put in the
scope for the CSRF middleware. SAS Logon, the
admin API and each API's `openapi.json` and Swagger UI are open. The user a token names is bound for the
request (`bind`/`unbind`), so services read it as the current user, and put in the scope for the journal.

A refusal is 401 with the `WWW-Authenticate` challenge of a Spring OAuth2 resource server; an expired
token says `Access token expired: <jti>`, the text python-sasctl refreshes on. The body is a SAS error
(real services send none; see NOTES.md).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import Token
from typing import Any

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from viya_mock.core.api.render import error_body, error_response
from viya_mock.middleware import route_path
from viya_mock.middleware.csrf import SESSION_TOKEN_KEY
from viya_mock.middleware.journal import USER_KEY

MODES = ("off", "optional", "required")
MISSING = "Full authentication is required to access this resource"


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            text: str = value.decode("latin-1")
            scheme, _, token = text.strip().partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


def _challenge(error: str, description: str) -> str:
    # A header is Latin-1 text: a user name in the description is kept readable as far as ASCII goes.
    text = description.replace('"', "'").encode("ascii", "replace").decode("ascii")
    return f'Bearer realm="oauth", error="{error}", error_description="{text}"'


class AuthMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        mode: str,
        verify: Callable[[str], tuple[str | None, str]],
        bind: Callable[[str], Token[Any]],
        unbind: Callable[[Token[Any]], None],
        default_user: str,
        open_prefixes: tuple[str, ...],
        open_paths: frozenset[str] = frozenset(),
        session_cookie: str = "",
        verify_session: Callable[[str], tuple[str, str] | None] = lambda cookie: None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"auth must be one of {', '.join(MODES)}, not {mode!r}")
        self.app = app
        self.mode = mode
        self.verify = verify
        self.bind = bind
        self.unbind = unbind
        self.default_user = default_user
        self.open_prefixes = open_prefixes
        self.open_paths = open_paths
        self.session_cookie = session_cookie
        self.verify_session = verify_session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope) if scope["type"] == "http" else ""
        if scope["type"] != "http" or path.startswith(self.open_prefixes) or path in self.open_paths:
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope) if self.mode != "off" else None
        session = self._session(scope) if token is None and self.mode != "off" else None
        if session is not None:
            user, csrf_token = session
            scope.setdefault("extensions", {})[SESSION_TOKEN_KEY] = csrf_token
        elif token is None:
            if self.mode == "required":
                await self._refuse(scope, receive, send, "unauthorized", MISSING)
                return
            user = self.default_user
        else:
            verified, why = self.verify(token)
            if verified is None:
                await self._refuse(scope, receive, send, "invalid_token", why)
                return
            user = verified
        scope.setdefault("extensions", {})[USER_KEY] = user
        bound = self.bind(user)
        try:
            await self.app(scope, receive, send)
        finally:
            self.unbind(bound)

    def _session(self, scope: Scope) -> tuple[str, str] | None:
        """The user and CSRF token of the live session the request's cookie names, if any."""
        for name, value in scope["headers"]:
            if name == b"cookie":
                found = cookie_parser(value.decode("latin-1")).get(self.session_cookie)
                return self.verify_session(found) if found else None
        return None

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, error: str, description: str) -> None:
        body = error_body(401, description, details=[f"path: {scope['path']}"])
        await error_response(body, {"WWW-Authenticate": _challenge(error, description)})(scope, receive, send)
