"""The one place that reads real time, and the one place that waits.

Everything asks a `Clock` for "now" as integer milliseconds since the Unix epoch, so a test can swap in a
`VirtualClock` and get the same answers every run. Integers keep comparing and sorting timestamps cheap.
Waiting (scripted latency, long polls) also goes through the clock: real time really passes, virtual
time never blocks, and moving a virtual clock wakes whoever waits for a change.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator
from typing import Protocol


class Changes:
    """Wakes waiters when something they may be waiting for changed: one job, everything, or virtual time.

    A long poll waits on its job's id, so a change to one job wakes only the polls on that job, and a
    thousand idle polls cost nothing while other jobs heartbeat. `notify()` without a key (a reset, a store
    import) wakes everyone. On a virtual clock a waiter also says the instant it waits for, and moving the
    clock wakes only those whose instant has come (`notify_time`).

    Requests are served on an event loop while tests and admin calls may move time from other threads,
    so waking goes through `call_soon_threadsafe`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str | None, set[_Waiter]] = {}
        # Set once the server shuts down: every wait, current and future, returns at once.
        self.released = False
        # How many waiters were woken, in all: a test's way to see that a change woke no one it did not concern.
        self.woken = 0

    def notify(self, key: str | None = None) -> None:
        """Something changed: the thing named `key` (its waiters, and those waiting on everything), or with
        no key everything there is."""
        with self._lock:
            if key is None:
                waiting = [waiter for group in self._waiting.values() for waiter in group]
            else:
                waiting = [*self._waiting.get(key, ()), *self._waiting.get(None, ())]
        self._wake(waiting)

    def notify_time(self, now: int) -> None:
        """Virtual time moved to `now`: wake the waiters whose instant has come (and those with none)."""
        with self._lock:
            waiting = [waiter for group in self._waiting.values() for waiter in group if waiter.until <= now]
        self._wake(waiting)

    def _wake(self, waiting: list[_Waiter]) -> None:
        self.woken += len(waiting)
        for waiter in waiting:
            if not waiter.loop.is_closed():
                waiter.loop.call_soon_threadsafe(waiter.event.set)

    async def wait(self, timeout: float | None, key: str | None = None, until: int = -1) -> None:
        """Return on a notify that concerns `key`, when virtual time reaches `until`, or after `timeout`
        seconds of real time (None: no limit)."""
        waiter = _Waiter(asyncio.get_running_loop(), asyncio.Event(), until)
        with self._lock:
            if self.released:
                return
            self._waiting.setdefault(key, set()).add(waiter)
        try:
            await asyncio.wait_for(waiter.event.wait(), timeout)
        except TimeoutError:
            pass
        finally:
            with self._lock:
                group = self._waiting.get(key)
                if group is not None:
                    group.discard(waiter)
                    if not group:
                        del self._waiting[key]

    def waiting(self) -> int:
        """How many waits are in progress."""
        with self._lock:
            return sum(len(group) for group in self._waiting.values())

    def release_all(self) -> None:
        """Shutting down: wake every waiter now and let no one wait again, so long polls answer at once."""
        with self._lock:
            self.released = True
        self.notify()


class _Waiter:
    """One wait in progress: the loop it waits on, what wakes it, and the virtual instant it waits for."""

    __slots__ = ("event", "loop", "until")

    def __init__(self, loop: asyncio.AbstractEventLoop, event: asyncio.Event, until: int) -> None:
        self.loop, self.event, self.until = loop, event, until


class Clock(Protocol):
    """A source of the current instant, and a way to wait for time to pass."""

    changes: Changes

    def now(self) -> int:
        """Milliseconds since the Unix epoch."""
        ...

    async def sleep(self, milliseconds: int) -> None:
        """Let `milliseconds` of this clock's time pass (scripted latency)."""
        ...

    async def wait_until(self, instant: int, key: str | None = None) -> None:
        """Return at `instant`, or earlier when `key` (or everything) changes; callers re-check their condition."""
        ...


@contextlib.asynccontextmanager
async def at_most(milliseconds: int) -> AsyncIterator[None]:
    """Bound the waits inside by `milliseconds` of real time, whatever the clock: a long poll on a frozen virtual
    clock still answers after its `wait` of real seconds, so no client (or fuzzer) hangs on one."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(milliseconds / 1000):
            yield


class SystemClock:
    """Real time, for `viya-mock serve` by default."""

    def __init__(self) -> None:
        self.changes = Changes()

    def now(self) -> int:
        return time.time_ns() // 1_000_000

    async def sleep(self, milliseconds: int) -> None:
        if milliseconds > 0:
            await asyncio.sleep(milliseconds / 1000)  # clock-ok: scripted latency on real time

    async def wait_until(self, instant: int, key: str | None = None) -> None:
        await self.changes.wait(max(instant - self.now(), 0) / 1000, key)


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
        self.changes.notify()  # backwards too: every waiter re-checks

    def advance(self, milliseconds: int) -> int:
        if milliseconds < 0:
            raise ValueError("a virtual clock advances forwards; use set() to rewind")
        self._now += milliseconds
        self.changes.notify_time(self._now)
        return self._now

    async def sleep(self, milliseconds: int) -> None:
        """Scripted latency costs no real time on a virtual clock."""

    async def wait_until(self, instant: int, key: str | None = None) -> None:
        if self._now < instant:
            await self.changes.wait(None, key, instant)
