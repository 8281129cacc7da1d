"""The Files API on a real server: python-sasctl's files service unmodified, and the size limit on the wire."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.test_server import serving

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def small_url() -> Iterator[str]:
    with serving("--max-file-size", "1000", "--no-fixtures") as url:
        yield url


def test_sasctl_creates_reads_finds_updates_and_deletes_a_file(small_url: str) -> None:
    sasctl = pytest.importorskip("sasctl")
    from sasctl.services import files

    address = urlsplit(small_url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sasctl warns about plain HTTP
        session = sasctl.Session(address.hostname, token="t", protocol="http", port=address.port, verify_ssl=False)
        with session:
            created = files.create_file(b"hello,world\n", filename="hello.csv")
            assert (created.name, created.contentType, created.size) == ("hello.csv", "text/csv", 12)
            assert files.get_file_content(created) == "hello,world\n"
            found = files.get_file("hello.csv")  # by name: a filter GET, then the item's self link
            assert found.id == created.id
            found["description"] = "changed"
            assert files.update_file(found).description == "changed"  # PUT with the ETag it read
            files.delete_file(found)
            assert files.get_file(created.id) is None


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
