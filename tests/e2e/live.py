"""`viya-mock serve` as a real process on a free loopback port, for the end-to-end tests and real clients."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import httpx
import pytest

STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(*options: str) -> Iterator[str]:
    """`viya-mock serve` with these options on a free loopback port, until the block ends."""
    port = free_port()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "viya_mock", "serve", "--port", str(port), *options],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            while True:
                try:
                    httpx.get(f"{url}/__admin/health", timeout=1)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        output.seek(0)
                        pytest.fail(f"viya-mock serve did not start:\n{output.read().decode()}")
                    time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


@dataclass
class Launched:
    """A `viya-mock serve` process the test owns: it may signal it, and it sees how and when it ends."""

    url: str
    process: subprocess.Popen[bytes]
    output: IO[bytes]

    def text(self) -> str:
        self.output.seek(0)
        return self.output.read().decode(errors="replace")


@contextmanager
def launched(*options: str) -> Iterator[Launched]:
    """Like `serving`, for tests of how the process ends: at the end of the block a process still running is
    killed (so a test that fails never leaves one behind)."""
    port = free_port()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "viya_mock", "serve", "--port", str(port), *options],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        live = Launched(f"http://127.0.0.1:{port}", process, output)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            while True:
                try:
                    httpx.get(f"{live.url}/__admin/health", timeout=1)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"viya-mock serve did not start:\n{live.text()}")
                    time.sleep(0.05)
            yield live
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
