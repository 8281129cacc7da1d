"""Folders' JSON: folders (application/vnd.sas.content.folder) and their members, with the links clients follow.

A member's `getResource` link is what sasjs and sas-airflow-provider read to reach a job definition; its media
type follows what the member is.
"""

from __future__ import annotations

from typing import Any

from viya_mock.core.api.render import COLLECTION, link
from viya_mock.folders.domain.tree import Folder

FOLDER = "application/vnd.sas.content.folder"
MEMBER = "application/vnd.sas.content.folder.member"
# The media type of what a member names, by its contentType.
RESOURCE_TYPES = {"folder": FOLDER, "jobDefinition": "application/vnd.sas.job.definition"}


def folder_body(folder: Folder) -> dict[str, Any]:
    uri = folder.uri
    links = [
        link("GET", "self", uri, FOLDER),
        link("GET", "members", f"{uri}/members", COLLECTION, item_type=MEMBER),
    ]
    parent = folder.doc.get("parentFolderUri")
    if parent:
        links.append(link("GET", "parent", parent, FOLDER))
    return {**folder.doc, "memberCount": len(folder.members), "version": 1, "links": links}


def member_body(member: dict[str, Any]) -> dict[str, Any]:
    folder_uri = member["parentFolderUri"]
    links = [
        link("GET", "self", f"{folder_uri}/members/{member['id']}", MEMBER),
        link("GET", "up", f"{folder_uri}/members", COLLECTION, item_type=MEMBER),
        link("GET", "getResource", member["uri"], RESOURCE_TYPES.get(member["contentType"])),
    ]
    return {**member, "version": 1, "links": links}
