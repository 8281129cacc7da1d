"""What handlers read from the current request beyond their parameters: Accept, headers, a text body."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from connexion.context import receive, scope
from starlette.datastructures import Headers

T = TypeVar("T")


def headers() -> Headers:
    """The current request's headers, read from its scope (`connexion.request` builds two request objects for
    every attribute read)."""
    return Headers(scope=scope._get_current_object())


def accept() -> str | None:
    return headers().get("accept")


def header(name: str) -> str | None:
    return headers().get(name)


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
