"""Routing as data: each operationId in the documents names a method of one handler object."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any


def operation_table(handlers: Iterable[object]) -> dict[str, Callable[..., Any]]:
    """Map every public coroutine method name (an operationId) to the bound method.

    Connexion refuses to start when an operationId has no entry, a test checks that no entry is unused, and
    two handlers offering the same operation are refused here, so documents and handlers cannot drift apart
    silently and no handler shadows another.
    """
    table: dict[str, Callable[..., Any]] = {}
    for handler in handlers:
        for name in dir(handler):
            if name.startswith("_"):
                continue
            method = getattr(handler, name)
            if not inspect.iscoroutinefunction(method):
                continue
            if name in table:
                other = type(getattr(table[name], "__self__", table[name])).__name__
                raise ValueError(f"operation {name!r} is offered by both {other} and {type(handler).__name__}")
            table[name] = method
    return table
