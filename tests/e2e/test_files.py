"""The Files API on a real server: the size limit on the wire (sasctl's files calls are in test_sasctl.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.live import serving

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def small_url() -> Iterator[str]:
    with serving("--max-file-size", "1000", "--no-fixtures") as url:
        yield url


def test_a_body_over_the_limit_is_refused_on_the_wire(small_url: str) -> None:
    declared = httpx.post(f"{small_url}/files/files", content=b"x" * 5_000)
    assert declared.status_code == 413
    assert declared.headers["content-type"].startswith("application/vnd.sas.error+json")

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 500

    streamed = httpx.post(f"{small_url}/files/files", content=chunks())  # chunked, no Content-Length
    assert streamed.status_code == 413
    assert httpx.post(f"{small_url}/files/files", content=b"small").status_code == 201
