"""The one place that reads real time, and the one place that waits.

Everything asks a `Clock` for "now" as integer milliseconds since the Unix epoch, so a test can swap in a
`VirtualClock` and get the same answers every run. Integers keep comparing and sorting timestamps cheap.
Waiting (scripted latency, long polls) also goes through the clock: real time really passes, virtual
time never blocks, and moving a virtual clock wakes whoever waits for a change.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Protocol


class Changes:
    """Wakes waiters when something they may be waiting for changed (a job, or virtual time).

    Requests are served on an event loop while tests and admin calls may move time from other threads,
    so waking goes through `call_soon_threadsafe`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        # Set once the server shuts down: every wait, current and future, returns at once.
        self.released = False

    def notify(self) -> None:
        with self._lock:
            waiting = list(self._waiting)
        for loop, event in waiting:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    async def wait(self, timeout: float | None) -> None:
        """Return on the next notify, or after `timeout` seconds of real time (None: no limit)."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            if self.released:
                return
            self._waiting.add(entry)
        try:
            await asyncio.wait_for(entry[1].wait(), timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                self._waiting.discard(entry)

    def release_all(self) -> None:
        """Shutting down: wake every waiter now and let no one wait again, so long polls answer at once."""
        with self._lock:
            self.released = True
        self.notify()


class Clock(Protocol):
    """A source of the current instant, and a way to wait for time to pass."""

    changes: Changes

    def now(self) -> int:
        """Milliseconds since the Unix epoch."""
        ...

    async def sleep(self, milliseconds: int) -> None:
        """Let `milliseconds` of this clock's time pass (scripted latency)."""
        ...

    async def wait_until(self, instant: int) -> None:
        """Return at `instant`, or earlier when something changes; callers re-check their condition."""
        ...


class SystemClock:
    """Real time, for `viya-mock serve` by default."""

    def __init__(self) -> None:
        self.changes = Changes()

    def now(self) -> int:
        return time.time_ns() // 1_000_000

    async def sleep(self, milliseconds: int) -> None:
        if milliseconds > 0:
            await asyncio.sleep(milliseconds / 1000)  # clock-ok: scripted latency on real time

    async def wait_until(self, instant: int) -> None:
        await self.changes.wait(max(instant - self.now(), 0) / 1000)


class VirtualClock:
    """Time that moves only when told, so simulated providers are instant and repeatable."""

    def __init__(self, start: int) -> None:
        self._now = start
        self.changes = Changes()

    def now(self) -> int:
        return self._now

    def set(self, instant: int) -> None:
        """Jump to an instant; going backwards is allowed, since a test may rewind after a reset."""
        self._now = instant
        self.changes.notify()

    def advance(self, milliseconds: int) -> int:
        if milliseconds < 0:
            raise ValueError("a virtual clock advances forwards; use set() to rewind")
        self._now += milliseconds
        self.changes.notify()
        return self._now

    async def sleep(self, milliseconds: int) -> None:
        """Scripted latency costs no real time on a virtual clock."""

    async def wait_until(self, instant: int) -> None:
        if self._now < instant:
            await self.changes.wait(None)
