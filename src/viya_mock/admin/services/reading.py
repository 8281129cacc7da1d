"""What reading an export shares between its parts: the error naming what is wrong, and the instant check."""

from __future__ import annotations

from typing import Any

from viya_mock.core.domain.timestamps import MAX_INSTANT_MS, MIN_INSTANT_MS


class InvalidItem(Exception):
    """One item of an export that cannot be imported; the message says what is wrong with it."""


def checked_instant(value: Any, what: str) -> int:
    """Epoch milliseconds a SAS timestamp can show; anything else (a bool, a float, year 10000) is refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_INSTANT_MS <= value <= MAX_INSTANT_MS:
        raise InvalidItem(f"{what} must be epoch milliseconds between the years 1 and 9999, not {str(value)[:40]}")
    return value
