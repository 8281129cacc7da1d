"""Serve an app on a loopback port from a background thread, for tests that need a real socket."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

import uvicorn

from viya_mock.settings import Settings
from viya_mock.transport import server_options

STARTUP_TIMEOUT = 30.0


class ThreadedServer:
    """uvicorn in a daemon thread on 127.0.0.1, on a free port unless one is given.

    Signal handlers stay with the main thread (uvicorn installs none off it), so pytest's Ctrl-C still works.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        # The mock's own app is served on the transport `viya-mock serve` uses, with its head limits.
        settings = getattr(getattr(app, "container", None), "settings", None)
        options = server_options(settings) if isinstance(settings, Settings) else {}
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on", **options)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="viya-mock", daemon=True)
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ThreadedServer:
        self._thread.start()
        started = threading.Event()

        def wait() -> None:
            while not self._server.started and self._thread.is_alive():
                started.wait(0.01)

        wait_thread = threading.Thread(target=wait)
        wait_thread.start()
        wait_thread.join(STARTUP_TIMEOUT)
        if not self._server.started:
            raise RuntimeError("viya-mock did not start")
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
