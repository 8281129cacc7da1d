"""Handlers for the Files document: job logs."""

from __future__ import annotations

from starlette.responses import Response

from viya_mock.core.api.render import JSON, head_of, json_response, negotiate
from viya_mock.core.api.requests import accept
from viya_mock.core.domain.preconditions import make_etag
from viya_mock.files.api.representation import FILE, log_content, log_file
from viya_mock.files.services.files import FileService


class FileHandlers:
    def __init__(self, files: FileService) -> None:
        self.files = files

    async def getFile(self, file_id: str) -> Response:
        log = self.files.log(file_id)
        etag = make_etag(log.id, len(log.lines))
        return json_response(log_file(log), negotiate(accept(), (f"{FILE}+json", JSON)), headers={"ETag": etag})

    async def headFile(self, file_id: str) -> Response:
        return head_of(await self.getFile(file_id))

    async def getFileContent(self, file_id: str) -> Response:
        return json_response(log_content(self.files.log(file_id)), JSON)
