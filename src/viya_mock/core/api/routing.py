"""Connexion's routing, with each request tried only against the routes that could match it.

Starlette's Router tries every route's regular expression in order until one matches; Connexion routes a
request twice that way (Swagger UI's router, then the operations' router, each a Mount per API with a
Route per path and method), so a GET of a job tried about sixty expressions. The routes and their order
stay Connexion's; `IndexedRouter` only skips, by the request's first path segment, the routes whose literal
beginning cannot match it, and the Swagger UI middleware is passed by for paths it cannot serve.
"""

from __future__ import annotations

import typing as t

import starlette.routing
from connexion.middleware.routing import RoutingAPI, RoutingMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.spec import Specification
from starlette._utils import get_route_path
from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

_ANY = "{"  # the key of routes whose first segment is not literal: they are candidates for every request


def _first_segment(path: str) -> str:
    """The route path's first segment (`jobs` of `/jobs/1`), or `{` when a parameter starts within it."""
    segment = path[1:].split("/", 1)[0]
    return _ANY if "{" in segment else segment


def _route_key(route: BaseRoute) -> str:
    if isinstance(route, Mount):
        # A mount at the root (the landing page's API) could take any path.
        return _first_segment(route.path + "/") if route.path else _ANY
    if isinstance(route, Route):
        return _first_segment(route.path_format)
    return _ANY


class IndexedRouter(Router):
    """A Starlette Router that tries, in their order, only the routes the request's first segment allows."""

    _index: dict[str, list[BaseRoute]]
    _wildcards: list[BaseRoute]
    _indexed: int = -1

    def _candidates(self, path: str) -> list[BaseRoute]:
        if self._indexed != len(self.routes):
            keys = [_route_key(route) for route in self.routes]
            self._index = {
                key: [route for route, other in zip(self.routes, keys, strict=True) if other in (key, _ANY)]
                for key in set(keys) - {_ANY}
            }
            self._wildcards = [route for route, key in zip(self.routes, keys, strict=True) if key == _ANY]
            self._indexed = len(self.routes)
        return self._index.get(path[1:].split("/", 1)[0], self._wildcards)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Starlette's Router.app, with the loop over self.routes narrowed to the candidates.
        if "router" not in scope:
            scope["router"] = self
        if scope["type"] == "lifespan":
            await self.lifespan(scope, receive, send)
            return
        path = get_route_path(scope)
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in self._candidates(path):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        if scope["type"] == "http" and self.redirect_slashes and path != "/":
            redirect_scope = dict(scope)
            redirect_scope["path"] = scope["path"].rstrip("/") if path.endswith("/") else scope["path"] + "/"
            for route in self.routes:
                match, _ = route.matches(redirect_scope)
                if match is not Match.NONE:
                    await RedirectResponse(url=str(URL(scope=redirect_scope)))(scope, receive, send)
                    return
        await self.default(scope, receive, send)


class _IndexedRoutingAPI(RoutingAPI):  # type: ignore[misc]
    router: Router

    def __init__(self, specification: Specification, **kwargs: t.Any) -> None:
        super().__init__(specification, **kwargs)
        self.router = IndexedRouter(routes=self.router.routes, default=self.router.default)


class IndexedRouting(RoutingMiddleware):  # type: ignore[misc]
    """Connexion's RoutingMiddleware on indexed routers (its add_api, with the API's router indexed)."""

    router: Router

    def __init__(self, app: t.Any) -> None:
        super().__init__(app)
        self.router = IndexedRouter(default=self.router.default)

    def add_api(self, specification: Specification, base_path: str | None = None, **kwargs: t.Any) -> None:
        api = _IndexedRoutingAPI(specification, base_path=base_path, next_app=self.app, **kwargs)
        # As Connexion does: a second API on the same base path is tried when the first has no route.
        for route in self.router.routes:
            if isinstance(route, starlette.routing.Mount) and route.path == api.base_path:
                t.cast(Router, route.app).default = api.router
        self.router.mount(api.base_path, app=api.router)


class SwaggerUIPassBy(SwaggerUIMiddleware):  # type: ignore[misc]
    """Connexion's Swagger UI middleware, entered only by paths it serves (an API's `/ui…`, `/openapi.*`).

    An API that serves neither its document nor a Swagger UI (the landing page at `/`) is not mounted: its
    empty mount at the root would take every path from the APIs below it."""

    def add_api(self, specification: Specification, base_path: str | None = None, **kwargs: t.Any) -> None:
        options = kwargs.get("swagger_ui_options")
        if options is not None and not options.serve_spec and not options.swagger_ui:
            return
        super().add_api(specification, base_path=base_path, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and "/ui" not in path and "/openapi." not in path:
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
