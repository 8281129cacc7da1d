"""What handlers read from the current request beyond their parameters: Accept, headers, a text body."""

from __future__ import annotations

from typing import Any

from connexion import request


def accept() -> str | None:
    value = request.headers.get("accept")
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


def header(name: str) -> str | None:
    value = request.headers.get(name)
    return str(value) if value is not None else None
