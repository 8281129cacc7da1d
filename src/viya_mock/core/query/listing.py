"""Collection queries shared by every list operation: filter and sort text in, a page out."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from viya_mock.core.domain.errors import InvalidFilter, InvalidSort
from viya_mock.core.query.filters import FilterError, Predicate, compile_filter
from viya_mock.core.query.paging import Page, SortError, SortKey, parse_sort, select

T = TypeVar("T")


@lru_cache(maxsize=512)
def _compiled(text: str) -> Predicate:
    # Clients poll with the same filter over and over; parsing once per distinct text is enough.
    return compile_filter(text)


def predicate_for(text: str | None) -> Predicate | None:
    if text is None or not text.strip():
        return None
    try:
        return _compiled(text)
    except FilterError as error:
        raise InvalidFilter(f"The filter '{text}' is not valid.", details=[str(error)]) from error


def sort_for(text: str | None, allowed: Collection[str], default: Sequence[SortKey]) -> tuple[SortKey, ...]:
    try:
        return parse_sort(text, allowed, default)
    except SortError as error:
        raise InvalidSort(
            f"The sortBy value '{text}' is not valid.",
            details=[str(error), "sortable fields: " + ", ".join(sorted(allowed))],
        ) from error


def page_of(
    items: Iterable[T],
    *,
    doc: Callable[[T], Mapping[str, Any]],
    filter_text: str | None,
    sort_text: str | None,
    sortable: Collection[str],
    default_sort: Sequence[SortKey],
    start: int,
    limit: int,
) -> Page[T]:
    predicate = predicate_for(filter_text)
    sort = sort_for(sort_text, sortable, default_sort)
    return select(items, doc=doc, predicate=predicate, sort=sort, start=start, limit=limit)
