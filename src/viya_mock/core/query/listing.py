"""Collection queries shared by every list operation: filter and sort text in, a page out."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from viya_mock.core.domain.errors import InvalidFilter, InvalidSort, UnknownField
from viya_mock.core.domain.limits import excerpt
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.filters import FilterError, Predicate, UnknownFieldError, compile_filter
from viya_mock.core.query.paging import Page, SortError, SortKey, parse_sort, select

T = TypeVar("T")


class CompiledFilters:
    """Compiled filters by text and field table, the most recently used kept, bounded in bytes.

    Clients poll with the same filter over and over, so parsing once per distinct text is enough. A compiled
    filter is about as large as its text, so the cache keeps at most `max_chars` characters of filter text in
    all (and `max_entries` filters); a text longer than `max_text` is compiled for its request and not kept.
    """

    def __init__(self, max_entries: int = 512, max_chars: int = 256 * 1024, max_text: int = 4 * 1024) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.max_text = max_text
        self._entries: OrderedDict[tuple[str, QueryFields], Predicate] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def __call__(self, text: str, fields: QueryFields) -> Predicate:
        key = (text, fields)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        predicate = compile_filter(text, fields)
        if len(text) <= self.max_text:
            with self._lock:
                if key not in self._entries:
                    self._entries[key] = predicate
                    self._chars += len(text)
                    while len(self._entries) > self.max_entries or self._chars > self.max_chars:
                        (old, _), _ = self._entries.popitem(last=False)
                        self._chars -= len(old)
        return predicate

    @property
    def chars(self) -> int:
        """Characters of filter text held, for tests of the bound."""
        return self._chars

    def __len__(self) -> int:
        return len(self._entries)


# The process-wide cache of compiled filters (a filter means the same whichever app compiles it).
compiled_filters = CompiledFilters()


def _unknown_field(error: UnknownFieldError, parameter: str) -> UnknownField:
    return UnknownField(
        f"{error.message}.", details=[f"{parameter}: at position {error.position}", "fields: " + error.fields.listing()]
    )


def predicate_for(text: str | None, fields: QueryFields) -> Predicate | None:
    if text is None or not text.strip():
        return None
    try:
        return compiled_filters(text, fields)
    except UnknownFieldError as error:
        raise _unknown_field(error, "filter") from error
    except FilterError as error:
        raise InvalidFilter(f"The filter '{excerpt(text)}' is not valid.", details=[str(error)]) from error


def sort_for(text: str | None, fields: QueryFields, default: Sequence[SortKey]) -> tuple[SortKey, ...]:
    try:
        return parse_sort(text, fields, default)
    except UnknownFieldError as error:
        raise _unknown_field(error, "sortBy") from error
    except SortError as error:
        raise InvalidSort(f"The sortBy value '{excerpt(str(text))}' is not valid.", details=[str(error)]) from error


def page_of(
    items: Iterable[T],
    *,
    doc: Callable[[T], Mapping[str, Any]],
    filter_text: str | None,
    sort_text: str | None,
    fields: QueryFields,
    default_sort: Sequence[SortKey],
    start: int,
    limit: int,
) -> Page[T]:
    """One page of the items: `fields` is the collection's table of what filter and sortBy may name."""
    predicate = predicate_for(filter_text, fields)
    sort = sort_for(sort_text, fields, default_sort)
    return select(items, doc=doc, predicate=predicate, sort=sort, start=start, limit=limit)
