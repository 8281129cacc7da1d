"""Which items of a collection changed since someone last asked, so that a kept query updates only those.

The store notes an id whenever an item is added, removed or given a new event; whoever keeps derived state
(the job listings) drains the ids and re-reads just those items. Nobody may drain for a long time (no list
was asked for), so the set is bounded: past `limit` ids it gives up and reports that everything may have
changed, which costs the reader one full rebuild instead of unbounded memory here.
"""

from __future__ import annotations


class Changes:
    """The ids of one collection's changed items; one reader drains them."""

    def __init__(self, limit: int = 65_536) -> None:
        self.limit = limit
        self._ids: set[str] = set()
        self._everything = True  # nothing has been drained yet: a reader starts from the whole collection

    def touched(self, item_id: str) -> None:
        if self._everything:
            return
        ids = self._ids
        ids.add(item_id)
        if len(ids) > self.limit:
            self.everything()

    def everything(self) -> None:
        """Everything may have changed (the collection was replaced, or too much changed to list)."""
        self._everything = True
        self._ids = set()

    def drain(self) -> set[str] | None:
        """The ids changed since the last drain, or None when the reader must start over from every item."""
        if self._everything:
            self._everything = False
            return None
        ids, self._ids = self._ids, set()
        return ids

    def __len__(self) -> int:
        return len(self._ids)
