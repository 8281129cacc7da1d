"""Files as the Files service represents them: a file, its summary, the collection and the API root."""

from __future__ import annotations

from typing import Any

from viya_mock.core.api.render import API, SUMMARY, link
from viya_mock.files.services.files import FileView

FILE = "application/vnd.sas.file"
FILES = "/files/files"

ROOT_LINKS = [
    link("GET", "files", FILES, "application/vnd.sas.collection", item_type=FILE),
    link("POST", "create", FILES, "*/*", response_type=FILE),
]


def file_links(view: FileView) -> list[dict[str, str]]:
    """What a client can do with the file; a file a job writes can only be read."""
    uri = view.uri
    links = [
        link("GET", "self", uri, FILE),
        link("GET", "alternate", uri, SUMMARY),
        link("GET", "content", f"{uri}/content", view.content_type),
    ]
    if view.stored is not None:
        links += [
            link("PATCH", "patch", uri, FILE, response_type=FILE),
            link("PUT", "update", uri, FILE, response_type=FILE),
            link("DELETE", "delete", uri),
            link("PUT", "updateContent", f"{uri}/content", view.content_type, response_type=FILE),
        ]
    return links


def file_body(view: FileView) -> dict[str, Any]:
    return {**view.doc, "links": file_links(view)}


def file_summary(view: FileView) -> dict[str, Any]:
    doc = view.doc
    summary: dict[str, Any] = {"id": view.id, "type": FILE}
    for name in ("name", "description", "createdBy", "creationTimeStamp", "modifiedBy", "modifiedTimeStamp"):
        if doc.get(name) is not None:
            summary[name] = doc[name]
    summary["links"] = [entry for entry in file_links(view) if entry["rel"] in {"self", "alternate"}]
    summary["version"] = 2
    return summary


def api_links() -> list[dict[str, str]]:
    return [link("GET", "self", "/files/", API), *ROOT_LINKS]
