"""The Files API as clients use it: uploads, lists, metadata, content, and the files jobs write."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI
from tests.support import assert_sas_error
from viya_mock.app import create_app
from viya_mock.clock import VirtualClock
from viya_mock.settings import Settings

FILE_TYPE = "application/vnd.sas.file+json"
# sasctl 1.12 create_file(b"hello,world\n", filename="hello.csv"), byte for byte as captured on the wire.
SASCTL_BODY = (
    b"--fca11f1dd27eb3ce6eb2ac62167bb768\r\n"
    b'Content-Disposition: form-data; name="hello.csv"; filename="hello.csv"\r\n'
    b"\r\n"
    b"hello,world\n\r\n"
    b"--fca11f1dd27eb3ce6eb2ac62167bb768--\r\n"
)
SASCTL_TYPE = "multipart/form-data; boundary=fca11f1dd27eb3ce6eb2ac62167bb768"


def upload(
    client: TestClient, content: bytes, content_type: str = "text/plain", name: str | None = None, **params: str
) -> dict[str, Any]:
    headers = {"Content-Type": content_type}
    if name is not None:
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response = client.post("/files/files", content=content, headers=headers, params=params)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def rels(body: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {link["rel"]: link for link in body["links"]}


class TestUpload:
    def test_a_raw_upload_keeps_bytes_type_and_name(self, client: TestClient) -> None:
        response = client.post(
            "/files/files",
            content=b"a,b\r\n1,2\r\n",
            headers={"Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="data.csv"'},
            params={"parentFolderUri": "/folders/folders/f1", "typeDefName": "file", "searchable": "true"},
        )
        assert response.status_code == 201, response.text
        assert response.headers["content-type"] == FILE_TYPE
        body = response.json()
        assert response.headers["location"] == f"/files/files/{body['id']}"
        assert response.headers["etag"] and response.headers["last-modified"]
        assert (body["name"], body["contentType"], body["size"]) == ("data.csv", "text/csv", 10)
        assert (body["parentUri"], body["typeDefName"], body["searchable"]) == ("/folders/folders/f1", "file", True)
        assert body["fileVersion"] == 0 and body["fileStatus"] == "unlocked"
        assert set(rels(body)) == {"self", "alternate", "content", "patch", "update", "delete", "updateContent"}
        content = client.get(rels(body)["content"]["href"])
        assert content.content == b"a,b\r\n1,2\r\n"
        assert content.headers["content-type"] == "text/csv"
        assert content.headers["location"] == f"/files/files/{body['id']}"
        assert content.headers["etag"] == response.headers["etag"]

    def test_csv_labelled_json_is_stored_as_sent(self, client: TestClient) -> None:
        """sasjs uploads tables as CSV with Content-Type: application/json; the bytes must not be parsed."""
        csv = b"name:$char8. age:best.\r\nAlfred,14\r\n"
        body = upload(client, csv, "application/json", "table.csv")
        assert body["contentType"] == "application/json"
        content = client.get(f"/files/files/{body['id']}/content")
        assert content.status_code == 200
        assert content.headers["content-type"] == "application/json"
        assert content.content == csv

    def test_binary_bytes_survive(self, client: TestClient) -> None:
        data = bytes(range(256))
        body = upload(client, data, "application/octet-stream", "blob.bin")
        assert client.get(f"/files/files/{body['id']}/content").content == data

    @pytest.mark.parametrize(
        ("disposition", "name"),
        [
            ('attachment; filename="report.txt"', "report.txt"),
            ("attachment; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.txt", "naïve résumé.txt"),
            ("inline; filename=plain.txt", "plain.txt"),
            ('attachment; filename="C:\\\\Users\\\\me\\\\win.txt"', "win.txt"),
        ],
    )
    def test_content_disposition_names_the_file(self, client: TestClient, disposition: str, name: str) -> None:
        response = client.post(
            "/files/files", content=b"x", headers={"Content-Type": "text/plain", "Content-Disposition": disposition}
        )
        assert response.status_code == 201, response.text
        assert response.json()["name"] == name

    def test_raw_utf8_in_the_quoted_filename_is_read_as_utf8(self, client: TestClient) -> None:
        headers = [(b"content-type", b"text/plain"), (b"content-disposition", 'attachment; filename="é.txt"'.encode())]
        response = client.post("/files/files", content=b"x", headers=headers)  # type: ignore[arg-type]
        assert response.status_code == 201, response.text
        assert response.json()["name"] == "é.txt"

    @pytest.mark.parametrize("disposition", [None, "attachment", "attachment; filename=", "=;;\x01"])
    def test_without_a_readable_name_the_file_gets_its_id(self, client: TestClient, disposition: str | None) -> None:
        headers = {"Content-Type": "text/plain"}
        if disposition is not None:
            headers["Content-Disposition"] = disposition
        response = client.post("/files/files", content=b"x", headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["name"] == response.json()["id"]

    def test_sasctls_multipart_upload(self, client: TestClient) -> None:
        response = client.post(
            "/files/files",
            content=SASCTL_BODY,
            headers={"Content-Type": SASCTL_TYPE, "Accept": "*/*"},
            params={"parentFolderUri": "/folders/folders/f0000000-0000-0000-0000-000000000001"},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["name"], body["size"], body["contentType"]) == ("hello.csv", 12, "text/csv")
        assert body["parentUri"] == "/folders/folders/f0000000-0000-0000-0000-000000000001"
        assert client.get(rels(body)["content"]["href"]).content == b"hello,world\n"

    def test_httpx_files_shaped_like_sasctls(self, client: TestClient) -> None:
        """files={"<filename>": bytes}: the field name is the file name (httpx adds a placeholder filename)."""
        response = client.post("/files/files", files={"hello.csv": b"hello,world\n"})
        assert response.status_code == 201, response.text
        assert response.json()["name"] == "hello.csv"

    def test_a_form_with_a_file_field_and_a_part_content_type(self, client: TestClient) -> None:
        response = client.post(
            "/files/files", files={"file": ("picture.png", b"\x89PNG\r\n", "image/png")}, data={"filename": "p.png"}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["name"], body["contentType"]) == ("p.png", "image/png")
        assert client.get(f"/files/files/{body['id']}/content").content == b"\x89PNG\r\n"

    def test_an_unnamed_part_is_still_a_file(self, client: TestClient) -> None:
        body = b"--b\r\nContent-Disposition: form-data; \r\n\r\nraw\r\n--b--\r\n"
        headers = {"Content-Type": "multipart/form-data; boundary=b"}
        response = client.post("/files/files", content=body, headers=headers)
        assert response.status_code == 201, response.text
        assert (response.json()["size"], response.json()["contentType"]) == (3, "application/octet-stream")

    @pytest.mark.parametrize(
        ("body", "content_type"),
        [
            (b"not multipart at all", "multipart/form-data; boundary=b"),
            (b"--b\r\n", "multipart/form-data"),
            (b"--b--\r\n", "multipart/form-data; boundary=b"),
            (b"\xff\xfe--b\r\nbroken", "multipart/form-data; boundary=b"),
        ],
    )
    def test_a_bad_multipart_body_is_a_400(self, client: TestClient, body: bytes, content_type: str) -> None:
        response = client.post("/files/files", content=body, headers={"Content-Type": content_type})
        error = assert_sas_error(response, 400)
        assert "multipart" in error["message"]

    def test_a_malformed_expiration_is_a_400(self, client: TestClient) -> None:
        response = client.post("/files/files", content=b"x", params={"expirationTimeStamp": "tomorrow"})
        error = assert_sas_error(response, 400)
        assert "expirationTimeStamp" in error["message"]

    def test_a_file_goes_at_its_expiration(self, client: TestClient, clock: VirtualClock) -> None:
        body = upload(client, b"x", expirationTimeStamp="2026-01-05T09:01:00.000Z")
        assert body["expirationTimeStamp"] == "2026-01-05T09:01:00.000Z"
        clock.advance(60_000)
        assert_sas_error(client.get(f"/files/files/{body['id']}"), 404)


class TestSizeLimit:
    @pytest.fixture
    def small(self) -> TestClient:
        return TestClient(create_app(Settings(seed=1, validate_responses=True, fixtures=None, max_file_size=10)))

    def test_a_file_over_the_limit_is_a_413_and_not_stored(self, small: TestClient) -> None:
        error = assert_sas_error(small.post("/files/files", content=b"x" * 11), 413)
        assert "10 bytes" in error["message"]
        assert small.get("/files/files").json()["count"] == 0  # no fixtures in this app
        assert small.post("/files/files", content=b"x" * 10).status_code == 201

    def test_a_streamed_body_is_counted_as_it_arrives(self, small: TestClient) -> None:
        def chunks() -> Any:
            yield b"x" * 8
            yield b"x" * 8

        assert_sas_error(small.post("/files/files", content=chunks()), 413)  # no Content-Length: chunked

    def test_a_declared_length_over_the_limit_is_refused_before_reading(self, small: TestClient) -> None:
        response = small.post("/files/files", content=b"x", headers={"Content-Length": "999999999"})
        assert_sas_error(response, 413)

    def test_multipart_and_content_replacement_are_limited_too(self, small: TestClient) -> None:
        assert_sas_error(small.post("/files/files", files={"file": ("a.txt", b"y" * 11)}), 413)
        body = small.post("/files/files", content=b"ok").json()
        etag = small.get(f"/files/files/{body['id']}").headers["etag"]
        response = small.put(f"/files/files/{body['id']}/content", content=b"z" * 11, headers={"If-Match": etag})
        assert_sas_error(response, 413)


class TestList:
    def test_filter_sort_and_paging(self, client: TestClient) -> None:
        for name in ("c.txt", "a.txt", "b.txt"):
            upload(client, name.encode(), name=name, parentFolderUri="/folders/folders/p")
        mine = {"parentUri": "/folders/folders/p"}  # the fixtures' jobs have files too
        page = client.get("/files/files", params={**mine, "limit": 2}).json()
        assert [item["name"] for item in page["items"]] == ["a.txt", "b.txt"]  # sorted by name by default
        assert page["count"] == 3
        next_href = rels(page)["next"]["href"]
        assert next_href.index("start=") < next_href.index("limit=")  # sasctl reads them in this order
        following = client.get(next_href).json()
        assert [item["name"] for item in following["items"]] == ["c.txt"]
        found = client.get("/files/files", params={"filter": 'eq(name, "b.txt")'}).json()
        assert [item["name"] for item in found["items"]] == ["b.txt"]
        descending = client.get("/files/files", params={**mine, "sortBy": "name:descending"}).json()
        assert [item["name"] for item in descending["items"]] == ["c.txt", "b.txt", "a.txt"]

    def test_parent_uri_is_a_basic_filter_that_paging_keeps(self, client: TestClient) -> None:
        for index in range(3):
            upload(client, b"x", name=f"in{index}", parentFolderUri="/folders/folders/mine")
        upload(client, b"x", name="elsewhere", parentFolderUri="/folders/folders/other")
        page = client.get("/files/files", params={"parentUri": "/folders/folders/mine", "limit": 2}).json()
        assert page["count"] == 3
        rest = client.get(rels(page)["next"]["href"]).json()
        assert [item["name"] for item in rest["items"]] == ["in2"]

    def test_restafs_lookup_by_id_then_content_link(self, client: TestClient) -> None:
        body = upload(client, b'{"a": 1}', "application/json", "_webout.json")
        upload(client, b"other", name="other.txt")
        found = client.get("/files/files", params={"filter": f"eq(id,'{body['id']}')"}).json()
        assert [item["id"] for item in found["items"]] == [body["id"]]
        assert client.get(rels(found["items"][0])["content"]["href"]).json() == {"a": 1}

    @pytest.mark.parametrize("params", [{"sortBy": "colour"}, {"sortBy": "name:sideways"}])
    def test_an_unknown_sort_field_is_a_400(self, client: TestClient, params: dict[str, str]) -> None:
        assert_sas_error(client.get("/files/files", params=params), 400)

    def test_a_malformed_filter_is_a_400(self, client: TestClient) -> None:
        assert_sas_error(client.get("/files/files", params={"filter": "eq(name"}), 400, 1104)

    def test_summaries_on_request(self, client: TestClient) -> None:
        upload(client, b"x", name="s.txt")
        page = client.get("/files/files", headers={"Accept-Item": "application/vnd.sas.summary+json"}).json()
        assert page["items"][0]["type"] == "application/vnd.sas.file"
        assert "contentType" not in page["items"][0]

    def test_the_api_root_links_the_collection(self, client: TestClient) -> None:
        root = client.get("/files/").json()
        assert rels(root)["files"]["href"] == "/files/files"
        assert client.head("/files/").status_code == 200


class TestMetadata:
    def test_get_head_and_summary(self, client: TestClient) -> None:
        body = upload(client, b"x", name="m.txt")
        uri = f"/files/files/{body['id']}"
        got = client.get(uri, headers={"Accept": FILE_TYPE})
        assert got.headers["content-type"] == FILE_TYPE and got.json()["name"] == "m.txt"
        head = client.head(uri)
        assert head.status_code == 200 and head.headers["etag"] == got.headers["etag"] and head.content == b""
        summary = client.get(uri, headers={"Accept": "application/vnd.sas.summary+json"})
        assert summary.headers["content-type"] == "application/vnd.sas.summary+json"
        assert summary.json()["type"] == "application/vnd.sas.file"

    def test_patch_changes_only_what_may_change(self, client: TestClient, clock: VirtualClock) -> None:
        body = upload(client, b"x", name="old.txt")
        uri = f"/files/files/{body['id']}"
        etag = client.get(uri).headers["etag"]
        clock.advance(1_000)
        changes = {
            "name": "new.txt",
            "description": "renamed",
            "properties": {"k": "v"},
            "documentType": "report",
            "size": 99,
            "contentType": "image/gif",
        }
        response = client.patch(uri, json=changes, headers={"If-Match": etag, "Content-Type": FILE_TYPE})
        assert response.status_code == 200, response.text
        changed = response.json()
        assert (changed["name"], changed["description"], changed["properties"]) == ("new.txt", "renamed", {"k": "v"})
        assert (changed["size"], changed["contentType"]) == (1, "text/plain")  # not changeable
        assert changed["modifiedTimeStamp"] == "2026-01-05T09:00:01.000Z"
        assert response.headers["etag"] != etag

    def test_put_takes_the_whole_file_as_sasctl_sends_it(self, client: TestClient) -> None:
        body = upload(client, b"x", name="whole.txt")
        uri = f"/files/files/{body['id']}"
        got = client.get(uri)
        response = client.put(
            uri, json={**got.json(), "description": "via PUT"}, headers={"If-Match": got.headers["etag"]}
        )
        assert response.status_code == 200, response.text
        assert response.json()["description"] == "via PUT"

    def test_patch_needs_a_current_precondition(self, client: TestClient) -> None:
        body = upload(client, b"x", name="p.txt")
        uri = f"/files/files/{body['id']}"
        assert_sas_error(client.patch(uri, json={"name": "q.txt"}), 428)
        assert_sas_error(client.patch(uri, json={"name": "q.txt"}, headers={"If-Match": '"stale"'}), 412)
        last_modified = client.get(uri).headers["last-modified"]
        response = client.patch(uri, json={"name": "q.txt"}, headers={"If-Unmodified-Since": last_modified})
        assert response.status_code == 200
        assert_sas_error(
            client.patch(uri, json={"name": "r.txt"}, headers={"If-Unmodified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"}),
            412,
        )

    def test_a_blank_name_is_a_400(self, client: TestClient) -> None:
        body = upload(client, b"x", name="n.txt")
        uri = f"/files/files/{body['id']}"
        etag = client.get(uri).headers["etag"]
        assert_sas_error(client.patch(uri, json={"name": "  "}, headers={"If-Match": etag}), 400)

    def test_delete_honours_if_match_when_sent(self, client: TestClient) -> None:
        first = upload(client, b"x", name="d1.txt")
        second = upload(client, b"x", name="d2.txt")
        assert client.delete(f"/files/files/{first['id']}").status_code == 204
        assert_sas_error(client.get(f"/files/files/{first['id']}"), 404)
        assert_sas_error(client.delete(f"/files/files/{second['id']}", headers={"If-Match": '"old"'}), 412)
        etag = client.get(f"/files/files/{second['id']}").headers["etag"]
        assert client.delete(f"/files/files/{second['id']}", headers={"If-Match": etag}).status_code == 204

    def test_an_unknown_file_is_a_404(self, client: TestClient) -> None:
        assert_sas_error(client.get("/files/files/nope"), 404)
        assert client.head("/files/files/nope").status_code == 404
        assert_sas_error(client.get("/files/files/nope/content"), 404)
        assert_sas_error(client.delete("/files/files/nope"), 404)


class TestContent:
    def test_put_replaces_bytes_and_type(self, client: TestClient) -> None:
        body = upload(client, b"old", name="c.txt")
        uri = f"/files/files/{body['id']}"
        assert_sas_error(client.put(f"{uri}/content", content=b"new", headers={"Content-Type": "text/html"}), 428)
        etag = client.get(uri).headers["etag"]
        response = client.put(
            f"{uri}/content", content=b"<p>new</p>", headers={"Content-Type": "text/html", "If-Match": etag}
        )
        assert response.status_code == 200, response.text
        assert (response.json()["contentType"], response.json()["size"]) == ("text/html", 10)
        content = client.get(f"{uri}/content")
        assert (content.content, content.headers["content-type"]) == (b"<p>new</p>", "text/html")
        assert_sas_error(client.put(f"{uri}/content", content=b"again", headers={"If-Match": etag}), 412)

    def test_ranges(self, client: TestClient) -> None:
        body = upload(client, b"0123456789", name="r.txt")
        uri = f"/files/files/{body['id']}/content"
        part = client.get(uri, headers={"Range": "bytes=2-4"})
        assert (part.status_code, part.content, part.headers["content-range"]) == (206, b"234", "bytes 2-4/10")
        assert client.get(uri, headers={"Range": "bytes=-3"}).content == b"789"
        assert client.get(uri, headers={"Range": "bytes=7-"}).content == b"789"
        assert client.get(uri, headers={"Range": "pages=1"}).status_code == 200  # not a byte range: ignored
        assert client.get(uri, headers={"Range": "bytes=1-2,4-5"}).status_code == 200  # several: whole content
        assert_sas_error(client.get(uri, headers={"Range": "bytes=10-20"}), 416)

    def test_content_disposition_is_sent_back(self, client: TestClient) -> None:
        body = upload(client, b"x", name="dl.txt")
        content = client.get(f"/files/files/{body['id']}/content")
        assert content.headers["content-disposition"] == 'attachment; filename="dl.txt"'


LOGGED = """
name: logged
expiresAfter: PT1M
timeline:
  - after: 0
    state: running
    log: ["NOTE: starting"]
  - after: 2
    log: [{type: warning, line: "WARNING: almost"}]
  - after: 4
    state: completed
    logLocation: /files/files/0b6f3a52-1b58-4e0b-a3d2-b3f0f1d1a001
    log: [{type: note, line: "NOTE: done"}]
"""
LOG = "/files/files/0b6f3a52-1b58-4e0b-a3d2-b3f0f1d1a001"

EARLY_LOG = """
name: early-log
timeline:
  - after: 0
    state: running
    logLocation: /files/files/0b6f3a52-1b58-4e0b-a3d2-b3f0f1d1a002
    log: ["NOTE: one"]
  - after: 2
    log: ["NOTE: two"]
  - after: 4
    state: completed
    log: ["NOTE: three"]
"""


def load(client: TestClient, scenario: str) -> None:
    response = client.post("/__admin/scenarios", content=scenario, headers={"Content-Type": "application/yaml"})
    assert response.status_code in (200, 201), response.text


def submit(client: TestClient) -> dict[str, Any]:
    response = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


class TestJobFiles:
    def test_a_scripted_log_is_a_file_and_goes_with_its_job(self, client: TestClient, clock: VirtualClock) -> None:
        load(client, LOGGED)
        job = submit(client)
        assert_sas_error(client.get(f"{LOG}/content"), 404)  # not written until the job names it
        clock.advance(4_000)
        assert client.get(f"/jobExecution/jobs/{job['id']}").json()["logLocation"] == LOG
        # sas-airflow-provider's read: start and limit are ignored
        content = client.get(f"{LOG}/content", params={"start": 2, "limit": 99999})
        assert content.headers["content-type"] == "application/json"
        body = content.json()
        assert (body["name"], body["start"], body["count"], body["version"]) == ("Job Log", 0, 3, 2)
        assert body["items"] == [
            {"line": "NOTE: starting", "type": "normal", "version": 1},
            {"line": "WARNING: almost", "type": "warning", "version": 1},
            {"line": "NOTE: done", "type": "note", "version": 1},
        ]
        metadata = client.get(LOG).json()
        assert metadata["name"] == f"{job['id']}.log"
        assert metadata["parentUri"] == f"/jobExecution/jobs/{job['id']}"
        assert metadata["size"] == len(content.content)
        assert set(rels(metadata)) == {"self", "alternate", "content"}  # a job's file is read-only
        listed = client.get("/files/files", params={"parentUri": f"/jobExecution/jobs/{job['id']}"}).json()
        assert LOG.rsplit("/", 1)[1] in [item["id"] for item in listed["items"]]
        clock.advance(60_000)  # expiresAfter
        assert_sas_error(client.get(f"/jobExecution/jobs/{job['id']}"), 404)
        assert_sas_error(client.get(f"{LOG}/content"), 404)

    @pytest.mark.parametrize(
        ("accept", "media_type"),
        [
            (None, "application/json"),
            ("*/*", "application/json"),
            ("application/json, text/plain, */*", "application/json"),
            ("text/plain", "text/plain"),
        ],
    )
    def test_the_log_as_json_or_text(
        self, client: TestClient, clock: VirtualClock, accept: str | None, media_type: str
    ) -> None:
        load(client, LOGGED)
        submit(client)
        clock.advance(4_000)
        response = client.get(f"{LOG}/content", headers={"Accept": accept} if accept else {})
        assert response.headers["content-type"].split(";")[0] == media_type
        if media_type == "text/plain":
            assert response.text == "NOTE: starting\nWARNING: almost\nNOTE: done"
        else:
            assert [item["line"] for item in response.json()["items"]][-1] == "NOTE: done"

    def test_the_log_grows_as_the_clock_advances(self, client: TestClient, clock: VirtualClock) -> None:
        load(client, EARLY_LOG)
        submit(client)
        log = "/files/files/0b6f3a52-1b58-4e0b-a3d2-b3f0f1d1a002"
        first = client.get(log)
        assert [i["line"] for i in client.get(f"{log}/content").json()["items"]] == ["NOTE: one"]
        clock.advance(2_000)
        assert client.get(f"{log}/content", headers={"Accept": "text/plain"}).text == "NOTE: one\nNOTE: two"
        second = client.get(log)
        assert second.headers["etag"] != first.headers["etag"]
        assert second.json()["size"] > first.json()["size"]
        assert second.json()["modifiedTimeStamp"] == "2026-01-05T09:00:02.000Z"
        clock.advance(2_000)
        assert client.get(f"{log}/content").json()["count"] == 3

    def test_a_jobs_file_cannot_be_changed(self, client: TestClient, clock: VirtualClock) -> None:
        load(client, LOGGED)
        submit(client)
        clock.advance(4_000)
        etag = client.get(LOG).headers["etag"]
        assert_sas_error(client.patch(LOG, json={"name": "x"}, headers={"If-Match": etag}), 409)
        assert_sas_error(client.delete(LOG), 409)

    def test_the_default_timeline_writes_a_log_and_a_text_log_in_results(
        self, client: TestClient, clock: VirtualClock
    ) -> None:
        job = submit(client)
        clock.advance(5_000)
        done = client.get(f"/jobExecution/jobs/{job['id']}").json()
        items = client.get(f"{done['logLocation']}/content").json()["items"]
        assert items[-1]["line"] == "NOTE: The SAS System stopped processing this job."
        files = {key: uri for key, uri in done["results"].items() if uri.startswith("/files/files/")}
        assert len(files) == 1
        ((key, uri),) = files.items()
        assert key == f"{done['results']['COMPUTE_JOB']}.log.txt"
        text_file = client.get(uri).json()
        assert (text_file["name"], text_file["contentType"]) == (key, "text/plain")
        text = client.get(f"{uri}/content")
        assert text.headers["content-type"].startswith("text/plain")
        # The definition is of type Compute: its program's log (source lines first), then the provider's note.
        assert text.text.splitlines()[0].endswith("ods html style=HTMLBlue;")
        assert text.text.endswith("\nNOTE: The SAS System stopped processing this job.")

    def test_results_named_by_a_provider_resolve(self, client: TestClient, clock: VirtualClock) -> None:
        job = submit(client)
        etag = client.get(f"/jobExecution/jobs/{job['id']}").headers["etag"]
        body = {**job, "state": "completed", "results": {"_webout.json": "/files/files/webout1"}}
        assert client.put(f"/jobExecution/jobs/{job['id']}", json=body, headers={"If-Match": etag}).status_code == 200
        webout = client.get("/files/files/webout1")
        assert webout.status_code == 200
        assert (webout.json()["name"], webout.json()["contentType"]) == ("_webout.json", "application/json")
        assert client.get("/files/files/webout1/content").status_code == 200

    def test_deleting_a_job_deletes_its_log(self, client: TestClient, clock: VirtualClock) -> None:
        load(client, LOGGED)
        job = submit(client)
        clock.advance(4_000)
        assert client.get(LOG).status_code == 200
        assert client.delete(f"/jobExecution/jobs/{job['id']}").status_code == 204
        assert_sas_error(client.get(LOG), 404)
        assert LOG not in [i["id"] for i in client.get("/files/files", params={"limit": 100}).json()["items"]]

    @pytest.mark.parametrize(("parent", "survives"), [("/folders/folders/keep", True), (None, False), ("job", False)])
    def test_an_uploaded_log_survives_unless_it_belongs_to_the_job(
        self, client: TestClient, parent: str | None, survives: bool
    ) -> None:
        """seed 000: the log is deleted with the job unless its parentUri names another resource."""
        job = submit(client)
        folder = f"/jobExecution/jobs/{job['id']}" if parent == "job" else parent
        params = {} if folder is None else {"parentFolderUri": folder}
        stored = upload(client, b"provider log", name="provider.log", **params)
        etag = client.get(f"/jobExecution/jobs/{job['id']}").headers["etag"]
        body = {**job, "state": "completed", "logLocation": f"/files/files/{stored['id']}"}
        assert client.put(f"/jobExecution/jobs/{job['id']}", json=body, headers={"If-Match": etag}).status_code == 200
        assert client.get(f"/files/files/{stored['id']}/content").content == b"provider log"  # the stored file wins
        assert client.delete(f"/jobExecution/jobs/{job['id']}").status_code == 204
        assert (client.get(f"/files/files/{stored['id']}").status_code == 200) is survives


def test_store_export_carries_files(client: TestClient) -> None:
    body = upload(client, bytes(range(10)), "application/octet-stream", "b.bin", parentFolderUri="/folders/folders/x")
    exported = client.get("/__admin/store").json()
    client.post("/files/files", content=b"after export")
    assert client.put("/__admin/store", json=exported).status_code in (200, 204)
    assert client.get(f"/files/files/{body['id']}/content").content == bytes(range(10))
    assert client.get("/files/files", params={"filter": "startsWith(parentUri,'/folders/')"}).json()["count"] == 1
    client.post("/__admin/reset")
    assert_sas_error(client.get(f"/files/files/{body['id']}"), 404)


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b"x", [(b"content-type", b"\xff/\xfe")]),
        (b"x", [(b"content-type", b"not a type")]),
        (
            b'--b\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n'
            b"Content-Type: \xff\r\n\r\nx\r\n--b--\r\n",
            [(b"content-type", b"multipart/form-data; boundary=b")],
        ),
    ],
)
def test_a_content_type_that_is_not_a_media_type_is_a_400(
    client: TestClient, content: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    response = client.post("/files/files", content=content, headers=headers)  # type: ignore[arg-type]
    assert "is not a media type" in assert_sas_error(response, 400)["message"]


def test_odd_but_readable_bodies_and_headers_are_never_a_500(client: TestClient) -> None:
    odd = [
        (b"x", [(b"content-disposition", b"attachment; filename*=bogus''%ZZ")], b"x"),
        (b"x", [(b"content-disposition", b"attachment; filename*=UTF-8''%FF%FE")], b"x"),
        (b"x", [(b"content-disposition", b'\xff\x00;;;==="')], b"x"),
        # stored as sent, not parsed as a form
        (b"a=b&c", [(b"content-type", b"application/x-www-form-urlencoded")], b"a=b&c"),
        (b"--b\r\nX: y\r\n\r\nraw\r\n--b--\r\n", [(b"content-type", b"multipart/form-data; boundary=b")], b"raw"),
    ]
    for content, headers, stored in odd:
        response = client.post("/files/files", content=content, headers=headers)  # type: ignore[arg-type]
        assert response.status_code == 201, response.text
        assert client.get(f"/files/files/{response.json()['id']}/content").content == stored
    huge_header = b"--b\r\nX: " + b"y" * 100_000 + b"\r\n\r\nraw\r\n--b--\r\n"
    response = client.post(
        "/files/files", content=huge_header, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert_sas_error(response, 400)


def test_deleting_a_parents_files(client: TestClient, clock: VirtualClock) -> None:
    kept = upload(client, b"x", name="kept", parentFolderUri="/folders/folders/other")
    for name in ("one", "two"):
        upload(client, b"x", name=name, parentFolderUri="/folders/folders/gone")
    assert client.delete("/files/files", params={"parentUri": "/folders/folders/gone"}).status_code == 204
    assert client.get("/files/files", params={"parentUri": "/folders/folders/gone"}).json()["count"] == 0
    assert client.get(f"/files/files/{kept['id']}").status_code == 200
    job = submit(client)
    clock.advance(5_000)
    parent = f"/jobExecution/jobs/{job['id']}"
    upload(client, b"x", name="mine", parentFolderUri=parent)
    assert_sas_error(client.delete("/files/files", params={"parentUri": parent}), 409)  # the job's log is there
    assert client.get("/files/files", params={"parentUri": parent}).json()["count"] == 3  # none was deleted


def test_restaf_reads_a_jobs_results_files(client: TestClient, clock: VirtualClock) -> None:
    """restaf's jesSummary: for each /files/files/{id} in results, a filter GET by id, then the content link."""
    job = submit(client)
    clock.advance(5_000)
    results = client.get(f"/jobExecution/jobs/{job['id']}").json()["results"]
    for key, uri in results.items():
        if not uri.startswith("/files/files/"):
            continue
        found = client.get("/files/files", params={"filter": f"eq(id,'{uri.rsplit('/', 1)[1]}')"}).json()
        assert [item["name"] for item in found["items"]] == [key]
        content = client.get(rels(found["items"][0])["content"]["href"])
        assert content.text.endswith("NOTE: The SAS System stopped processing this job.")
