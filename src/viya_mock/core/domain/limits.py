"""Bounds on the shape of what clients send, so that no input can exhaust the stack or memory.

The values are recorded in NOTES.md ("Limits on hostile input").
"""

from __future__ import annotations

from typing import Any

# How deeply a JSON request body, a scenario's YAML or an imported store may nest arrays and objects. The
# deepest document the SAS APIs define nests fewer than ten levels; a store export adds about six around it.
MAX_DEPTH = 64
# How many nodes (scalars, sequences, mappings) a scenario text may hold once its aliases are expanded.
MAX_YAML_NODES = 100_000


def deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and dicts in `value` nest more than `limit` levels (a scalar is level 0), without recursion."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
