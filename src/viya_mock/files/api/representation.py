"""Files as the Files service represents them: a file's metadata and a job log's content."""

from __future__ import annotations

from typing import Any

from viya_mock.core.api.render import JSON, dumps, link
from viya_mock.core.domain.timestamps import format_ms
from viya_mock.files.services.files import LogFile

FILE = "application/vnd.sas.file"
JOBS = "/jobExecution/jobs"


def log_content(log: LogFile) -> dict[str, Any]:
    items = [{"version": 1, **line} for line in log.lines]
    return {"name": "Job Log", "start": 0, "count": len(items), "items": items, "version": 2}


def log_file(log: LogFile) -> dict[str, Any]:
    view = log.snapshot.view
    written = log.snapshot.job.log[-1][0] if log.lines else view.created
    return {
        "id": log.id,
        "name": f"{log.snapshot.job.id}.log",
        "contentType": JSON,
        "parentUri": f"{JOBS}/{log.snapshot.job.id}",
        "size": len(dumps(log_content(log))),
        "creationTimeStamp": view.doc["creationTimeStamp"],
        "modifiedTimeStamp": format_ms(max(written, view.created)),
        "createdBy": view.doc.get("createdBy", ""),
        "links": [
            link("GET", "self", log.uri, FILE),
            link("GET", "content", f"{log.uri}/content", JSON),
        ],
        "version": 4,
    }
