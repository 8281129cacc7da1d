"""`viya-mock serve` as a process: uvicorn with a bounded, graceful shutdown, and the state file.

On SIGTERM or SIGINT the server stops accepting connections, answers every long poll at once with the
state as it is, gives the other requests in flight `--shutdown-grace` to finish (then cancels them), writes
the state file and exits 0. A request that holds the event loop past the grace (CPU-bound work) cannot be
cancelled: a watchdog thread then writes the state itself and ends the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Generator, Mapping
from types import FrameType
from typing import TYPE_CHECKING, Any

import uvicorn

from viya_mock.clock import SystemClock
from viya_mock.container import Container
from viya_mock.state import StateError, StateFile, restore_tenants, save_tenants

if TYPE_CHECKING:
    from viya_mock.tenants import Tenants

# Milliseconds between two checks for memory to give back (jobs deleted one by one, or expired).
RELEASE_CHECK = 5_000
# What the watchdog allows beyond the grace for uvicorn's own steps (a 0.1 s tick, lifespan shutdown).
WATCHDOG_MARGIN = 2.0
# How long the watchdog waits for the store lock (held by a request that will not finish) before giving up.
WATCHDOG_LOCK_TIMEOUT = 1.0


def _say(message: str) -> None:
    print(f"viya-mock: {message}", file=sys.stderr, flush=True)  # noqa: T201 - the command's own output


class Lifecycle:
    """What the server does at start, while it runs, and when it stops, for the containers it serves.

    `containers` is a fixed mapping of tenant names to containers, or a function giving the tenants there are
    now (tenants come and go while the server runs); `container_for` finds or makes the container a state
    file's tenant is restored into (default: only those in `containers`).
    """

    def __init__(
        self,
        containers: Mapping[str, Container] | Callable[[], Mapping[str, Container]],
        state_file: StateFile | None,
        interval: int,
        container_for: Callable[[str], Container | None] | None = None,
    ) -> None:
        if callable(containers):
            self.containers = containers
        else:
            fixed = dict(containers)
            self.containers = lambda: fixed
        self.container_for = container_for or (lambda name: self.containers().get(name))
        self.state_file = state_file
        self.interval = interval  # milliseconds between two writes; 0: only at shutdown
        self._sequence = 0
        self._sequence_lock = threading.Lock()
        self._finished = threading.Lock()  # taken once, by whoever ends the process: main thread or watchdog
        self._watchdog: threading.Timer | None = None

    def restore(self) -> None:
        """Read the state file, if one is configured and exists, into the containers (StateError if unusable)."""
        if self.state_file is None:
            return
        self.state_file.check_writable()
        tenants = self.state_file.read()
        if tenants is not None:
            restore_tenants(tenants, self.container_for)
        self.state_file.remove_leftovers()

    def snapshot(self) -> tuple[dict[str, Any], int]:
        """Every container's state now, with a number that orders snapshots."""
        with self._sequence_lock:
            self._sequence += 1
            sequence = self._sequence
        return save_tenants(self.containers()), sequence

    def release_waiters(self) -> None:
        """Every tenant's long polls answer now, and no later one waits."""
        for container in self.containers().values():
            container.clock.changes.release_all()

    async def release_periodically(self) -> None:
        """Every RELEASE_CHECK of real time: memory given back by each container that has lost many jobs."""
        wall = SystemClock()
        while True:
            await wall.sleep(RELEASE_CHECK)
            for container in self.containers().values():
                container.release_memory()

    async def write_periodically(self) -> None:
        """Every `interval` of real time: the snapshot on the loop (under the store lock), the writing off it."""
        assert self.state_file is not None and self.interval > 0
        wall = SystemClock()
        while True:
            await wall.sleep(self.interval)
            try:
                tenants, sequence = self.snapshot()
                await asyncio.to_thread(self.state_file.write, tenants, sequence)
            except (OSError, ValueError, TypeError, RuntimeError) as error:
                _say(f"the state file {self.state_file.path} could not be written: {error}")

    def on_signal(self, grace: float) -> None:
        """The first stop signal: from now on the process ends within the grace (plus a margin) whatever runs."""
        if self._watchdog is None:
            self._watchdog = threading.Timer(grace + WATCHDOG_MARGIN, self._overdue)
            self._watchdog.daemon = True
            self._watchdog.start()

    def _overdue(self) -> None:
        """The event loop did not stop in time (a request holds it): write what can be written and exit."""
        if not self._finished.acquire(blocking=False):
            return  # the main thread is already writing the final state
        _say("requests still running past the shutdown grace were abandoned")
        written = self._write_final(lock_timeout=WATCHDOG_LOCK_TIMEOUT)
        os._exit(0 if written else 1)

    def finish(self, started: bool) -> None:
        """The server has stopped: write the final state (if it ever served) and stand the watchdog down."""
        if not self._finished.acquire(blocking=False):
            threading.Event().wait()  # the watchdog is ending the process
        if self._watchdog is not None:
            self._watchdog.cancel()
        if started and not self._write_final(lock_timeout=None):
            raise SystemExit(1)

    def _write_final(self, lock_timeout: float | None) -> bool:
        """True when the state is on disk (or there is no state file)."""
        if self.state_file is None:
            return True
        locks = [container.store.lock for container in self.containers().values()]
        taken = []
        try:
            for lock in locks:
                if not lock.acquire(timeout=-1 if lock_timeout is None else lock_timeout):
                    _say(f"the state file {self.state_file.path} was not written: the store stayed busy")
                    return False
                taken.append(lock)
            tenants, sequence = self.snapshot()
        finally:
            for lock in reversed(taken):
                lock.release()
        try:
            self.state_file.write(tenants, sequence)
        except (OSError, ValueError, TypeError) as error:
            _say(f"the state file {self.state_file.path} could not be written: {error}")
            return False
        return True


class GracefulServer(uvicorn.Server):
    """uvicorn's server with the lifecycle's steps at start, at the stop signal and at shutdown."""

    def __init__(self, config: uvicorn.Config, lifecycle: Lifecycle) -> None:
        super().__init__(config)
        self.lifecycle = lifecycle
        self._writer: asyncio.Task[None] | None = None
        self._releaser: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """uvicorn's handlers, without re-raising the signal once served (which would end the process with
        the signal's status instead of 0)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self.lifecycle.on_signal(self.config.timeout_graceful_shutdown or 0)

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        settle_memory()
        lifecycle = self.lifecycle
        self._releaser = asyncio.create_task(lifecycle.release_periodically())
        if lifecycle.state_file is not None and lifecycle.interval > 0 and not self.should_exit:
            self._writer = asyncio.create_task(lifecycle.write_periodically())

    async def shutdown(self, sockets: Any = None) -> None:
        # Long polls answer first, so they are done by the time uvicorn waits for what is in flight.
        self.lifecycle.release_waiters()
        if self._writer is not None:
            self._writer.cancel()
        if self._releaser is not None:
            self._releaser.cancel()
        await super().shutdown(sockets=sockets)


# Young collections every this many allocations instead of 700: a request allocates a few hundred objects,
# so the default collected several times per request; the store's jobs are long-lived anyway.
YOUNG_COLLECTION_THRESHOLD = 20_000


def settle_memory() -> None:
    """Once started: what start-up built (documents, fixtures, validators, the routes) lives as long as the
    process, so it is moved out of the garbage collector's sight (`gc.freeze`) instead of being traversed by
    every full collection while the store grows; young collections are made rarer."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def serve(
    app: Tenants, host: str, port: int, grace: int, state_file: StateFile | None, interval: int, **options: Any
) -> int:
    """Restore, serve until a stop signal, write the state; the process's exit status."""
    lifecycle = Lifecycle(app.containers, state_file, interval, container_for=app.restore_target)
    try:
        lifecycle.restore()
    except StateError as error:
        assert state_file is not None
        why = " ".join(str(error).split())  # one line, whatever the parts quoted
        _say(f"the state file {state_file.path} cannot be used: {why} (left as it is; move it away to start afresh)")
        return 2
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, **options)
    # Annotated as int, used as asyncio.timeout's delay, which takes fractions of a second too.
    config.timeout_graceful_shutdown = grace / 1000  # type: ignore[assignment]
    server = GracefulServer(config, lifecycle)
    try:
        server.run()
    finally:
        lifecycle.finish(server.started)
    return 0 if server.started else 3
