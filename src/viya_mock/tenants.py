"""Tenants: independent mocks behind one port, so that suites sharing a server cannot break each other.

A request names its tenant by a path prefix, `/t/<name>/…` (a client that takes only a base URL is given
`http://host:port/t/alice`), or by the header `X-Viya-Mock-Tenant: <name>`; with neither it reaches the
default tenant, which is the server as it was before tenants (`/t/default/…` reaches it too). Names match
`[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`; anything else is a 400.

Each tenant is a whole app from `create_app`, with its own Container: store, clock, scenario book, journal,
accounts, signing key, and a seed derived from `--seed` and its name, so ids differ between tenants and stay
the same from run to run. An app per tenant rather than tenant-aware services keeps the services, the
middleware and the state file exactly as they are for one tenant; the cost is ~0.3 s and a few MB per
tenant, which is why there is a cap (`--max-tenants`, a 429 past it) and why a tenant's app is built in a
worker thread (the event loop keeps serving the others), once, however many of its first requests arrive
together.

The router is the outermost ASGI app. A prefix-named tenant is served through `PrefixMiddleware`, which
puts the prefix into `root_path` and onto the URIs going out; a header-named one is served as is. A request
for a tenant that does not exist yet passes the admin guard (Host, Origin, admin token, cross-site writes)
before anything is built, so a page on another site cannot fill the server with tenants through a rebound
host name, and a refused admin write creates nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from dataclasses import dataclass, replace
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from viya_mock.admin.services.tenants import DEFAULT_NAME, NAME, TenantInfo, no_such_tenant, refuse_default
from viya_mock.app import admin_token_for, body_limit, create_app, guard_options
from viya_mock.clock import SystemClock
from viya_mock.container import Container
from viya_mock.core.api.render import error_response, viya_error_body
from viya_mock.core.domain.errors import BadRequest, TooManyTenants, ViyaError
from viya_mock.core.domain.limits import excerpt
from viya_mock.middleware import route_path
from viya_mock.middleware.admin_guard import AdminGuard
from viya_mock.middleware.prefix import PrefixMiddleware
from viya_mock.randomness import derived_seed
from viya_mock.settings import Settings
from viya_mock.state import DEFAULT_TENANT

TENANT_HEADER = "X-Viya-Mock-Tenant"
_HEADER = TENANT_HEADER.lower().encode()
PREFIX = "/t/"


@dataclass(frozen=True, slots=True)
class Tenant:
    name: str
    app: Any  # the tenant's Connexion app (an ASGI app with `.container`)
    container: Container
    created: int  # epoch milliseconds, real time
    prefixed: ASGIApp  # the same app served under /t/<name>

    def info(self) -> TenantInfo:
        return TenantInfo(self.name, self.created, self.container.jobs.count())


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise BadRequest(
            f"{excerpt(name, 80)!r} is not a tenant name: 1 to 64 letters, digits, '_', '.' or '-', starting with "
            "a letter or digit.",
            details=[f"tenant: {excerpt(name, 80)}"],
        )
    return name


class Tenants:
    """The router: which tenant a request is for, and the tenants built so far (the admin API's directory)."""

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or Settings()
        # One admin token for the whole server (a tenant's app would otherwise draw its own off loopback).
        self.admin_token = admin_token_for(settings)
        self.settings = replace(settings, admin_token=self.admin_token)
        self.max_tenants = settings.max_tenants
        self._wall = SystemClock()
        self._lock = threading.Lock()  # the tables below change on the loop and in builder threads
        self._named: dict[str, Tenant] = {}
        self._pending: dict[str, concurrent.futures.Future[Tenant]] = {}
        self.default = self._build(DEFAULT_NAME, self.settings, warm=False)
        self._guard = AdminGuard(self._first_request, **guard_options(self.settings, self.admin_token))

    # -- what a single app offered, for the servers and the pytest plugin ---------------------------

    @property
    def container(self) -> Container:
        """The default tenant's container."""
        return self.default.container

    # -- the directory ------------------------------------------------------------------------------

    def containers(self) -> dict[str, Container]:
        """Every tenant's container by name, the default one under the state file's name for it."""
        with self._lock:
            named = sorted(self._named.items())
        return {DEFAULT_TENANT: self.default.container, **{name: tenant.container for name, tenant in named}}

    def describe(self) -> list[TenantInfo]:
        with self._lock:
            named = [tenant for _, tenant in sorted(self._named.items())]
        return [self.default.info(), *(tenant.info() for tenant in named)]

    def get_or_create(self, name: str) -> Tenant:
        """The tenant of this name, built in the calling thread if it does not exist yet."""
        if check_name(name) == DEFAULT_NAME:
            return self.default
        future, owner = self._claim(name)
        if isinstance(future, Tenant):
            return future
        if owner:
            self._build_claimed(name, future)
        tenant: Tenant = future.result()
        return tenant

    def delete(self, name: str) -> None:
        """Forget a named tenant; its long polls answer now, its next request starts a new tenant."""
        refuse_default(name)
        with self._lock:
            tenant = self._named.pop(name, None)
        if tenant is None:
            raise no_such_tenant(name)
        tenant.container.clock.changes.release_all()

    def restore_target(self, name: str) -> Container | None:
        """The container a state file's tenant goes into (None: not a name, or no room for it)."""
        if name == DEFAULT_TENANT:
            return self.default.container
        if name == DEFAULT_NAME or not NAME.fullmatch(name):
            return None
        try:
            return self.get_or_create(name).container
        except TooManyTenants:
            return None

    # -- building -----------------------------------------------------------------------------------

    def _settings_for(self, name: str) -> Settings:
        return replace(self.settings, seed=derived_seed(self.settings.seed, name))

    def _build(self, name: str, settings: Settings, *, warm: bool) -> Tenant:
        app = create_app(settings, tenants=self)
        if warm and not _loop_running():
            asyncio.run(_warm_up(app))
        prefixed = PrefixMiddleware(
            app, f"{PREFIX}{name}", body_limit=body_limit(settings), read_timeout=settings.read_timeout
        )
        return Tenant(name, app, app.container, self._wall.now(), prefixed)

    def _claim(self, name: str) -> tuple[Any, bool]:
        """The tenant if it exists; else the future it will arrive in, and whether the caller must build it."""
        with self._lock:
            tenant = self._named.get(name)
            if tenant is not None:
                return tenant, False
            future = self._pending.get(name)
            if future is not None:
                return future, False
            if len(self._named) + len(self._pending) >= self.max_tenants:
                raise TooManyTenants(
                    f"This server keeps at most {self.max_tenants} named tenants (--max-tenants "
                    f"{self.max_tenants}), and the tenant {name} would be one more. Delete one with "
                    "DELETE /__admin/tenants/{name}, or start the server with a higher --max-tenants.",
                    details=[f"tenant: {name}", f"maxTenants: {self.max_tenants}"],
                )
            future = concurrent.futures.Future()
            future.set_running_or_notify_cancel()  # nobody can cancel it: it ends when the build does
            self._pending[name] = future
            return future, True

    def _build_claimed(self, name: str, future: concurrent.futures.Future[Tenant]) -> None:
        try:
            tenant = self._build(name, self._settings_for(name), warm=True)
        except BaseException as error:
            with self._lock:
                self._pending.pop(name, None)
            future.set_exception(error)
            return
        with self._lock:
            self._named[name] = tenant
            self._pending.pop(name, None)
        future.set_result(tenant)

    async def _obtain(self, name: str) -> Tenant:
        """The tenant, built off the event loop if it is new; concurrent first requests share one build."""
        claimed, owner = self._claim(name)
        if isinstance(claimed, Tenant):
            return claimed
        if owner:
            # Not awaited directly: a request cancelled meanwhile must not leave the build half-registered.
            asyncio.get_running_loop().run_in_executor(None, self._build_claimed, name, claimed)
        tenant: Tenant = await asyncio.shield(asyncio.wrap_future(claimed))
        return tenant

    # -- routing ------------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan: the default tenant's app (the others have no lifespan work)
            await self.default.app(scope, receive, send)
            return
        try:
            name, prefixed = _named_by(scope)
        except BadRequest as error:
            await _refuse(error, scope, receive, send)
            return
        if name is None or name == DEFAULT_NAME:
            tenant = self.default
        else:
            found = self._named.get(name)
            if found is None:
                await self._guard(scope, receive, send)
                return
            tenant = found
        await (tenant.prefixed if prefixed else tenant.app)(scope, receive, send)

    async def _first_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request for a tenant that did not exist when it arrived, once the admin guard has let it through."""
        name, prefixed = _named_by(scope)
        assert name is not None
        try:
            tenant = await self._obtain(name)
        except ViyaError as error:
            await _refuse(error, scope, receive, send)
            return
        await (tenant.prefixed if prefixed else tenant.app)(scope, receive, send)


def _named_by(scope: Scope) -> tuple[str | None, bool]:
    """The tenant a request names (None: the default) and whether it named it by the path prefix."""
    header = next((value for key, value in scope["headers"] if key == _HEADER), None)
    from_header = header.decode("latin-1").strip() if header is not None else None
    path = route_path(scope)
    if path.startswith(PREFIX):
        end = path.find("/", len(PREFIX))
        name = check_name(path[len(PREFIX) :] if end < 0 else path[len(PREFIX) : end])
        if from_header is not None and from_header != name:
            raise BadRequest(
                f"The path names the tenant {name} and the {TENANT_HEADER} header {excerpt(from_header, 80)!r}; "
                "name one tenant, by either.",
                details=[f"tenant: {name}"],
            )
        return name, True
    if from_header is not None:
        return check_name(from_header), False
    return None, False


async def _refuse(error: ViyaError, scope: Scope, receive: Receive, send: Send) -> None:
    await error_response(viya_error_body(error, excerpt(scope["path"], 200)))(scope, receive, send)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _warm_up(app: Any) -> None:
    """A health probe through a new app: it builds Connexion's middleware stack, which Connexion otherwise
    builds on the event loop at the app's first request (a fifth of the cost of a tenant)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/__admin/health",
        "raw_path": b"/__admin/health",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    await app(scope, receive, send)
