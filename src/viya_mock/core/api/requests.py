"""What handlers read from the current request beyond their parameters: Accept, headers, a text body."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from connexion import request
from connexion.context import receive

T = TypeVar("T")


def accept() -> str | None:
    value = request.headers.get("accept")
    return str(value) if value is not None else None


def header(name: str) -> str | None:
    value = request.headers.get(name)
    return str(value) if value is not None else None


def request_headers() -> dict[str, str]:
    """The request's headers, which scenarios may match jobs on."""
    return {str(name): str(value) for name, value in request.headers.items()}


def is_text_body() -> bool:
    return str(request.headers.get("content-type", "")).lower().startswith("text/plain")


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
