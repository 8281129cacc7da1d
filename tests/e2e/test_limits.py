"""Request limits on a real socket: what `viya-mock serve` answers below the app, and bodies as they stream.

The server runs with a one-second read timeout and a 100 kB body limit, so that the slow cases take about a
second each and the large ones stay small.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import PROC_PRINT_URI
from tests.e2e.live import serving
from viya_mock.app import create_app
from viya_mock.settings import Settings
from viya_mock.testing.server import ThreadedServer

pytestmark = pytest.mark.e2e

MAX_BODY = 100_000
READ_TIMEOUT = 1.0
# The server's event loop runs a timer once it is due within its clock's resolution, and its wait on the
# sockets is rounded to milliseconds, so it can close a connection a fraction of a millisecond before the
# client's own clock says the timeout went by.
TIMER_SLACK = 0.01


def waited_the_read_timeout(elapsed: float) -> bool:
    """The server waited the whole read timeout, give or take its timer's slack, and not much longer."""
    return READ_TIMEOUT - TIMER_SLACK <= elapsed < READ_TIMEOUT + 2


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving("--read-timeout", str(READ_TIMEOUT), "--max-body", str(MAX_BODY), "--max-file-size", "300000") as url:
        yield url


class Answer:
    def __init__(self, raw: bytes, elapsed: float) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1]) if lines[0] else 0
        self.headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
        self.elapsed = elapsed

    def sas_error(self, status: int) -> dict[str, Any]:
        assert self.status == status, (self.status, self.headers, self.body[:300])
        assert self.headers["content-type"].startswith("application/vnd.sas.error+json")
        body: dict[str, Any] = json.loads(self.body)
        assert body["httpStatusCode"] == status and body["message"] and "errorCode" not in body
        return body


def exchange(url: str, *parts: bytes, pause: float = 0.0, timeout: float = 10.0) -> Answer:
    """Send the parts (pausing between them), then read until the server closes or a whole answer came."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        for number, part in enumerate(parts):
            if number and pause:
                time.sleep(pause)
            try:
                sock.sendall(part)
            except OSError:
                break  # the server answered and closed while the client was still sending
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                None,
            )
            if length is not None and len(body) >= length:
                break
    return Answer(received, time.monotonic() - started)


def request(method: str, target: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


SUBMIT = json.dumps({"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "13"}}).encode()


def chunked(data: bytes, size: int = 10) -> bytes:
    pieces = [data[start : start + size] for start in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


class TestBodies:
    def test_a_chunked_submit_is_read(self, base_url: str) -> None:
        headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
        answer = exchange(base_url, request("POST", "/jobExecution/jobs", headers, chunked(SUBMIT)))
        assert answer.status == 201, answer.body
        assert json.loads(answer.body)["jobRequest"]["arguments"]["AGE"] == "13"

    def test_httpx_streaming_an_upload_keeps_its_bytes(self, base_url: str) -> None:
        data = bytes(range(256)) * 500
        created = httpx.post(
            f"{base_url}/files/files", content=iter([data[:1000], data[1000:]]), headers={"Content-Type": "x/y"}
        )
        assert created.status_code == 201, created.text
        assert httpx.get(f"{base_url}/files/files/{created.json()['id']}/content").content == data

    def test_a_declared_length_over_the_limit_is_a_413_before_the_body_is_sent(self, base_url: str) -> None:
        headers = {"Content-Type": "application/json", "Content-Length": str(MAX_BODY + 1)}
        # Only the head goes out; the answer must come without the body.
        answer = exchange(base_url, request("POST", "/jobExecution/jobs", headers), timeout=5)
        body = answer.sas_error(413)
        assert body["message"] == f"The request body is larger than the limit of {MAX_BODY} bytes."
        assert answer.headers["connection"] == "close"
        assert answer.elapsed < READ_TIMEOUT

    def test_a_chunked_body_over_the_limit_is_a_413(self, base_url: str) -> None:
        headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
        big = chunked(b"x" * (MAX_BODY + 1), 4096)
        answer = exchange(base_url, request("POST", "/jobExecution/jobs", headers, big))
        answer.sas_error(413)

    def test_an_empty_octet_stream_heartbeat_is_taken(self, base_url: str) -> None:
        job = httpx.post(f"{base_url}/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()
        headers = {"Content-Type": "application/octet-stream", "Content-Length": "0"}
        answer = exchange(base_url, request("POST", f"/jobExecution/jobs/{job['id']}/heartbeatTimeStamp", headers))
        assert answer.status == 200, answer.body

    def test_a_body_that_stops_is_a_408_after_the_read_timeout(self, base_url: str) -> None:
        headers = {"Content-Type": "application/json", "Content-Length": str(len(SUBMIT))}
        answer = exchange(base_url, request("POST", "/jobExecution/jobs", headers, SUBMIT[:10]))
        body = answer.sas_error(408)
        assert body["message"] == "The request's body did not arrive within the read timeout of 1 s."
        assert answer.headers["connection"] == "close"
        assert waited_the_read_timeout(answer.elapsed)

    def test_a_trickling_body_is_a_408_too(self, base_url: str) -> None:
        headers = {"Content-Type": "application/json", "Content-Length": str(len(SUBMIT))}
        head = request("POST", "/jobExecution/jobs", headers)
        answer = exchange(base_url, head, *(bytes([byte]) for byte in SUBMIT[:8]), pause=0.2)
        answer.sas_error(408)

    def test_a_chunked_body_that_stops_is_a_408(self, base_url: str) -> None:
        headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
        answer = exchange(base_url, request("POST", "/jobExecution/jobs", headers, b'5\r\n{"a":\r\n'))
        answer.sas_error(408)


class TestHeads:
    def test_too_many_header_fields_is_a_431(self, base_url: str) -> None:
        headers = {f"X-Field-{n}": "1" for n in range(101)}
        body = exchange(base_url, request("GET", "/jobExecution/jobs", headers)).sas_error(431)
        assert body["message"] == "The request has more than 100 header fields."

    @pytest.mark.parametrize("size", [70_000, 2_000_000])
    def test_header_fields_over_64_kib_are_a_431(self, base_url: str, size: int) -> None:
        answer = exchange(base_url, request("GET", "/jobExecution/jobs", {"X-Big": "x" * size}))
        assert "larger than 65536 bytes" in answer.sas_error(431)["message"]

    def test_a_huge_header_sent_slowly_is_refused_before_it_ends(self, base_url: str) -> None:
        head = b"GET /jobExecution/jobs HTTP/1.1\r\nHost: x\r\nX-Big: "
        answer = exchange(base_url, head, *([b"x" * 16_384] * 8), pause=0.02)
        answer.sas_error(431)

    def test_a_query_over_32_kib_is_a_414(self, base_url: str) -> None:
        answer = exchange(base_url, request("GET", "/jobExecution/jobs?filter=" + "x" * 40_000, {}))
        assert answer.sas_error(414)["message"] == "The request's path and query are longer than 32768 bytes."

    def test_an_unknown_method_is_a_400(self, base_url: str) -> None:
        body = exchange(base_url, request("FROB", "/jobExecution/jobs", {})).sas_error(400)
        assert body["message"] == "The request is not valid HTTP/1.1: Invalid method encountered."

    def test_a_malformed_request_is_a_400(self, base_url: str) -> None:
        body = exchange(base_url, b"GET /jobExecution/jobs HTTP/1.1\r\nBad Header\r\n\r\n").sas_error(400)
        assert body["message"].startswith("The request is not valid HTTP/1.1: ")

    def test_headers_that_stop_are_a_408_after_the_read_timeout(self, base_url: str) -> None:
        answer = exchange(base_url, b"GET /jobExecution/jobs HTTP/1.1\r\nHost: x\r\n")
        body = answer.sas_error(408)
        assert body["message"] == "The request's header fields did not arrive within the read timeout of 1 s."
        assert waited_the_read_timeout(answer.elapsed)

    def test_a_connection_that_sends_nothing_is_closed(self, base_url: str) -> None:
        answer = exchange(base_url)
        assert (answer.status, answer.body) == (0, b"")
        assert waited_the_read_timeout(answer.elapsed)

    def test_a_refused_preflight_is_a_sas_error(self, base_url: str) -> None:
        headers = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
        answer = exchange(base_url, request("OPTIONS", "/jobExecution/jobs", headers))
        assert "origin" in answer.sas_error(400)["message"]


def test_an_idle_kept_alive_connection_is_not_timed_out_as_a_slow_head(base_url: str) -> None:
    """The head's clock runs from a request's first byte: idling between requests (up to uvicorn's keep-alive
    of 5 s) is not a slow head."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        for _ in range(2):
            sock.sendall(request("GET", "/__admin/health", {}))
            received = b""
            while not received.endswith(b'{"status":"ok"}'):
                chunk = sock.recv(65536)
                assert chunk, "the server closed the connection"
                received += chunk
            assert received.startswith(b"HTTP/1.1 200 ")
            time.sleep(READ_TIMEOUT * 1.5)


def test_the_pytest_plugins_server_has_the_same_transport() -> None:
    with ThreadedServer(create_app(Settings(seed=1))) as server:
        body = exchange(server.url, request("FROB", "/jobExecution/jobs", {})).sas_error(400)
        assert body["message"] == "The request is not valid HTTP/1.1: Invalid method encountered."
