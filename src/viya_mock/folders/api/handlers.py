"""Handlers for the Folders document."""

from __future__ import annotations

from starlette.responses import Response

from viya_mock.core.api import render
from viya_mock.core.api.render import JSON, head_of, json_response, negotiate
from viya_mock.core.api.requests import accept
from viya_mock.folders.api.representation import FOLDER, MEMBER, folder_body, member_body
from viya_mock.folders.services.folders import FolderService


class FolderHandlers:
    def __init__(self, folders: FolderService) -> None:
        self.folders = folders

    async def getFolderByPath(self, path: str) -> Response:
        return json_response(folder_body(self.folders.at_path(path)), negotiate(accept(), (f"{FOLDER}+json", JSON)))

    async def getFolder(self, folder_id: str) -> Response:
        return json_response(folder_body(self.folders.get(folder_id)), negotiate(accept(), (f"{FOLDER}+json", JSON)))

    async def headFolder(self, folder_id: str) -> Response:
        return head_of(await self.getFolder(folder_id))

    async def getFolderMembers(
        self, folder_id: str, start: int, limit: int, filter_: str | None = None, sort_by: str | None = None
    ) -> Response:
        folder, page = self.folders.members(folder_id, start=start, limit=limit, filter_text=filter_, sort_text=sort_by)
        uri = f"{folder.uri}/members"
        make = render.get_link(render.COLLECTION, MEMBER)
        links = [
            make("collection", uri),
            make("up", folder.uri),
            *render.paging_links(page, uri, make, sort_by=sort_by, filter_text=filter_),
        ]
        body = render.collection_body("members", MEMBER, page, (member_body(m) for m in page.items), links)
        return render.collection_response(body, accept())

    async def getFolderMember(self, folder_id: str, member_id: str) -> Response:
        body = member_body(self.folders.member(folder_id, member_id))
        return json_response(body, negotiate(accept(), (f"{MEMBER}+json", JSON)))
