"""Collection queries shared by every list operation: filter and sort text in, a page out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from viya_mock.core.domain.errors import InvalidFilter, InvalidSort, UnknownField
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.filters import FilterError, Predicate, UnknownFieldError, compile_filter
from viya_mock.core.query.paging import Page, SortError, SortKey, parse_sort, select

T = TypeVar("T")


@lru_cache(maxsize=512)
def _compiled(text: str, fields: QueryFields) -> Predicate:
    # Clients poll with the same filter over and over; parsing once per distinct text is enough.
    return compile_filter(text, fields)


def _unknown_field(error: UnknownFieldError, parameter: str) -> UnknownField:
    return UnknownField(
        f"{error.message}.", details=[f"{parameter}: at position {error.position}", "fields: " + error.fields.listing()]
    )


def predicate_for(text: str | None, fields: QueryFields) -> Predicate | None:
    if text is None or not text.strip():
        return None
    try:
        return _compiled(text, fields)
    except UnknownFieldError as error:
        raise _unknown_field(error, "filter") from error
    except FilterError as error:
        raise InvalidFilter(f"The filter '{text}' is not valid.", details=[str(error)]) from error


def sort_for(text: str | None, fields: QueryFields, default: Sequence[SortKey]) -> tuple[SortKey, ...]:
    try:
        return parse_sort(text, fields, default)
    except UnknownFieldError as error:
        raise _unknown_field(error, "sortBy") from error
    except SortError as error:
        raise InvalidSort(f"The sortBy value '{text}' is not valid.", details=[str(error)]) from error


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
