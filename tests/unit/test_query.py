"""sortBy parsing, and filtering, counting, sorting and paging a collection in one pass."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from viya_mock.core.query.filters import compile_filter
from viya_mock.core.query.paging import Page, SortError, SortKey, parse_sort, select

ALLOWED = {"name", "state", "creationTimeStamp", "jobRequest.name", "priority", "mixed"}
DEFAULT = (SortKey(("creationTimeStamp",), True),)


def key(field: str, descending: bool = False) -> SortKey:
    return SortKey(tuple(field.split(".")), descending)


def sort_error_of(text: str) -> SortError:
    with pytest.raises(SortError) as caught:
        parse_sort(text, ALLOWED, DEFAULT)
    return caught.value


def identity(doc: dict[str, Any]) -> dict[str, Any]:
    return doc


def page(
    items: Sequence[dict[str, Any]],
    sort: Sequence[SortKey] = (),
    *,
    start: int = 0,
    limit: int = 1_000_000,
    filter_text: str | None = None,
) -> Page[dict[str, Any]]:
    predicate = compile_filter(filter_text) if filter_text else None
    return select(items, doc=identity, predicate=predicate, sort=sort, start=start, limit=limit)


def ids(result: Page[dict[str, Any]]) -> list[Any]:
    return [item["id"] for item in result.items]


# ----------------------------------------------------------------------------------------- parse_sort


@pytest.mark.parametrize("text", [None, "", "   "])
def test_no_sortby_means_the_default_order(text: str | None) -> None:
    assert parse_sort(text, ALLOWED, DEFAULT) == DEFAULT


def test_a_key_without_direction_sorts_ascending() -> None:
    assert parse_sort("name", ALLOWED, DEFAULT) == (key("name"),)


def test_explicit_directions_are_honoured() -> None:
    assert parse_sort("name:ascending", ALLOWED, DEFAULT) == (key("name"),)
    assert parse_sort("name:descending", ALLOWED, DEFAULT) == (key("name", True),)


def test_several_keys_keep_their_order_first_primary_and_split_dotted_paths() -> None:
    assert parse_sort("state:descending,jobRequest.name,creationTimeStamp:ascending", ALLOWED, DEFAULT) == (
        key("state", True),
        SortKey(("jobRequest", "name"), False),
        key("creationTimeStamp"),
    )


def test_whitespace_around_keys_and_directions_is_ignored() -> None:
    assert parse_sort(" state : descending , name ", ALLOWED, DEFAULT) == (key("state", True), key("name"))


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("color", "'color' is not a field that can be sorted by", 0),
        ("color:ascending", "'color' is not a field that can be sorted by", 0),
        ("name,color:descending", "'color' is not a field that can be sorted by", 5),
        ("name:descending,  color", "'color' is not a field that can be sorted by", 18),
        ("Name", "'Name' is not a field that can be sorted by", 0),
        ("jobRequest", "'jobRequest' is not a field that can be sorted by", 0),
        ("name:up", "The direction for 'name' must be ascending or descending, not 'up'", 5),
        ("state,name: desc", "The direction for 'name' must be ascending or descending, not 'desc'", 12),
        ("name:Descending", "The direction for 'name' must be ascending or descending, not 'Descending'", 5),
        ("name:", "The direction for 'name' must be ascending or descending, not ''", 5),
        ("name:down:up", "The direction for 'name' must be ascending or descending, not 'down:up'", 5),
        ("name,,state", "Expected a field name to sort by", 5),
        ("name,", "Expected a field name to sort by", 5),
        (":descending", "Expected a field name to sort by", 0),
        ("name, :ascending", "Expected a field name to sort by", 6),
    ],
)
def test_a_bad_sortby_names_the_problem_and_its_position(text: str, message: str, position: int) -> None:
    error = sort_error_of(text)
    assert (error.message, error.position) == (message, position)
    assert str(error) == f"{message} at position {position}"
    assert isinstance(error, ValueError)


# -------------------------------------------------------------------------------- filtering and paging

ITEMS = [{"id": n, "n": n, "even": n % 2 == 0} for n in range(10)]


def test_the_count_is_every_match_not_the_page() -> None:
    result = page(ITEMS, filter_text="eq(even,true)", start=1, limit=2)
    assert result.count == 5
    assert ids(result) == [2, 4]
    assert (result.start, result.limit) == (1, 2)


def test_without_a_filter_everything_counts() -> None:
    result = page(ITEMS, limit=3)
    assert result.count == 10
    assert ids(result) == [0, 1, 2]


def test_without_a_sort_items_keep_insertion_order() -> None:
    shuffled = [ITEMS[(n * 3) % 10] for n in range(10)]
    assert ids(page(shuffled, start=2, limit=4)) == [6, 9, 2, 5]


def test_limit_zero_returns_no_items_but_the_full_count() -> None:
    result = page(ITEMS, [key("n", True)], filter_text="gt(n,2)", limit=0)
    assert result.items == []
    assert result.count == 7
    assert result.limit == 0


def test_a_start_past_the_end_returns_no_items_but_the_full_count() -> None:
    result = page(ITEMS, [key("n")], start=10, limit=5)
    assert result.items == []
    assert result.count == 10


def test_the_last_page_may_be_short() -> None:
    result = page(ITEMS, [key("n", True)], start=8, limit=5)
    assert ids(result) == [1, 0]


def test_no_matches_gives_an_empty_page_and_zero_count() -> None:
    result = page(ITEMS, [key("n")], filter_text="gt(n,100)", limit=5)
    assert (result.items, result.count) == ([], 0)


def test_items_may_be_a_one_shot_iterator() -> None:
    def generate() -> Iterator[dict[str, Any]]:
        yield from ITEMS

    result = select(generate(), doc=identity, predicate=None, sort=[key("n", True)], start=0, limit=3)
    assert ids(result) == [9, 8, 7]
    assert result.count == 10


def test_doc_is_built_at_most_once_per_item() -> None:
    calls: list[int] = []

    def doc(item: int) -> dict[str, Any]:
        calls.append(item)
        return {"n": item, "half": item // 2}

    result = select(
        range(100),
        doc=doc,
        predicate=compile_filter("lt(n,50)"),
        sort=[key("half", True), key("n")],
        start=0,
        limit=3,
    )
    assert result.items == [48, 49, 46]
    assert sorted(calls) == list(range(100))


def test_doc_is_not_built_when_nothing_filters_or_sorts() -> None:
    def doc(item: int) -> dict[str, Any]:
        raise AssertionError("doc should not be needed")

    result = select(range(5), doc=doc, predicate=None, sort=(), start=1, limit=2)
    assert (result.items, result.count) == ([1, 2], 5)


def test_negative_start_or_limit_is_a_caller_bug() -> None:
    with pytest.raises(AssertionError):
        select(ITEMS, doc=identity, predicate=None, sort=(), start=-1, limit=5)
    with pytest.raises(AssertionError):
        select(ITEMS, doc=identity, predicate=None, sort=(), start=0, limit=-1)


# ------------------------------------------------------------------------------------------- ordering


def test_missing_and_null_values_sort_first_ascending_and_last_descending() -> None:
    items: list[dict[str, Any]] = [{"id": "a", "v": 2}, {"id": "b"}, {"id": "c", "v": 1}, {"id": "d", "v": None}]
    assert ids(page(items, [key("v")])) == ["b", "d", "c", "a"]
    assert ids(page(items, [key("v", True)])) == ["a", "c", "b", "d"]


def test_mixed_types_sort_nulls_numbers_strings_then_the_rest_without_raising() -> None:
    items: list[dict[str, Any]] = [
        {"id": "list", "v": [1]},
        {"id": "str", "v": "10"},
        {"id": "num", "v": 10},
        {"id": "null", "v": None},
        {"id": "obj", "v": {"a": 1}},
        {"id": "float", "v": 2.5},
    ]
    assert ids(page(items, [key("v")])) == ["null", "float", "num", "str", "list", "obj"]
    assert ids(page(items, [key("v", True)])) == ["obj", "list", "str", "num", "float", "null"]


def test_numbers_sort_numerically_not_as_text() -> None:
    items = [{"id": n, "v": n} for n in (100, 9, 20, 3)]
    assert ids(page(items, [key("v")])) == [3, 9, 20, 100]


def test_strings_sort_without_regard_to_case_with_exact_text_breaking_ties() -> None:
    items = [{"id": i, "name": name} for i, name in enumerate(["beta", "Update", "alpha", "Beta", "update"])]
    assert [item["name"] for item in page(items, [key("name")]).items] == ["alpha", "Beta", "beta", "Update", "update"]
    assert [item["name"] for item in page(items, [key("name", True)]).items] == [
        "update",
        "Update",
        "beta",
        "Beta",
        "alpha",
    ]


def test_a_nested_path_sorts_by_the_nested_value() -> None:
    items = [{"id": i, "jobRequest": {"name": name}} for i, name in enumerate(["b", "c", "a"])] + [{"id": 3}]
    assert ids(page(items, [key("jobRequest.name")])) == [3, 2, 0, 1]


def test_a_path_through_a_non_object_sorts_as_missing() -> None:
    items = [{"id": 0, "jobRequest": "flat"}, {"id": 1, "jobRequest": {"name": "a"}}]
    assert ids(page(items, [key("jobRequest.name", True)])) == [1, 0]


def test_multiple_keys_with_mixed_directions() -> None:
    items = [
        {"id": 0, "state": "running", "t": 1},
        {"id": 1, "state": "completed", "t": 5},
        {"id": 2, "state": "running", "t": 3},
        {"id": 3, "state": "completed", "t": 2},
        {"id": 4, "state": "failed", "t": 4},
    ]
    assert ids(page(items, [key("state"), key("t", True)])) == [1, 3, 4, 2, 0]
    assert ids(page(items, [key("state", True), key("t")])) == [0, 2, 4, 3, 1]


def test_ties_keep_insertion_order_in_both_directions() -> None:
    items = [{"id": i, "group": i % 3} for i in range(9)]
    assert ids(page(items, [key("group")])) == [0, 3, 6, 1, 4, 7, 2, 5, 8]
    assert ids(page(items, [key("group", True)])) == [2, 5, 8, 1, 4, 7, 0, 3, 6]


def test_ties_keep_insertion_order_on_the_top_k_path_too() -> None:
    items = [{"id": i, "group": i % 3} for i in range(300)]
    assert ids(page(items, [key("group")], limit=4)) == [0, 3, 6, 9]
    assert ids(page(items, [key("group", True)], limit=4)) == [2, 5, 8, 11]
    assert ids(page(items, [key("group", True), key("id")], start=1, limit=3)) == [5, 8, 11]


# ------------------------------------------------------------------------ top-k against a full sort

STATES = ["running", "completed", "failed", "Canceled", "pending"]
NAMES = ["alpha", "Alpha", "beta", "Beta", "gamma", "Gamma", "delta"]


def generated(count: int) -> list[dict[str, Any]]:
    """Deterministic, shuffled-looking documents with many ties, nulls, missing members and mixed types."""
    items: list[dict[str, Any]] = []
    for i in range(count):
        doc: dict[str, Any] = {"id": i, "state": STATES[(i * 7) % 5]}
        if i % 17:
            doc["priority"] = None if i % 13 == 0 else (i * 37) % 11
        doc["name"] = NAMES[(i * 3 + i // 7) % 7]
        doc["creationTimeStamp"] = f"2026-01-{1 + (i * 11) % 28:02d}T{(i * 5) % 24:02d}:00:00.000Z"
        doc["mixed"] = [(i * 13) % 50, f"s{(i * 13) % 50}", None, 2.5, ["x"]][(i * 31) % 5]
        if i % 5:
            doc["jobRequest"] = {"name": NAMES[(i * 5) % 7]}
        items.append(doc)
    return items


def _reference_compare(a: Any, b: Any) -> int:
    """The documented order written out longhand, independent of the implementation's key tuples."""

    def kind(value: Any) -> int:
        if value is None:
            return 0
        if isinstance(value, int | float):
            return 1
        if isinstance(value, str):
            return 2
        return 3

    if kind(a) != kind(b):
        return -1 if kind(a) < kind(b) else 1
    if kind(a) == 0:
        return 0
    left: Any
    right: Any
    if kind(a) == 2:
        left, right = (a.casefold(), a), (b.casefold(), b)
    elif kind(a) == 3:
        left, right = str(a), str(b)
    else:
        left, right = a, b
    return -1 if left < right else 1 if left > right else 0


def reference_order(items: list[dict[str, Any]], sort: Sequence[SortKey]) -> list[Any]:
    def lookup(doc: Any, path: tuple[str, ...]) -> Any:
        for part in path:
            doc = doc.get(part) if isinstance(doc, dict) else None
        return doc

    def compare(left: tuple[int, dict[str, Any]], right: tuple[int, dict[str, Any]]) -> int:
        for sort_key in sort:
            result = _reference_compare(lookup(left[1], sort_key.path), lookup(right[1], sort_key.path))
            if result:
                return -result if sort_key.descending else result
        return left[0] - right[0]

    return [doc["id"] for _, doc in sorted(enumerate(items), key=functools.cmp_to_key(compare))]


SORTS = [
    [key("state")],
    [key("state", True)],
    [key("priority")],
    [key("priority", True)],
    [key("mixed")],
    [key("mixed", True)],
    [key("state"), key("priority", True)],
    [key("state", True), key("priority")],
    [key("state", True), key("priority", True)],
    [key("name"), key("creationTimeStamp", True)],
    [key("jobRequest.name", True), key("name"), key("priority", True)],
    [key("priority"), key("mixed", True), key("state")],
]
ITEMS_3000 = generated(3000)


def describe(sort: list[SortKey]) -> str:
    return ",".join(".".join(k.path) + (":descending" if k.descending else "") for k in sort)


@pytest.mark.parametrize("sort", SORTS, ids=describe)
def test_top_k_selection_and_a_full_sort_give_the_same_order(sort: list[SortKey]) -> None:
    expected = reference_order(ITEMS_3000, sort)
    full = ids(page(ITEMS_3000, sort, start=0, limit=3000))
    assert full == expected
    for start, limit in [(0, 1), (0, 20), (20, 20), (137, 50), (300, 40)]:
        assert (start + limit) * 8 <= 3000  # small enough for the top-k path
        assert ids(page(ITEMS_3000, sort, start=start, limit=limit)) == full[start : start + limit]
    for start, limit in [(1000, 20), (2990, 20), (0, 2999)]:
        assert ids(page(ITEMS_3000, sort, start=start, limit=limit)) == full[start : start + limit]


def test_top_k_and_full_sort_agree_after_filtering_too() -> None:
    sort = [key("state", True), key("creationTimeStamp")]
    text = "and(ne(state,'failed'),not(isNull(priority)))"
    matching = [item for item in ITEMS_3000 if compile_filter(text)(item)]
    expected = reference_order(matching, sort)
    small = page(ITEMS_3000, sort, filter_text=text, start=40, limit=20)
    large = page(ITEMS_3000, sort, filter_text=text, start=0, limit=3000)
    assert small.count == large.count == len(matching)
    assert ids(large) == expected
    assert ids(small) == expected[40:60]


def test_a_sort_by_a_field_no_item_has_keeps_insertion_order() -> None:
    assert ids(page(ITEMS_3000, [key("nothing", True)], limit=5)) == [0, 1, 2, 3, 4]
    assert ids(page(ITEMS_3000, [key("nothing")], start=2995, limit=10)) == [2995, 2996, 2997, 2998, 2999]
