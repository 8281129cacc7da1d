"""Handlers for the Files document: uploads, metadata, content, and the files jobs write."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.core.api import render
from viya_mock.core.api.render import (
    JSON,
    SUMMARY,
    TEXT,
    api_root,
    bytes_response,
    head_of,
    json_response,
    negotiate,
    no_content,
)
from viya_mock.core.api.requests import accept, header
from viya_mock.core.domain.errors import RangeNotSatisfiable
from viya_mock.core.domain.limits import excerpt
from viya_mock.core.domain.timestamps import http_date
from viya_mock.files.api.representation import FILE, FILES, api_links, file_body, file_summary
from viya_mock.files.api.uploads import file_part, is_multipart, parse_multipart, upload
from viya_mock.files.domain.disposition import filename_of
from viya_mock.files.domain.ranges import Unsatisfiable, parse_range
from viya_mock.files.services.files import OCTET_STREAM, FileService, FileView, NewFile


def _headers(view: FileView) -> dict[str, str]:
    return {"ETag": view.etag, "Last-Modified": http_date(view.modified)}


def _header_safe(value: str | None) -> str | None:
    """A value that can travel in an HTTP header as given (Latin-1, no control characters), else None."""
    if not value:
        return None
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return None
    return value if all(" " <= ch != "\x7f" for ch in value) else None


def parent_filter(parent_uri: str | None, filter_text: str | None) -> str | None:
    """The parentUri basic filter as a filter expression, so paging links keep it."""
    if parent_uri is None:
        return filter_text
    member = "eq(parentUri,'" + parent_uri.replace("'", "''") + "')"
    return f"and({member},{filter_text})" if filter_text and filter_text.strip() else member


class FileHandlers:
    def __init__(self, files: FileService) -> None:
        self.files = files

    async def getFilesApi(self) -> Response:
        return api_root(api_links(), accept())

    async def headFilesApi(self) -> Response:
        return head_of(api_root(api_links(), accept()))

    async def getFiles(
        self,
        start: int,
        limit: int,
        filter_: str | None = None,
        sort_by: str | None = None,
        parent_uri: str | None = None,
    ) -> Response:
        filter_text = parent_filter(parent_uri, filter_)
        page = self.files.query(start=start, limit=limit, filter_text=filter_text, sort_text=sort_by)
        summaries = f"{SUMMARY}" in (header("accept-item") or "")
        body = render.resources_collection(
            page,
            name="files",
            uri=FILES,
            item_type=SUMMARY if summaries else FILE,
            body=file_summary if summaries else file_body,
            up="/files/",
            sort_by=sort_by,
            filter_text=filter_text,
            extra=[render.link("POST", "create", FILES, "*/*", response_type=FILE)],
        )
        return render.collection_response(body, accept())

    async def deleteFiles(self, parent_uri: str) -> Response:
        self.files.delete_children(parent_uri)
        return no_content()

    async def uploadFile(
        self,
        parent_folder_uri: str | None = None,
        expiration_time_stamp: str | None = None,
        type_def_name: str | None = None,
        searchable: bool | None = None,
        versioned: bool | None = None,  # accepted and ignored: files are not versioned (fileVersion 0)
        recoverable: bool | None = None,  # accepted and ignored: deleted files are gone
    ) -> Response:
        sent = upload()
        disposition = header("content-disposition")
        name = filename_of(disposition)
        content, content_type = sent.body, sent.content_type
        if is_multipart(content_type):
            part, part_name = file_part(parse_multipart(sent.body, content_type or ""))
            content, content_type, name = part.content, part.content_type, part_name or name
        stored = self.files.upload(
            NewFile(
                content=content,
                content_type=content_type.strip() if content_type and content_type.strip() else None,
                name=name,
                content_disposition=_header_safe(disposition) if name else None,
                parent_uri=parent_folder_uri,
                expiration=expiration_time_stamp,
                type_def_name=type_def_name,
                searchable=bool(searchable),
            )
        )
        view = self.files.get(stored.id)
        headers = {**_headers(view), "Location": view.uri}
        return json_response(file_body(view), negotiate(accept(), (f"{FILE}+json", JSON)), 201, headers)

    async def getFile(self, file_id: str) -> Response:
        view = self.files.get(file_id)
        media_type = negotiate(accept(), (f"{FILE}+json", f"{SUMMARY}+json", JSON))
        body = file_summary(view) if media_type == f"{SUMMARY}+json" else file_body(view)
        return json_response(body, media_type, headers=_headers(view))

    async def headFile(self, file_id: str) -> Response:
        return head_of(await self.getFile(file_id))

    async def patchFile(self, file_id: str, body: dict[str, Any]) -> Response:
        self.files.update(file_id, body, header("if-match"), header("if-unmodified-since"))
        view = self.files.get(file_id)
        return json_response(file_body(view), negotiate(accept(), (f"{FILE}+json", JSON)), headers=_headers(view))

    async def updateFile(self, file_id: str, body: dict[str, Any]) -> Response:
        return await self.patchFile(file_id, body)

    async def deleteFile(self, file_id: str) -> Response:
        self.files.delete(file_id, header("if-match"))
        return no_content()

    async def getFileContent(self, file_id: str, start: int | None = None, limit: int | None = None) -> Response:
        # start and limit are accepted and ignored, as the Files service ignores them for a stored log.
        text = negotiate(accept(), (JSON, TEXT)) == TEXT
        content = self.files.content(file_id, text=text)
        view, data = content.view, content.data
        headers = {**_headers(view), "Location": view.uri, "Accept-Ranges": "bytes"}
        disposition = _header_safe(view.doc.get("contentDisposition"))
        if disposition:
            headers["Content-Disposition"] = disposition
        try:
            wanted = parse_range(header("range"), len(data))
        except Unsatisfiable:
            raise RangeNotSatisfiable(
                f"The range {excerpt(header('range') or '')} lies outside the file's {len(data)} bytes.",
                details=[f"Content-Range: bytes */{len(data)}"],
            ) from None
        # A type that cannot be a header (only an imported store can hold one) goes out as plain bytes.
        media_type = _header_safe(content.media_type) or OCTET_STREAM
        if wanted is None:
            return bytes_response(data, media_type, headers=headers)
        headers["Content-Range"] = wanted.content_range(len(data))
        return bytes_response(data[wanted.first : wanted.last + 1], media_type, 206, headers)

    async def replaceFileContent(self, file_id: str) -> Response:
        sent = upload()
        content, content_type = sent.body, sent.content_type
        if is_multipart(content_type):
            part, _ = file_part(parse_multipart(sent.body, content_type or ""))
            content, content_type = part.content, part.content_type
        self.files.replace_content(
            file_id,
            content,
            content_type.strip() if content_type and content_type.strip() else None,
            header("if-match"),
            header("if-unmodified-since"),
        )
        view = self.files.get(file_id)
        return json_response(file_body(view), negotiate(accept(), (f"{FILE}+json", JSON)), headers=_headers(view))
