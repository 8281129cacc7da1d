"""What handlers read from the current request beyond their parameters: Accept, headers, a text body."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from connexion.context import receive, scope
from starlette.datastructures import Headers
from starlette.requests import cookie_parser

T = TypeVar("T")


def headers() -> Headers:
    """The current request's headers, read from its scope (`connexion.request` builds two request objects for
    every attribute read)."""
    return Headers(scope=scope._get_current_object())


def accept() -> str | None:
    return headers().get("accept")


def header(name: str) -> str | None:
    return headers().get(name)


def cookie(name: str) -> str | None:
    """A cookie the request sent, by name."""
    text = headers().get("cookie")
    return cookie_parser(text).get(name) if text else None


def root_path() -> str:
    """Where the app is served below the host: a tenant's `/t/<name>`, else empty (for links in pages)."""
    root: str = scope.get("root_path", "")
    return root


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def secure_context() -> bool:
    """Whether a browser keeps a `Secure` cookie from this answer: HTTPS, or a loopback host (browsers treat
    http://localhost and http://127.0.0.1 as secure)."""
    if scope.get("scheme") == "https" or headers().get("x-forwarded-proto", "").lower() == "https":
        return True
    host = headers().get("host", "").lower()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in LOOPBACK_HOSTS


def request_headers() -> dict[str, str]:
    """The request's headers, which scenarios may match jobs on."""
    return dict(headers().items())


def is_text_body() -> bool:
    return headers().get("content-type", "").lower().startswith("text/plain")


def text_of(body: Any) -> str | None:
    """A text/plain body as a string; Connexion hands over an empty body as {} or None."""
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return body if isinstance(body, str) else None


async def while_connected(work: Coroutine[Any, Any, T]) -> T | None:
    """Run `work` (a long poll) until it ends or the client goes away, whichever is first; None if it went.

    The request's body has been read by then, so the next thing the server can deliver is `http.disconnect`:
    waiting for it beside the work means a poll nobody will read is cancelled at once instead of being held
    (with its waiter) until its deadline.
    """
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnected())
    try:
        await asyncio.wait((task, gone), return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not task.done():
            task.cancel()
    if task.cancelled() or not task.done():
        return None
    return task.result()


async def _disconnected() -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
