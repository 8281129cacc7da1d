"""Single byte ranges (`Range: bytes=a-b`, `bytes=a-`, `bytes=-n`) over content of a known length."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ByteRange:
    first: int
    last: int  # inclusive

    def content_range(self, size: int) -> str:
        return f"bytes {self.first}-{self.last}/{size}"


# Offsets past any content: longer digit strings are read as this, so that int() never meets a 5,000-digit number.
_HUGE = 10**18


def _offset(digits: str) -> int:
    return int(digits) if len(digits) < 18 else _HUGE


class Unsatisfiable(Exception):
    """The range is well formed but lies outside the content (416)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range asked for, or None for the whole content.

    As RFC 9110 allows, a header that is not a single well-formed byte range is ignored (the whole
    content is sent); a well-formed range that no byte satisfies raises Unsatisfiable.
    """
    if header is None:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    start_text, end_text = match.groups()
    if not start_text and not end_text:
        return None
    if not start_text:
        suffix = _offset(end_text)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    first = _offset(start_text)
    last = _offset(end_text) if end_text else max(first, size - 1)
    if last < first:
        return None
    if first >= size:
        raise Unsatisfiable
    return ByteRange(first, min(last, size - 1))
