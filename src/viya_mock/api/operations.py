"""Routing as data: each operationId in the documents names a method of one handler object."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any


def operation_table(handlers: Iterable[object]) -> dict[str, Callable[..., Any]]:
    """Map every public coroutine method name (an operationId) to the bound method.

    Connexion refuses to start when an operationId has no entry, and a test checks that no entry is
    unused, so documents and handlers cannot drift apart silently.
    """
    table: dict[str, Callable[..., Any]] = {}
    for handler in handlers:
        for name in dir(handler):
            if name.startswith("_"):
                continue
            method = getattr(handler, name)
            if inspect.iscoroutinefunction(method) and name not in table:
                table[name] = method
    return table
