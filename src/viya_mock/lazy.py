"""Connexion imported without the libraries it imports at module level and a server never calls.

`connexion.apps.abstract` imports Starlette's test client (and with it httpx) for `App.test_client()`,
`connexion.security` imports httpx for token introspection the mock does not use, and `connexion.json_schema`
imports requests to fetch remote `$ref`s, which the bundled documents do not have; together they were about
a third of the server's start-up. While Connexion is imported, those two module
names stand for small modules that import the real library on first use (`TestClient(...)`,
`requests.get(...)`, or any other attribute); once Connexion is in, the names are released, so anything that
imports them afterwards gets the real modules.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any


def _real(name: str) -> types.ModuleType:
    stub = sys.modules.get(name)
    if isinstance(stub, _Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


class _Deferred(types.ModuleType):
    """A module that is the real one as soon as anything but its deferred names is asked of it."""

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # the import system asks for `__path__` and the like: not the library
            raise AttributeError(attribute)
        return getattr(_real(self.__name__), attribute)


def _deferred_call(module: str, attribute: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_real(module), attribute)(*args, **kwargs)

    call.__name__ = attribute
    return call


# Each module, and the name Connexion takes from it at import time (deferred as a call), if any.
DEFERRED: dict[str, str | None] = {"starlette.testclient": "TestClient", "requests": "get", "httpx": None}


def import_connexion() -> None:
    """Import Connexion, the deferred modules standing in for their real ones meanwhile."""
    if "connexion" in sys.modules:
        return
    stubs = {}
    for name, attribute in DEFERRED.items():
        if name not in sys.modules:
            stub = _Deferred(name)
            if attribute is not None:
                setattr(stub, attribute, _deferred_call(name, attribute))
            sys.modules[name] = stubs[name] = stub
    try:
        importlib.import_module("connexion")
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]


# Imported for this, first thing, by the modules that build the app (see viya_mock.app).
import_connexion()
