"""Handlers for the Files document: job logs."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.api import render
from viya_mock.api.render import JOBS, JSON, head_of, json_response, link
from viya_mock.api.requests import accept
from viya_mock.domain.preconditions import make_etag
from viya_mock.domain.timestamps import format_ms
from viya_mock.services.files import FileService, LogFile

FILE = "application/vnd.sas.file"


def _content(log: LogFile) -> dict[str, Any]:
    items = [{"version": 1, **line} for line in log.lines]
    return {"name": "Job Log", "start": 0, "count": len(items), "items": items, "version": 2}


class FileHandlers:
    def __init__(self, files: FileService) -> None:
        self.files = files

    async def getFile(self, file_id: str) -> Response:
        log = self.files.log(file_id)
        view = log.snapshot.view
        written = log.snapshot.job.log[-1][0] if log.lines else view.created
        body = {
            "id": log.id,
            "name": f"{log.snapshot.job.id}.log",
            "contentType": JSON,
            "parentUri": f"{JOBS}/{log.snapshot.job.id}",
            "size": len(render.dumps(_content(log))),
            "creationTimeStamp": view.doc["creationTimeStamp"],
            "modifiedTimeStamp": format_ms(max(written, view.created)),
            "createdBy": view.doc.get("createdBy", ""),
            "links": [
                link("GET", "self", log.uri, FILE),
                link("GET", "content", f"{log.uri}/content", JSON),
            ],
            "version": 4,
        }
        etag = make_etag(log.id, len(log.lines))
        return json_response(body, render.negotiate(accept(), (f"{FILE}+json", JSON)), headers={"ETag": etag})

    async def headFile(self, file_id: str) -> Response:
        return head_of(await self.getFile(file_id))

    async def getFileContent(self, file_id: str) -> Response:
        return json_response(_content(self.files.log(file_id)), JSON)
