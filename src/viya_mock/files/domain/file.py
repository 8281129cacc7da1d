"""A file of the Files service: its bytes, its media type and the metadata clients read and change.

Files that clients upload are stored as `File` objects. A job's log and the results files its provider
names are not stored: `logs.py` derives them from the job at the instant they are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from viya_mock.core.domain.preconditions import make_etag
from viya_mock.core.domain.timestamps import format_ms

FILES_PREFIX = "/files/files/"
JOBS_PREFIX = "/jobExecution/jobs/"
# The wire representation's version: list items of the real service say 4.
FILE_VERSION = 4

# The members a PATCH (or PUT) of a file's metadata may change; everything else is the server's.
CHANGEABLE = (
    "name",
    "description",
    "parentUri",
    "documentType",
    "contentDisposition",
    "properties",
    "expirationTimeStamp",
    "typeDefName",
    "searchable",
)

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_TYPE = re.compile(rf"^{_TOKEN}/{_TOKEN}(\s*;[ -~\t]*)?$")


def is_media_type(text: str) -> bool:
    """`type/subtype` with optional parameters, in printable ASCII: what can go back out as a Content-Type."""
    return _MEDIA_TYPE.match(text) is not None


@dataclass(slots=True)
class File:
    id: str
    name: str
    content: bytes
    content_type: str
    created: int
    modified: int
    created_by: str
    modified_by: str
    parent_uri: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    document_type: str | None = None
    encoding: str | None = None
    content_disposition: str | None = None
    expiration: int | None = None
    searchable: bool = False
    type_def_name: str | None = None
    file_status: str = "unlocked"
    revision: int = 0

    @property
    def uri(self) -> str:
        return FILES_PREFIX + self.id

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def etag(self) -> str:
        return make_etag(self.id, self.modified, self.revision)

    def doc(self) -> dict[str, Any]:
        """The wire members without links, as filters and sorting see them."""
        return file_doc(
            id=self.id,
            name=self.name,
            content_type=self.content_type,
            size=self.size,
            created=self.created,
            modified=self.modified,
            created_by=self.created_by,
            modified_by=self.modified_by,
            parent_uri=self.parent_uri,
            properties=self.properties,
            description=self.description,
            document_type=self.document_type,
            encoding=self.encoding,
            content_disposition=self.content_disposition,
            expiration=self.expiration,
            searchable=self.searchable,
            type_def_name=self.type_def_name,
            file_status=self.file_status,
        )

    def expired(self, now: int) -> bool:
        return self.expiration is not None and self.expiration <= now


def file_doc(
    *,
    id: str,
    name: str,
    content_type: str,
    size: int,
    created: int,
    modified: int,
    created_by: str,
    modified_by: str,
    parent_uri: str | None = None,
    properties: dict[str, str] | None = None,
    description: str | None = None,
    document_type: str | None = None,
    encoding: str | None = None,
    content_disposition: str | None = None,
    expiration: int | None = None,
    searchable: bool = False,
    type_def_name: str | None = None,
    file_status: str = "unlocked",
) -> dict[str, Any]:
    """A file's members in the order the service writes them; absent optional members are left out."""
    doc: dict[str, Any] = {
        "id": id,
        "name": name,
        "contentType": content_type,
        "size": size,
        "creationTimeStamp": format_ms(created),
        "modifiedTimeStamp": format_ms(modified),
        "createdBy": created_by,
        "modifiedBy": modified_by,
        "properties": dict(properties or {}),
        "searchable": searchable,
        "fileStatus": file_status,
        "fileVersion": 0,
        "virusDetected": False,
        "urlDetected": False,
        "quarantine": False,
    }
    optional = {
        "parentUri": parent_uri,
        "description": description,
        "documentType": document_type,
        "encoding": encoding,
        "contentDisposition": content_disposition,
        "expirationTimeStamp": format_ms(expiration) if expiration is not None else None,
        "typeDefName": type_def_name,
    }
    doc.update((key, value) for key, value in optional.items() if value is not None)
    doc["version"] = FILE_VERSION
    return doc
