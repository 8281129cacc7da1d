"""Bounds on the shape of what clients send, so that no input can exhaust the stack or memory.

The values are recorded in NOTES.md ("Limits on hostile input").
"""

from __future__ import annotations

from typing import Any

from viya_mock.core.domain.errors import HeadersTooLarge, PayloadTooLarge, RequestTimeout, UriTooLong, ViyaError

# How deeply a JSON request body, a scenario's YAML or an imported store may nest arrays and objects. The
# deepest document the SAS APIs define nests fewer than ten levels; a store export adds about six around it.
MAX_DEPTH = 64
# How many nodes (scalars, sequences, mappings) a scenario text may hold once its aliases are expanded.
MAX_YAML_NODES = 100_000


def deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and dicts in `value` nest more than `limit` levels (a scalar is level 0), without recursion."""
    return too_big(value, limit, None) is not None


# How many nodes (values, arrays and objects) a JSON request body may hold. The store import, whose body is a
# whole export, is exempt (core/api/validation.py); its size is bounded by --max-file-size instead.
MAX_JSON_NODES = 100_000

# The SAS filter language (core/query/filters.py): the text, the function calls ("terms") and the values a
# filter may hold. A list evaluates every term against every resource, so the terms bound the work per item.
MAX_FILTER_LENGTH = 32 * 1024
MAX_FILTER_TERMS = 100
MAX_FILTER_VALUES = 1_000
# sortBy: each key is one more comparison column over every match.
MAX_SORT_LENGTH = 4 * 1024
MAX_SORT_KEYS = 16

# The request head (request line and headers), checked by the transport and again by the app.
MAX_HEADER_COUNT = 100
MAX_HEAD_BYTES = 64 * 1024
MAX_TARGET_BYTES = 32 * 1024

# How much of a client's input an error message may quote, and how long any message or detail may be.
MAX_QUOTE = 200
MAX_MESSAGE = 1_000


def excerpt(text: str, limit: int = MAX_QUOTE) -> str:
    """`text`, or its start and end around an ellipsis when it is longer than `limit` characters."""
    if len(text) <= limit:
        return text
    tail = limit // 3
    return f"{text[: limit - tail - 1]}…{text[-tail:]}"


def too_big(value: Any, max_depth: int, max_nodes: int | None) -> str | None:
    """Why a parsed JSON value is too deep or holds too many values, or None.

    Iterative, so any depth is safe to walk; children are counted before they are queued, so the walk stops
    within one container of the limit.
    """
    pending: list[tuple[Any, int]] = [(value, 0)]
    nodes = 1
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > max_depth:
            return f"nests arrays and objects deeper than {max_depth} levels"
        nodes += len(children)
        if max_nodes is not None and nodes > max_nodes:
            return f"holds more than {max_nodes} values"
        pending.extend((child, depth + 1) for child in children)
    return None


def head_refusal(header_count: int, target_bytes: int, head_bytes: int) -> ViyaError | None:
    """Why a request head is refused (414, 431), or None: checked by the transport and again by the app."""
    if header_count > MAX_HEADER_COUNT:
        return HeadersTooLarge(f"The request has more than {MAX_HEADER_COUNT} header fields.")
    if target_bytes > MAX_TARGET_BYTES:
        return UriTooLong(f"The request's path and query are longer than {MAX_TARGET_BYTES} bytes.")
    if head_bytes > MAX_HEAD_BYTES:
        return HeadersTooLarge(f"The request's path, query and header fields are larger than {MAX_HEAD_BYTES} bytes.")
    return None


def body_too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")


def too_slow(part: str, seconds: float) -> RequestTimeout:
    return RequestTimeout(f"The request's {part} did not arrive within the read timeout of {seconds:g} s.")
