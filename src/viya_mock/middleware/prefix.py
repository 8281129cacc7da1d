"""A tenant named by a path prefix (`/t/<name>/…`): its app is served below the prefix, and so are its URIs.

Clients that take only a base URL (`http://host:port/t/alice`) must find every URI the mock hands out under
that base, and follow it: `links[].href`, `Location`, `jobDefinitionUri`, `logLocation`, a file's
`parentUri`. The app itself knows nothing of tenants (its store holds `/jobExecution/jobs/…`), so the
mapping is done here, at the edge, in both directions:

* Inbound, the prefix moves into `root_path` while `path` keeps it (the ASGI convention Starlette routes
  by), so the app routes `/t/alice/jobExecution/jobs` as `/jobExecution/jobs`, and Swagger UI and
  `openapi.json` name the prefixed server. URIs a client sends back with the prefix lose it: string values
  of a JSON request body that start with the prefix and an API root, and the prefix wherever it precedes an
  API root in a query value (`parentUri=…`, a filter's `eq(parentUri,'…')`).
* Outbound, `Location` and `Content-Location`, and every string value of a JSON body
  (`application/json`, `application/…+json`) that starts with an API root, gain the prefix; Content-Length
  is set to the new length. Other bodies (text, file content even when it is JSON, uploads) pass unchanged
  and unbuffered. A HEAD answer of a JSON resource loses its Content-Length, which is the unprefixed
  body's length (RFC 9110 lets a HEAD answer leave it out, but not give a wrong one).

A request body is rewritten only when it arrives whole within the app's own bounds (`body_limit(method,
path)` bytes, `read_timeout`); otherwise it is handed on as it came, for the app's limits to refuse (a
Content-Length over the limit is not read at all, so the 413 still comes before a byte of the body).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viya_mock.middleware import route_path

# Every root a mocked API is, or will be, served under; a URI starting with one of them belongs to the tenant.
API_ROOTS = (
    "/jobExecution",
    "/jobDefinitions",
    "/files",
    "/identities",
    "/SASLogon",
    "/__admin",
    "/compute",
    "/folders",
    "/SASJobExecution",
)
REWRITTEN_HEADERS = frozenset((b"location", b"content-location"))
# Bodies that are bytes someone stored, not representations: the uploads that carry file content in, and the
# content going out.
UPLOADS = (("POST", re.compile(r"/files/files\Z")), ("PUT", re.compile(r"/files/files/[^/]+/content\Z")))
CONTENT = re.compile(r"/files/files/[^/]+/content\Z")
# A root ends where a name could not go on ("/files" is a root of "/files/x" and "/files?x", not "/filesx").
_END_OF_ROOT = r"(?![A-Za-z0-9_.~-])"


def is_json(content_type: bytes | None) -> bool:
    if content_type is None:
        return False
    essence = content_type.decode("latin-1").partition(";")[0].strip().lower()
    return essence == "application/json" or (essence.startswith("application/") and essence.endswith("+json"))


def _walk(value: Any, change: Callable[[str], str | None]) -> tuple[Any, bool]:
    """`value` with every string `change` rewrites replaced (object keys stay), and whether any was."""
    if isinstance(value, str):
        changed = change(value)
        return (value, False) if changed is None else (changed, True)
    if isinstance(value, list):
        items = [_walk(item, change) for item in value]
        if any(changed for _, changed in items):
            return [item for item, _ in items], True
        return value, False
    if isinstance(value, dict):
        members = {key: _walk(item, change) for key, item in value.items()}
        if any(changed for _, changed in members.values()):
            return {key: item for key, (item, _) in members.items()}, True
        return value, False
    return value, False


def _rewrite_json(body: bytes, change: Callable[[str], str | None]) -> bytes | None:
    """The body with its strings rewritten, or None when it is not JSON or nothing in it changes."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    rewritten, changed = _walk(document, change)
    if not changed:
        return None
    return json.dumps(rewritten, separators=(",", ":"), ensure_ascii=False).encode()


def without_prefix(document: Any, prefix: str, roots: tuple[str, ...] = API_ROOTS) -> Any:
    """A JSON document as the app behind `prefix` holds it: the prefix taken off its URIs (for clients that
    compare what they read under a prefix with what an unprefixed app shows)."""
    alternatives = "|".join(re.escape(root) for root in roots)
    pattern = re.compile(rf"{re.escape(prefix)}(?=(?:{alternatives}){_END_OF_ROOT})")

    def change(text: str) -> str | None:
        return text[len(prefix) :] if text.startswith(prefix) and pattern.match(text) else None

    return _walk(document, change)[0]


class PrefixMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        prefix: str,
        *,
        body_limit: Callable[[str, str], int],
        read_timeout: int,
        roots: tuple[str, ...] = API_ROOTS,
    ) -> None:
        self.app = app
        self.prefix = prefix
        self.body_limit = body_limit
        self.read_timeout = read_timeout / 1000  # milliseconds in the settings, seconds for asyncio
        alternatives = "|".join(re.escape(root) for root in roots)
        self._outbound = re.compile(rf"(?:{alternatives}){_END_OF_ROOT}")
        self._inbound = re.compile(rf"{re.escape(prefix)}(?=(?:{alternatives}){_END_OF_ROOT})")

    # -- one string ---------------------------------------------------------------------------------

    def add(self, text: str) -> str | None:
        """`text` under the prefix when it is a URI of the tenant's APIs, else None."""
        if text[:1] == "/" and self._outbound.match(text):
            return self.prefix + text
        return None

    def remove(self, text: str) -> str | None:
        """`text` without the prefix when it is a prefixed URI of the tenant's APIs, else None."""
        if text.startswith(self.prefix) and self._inbound.match(text):
            return text[len(self.prefix) :]
        return None

    # -- the exchange -------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope, root_path=scope.get("root_path", "") + self.prefix)
        query = self._inbound_query(scope.get("query_string", b""))
        if query is not None:
            scope["query_string"] = query
        path, method = route_path(scope), scope["method"]
        if not any(method == wanted and pattern.search(path) for wanted, pattern in UPLOADS):
            scope, receive = await self._inbound_body(scope, receive)
        content = method in ("GET", "HEAD") and CONTENT.search(path) is not None
        await self.app(scope, receive, self._outbound_sender(send, method == "HEAD", content))

    def _inbound_query(self, query: bytes) -> bytes | None:
        """The query string with the prefix taken out of every value that names a prefixed URI (None: as is)."""
        if not query:
            return None
        text = query.decode("latin-1")
        if self.prefix not in unquote_plus(text):
            return None
        parts = []
        for part in text.split("&"):
            name, equals, value = part.partition("=")
            plain = unquote_plus(value)
            stripped = self._inbound.sub("", plain)
            parts.append(f"{name}={quote_plus(stripped, safe='/')}" if equals and stripped != plain else part)
        return "&".join(parts).encode("latin-1")

    async def _inbound_body(self, scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
        """Read a JSON (or untyped) body whole, within bounds, and take the prefix out of the URIs it holds."""
        headers = scope["headers"]
        content_type = next((value for name, value in headers if name == b"content-type"), None)
        lengths = [value.strip() for name, value in headers if name == b"content-length"]
        chunked = any(name == b"transfer-encoding" for name, _ in headers)
        if (not lengths and not chunked) or (content_type is not None and not is_json(content_type)):
            return scope, receive
        limit = self.body_limit(scope["method"], scope["path"])
        if lengths and (len(set(lengths)) > 1 or not lengths[0].isdigit() or int(lengths[0]) > limit):
            return scope, receive  # the app's limits answer it without reading the body
        chunks: list[bytes] = []
        size = 0
        deadline = asyncio.get_running_loop().time() + self.read_timeout
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                return scope, _replay(chunks, receive)  # too slow to rewrite: the app's own timeout decides
            if message["type"] != "http.request":
                return scope, _replay(chunks, receive, last=message)
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
            if size > limit:
                return scope, _replay(chunks, receive)  # too large to rewrite: the app's own limit refuses it
        body = b"".join(chunks)
        rewritten = _rewrite_json(body, self.remove) if body else None
        if rewritten is None:
            return scope, _replay([body], receive, complete=True)
        kept = [(name, value) for name, value in headers if name not in (b"content-length", b"transfer-encoding")]
        kept.append((b"content-length", str(len(rewritten)).encode()))
        return dict(scope, headers=kept), _replay([rewritten], receive, complete=True)

    def _outbound_sender(self, send: Send, head: bool, content: bool) -> Send:
        held: Message | None = None
        chunks: list[bytes] = []

        async def outbound(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = [
                    (name, self._header(value) if name.lower() in REWRITTEN_HEADERS else value)
                    for name, value in message.get("headers", [])
                ]
                content_type = next((value for name, value in headers if name.lower() == b"content-type"), None)
                if content or not is_json(content_type):
                    await send({**message, "headers": headers})
                elif head:
                    await send({**message, "headers": [(n, v) for n, v in headers if n.lower() != b"content-length"]})
                else:
                    held = {**message, "headers": headers}
                return
            if held is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            body = _rewrite_json(body, self.add) or body
            headers = [(n, v) for n, v in held["headers"] if n.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            start, held = {**held, "headers": headers}, None
            await send(start)
            await send({"type": "http.response.body", "body": body})

        return outbound

    def _header(self, value: bytes) -> bytes:
        text = value.decode("latin-1")
        changed = self.add(text)
        return value if changed is None else changed.encode("latin-1")


def _replay(chunks: list[bytes], receive: Receive, *, last: Message | None = None, complete: bool = False) -> Receive:
    """A receive that gives what was read already (as one message), then `last` if any, then the rest."""
    pending: list[Message] = []
    if chunks or complete:
        pending.append({"type": "http.request", "body": b"".join(chunks), "more_body": not complete})
    if last is not None:
        pending.append(last)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
