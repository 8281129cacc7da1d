"""A stored representation plus the bookkeeping that conditional requests need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from viya_mock.core.domain.preconditions import make_etag


@dataclass(slots=True)
class Resource:
    """Job requests and job definitions: their wire representation without links, which the renderer adds.

    `doc` is what filters and sorting see, so it keeps the wire field names and timestamp text.
    """

    id: str
    doc: dict[str, Any]
    modified: int
    revision: int = 0

    @property
    def etag(self) -> str:
        return make_etag(self.id, self.modified, self.revision)
