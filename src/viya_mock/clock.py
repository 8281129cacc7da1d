"""The one place that reads real time.

Everything in the mock asks a `Clock` for "now" as integer milliseconds since the Unix epoch, so that a
test can swap in a `VirtualClock` and get the same answers every run. Integers keep comparisons and
sorting of timestamps cheap on the hot path.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """A source of the current instant."""

    def now(self) -> int:
        """Milliseconds since the Unix epoch."""
        ...


class SystemClock:
    """Real time, for `viya-mock serve` by default."""

    def now(self) -> int:
        return time.time_ns() // 1_000_000


class VirtualClock:
    """Time that moves only when told, so simulated providers are instant and repeatable."""

    def __init__(self, start: int) -> None:
        self._now = start

    def now(self) -> int:
        return self._now

    def set(self, instant: int) -> None:
        """Jump to an instant; going backwards is allowed, since a test may rewind after a reset."""
        self._now = instant

    def advance(self, milliseconds: int) -> int:
        if milliseconds < 0:
            raise ValueError("a virtual clock advances forwards; use set() to rewind")
        self._now += milliseconds
        return self._now
