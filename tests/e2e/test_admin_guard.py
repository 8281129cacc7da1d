"""`viya-mock serve --host 0.0.0.0`: the server says it is on the network, prints an admin token and wants it."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.live import STARTUP_TIMEOUT, free_port
from tests.support import ADMIN_HEADERS, assert_sas_error

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def on_the_network() -> Iterator[tuple[str, str]]:
    """The server bound to every interface, reached over loopback; its URL and what it printed at start-up."""
    port = free_port()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "viya_mock", "serve", "--host", "0.0.0.0", "--port", str(port)],
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
            output.seek(0)
            yield url, output.read().decode()
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_it_warns_and_prints_a_token(on_the_network: tuple[str, str]) -> None:
    _, printed = on_the_network
    assert "warning: listening on 0.0.0.0:" in printed and "other machines can reach" in printed
    assert re.search(r"admin token: [A-Za-z0-9_-]{40,}", printed)


def test_admin_calls_without_the_token_are_refused(on_the_network: tuple[str, str]) -> None:
    url, printed = on_the_network
    match = re.search(r"admin token: (\S+)", printed)
    assert match is not None
    token = match.group(1)
    assert_sas_error(httpx.post(f"{url}/__admin/reset", headers=ADMIN_HEADERS), 401)
    assert_sas_error(httpx.get(f"{url}/__admin/requests"), 401)
    with_token = httpx.post(f"{url}/__admin/reset", headers={"Authorization": f"Bearer {token}", **ADMIN_HEADERS})
    assert with_token.status_code == 204
    assert httpx.get(f"{url}/__admin/requests", headers={"X-Viya-Mock-Admin-Token": token}).status_code == 200
    assert httpx.get(f"{url}/jobExecution/jobs").status_code == 200


def test_a_rebound_host_name_is_refused(on_the_network: tuple[str, str]) -> None:
    url, _ = on_the_network
    assert_sas_error(httpx.get(f"{url}/jobExecution/jobs", headers={"Host": "rebound.evil.example"}), 421)
