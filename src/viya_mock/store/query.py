"""Sorting and paging, applied once per list request.

A page of 20 out of 100,000 jobs must not sort all 100,000: when the page is small next to the matches,
only the first start+limit items are selected (heapq), which gives the same order as a full stable sort.
Missing or null values sort first in ascending order and last in descending order; strings sort without
regard to case; ties keep insertion order, so a collection pages the same way every time.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import total_ordering
from typing import Any, Generic, TypeVar

from viya_mock.store.filters import Predicate, QueryError

T = TypeVar("T")
_DIRECTIONS = {"ascending": False, "descending": True}


class SortError(QueryError):
    pass


@dataclass(frozen=True, slots=True)
class SortKey:
    path: tuple[str, ...]
    descending: bool


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    start: int
    limit: int
    count: int


def parse_sort(text: str | None, allowed: Collection[str], default: Sequence[SortKey]) -> tuple[SortKey, ...]:
    """`key[:ascending|:descending][,key…]`, first key primary."""
    if text is None or not text.strip():
        return tuple(default)
    keys = []
    position = 0
    for part in text.split(","):
        field, _, direction = part.strip().partition(":")
        if field not in allowed:
            raise SortError(f"'{field}' is not a field that can be sorted by", position)
        if direction and direction not in _DIRECTIONS:
            raise SortError(f"'{direction}' is not ascending or descending", position + len(field) + 1)
        keys.append(SortKey(tuple(field.split(".")), _DIRECTIONS.get(direction, False)))
        position += len(part) + 1
    return tuple(keys)


def _value(doc: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = doc
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _rank(value: Any) -> tuple[int, Any]:
    """A comparable form of any JSON value: nulls, then numbers, then strings, then anything else."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        # Names sort as people read them ("alpha" before "Update"); exact text breaks ties.
        return (2, (value.casefold(), value))
    return (3, str(value))


@total_ordering
class _Reversed:
    """Inverts the order of a key component, so one composite key serves mixed directions."""

    __slots__ = ("key",)

    def __init__(self, key: tuple[int, Any]) -> None:
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.key == other.key

    def __lt__(self, other: _Reversed) -> bool:
        return other.key < self.key

    def __hash__(self) -> int:
        return hash(self.key)


def _key_function(sort: Sequence[SortKey], doc: Callable[[T], Mapping[str, Any]]) -> Callable[[T], tuple[Any, ...]]:
    if len(sort) == 1:
        path, descending = sort[0].path, sort[0].descending
        if descending:
            return lambda item: (_Reversed(_rank(_value(doc(item), path))),)
        return lambda item: (_rank(_value(doc(item), path)),)

    def key(item: T) -> tuple[Any, ...]:
        document = doc(item)
        return tuple(
            _Reversed(_rank(_value(document, k.path))) if k.descending else _rank(_value(document, k.path))
            for k in sort
        )

    return key


def select(
    items: Iterable[T],
    *,
    doc: Callable[[T], Mapping[str, Any]],
    predicate: Predicate | None,
    sort: Sequence[SortKey],
    start: int,
    limit: int,
) -> Page[T]:
    """Filter, count every match, sort, and cut out one page."""
    assert start >= 0 and limit >= 0
    matches = list(items) if predicate is None else [item for item in items if predicate(doc(item))]
    count = len(matches)
    wanted = start + limit
    if limit == 0 or start >= count:
        return Page(items=[], start=start, limit=limit, count=count)
    key = _key_function(sort, doc)
    if wanted * 8 < count:
        # Top-k: the index breaks ties by insertion order, exactly as a stable sort would.
        decorated = heapq.nsmallest(wanted, ((key(item), index, item) for index, item in enumerate(matches)))
        ordered = [item for _, _, item in decorated]
    else:
        ordered = sorted(matches, key=key)
    return Page(items=ordered[start:wanted], start=start, limit=limit, count=count)
