"""Guards the admin API against the web pages a developer's browser opens and, off loopback, the network.

Four rules, in this order (see the threat model in README.md):

* **Host** (every request, mocked APIs included): the `Host` header must name this server: `localhost`, any
  IP address, the `--host` value, or a name given with `--allowed-host` (`.example.com` admits its
  subdomains, `*` turns the check off). Anything else is 421: a page whose own domain was re-pointed at the
  mock (DNS rebinding) is refused before it reaches a handler or a trailing-slash redirect. An IP address is
  always allowed because a browser names a host by IP only when its page came from that IP, that is, from
  the mock itself.
* **Origin** (admin requests): a browser's `Origin`, when sent, must be a CORS origin (`--cors-origin`, by
  default any localhost origin) or the mock's own (the page Swagger UI is served from); else 403.
* **Token** (admin requests, once a token is set; off loopback one always is): `Authorization: Bearer
  <token>` or `X-Viya-Mock-Admin-Token: <token>`, else 401. The health probe, the document and Swagger UI
  stay open: they tell nothing and change nothing.
* **No cross-site writes** (admin POST, PUT, PATCH, DELETE): the request must carry the header
  `X-Viya-Mock-Admin` (any value; `1` by convention), an admin token header, or a Content-Type that is not
  one of the three a web page may send anywhere without asking (`text/plain`,
  `application/x-www-form-urlencoded`, `multipart/form-data`, or no body); else 403. A browser sends such a
  request cross-site only after a CORS preflight, which the mock grants only to allowed origins.

A mocked API request pays one Host lookup (cached); the other rules read headers only under `/__admin`,
also when a tenant's `/t/<name>` prefix comes before it.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from viya_mock.core.api.render import error_body, error_response
from viya_mock.middleware import ADMIN_PREFIX, route_path

ADMIN_HEADER = "X-Viya-Mock-Admin"
TOKEN_HEADER = "X-Viya-Mock-Admin-Token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
# The media types of a "simple" request (Fetch standard, CORS-safelisted Content-Type): a page on any site
# may POST these to any address without a preflight.
SIMPLE_TYPES = frozenset(("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"))
WRITES = frozenset(("POST", "PUT", "PATCH", "DELETE"))
TENANT_PREFIX = "/t/"
# Admin paths that need no token: they tell nothing about the mock's state and change nothing.
OPEN_READS = (f"{ADMIN_PREFIX}/health", f"{ADMIN_PREFIX}/openapi.json", f"{ADMIN_PREFIX}/ui")
HOSTS_REMEMBERED = 256
EXCERPT = 80
CHALLENGE = 'Bearer realm="viya-mock-admin"'


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the server on this machine (127.0.0.0/8, ::1, localhost)."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def new_admin_token() -> str:
    """A token for a server that listens on the network.

    From `secrets` (the operating system's CSPRNG), not the container's seeded randomness: that source is
    meant to be predictable (`--seed` repeats every id), so a token drawn from it could be recomputed by
    anyone who knows or guesses the seed, or sees enough of the ids it handed out.
    """
    return secrets.token_urlsafe(32)


def admin_path(path: str) -> str | None:
    """The path from `/__admin` on when the request is for the admin API (at the root or after a tenant's
    `/t/<name>` prefix), else None."""
    if path.startswith(TENANT_PREFIX):
        cut = path.find("/", len(TENANT_PREFIX))
        if cut < 0:
            return None
        path = path[cut:]
    return path if path.startswith(ADMIN_PREFIX) else None


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else f"{text[:EXCERPT]}…"


class HostNames:
    """Which `Host` header values name this server."""

    def __init__(self, bound: str, extra: Iterable[str] = ()) -> None:
        names = {*LOOPBACK_NAMES, bound, *extra}
        # An IPv6 --host (::) is written in brackets in a Host header.
        if ":" in bound and not bound.startswith("["):
            names.add(f"[{bound}]")
        self.any = "*" in names
        self.exact = frozenset(name.lower().rstrip(".") for name in names if name and not name.startswith("."))
        self.suffixes = tuple(name.lower().rstrip(".") for name in names if name.startswith(".") and name != ".")
        self._seen: dict[bytes, bool] = {}

    def describe(self) -> str:
        return ", ".join(sorted(self.exact | {f"*{suffix}" for suffix in self.suffixes}))

    def allows(self, header: bytes) -> bool:
        known = self._seen.get(header)
        if known is None:
            known = self._decide(header.decode("latin-1"))
            if len(self._seen) >= HOSTS_REMEMBERED:
                self._seen.clear()  # bounded: a client sending ever new Host values cannot grow it
            self._seen[header] = known
        return known

    def _decide(self, value: str) -> bool:
        host = value.strip().lower()
        if host.startswith("["):  # an IPv6 address, [::1]:8080
            end = host.find("]")
            if end < 0 or host[end + 1 :][:1] not in ("", ":"):
                return False
            name, address = host[: end + 1], host[1:end]
        else:
            name = address = host.partition(":")[0]
        name = name.rstrip(".")
        if name in self.exact or any(name == suffix[1:] or name.endswith(suffix) for suffix in self.suffixes):
            return True
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return False
        return True


class AdminGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        hosts: HostNames,
        origins: Iterable[str] = (),
        origin_pattern: str | None = None,
        token: str | None = None,
    ) -> None:
        self.app = app
        self.hosts = hosts
        self.origins = frozenset(origins)
        self.any_origin = "*" in self.origins
        self.origin_pattern = re.compile(origin_pattern) if origin_pattern else None
        self.token = token.encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        admin = admin_path(route_path(scope))
        if admin is None and self.hosts.any:
            await self.app(scope, receive, send)
            return
        if admin is None:
            for name, value in scope["headers"]:
                if name == b"host":
                    if not self.hosts.allows(value):
                        await self._foreign_host(value, scope, receive, send)
                        return
                    break
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            headers.setdefault(name, value)
        host = headers.get(b"host")
        if host is not None and not self.hosts.any and not self.hosts.allows(host):
            await self._foreign_host(host, scope, receive, send)
            return
        origin = headers.get(b"origin")
        if origin is not None and not self._origin_allowed(origin.decode("latin-1"), host):
            message = (
                f"The admin API does not take requests from web pages at {_excerpt(origin.decode('latin-1'))!r}: "
                "only from the origins given with --cors-origin (by default any localhost origin) and from "
                "the mock's own pages."
            )
            await self._refuse(403, message, scope, receive, send)
            return
        if self.token is not None and not self._open(scope["method"], admin) and not self._has_token(headers):
            given = b"authorization" in headers or b"x-viya-mock-admin-token" in headers
            message = ("This is not the admin token. " if given else "The admin API needs the admin token. ") + (
                "Send it as 'Authorization: Bearer <admin-token>' or 'X-Viya-Mock-Admin-Token: <admin-token>'; "
                "it is the --admin-token value, or the one the server printed when it started."
            )
            await self._refuse(401, message, scope, receive, send, {"WWW-Authenticate": CHALLENGE})
            return
        if scope["method"] in WRITES and self._could_be_cross_site(headers):
            kind = headers.get(b"content-type", b"").decode("latin-1").partition(";")[0].strip() or "no body"
            message = (
                f"A {scope['method']} to the admin API with {_excerpt(kind)} and no {ADMIN_HEADER} header is "
                f"refused: any web page can make a browser send it, so it could change the mock behind your back. "
                f"Send the header '{ADMIN_HEADER}: 1' (or a JSON or YAML body)."
            )
            await self._refuse(403, message, scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _origin_allowed(self, origin: str, host: bytes | None) -> bool:
        if self.any_origin or origin in self.origins:
            return True
        if self.origin_pattern is not None and self.origin_pattern.fullmatch(origin):
            return True
        # The mock's own pages (Swagger UI at /__admin/ui/): the origin is this very scheme, host and port,
        # and the Host has passed the check above.
        if host is not None:
            authority = host.decode("latin-1").strip().lower()
            return origin.lower() in (f"http://{authority}", f"https://{authority}")
        return False

    @staticmethod
    def _open(method: str, path: str) -> bool:
        return method in ("GET", "HEAD") and path.startswith(OPEN_READS)

    def _has_token(self, headers: dict[bytes, bytes]) -> bool:
        assert self.token is not None
        given = headers.get(b"x-viya-mock-admin-token", b"").strip()
        if given and hmac.compare_digest(given, self.token):
            return True
        scheme, _, bearer = headers.get(b"authorization", b"").strip().partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(bearer.strip(), self.token)

    @staticmethod
    def _could_be_cross_site(headers: dict[bytes, bytes]) -> bool:
        """Whether a web page on any site could have made the browser send this without a preflight."""
        if b"x-viya-mock-admin" in headers or b"x-viya-mock-admin-token" in headers:
            return False
        # A bearer token is never attached by a browser on its own (unlike Basic credentials or cookies).
        if headers.get(b"authorization", b"").strip().lower().startswith(b"bearer "):
            return False
        content_type = headers.get(b"content-type")
        if content_type is None:
            return True
        essence = content_type.decode("latin-1").partition(";")[0].strip().lower()
        return essence in SIMPLE_TYPES

    async def _foreign_host(self, host: bytes, scope: Scope, receive: Receive, send: Send) -> None:
        message = (
            f"This server does not answer to the host {_excerpt(host.decode('latin-1'))!r} named by the Host "
            f"header; it answers to {self.hosts.describe()} and any IP address. Add a name with --allowed-host."
        )
        await self._refuse(421, message, scope, receive, send)

    @staticmethod
    async def _refuse(
        status: int,
        message: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = error_body(status, message, details=[f"path: {_excerpt(scope['path'])}"])
        await error_response(body, headers)(scope, receive, send)
