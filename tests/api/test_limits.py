"""Request limits, in process: body size, headers, the body's read time, chunked and empty bodies, errors
raised below the handlers, bounded filters and sorts, bounded error messages, and the end of time.

Every refusal is a 4xx SAS error answered at once; transport-level cases (a real socket, the server's own
head limits and timeout) are in tests/e2e/test_limits.py. The limits are listed in NOTES.md.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START_MS
from tests.support import assert_sas_error
from viya_mock.app import create_app
from viya_mock.core.domain.limits import (
    MAX_DEPTH,
    MAX_FILTER_LENGTH,
    MAX_HEAD_BYTES,
    MAX_JSON_NODES,
    MAX_QUOTE,
    MAX_TARGET_BYTES,
    too_big,
)
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.listing import CompiledFilters, compiled_filters
from viya_mock.settings import Settings

QUICK = 2.0
MAX_BODY = 64 * 1024
MAX_FILE = 256 * 1024
READ_TIMEOUT_MS = 200
JSON = {"Content-Type": "application/json"}

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]


@pytest.fixture(scope="module")
def limited_app() -> Any:
    """An app with small limits, so that going past them is cheap."""
    settings = Settings(
        virtual_start=START_MS,
        seed=7,
        validate_responses=True,
        max_body=MAX_BODY,
        max_file_size=MAX_FILE,
        read_timeout=READ_TIMEOUT_MS,
    )
    return create_app(settings)


@pytest.fixture
def limited(limited_app: Any) -> Iterator[TestClient]:
    limited_app.container.reset()
    with TestClient(limited_app) as test_client:
        yield test_client


def call(app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], receive: Receive) -> list[Message]:
    """One request straight through the ASGI interface, with a receive channel the test controls."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))
    return sent


def answer(sent: list[Message]) -> tuple[int, dict[bytes, bytes], dict[str, Any]]:
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    headers = dict(start["headers"])
    assert headers[b"content-type"].startswith(b"application/vnd.sas.error+json")
    parsed: dict[str, Any] = json.loads(body)
    assert parsed["httpStatusCode"] == start["status"] and parsed["message"]
    return start["status"], headers, parsed


def submit_body(padding: int = 0) -> bytes:
    return json.dumps({"jobDefinitionUri": PROC_PRINT_URI, "arguments": {"AGE": "12", "PAD": "x" * padding}}).encode()


def running_job(client: TestClient) -> str:
    return str(client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}).json()["id"])


class TestBodySize:
    def test_a_declared_length_over_the_limit_is_a_413_before_a_byte_is_read(self, limited_app: Any) -> None:
        async def unread() -> Message:
            raise AssertionError("the body was read")

        headers = [(b"content-type", b"application/json"), (b"content-length", str(MAX_BODY + 1).encode())]
        status, response_headers, body = answer(call(limited_app, "POST", "/jobExecution/jobs", headers, unread))
        assert status == 413 and "errorCode" not in body
        assert body["message"] == f"The request body is larger than the limit of {MAX_BODY} bytes."
        assert response_headers[b"connection"] == b"close"

    def test_a_body_without_a_length_is_refused_as_soon_as_it_passes_the_limit(self, limited_app: Any) -> None:
        reads = 0

        async def endless() -> Message:
            nonlocal reads
            reads += 1
            return {"type": "http.request", "body": b" " * 8192, "more_body": True}

        headers = [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")]
        status, response_headers, body = answer(call(limited_app, "POST", "/jobExecution/jobs", headers, endless))
        assert status == 413 and str(MAX_BODY) in body["message"]
        assert reads == MAX_BODY // 8192 + 1  # not one read more than it took to pass the limit
        assert response_headers[b"connection"] == b"close"

    def test_a_streamed_body_is_counted_even_when_it_says_less(self, limited_app: Any) -> None:
        async def liar() -> Message:
            return {"type": "http.request", "body": b" " * 8192, "more_body": True}

        headers = [(b"content-type", b"application/json"), (b"content-length", b"10")]
        status, _, _ = answer(call(limited_app, "POST", "/jobExecution/jobs", headers, liar))
        assert status == 413

    def test_a_body_at_the_limit_is_taken(self, limited: TestClient) -> None:
        body = submit_body()
        body = submit_body(MAX_BODY - len(body))
        assert len(body) == MAX_BODY
        response = limited.post("/jobExecution/jobs", content=body, headers=JSON)
        assert response.status_code == 201, response.text
        too_big = limited.post("/jobExecution/jobs", content=body + b" ", headers=JSON)
        assert_sas_error(too_big, 413)
        assert too_big.headers["connection"] == "close"

    def test_the_refusal_is_journaled(self, limited: TestClient) -> None:
        limited.post("/jobExecution/jobs", content=submit_body(MAX_BODY), headers=JSON)
        entries = limited.get("/__admin/requests", params={"status": "413"}).json()["items"]
        assert [(entry["method"], entry["path"]) for entry in entries] == [("POST", "/jobExecution/jobs")]

    def test_uploads_keep_the_file_size_limit(self, limited: TestClient) -> None:
        raw = limited.post("/files/files", content=b"x" * (MAX_BODY * 2), headers={"Content-Type": "text/csv"})
        assert raw.status_code == 201, raw.text
        assert raw.json()["size"] == MAX_BODY * 2
        files = {"file": ("a.csv", b"y" * (MAX_BODY * 2), "text/csv")}
        assert limited.post("/files/files", files=files).status_code == 201
        file_id = raw.json()["id"]
        etag = {"If-Match": raw.headers["etag"]}
        replaced = limited.put(f"/files/files/{file_id}/content", content=b"z" * (MAX_BODY * 3), headers=etag)
        assert replaced.status_code == 200, replaced.text
        too_big = limited.post("/files/files", content=b"x" * (MAX_FILE + 1))
        assert "maximum file size of 262144 bytes" in assert_sas_error(too_big, 413)["message"]

    def test_the_store_import_takes_an_export_larger_than_max_body(self, limited: TestClient) -> None:
        uploaded = limited.post("/files/files", content=b"x" * (MAX_BODY * 2), headers={"Content-Type": "text/csv"})
        assert uploaded.status_code == 201
        export = limited.get("/__admin/store").json()
        assert len(json.dumps(export)) > MAX_BODY
        assert limited.put("/__admin/store", json=export).status_code == 204
        content = limited.get(f"/files/files/{uploaded.json()['id']}/content").content
        assert base64.b64encode(content) == base64.b64encode(b"x" * (MAX_BODY * 2))

    @pytest.mark.parametrize("length", ["abc", "-1", "1e3", "12, 13"])
    def test_a_malformed_content_length_is_a_400(self, limited: TestClient, length: str) -> None:
        response = limited.post("/jobExecution/jobs", content=b"{}", headers={**JSON, "Content-Length": length})
        assert "Content-Length" in assert_sas_error(response, 400)["message"]


class TestReadTimeout:
    def test_a_body_that_never_comes_is_a_408(self, limited_app: Any) -> None:
        async def silent() -> Message:
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

        headers = [(b"content-type", b"application/json"), (b"content-length", b"100")]
        started = time.monotonic()
        status, response_headers, body = answer(call(limited_app, "POST", "/jobExecution/jobs", headers, silent))
        elapsed = time.monotonic() - started
        assert status == 408 and "errorCode" not in body
        assert body["message"] == "The request's body did not arrive within the read timeout of 0.2 s."
        assert response_headers[b"connection"] == b"close"
        assert 0.2 <= elapsed < QUICK

    def test_a_trickling_body_is_a_408_too(self, limited_app: Any) -> None:
        """The bound is on the whole body, not on each read: a byte every 50 ms never finishes 100 bytes."""

        async def trickle() -> Message:
            await _pause(0.05)
            return {"type": "http.request", "body": b" ", "more_body": True}

        headers = [(b"content-type", b"application/json"), (b"content-length", b"100")]
        status, _, _ = answer(call(limited_app, "POST", "/jobExecution/jobs", headers, trickle))
        assert status == 408

    def test_a_chunked_body_that_stops_is_a_408(self, limited_app: Any) -> None:
        sent = False

        async def stops() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b'{"a":', "more_body": True}
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

        headers = [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")]
        status, headers_out, _ = answer(call(limited_app, "POST", "/jobExecution/jobs", headers, stops))
        assert status == 408 and headers_out[b"connection"] == b"close"

    def test_a_slow_but_complete_body_is_taken(self, limited_app: Any) -> None:
        parts = [submit_body()[:10], submit_body()[10:]]

        async def slow() -> Message:
            await _pause(0.05)
            chunk = parts.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(submit_body())).encode())]
        sent = call(limited_app, "POST", "/jobExecution/jobs", headers, slow)
        assert sent[0]["status"] == 201


async def _pause(seconds: float) -> None:
    # Real transport time, as a slow client spends it (the mock's virtual clock plays no part here).
    await asyncio.sleep(seconds)


class TestChunkedBodies:
    @staticmethod
    def chunks(data: bytes, size: int = 7) -> Iterator[bytes]:
        for start in range(0, len(data), size):
            yield data[start : start + size]

    def test_a_chunked_submit_is_read(self, client: TestClient) -> None:
        response = client.post("/jobExecution/jobs", content=self.chunks(submit_body()), headers=JSON)
        assert response.status_code == 201, response.text
        assert response.json()["jobRequest"]["arguments"]["AGE"] == "12"

    def test_a_chunked_filter_is_read(self, client: TestClient) -> None:
        text = b"eq(state,'completed')"
        response = client.post("/jobExecution/jobs", content=self.chunks(text), headers={"Content-Type": "text/plain"})
        assert response.status_code == 200, response.text
        states = {item["state"] for item in response.json()["items"]}
        assert states == {"completed"}

    def test_a_chunked_upload_keeps_its_bytes(self, client: TestClient) -> None:
        data = bytes(range(256)) * 40
        response = client.post("/files/files", content=self.chunks(data, 1000), headers={"Content-Type": "x/y"})
        assert response.status_code == 201, response.text
        assert client.get(f"/files/files/{response.json()['id']}/content").content == data

    def test_an_empty_chunked_body_is_no_body(self, client: TestClient) -> None:
        job_id = running_job(client)
        response = client.post(f"/jobExecution/jobs/{job_id}/heartbeatTimeStamp", content=iter([b""]))
        assert response.status_code == 200, response.text


OCTET = {"Content-Type": "application/octet-stream"}


class TestEmptyBodies:
    """aiohttp labels an empty body application/octet-stream; where the body is optional, it is no body."""

    def test_a_heartbeat(self, client: TestClient) -> None:
        job_id = running_job(client)
        response = client.post(f"/jobExecution/jobs/{job_id}/heartbeatTimeStamp", content=b"", headers=OCTET)
        assert response.status_code == 200, response.text
        assert response.text == "2026-01-05T09:00:00.000Z"

    def test_a_state_change(self, client: TestClient) -> None:
        job_id = running_job(client)
        response = client.put(
            f"/jobExecution/jobs/{job_id}/state", params={"value": "canceled"}, content=b"", headers=OCTET
        )
        assert response.status_code == 200, response.text
        assert response.text == "canceled"

    def test_a_state_change_with_neither_value_nor_body_is_still_31505(self, client: TestClient) -> None:
        job_id = running_job(client)
        response = client.put(f"/jobExecution/jobs/{job_id}/state", content=b"", headers=OCTET)
        assert_sas_error(response, 400, 31505)

    def test_a_submit_from_a_job_request(self, client: TestClient) -> None:
        body = {"name": "r", "jobDefinitionUri": PROC_PRINT_URI}
        request_id = client.post("/jobExecution/jobRequests", json=body).json()["id"]
        response = client.post(f"/jobExecution/jobRequests/{request_id}/jobs", content=b"", headers=OCTET)
        assert response.status_code == 201, response.text

    def test_where_a_body_is_required_the_media_type_is_still_checked(self, client: TestClient) -> None:
        response = client.post("/jobExecution/jobs", content=b"", headers=OCTET)
        assert "Invalid Content-type (application/octet-stream)" in assert_sas_error(response, 415)["message"]

    def test_a_body_that_is_not_empty_keeps_its_media_type(self, client: TestClient) -> None:
        job_id = running_job(client)
        response = client.put(f"/jobExecution/jobs/{job_id}/state", content=b"canceled", headers=OCTET)
        assert_sas_error(response, 415)


class TestHeaders:
    def test_more_than_100_header_fields_is_a_431(self, client: TestClient) -> None:
        many = {f"X-Field-{n}": "1" for n in range(100)}
        body = assert_sas_error(client.get("/jobExecution/jobs", headers=many), 431)
        assert body["message"] == "The request has more than 100 header fields."
        fewer = {f"X-Field-{n}": "1" for n in range(90)}
        assert client.get("/jobExecution/jobs", headers=fewer).status_code == 200

    def test_header_fields_over_64_kib_are_a_431(self, client: TestClient) -> None:
        response = client.get("/jobExecution/jobs", headers={"X-Big": "x" * MAX_HEAD_BYTES})
        body = assert_sas_error(response, 431)
        assert body["message"] == f"The request's path, query and header fields are larger than {MAX_HEAD_BYTES} bytes."
        assert client.get("/jobExecution/jobs", headers={"X-Big": "x" * 16_000}).status_code == 200

    def test_a_query_over_32_kib_is_a_414(self, client: TestClient) -> None:
        response = client.get("/jobExecution/jobs", params={"filter": "x" * MAX_TARGET_BYTES})
        body = assert_sas_error(response, 414)
        assert body["message"] == f"The request's path and query are longer than {MAX_TARGET_BYTES} bytes."


class TestBelowTheHandlers:
    def test_an_unknown_method_is_a_405_with_allow(self, client: TestClient) -> None:
        response = client.request("FROB", "/jobExecution/jobs")
        assert_sas_error(response, 405)
        assert response.headers["allow"] == "GET, POST"

    def test_a_refused_preflight_is_a_sas_error_with_its_cors_headers(self, client: TestClient) -> None:
        headers = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
        response = client.options("/jobExecution/jobs", headers=headers)
        body = assert_sas_error(response, 400)
        assert body["message"] == "The CORS preflight request was refused: its origin is not allowed."
        assert body["details"] == ["origin: https://elsewhere.example"]
        assert "POST" in response.headers["access-control-allow-methods"]
        assert "access-control-allow-origin" not in response.headers

    def test_an_exception_that_escapes_every_handler_is_a_sas_500(self, monkeypatch: pytest.MonkeyPatch) -> None:
        app = create_app(Settings(virtual_start=START_MS, seed=7))

        def broken() -> int:
            raise RuntimeError("the clock is broken")

        # The journal middleware, outside the handlers, reads the clock before anything else does.
        monkeypatch.setattr(app.container.clock, "now", broken)
        response = TestClient(app, raise_server_exceptions=False).get("/jobExecution/jobs")
        body = assert_sas_error(response, 500)
        assert body["message"] == "viya-mock failed to handle this request; this is a bug in the mock."
        assert "RuntimeError: the clock is broken" in body["details"]

    def test_an_allowed_preflight_is_unchanged(self, client: TestClient) -> None:
        headers = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}
        response = client.options("/jobExecution/jobs", headers=headers)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"


def or_filter(terms: int) -> str:
    return "or(" + ",".join(f"eq(state,'s{n}')" for n in range(terms)) + ")"


TEXT = {"Content-Type": "text/plain"}


class TestFilters:
    def refused(self, client: TestClient, text: str) -> dict[str, Any]:
        started = time.monotonic()
        response = client.post("/jobExecution/jobs", content=text.encode(), headers=TEXT)
        assert time.monotonic() - started < QUICK
        body = assert_sas_error(response, 400, 1104)
        assert len(response.content) < 3_000, "the error quotes a bounded excerpt only"
        return body

    def test_a_filter_of_ten_thousand_terms_is_refused_at_once(self, client: TestClient) -> None:
        text = or_filter(10_000)
        assert len(text) > 100_000
        body = self.refused(client, text)
        assert f"longer than {MAX_FILTER_LENGTH} characters" in body["details"][0]

    def test_more_than_100_function_calls_is_a_400(self, client: TestClient) -> None:
        body = self.refused(client, or_filter(100))  # the or() is the 101st
        assert body["details"][0].startswith("The filter has more than 100 function calls at position")
        accepted = client.post("/jobExecution/jobs", content=or_filter(99).encode(), headers=TEXT)
        assert accepted.status_code == 200 and accepted.json()["count"] == 0

    def test_more_than_1000_values_is_a_400(self, client: TestClient) -> None:
        text = "in(state," + ",".join(f"'s{n}'" for n in range(1_000)) + ")"  # the field is a value too
        body = self.refused(client, text)
        assert "more than 1000 fields and values" in body["details"][0]
        fewer = "in(state," + ",".join(["'completed'"] * 999) + ")"
        assert client.post("/jobExecution/jobs", content=fewer.encode(), headers=TEXT).status_code == 200

    def test_a_deep_filter_is_a_400(self, client: TestClient) -> None:
        body = self.refused(client, "not(" * 5_000 + "eq(state,'x')" + ")" * 5_000)
        assert "nested more than 100 levels" in body["details"][0] or "function calls" in body["details"][0]

    def test_the_error_quotes_the_filter_once_and_briefly(self, client: TestClient) -> None:
        field = "f" * 20_000
        response = client.get("/jobExecution/jobs", params={"filter": f"eq({field},'x')"})
        body = assert_sas_error(response, 400)
        assert response.text.count("f" * MAX_QUOTE) == 0
        assert "…" in body["message"] and len(body["message"]) < 500
        assert len(response.content) < 3_000

    def test_a_syntax_error_quotes_a_bounded_excerpt(self, client: TestClient) -> None:
        text = "eq(state,'" + "x" * 20_000 + "')junk"
        body = self.refused(client, text)
        assert body["message"].startswith("The filter 'eq(state,'xxx") and "…" in body["message"]
        assert body["message"].endswith("')junk' is not valid.")

    def test_sort_by_more_than_16_keys_is_a_400(self, client: TestClient) -> None:
        keys = ",".join(["state:ascending"] * 17)
        response = client.get("/jobExecution/jobs", params={"sortBy": keys})
        body = assert_sas_error(response, 400)
        assert body["details"][0].startswith("The sortBy value has more than 16 keys at position")
        ok = client.get("/jobExecution/jobs", params={"sortBy": ",".join(["state:ascending"] * 16)})
        assert ok.status_code == 200

    def test_a_sort_by_of_4000_keys_is_refused_at_once(self, client: TestClient) -> None:
        started = time.monotonic()
        response = client.get("/jobExecution/jobs", params={"sortBy": ",".join(["name"] * 4_000)})
        assert "longer than 4096 characters" in assert_sas_error(response, 400)["details"][0]
        assert time.monotonic() - started < QUICK


class TestCompiledFilterCache:
    FIELDS = QueryFields(noun="things", names=("state", "name"))

    def test_it_is_bounded_in_characters_and_entries(self) -> None:
        cache = CompiledFilters(max_entries=8, max_chars=400, max_text=100)
        for n in range(50):
            predicate = cache(f"eq(name,'{n:040d}')", self.FIELDS)
            assert predicate({"name": f"{n:040d}"})
        assert cache.chars <= 400 and len(cache) == 400 // len("eq(name,'" + "0" * 40 + "')")
        cache(or_filter(20).replace("state", "name"), self.FIELDS)  # longer than max_text: compiled, not kept
        assert cache.chars <= 400 and len(cache) <= 8

    def test_the_most_recently_used_stay(self) -> None:
        cache = CompiledFilters(max_entries=2, max_chars=10_000, max_text=100)
        first = cache("eq(name,'a')", self.FIELDS)
        cache("eq(name,'b')", self.FIELDS)
        assert cache("eq(name,'a')", self.FIELDS) is first
        cache("eq(name,'c')", self.FIELDS)
        assert cache("eq(name,'a')", self.FIELDS) is first  # b went, not a

    def test_large_filters_through_the_api_are_not_kept(self, client: TestClient) -> None:
        before = compiled_filters.chars
        for n in range(20):
            text = "or(" + ",".join([f"eq(state,'{n}-" + "x" * 200 + "')"] * 90) + ")"
            assert client.post("/jobExecution/jobs", content=text.encode(), headers=TEXT).status_code == 200
        assert compiled_filters.chars <= max(before, compiled_filters.max_chars)
        assert compiled_filters.chars - before < 4 * 1024


class TestBigBodies:
    def test_a_200000_item_array_is_refused_at_once(self, client: TestClient) -> None:
        body = json.dumps({"jobDefinitionUri": PROC_PRINT_URI, "junk": list(range(200_000))})
        started = time.monotonic()
        response = client.post("/jobExecution/jobs", content=body, headers=JSON)
        assert time.monotonic() - started < QUICK
        body_out = assert_sas_error(response, 400)
        assert body_out["message"] == "The request body holds more than 100000 values."

    def test_200000_arguments_are_refused_too(self, client: TestClient) -> None:
        body = json.dumps({"jobDefinitionUri": PROC_PRINT_URI, "arguments": {f"k{n}": "v" for n in range(200_000)}})
        before = client.get("/jobExecution/jobs").json()["count"]
        assert (
            "more than 100000 values"
            in assert_sas_error(client.post("/jobExecution/jobs", content=body), 400)["message"]
        )
        assert client.get("/jobExecution/jobs").json()["count"] == before

    def test_the_store_import_is_not_counted(self, client: TestClient) -> None:
        export = client.get("/__admin/store").json()
        template = export["jobDefinitions"][1]  # "CAS Audit table update": 37 values
        for _ in range(3_000):
            copied = copy.deepcopy(template)
            copied["doc"]["id"] = str(uuid.uuid4())
            export["jobDefinitions"].append(copied)
        assert too_big(export, MAX_DEPTH, MAX_JSON_NODES) == f"holds more than {MAX_JSON_NODES} values"
        assert client.put("/__admin/store", json=export).status_code == 204
        assert client.get("/jobDefinitions/definitions").json()["count"] == len(export["jobDefinitions"])


class TestHeaderValues:
    def content_uri(self, client: TestClient) -> str:
        created = client.post("/files/files", content=b"0123456789", headers={"Content-Type": "text/plain"})
        return f"/files/files/{created.json()['id']}/content"

    def test_a_range_with_thousands_of_digits_is_a_416(self, client: TestClient) -> None:
        uri = self.content_uri(client)
        body = assert_sas_error(client.get(uri, headers={"Range": "bytes=" + "9" * 5_000 + "-"}), 416)
        assert len(body["message"]) < 400

    def test_a_range_ending_thousands_of_digits_away_is_the_rest(self, client: TestClient) -> None:
        response = client.get(self.content_uri(client), headers={"Range": "bytes=2-" + "9" * 5_000})
        assert response.status_code == 206 and response.content == b"23456789"
        suffix = client.get(self.content_uri(client), headers={"Range": "bytes=-" + "9" * 5_000})
        assert suffix.status_code == 206 and suffix.content == b"0123456789"

    def test_an_if_unmodified_since_in_a_huge_year_is_no_date(self, client: TestClient) -> None:
        job_id = running_job(client)
        job = client.get(f"/jobExecution/jobs/{job_id}").json()
        date = "Mon, 01 Jan " + "9" * 1_000 + " 00:00:00 GMT"
        response = client.put(f"/jobExecution/jobs/{job_id}", json=job, headers={"If-Unmodified-Since": date})
        assert_sas_error(response, 428)

    def test_a_huge_if_match_is_quoted_briefly(self, client: TestClient) -> None:
        job_id = running_job(client)
        job = client.get(f"/jobExecution/jobs/{job_id}").json()
        response = client.put(f"/jobExecution/jobs/{job_id}", json=job, headers={"If-Match": '"' + "x" * 60_000 + '"'})
        body = assert_sas_error(response, 412)
        assert len(body["message"]) < 400 and "…" in body["message"]


class TestEndOfTime:
    @pytest.fixture
    def late(self, client: TestClient) -> TestClient:
        assert client.put("/__admin/clock", json={"now": "9999-12-31T23:59:58Z"}).status_code == 200
        return client

    def test_a_job_submitted_at_the_end_of_time_never_ends(self, late: TestClient) -> None:
        created = late.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
        assert created.status_code == 201, created.text
        assert late.post("/__admin/clock/advance", params={"by": "PT1.999S"}).status_code == 200
        job = late.get(created.headers["Location"]).json()
        assert job["state"] == "running"
        assert late.get("/jobExecution/jobs", params={"limit": 100}).status_code == 200
        export = late.get("/__admin/store")  # validated against its schema: every instant before 10000
        assert export.status_code == 200
        assert late.put("/__admin/store", json=export.json()).status_code == 204

    def test_advancing_past_it_is_a_400(self, late: TestClient) -> None:
        body = assert_sas_error(late.post("/__admin/clock/advance", params={"by": "PT2S"}), 400)
        assert "past 9999-12-31T23:59:59.999Z" in body["message"]

    @pytest.mark.parametrize("path", ["/jobExecution/jobs", "/jobExecution/jobRequests"])
    def test_an_expiration_past_it_is_a_400(self, late: TestClient, path: str) -> None:
        body = {"name": "late", "jobDefinitionUri": PROC_PRINT_URI, "expiresAfter": "P1D"}
        message = assert_sas_error(late.post(path, json=body), 400)["message"]
        assert message == "The expiresAfter value 'P1D' is out of range: from now it ends after the year 9999."


def test_httpx_is_what_the_tests_send_with() -> None:
    # The chunked cases above rely on httpx sending an iterator as Transfer-Encoding: chunked.
    request = httpx.Request("POST", "http://x/", content=iter([b"a"]))
    assert request.headers["transfer-encoding"] == "chunked"
