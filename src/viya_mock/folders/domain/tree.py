"""The folder tree: folders by id and by path, and each folder's members, as the Folders service keeps them.

The Folders service persists no content, only the URIs of resources other services own (a job definition,
another folder), so a member is a name and a URI. Folders and members are kept as their wire representation
without links (the renderer adds those), so filters and sorting see the API's field names. Ids are derived
from the path (UUID 5), so that a folder or a program loaded from disk keeps its id across restarts and resets.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from viya_mock.core.domain.errors import BadRequest, NotFound
from viya_mock.core.domain.timestamps import format_ms

FOLDERS_PREFIX = "/folders/folders/"
NAMESPACE = uuid.UUID("6f1d3c5e-2b7a-4c9e-8d10-5a6b7c8d9e0f")
# The deepest path and the most folders one tree holds (bounded memory for what scripts and disks add).
MAX_DEPTH = 64
MAX_FOLDERS = 100_000


def folder_id(path: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "folder:" + path))


def member_id(folder_path: str, uri: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"member:{folder_path}:{uri}"))


def _audit(at: int, by: str) -> dict[str, str]:
    """The audit members of something made at `at` by `by` (folders and members are not changed later)."""
    stamp = format_ms(at)
    return {"creationTimeStamp": stamp, "modifiedTimeStamp": stamp, "createdBy": by, "modifiedBy": by}


def normal_path(path: str) -> str:
    """`/Public/app/` and `/Public//app` are `/Public/app`; a path must start at the root."""
    parts = [part for part in path.split("/") if part]
    if not path.startswith("/") or len(parts) > MAX_DEPTH:
        raise BadRequest(f"The folder path {path!r} is not valid: it must start with a slash.")
    return "/" + "/".join(parts)


@dataclass(slots=True)
class Folder:
    id: str
    path: str
    parent_id: str | None
    doc: dict[str, Any]
    # The folder's members by URI, in the order they were added.
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Each member's URI by the member's id.
    member_uris: dict[str, str] = field(default_factory=dict)

    def job_definition_named(self, name: str) -> dict[str, Any] | None:
        """The member of that name that is a job definition (a program), if any."""
        return next(
            (m for m in self.members.values() if m["name"] == name and m["contentType"] == "jobDefinition"), None
        )

    def member(self, member_id_: str) -> dict[str, Any]:
        found = self.members.get(self.member_uris.get(member_id_, ""))
        if found is None:
            raise NotFound(
                f"The folder {self.id} has no member with the ID {member_id_}.", details=[f"id: {member_id_}"]
            )
        return found

    @property
    def uri(self) -> str:
        return FOLDERS_PREFIX + self.id


class FolderTree:
    """Folders by id and path (both O(1)); parents are made as a path needs them."""

    def __init__(self) -> None:
        self.by_id: dict[str, Folder] = {}
        self.by_path: dict[str, str] = {}

    def folder(self, folder_id_: str) -> Folder:
        found = self.by_id.get(folder_id_)
        if found is None:
            raise NotFound(f"No folder exists with the ID {folder_id_}.", details=[f"id: {folder_id_}"])
        return found

    def at(self, path: str) -> Folder:
        normal = normal_path(path)
        found = self.by_path.get(normal)
        if found is None:
            raise NotFound(f"No folder exists at the path {normal}.", details=[f"path: {normal}"])
        return self.by_id[found]

    def ensure(self, path: str, *, at: int, by: str, description: str | None = None) -> Folder:
        """The folder at `path`, made (with any missing parents) if it does not exist."""
        normal = normal_path(path)
        existing = self.by_path.get(normal)
        if existing is not None:
            return self.by_id[existing]
        if normal == "/":
            raise BadRequest("The root is not a folder of its own.")
        if len(self.by_id) >= MAX_FOLDERS:
            raise BadRequest(f"The folder tree is full ({MAX_FOLDERS} folders).")
        parent_path, _, name = normal.rpartition("/")
        parent = self.ensure(parent_path, at=at, by=by) if parent_path else None
        new_id = folder_id(normal)
        doc: dict[str, Any] = {
            **_audit(at, by),
            "id": new_id,
            "name": name,
            "type": "folder",
        }
        if description:
            doc["description"] = description
        if parent is not None:
            doc["parentFolderUri"] = parent.uri
        folder = Folder(id=new_id, path=normal, parent_id=parent.id if parent else None, doc=doc)
        self.by_id[new_id] = folder
        self.by_path[normal] = new_id
        if parent is not None:
            self._add(parent, name=name, uri=folder.uri, content_type="folder", at=at, by=by)
        return folder

    def add(
        self, path: str, *, name: str, uri: str, content_type: str, at: int, by: str, description: str | None = None
    ) -> dict[str, Any]:
        """Put a resource (by URI) in the folder at `path`, made if needed; an existing member is replaced."""
        return self._add(
            self.ensure(path, at=at, by=by),
            name=name,
            uri=uri,
            content_type=content_type,
            at=at,
            by=by,
            description=description,
        )

    def remove(self, path: str, uri: str) -> None:
        folder_key = self.by_path.get(normal_path(path))
        if folder_key is not None:
            folder = self.by_id[folder_key]
            member = folder.members.pop(uri, None)
            if member is not None:
                del folder.member_uris[member["id"]]

    def _add(
        self,
        folder: Folder,
        *,
        name: str,
        uri: str,
        content_type: str,
        at: int,
        by: str,
        description: str | None = None,
    ) -> dict[str, Any]:
        member: dict[str, Any] = {
            **_audit(at, by),
            "id": member_id(folder.path, uri),
            "name": name,
            "type": "child",
            "uri": uri,
            "contentType": content_type,
            "parentFolderUri": folder.uri,
        }
        if description:
            member["description"] = description
        folder.members[uri] = member
        folder.member_uris[member["id"]] = uri
        return member
