"""Upload bodies reach the Files handlers as the client sent them, within the size limit.

A file's bytes are not a document for Connexion to parse: sasjs posts CSV labelled `application/json`, and
Connexion would parse every `multipart/form-data` body with Starlette's form parser (which refuses parts
without a name, as sasctl sends for unnamed bytes) before the handler sees it, and every JSON body as JSON.
So for the two operations that take file content (`uploadFile`, `replaceFileContent`) this middleware,
placed after routing, reads the body itself, counting bytes as they arrive (a Content-Length over the limit
is refused before anything is read), keeps it with the request's real Content-Type in the scope, and hands
Connexion an empty `application/octet-stream` body. The handlers read the upload back with `upload()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connexion import context
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viya_mock.core.domain.errors import BadRequest, PayloadTooLarge
from viya_mock.files.domain.disposition import filename_of, param_of

# The Files uploads, and the web runner's form (its files and fields are read by its handler).
UPLOAD_OPERATIONS = frozenset({"uploadFile", "replaceFileContent", "runProgramWithForm"})
_KEY = "viya_mock.upload"
# Room for multipart boundaries and part headers around a file of the maximum size.
MULTIPART_SLACK = 64 * 1024
MULTIPART = "multipart/form-data"


@dataclass(frozen=True, slots=True)
class Upload:
    body: bytes
    content_type: str | None


@dataclass(frozen=True, slots=True)
class Part:
    content: bytes
    content_type: str | None
    field_name: str | None
    filename: str | None


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than the maximum file size of {limit} bytes.")


class UploadBodies:
    """ASGI middleware (at MiddlewarePosition.BEFORE_VALIDATION, so errors become SAS errors)."""

    def __init__(self, app: ASGIApp, *, max_file_size: int) -> None:
        self.app = app
        self.max_file_size = max_file_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routing = scope.get("extensions", {}).get("connexion_routing", {}) if scope["type"] == "http" else {}
        if routing.get("operation_id") not in UPLOAD_OPERATIONS:
            await self.app(scope, receive, send)
            return
        headers = MutableHeaders(scope=dict(scope, headers=list(scope["headers"])))
        content_type = headers.get("content-type")
        multipart = (content_type or "").lower().startswith(MULTIPART)
        limit = self.max_file_size + (MULTIPART_SLACK if multipart else 0)
        length = headers.get("content-length", "")
        if length.strip().isdigit() and int(length) > limit:
            raise _too_large(self.max_file_size)
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                raise _too_large(self.max_file_size)
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        headers["content-type"] = "application/octet-stream"
        headers["content-length"] = "0"
        inner = dict(scope, headers=headers.raw)
        inner["extensions"] = {**scope.get("extensions", {}), _KEY: Upload(b"".join(chunks), content_type)}
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return await receive()

        await self.app(inner, replay, send)


def upload() -> Upload:
    """The current request's upload, as UploadBodies kept it."""
    scope: Any = context.scope
    found = scope.get("extensions", {}).get(_KEY)
    return found if isinstance(found, Upload) else Upload(b"", None)


def is_multipart(content_type: str | None) -> bool:
    return (content_type or "").lower().startswith(MULTIPART)


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a multipart/form-data body; a body that is not one is a 400."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequest("The multipart/form-data body has no boundary in its Content-Type.")
    parts: list[Part] = []
    data: list[bytes] = []
    headers: dict[str, str] = {}
    header_name: list[bytes] = []
    header_value: list[bytes] = []

    def on_part_begin() -> None:
        data.clear()
        headers.clear()

    def on_header_field(chunk: bytes, start: int, end: int) -> None:
        header_name.append(chunk[start:end])

    def on_header_value(chunk: bytes, start: int, end: int) -> None:
        header_value.append(chunk[start:end])

    def on_header_end() -> None:
        name = b"".join(header_name).decode("latin-1").strip().lower()
        headers[name] = b"".join(header_value).decode("latin-1").strip()
        header_name.clear()
        header_value.clear()

    def on_part_data(chunk: bytes, start: int, end: int) -> None:
        data.append(chunk[start:end])

    def on_part_end() -> None:
        disposition = headers.get("content-disposition")
        parts.append(
            Part(
                content=b"".join(data),
                content_type=headers.get("content-type") or None,
                field_name=param_of(disposition, "name"),
                filename=filename_of(disposition),
            )
        )

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except (MultipartParseError, ValueError, UnicodeError) as error:
        raise BadRequest("The multipart/form-data body cannot be read.", details=[str(error)]) from error
    return parts


def file_part(parts: list[Part]) -> tuple[Part, str | None]:
    """The part that holds the file, and the name the form gives it.

    sasctl sends one part whose field name is the file name; browsers and other clients send the field
    `file` with a filename, and may add a `filename` field. The first part with a filename wins, then a
    part named `file`, then the first part that is not the `filename` field. The name is the `filename`
    field, else the part's field name when that looks like a file name (has a dot: sasctl's convention,
    also kept when a client such as httpx fills in a placeholder filename), else the part's filename.
    """
    named = next((p for p in parts if p.field_name == "filename" and p.filename is None), None)
    candidates = [p for p in parts if p is not named]
    chosen = (
        next((p for p in candidates if p.filename), None)
        or next((p for p in candidates if p.field_name == "file"), None)
        or (candidates[0] if candidates else None)
    )
    if chosen is None:
        raise BadRequest("The multipart/form-data body has no part that holds a file.")
    name = named.content.decode("utf-8", errors="replace").strip() if named is not None else None
    field = chosen.field_name if chosen.field_name not in (None, "", "file") else None
    if not name and field and "." in field:
        name = field
    if not name:
        name = chosen.filename or field
    return chosen, name
