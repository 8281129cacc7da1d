"""Folders' use cases: a folder by path or id, and its members, paged, filtered and sorted.

The tree is filled from the fixtures (`folders.yaml`) and from the `--programs` folders on disk, which are
looked at again before each answer, so that an edited program is what the next request sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.listing import page_of
from viya_mock.core.query.paging import Page, SortKey
from viya_mock.core.store.memory import Store
from viya_mock.folders.domain.tree import Folder

MEMBER_FIELDS = QueryFields(
    "folder members",
    names=(
        "id",
        "name",
        "description",
        "uri",
        "type",
        "contentType",
        "createdBy",
        "modifiedBy",
        "creationTimeStamp",
        "modifiedTimeStamp",
        "parentFolderUri",
    ),
)
MEMBER_SORT = (SortKey(("name",), False),)


class FolderService:
    def __init__(self, store: Store, refresh: Callable[[], None] = lambda: None) -> None:
        self.store = store
        # Brings the programs loaded from disk up to date (programs.py); nothing without --programs.
        self.refresh = refresh

    def at_path(self, path: str) -> Folder:
        self.refresh()
        return self.store.folders.at(path)

    def get(self, folder_id: str) -> Folder:
        self.refresh()
        return self.store.folders.folder(folder_id)

    def members(
        self, folder_id: str, *, start: int, limit: int, filter_text: str | None, sort_text: str | None
    ) -> tuple[Folder, Page[dict[str, Any]]]:
        folder = self.get(folder_id)
        page = page_of(
            list(folder.members.values()),
            doc=lambda member: member,
            filter_text=filter_text,
            sort_text=sort_text,
            fields=MEMBER_FIELDS,
            default_sort=MEMBER_SORT,
            start=start,
            limit=limit,
        )
        return folder, page

    def member(self, folder_id: str, member_id: str) -> dict[str, Any]:
        return self.get(folder_id).member(member_id)
