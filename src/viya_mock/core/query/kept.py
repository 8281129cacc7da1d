"""One filter and sort kept answered: the matching items in order, updated item by item as they change.

A client that polls the same list (a dashboard, a job monitor, a test waiting for its jobs) asks the same
question again and again over a large collection. `select` answers it by reading every item; a KeptQuery
answers it from a sorted list of the matches, so a page costs O(log n + page) and a changed item O(log n).

The order is exactly `select`'s (see paging.py): each match is kept under a key of its ranks and its place in
insertion order. When every sort key has the same direction the ranks are kept as they are and a descending
query reads the list backwards, with the insertion place negated so that ties still come oldest first; with
mixed directions the descending ranks are wrapped to compare inverted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sortedcontainers import SortedList

from viya_mock.core.query.filters import Predicate
from viya_mock.core.query.paging import Descending, SortKey, getter, rank

Entry = tuple[Any, ...]


class KeptQuery:
    """The items matching `predicate`, in `sort` order; items are named by id and placed by `order`, their
    position in insertion order (smaller first among ties)."""

    def __init__(self, predicate: Predicate | None, sort: Sequence[SortKey]) -> None:
        self.predicate = predicate
        self.sort = tuple(sort)
        self._getters = [getter(key.path) for key in self.sort]
        directions = {key.descending for key in self.sort}
        self._backwards = directions == {True}
        self._mixed = len(directions) > 1
        self._entries: SortedList = SortedList()
        self._members: dict[str, Entry] = {}

    def _entry(self, item_id: str, doc: Mapping[str, Any], order: int) -> Entry:
        ranks: list[Any] = [rank(get(doc)) for get in self._getters]
        if self._mixed:
            ranks = [Descending(r) if key.descending else r for r, key in zip(ranks, self.sort, strict=True)]
        ranks.append(-order if self._backwards else order)
        ranks.append(item_id)
        return tuple(ranks)

    def _matches(self, doc: Mapping[str, Any]) -> bool:
        return self.predicate is None or self.predicate(doc)

    def rebuild(self, items: Iterable[tuple[str, Mapping[str, Any], int]]) -> None:
        """Start over from every item: (id, document, order)."""
        entries = {item_id: self._entry(item_id, doc, order) for item_id, doc, order in items if self._matches(doc)}
        self._members = entries
        self._entries = SortedList(entries.values())

    def update(self, item_id: str, doc: Mapping[str, Any] | None, order: int) -> None:
        """Item `item_id` now reads `doc` (None: it is gone)."""
        old = self._members.pop(item_id, None)
        if old is not None:
            self._entries.remove(old)
        if doc is not None and self._matches(doc):
            entry = self._entry(item_id, doc, order)
            self._members[item_id] = entry
            self._entries.add(entry)

    def page(self, start: int, limit: int) -> list[str]:
        """The ids of the matches at [start, start + limit) in the query's order."""
        size = len(self._entries)
        stop = min(start + limit, size)
        if start >= stop:
            return []
        if self._backwards:
            chosen = self._entries.islice(size - stop, size - start, reverse=True)
        else:
            chosen = self._entries.islice(start, stop)
        return [entry[-1] for entry in chosen]

    def __len__(self) -> int:
        return len(self._entries)


def key_of(filter_text: str | None, sort: Sequence[SortKey]) -> tuple[str, tuple[SortKey, ...]]:
    """What makes two list requests the same question: the filter's text (blank is none) and the sort."""
    text = filter_text.strip() if filter_text is not None else ""
    return text, tuple(sort)
