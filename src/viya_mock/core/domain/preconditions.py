"""Entity tags and conditional updates (If-Match / If-Unmodified-Since), as SAS services apply them."""

from __future__ import annotations

import zlib

from viya_mock.core.domain.errors import PreconditionFailed, PreconditionRequired
from viya_mock.core.domain.limits import excerpt
from viya_mock.core.domain.timestamps import parse_http_date

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def make_etag(*parts: object) -> str:
    """A short quoted opaque tag like SAS's ("jeomqj9a"), derived so it changes with every modification."""
    value = zlib.crc32(":".join(map(str, parts)).encode()) | (1 << 40)
    out = []
    while value:
        value, digit = divmod(value, 36)
        out.append(_DIGITS[digit])
    return '"' + "".join(reversed(out)) + '"'


def _tag_matches(header: str, etag: str) -> bool:
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


def check_preconditions(if_match: str | None, if_unmodified_since: str | None, *, etag: str, modified: int) -> None:
    """Raise unless the client proves it saw the current version; If-Match wins over If-Unmodified-Since."""
    if if_match:
        if not _tag_matches(if_match, etag):
            raise PreconditionFailed(
                f"The If-Match value {excerpt(if_match)} does not match the current entity tag {etag}."
            )
        return
    since = parse_http_date(if_unmodified_since) if if_unmodified_since else None
    if since is None:
        raise PreconditionRequired("The request must have an If-Match or If-Unmodified-Since header.")
    if modified // 1000 * 1000 > since:
        raise PreconditionFailed(
            f"The resource was modified after the If-Unmodified-Since value {excerpt(if_unmodified_since or '')}."
        )
