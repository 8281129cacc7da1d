"""The HTTP/1.1 transport `viya-mock serve` runs on: uvicorn's httptools protocol, with bounded request heads.

uvicorn bounds neither the request line nor the headers nor the time a client takes to send them, and answers
what its parser refuses with a text/plain 400. This protocol, counting as the bytes arrive:

* refuses a request target (path and query) over MAX_TARGET_BYTES with 414, and more than MAX_HEADER_COUNT
  headers or a head over MAX_HEAD_BYTES with 431, so a head is never held much past its limit (one read of
  the socket at most);
* gives a client `read_timeout` to send a request's head, from the connection's opening or the request's
  first byte: then 408 when part of a head came, or a silent close when nothing did;
* answers what the parser refuses (an unknown method, a malformed header or chunk) with a 400;

each as an application/vnd.sas.error+json body with `Connection: close`. The app applies the same head limits
again, and the body limits and the body's read timeout (middleware/limits.py), for requests that reach it some
other way. These are real transport times, not the mock's clock: a virtual clock does not move them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from viya_mock.core.api.render import ERROR, dumps, viya_error_body
from viya_mock.core.domain.errors import BadRequest, ViyaError
from viya_mock.core.domain.limits import MAX_HEAD_BYTES, excerpt, head_refusal, too_slow
from viya_mock.settings import Settings

logger = logging.getLogger("viya_mock")


def server_options(settings: Settings) -> dict[str, Any]:
    """What `uvicorn.run` needs besides the app: the bounded protocol (h11, bounded by size only, if httptools
    is not installed)."""
    try:
        import httptools  # noqa: F401 - only whether it is there
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return {"http": "h11", "h11_max_incomplete_event_size": MAX_HEAD_BYTES}
    return {"http": bounded_protocol(settings.read_timeout / 1000)}


def bounded_protocol(read_timeout: float) -> type[asyncio.Protocol]:
    """The protocol class for one server: uvicorn instantiates it per connection with its own arguments only."""
    import httptools
    from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

    class _Refused(Exception):
        """Raised inside a parser callback to stop parsing a request that is already refused."""

    class BoundedHttpToolsProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._in_head = False
            self._head_bytes = 0
            self._parsed_bytes = 0
            self._header_count = 0
            self._head_timer: asyncio.TimerHandle | None = None
            self._refusal: ViyaError | None = None
            self._refused = False

        # -- the head's clock

        def _arm(self) -> None:
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(read_timeout, self._head_timed_out)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if self.transport.is_closing():
                return
            if self._in_head:
                self._refuse(too_slow("header fields", read_timeout))
            else:
                self.transport.close()  # a connection that never sent a request

        # -- asyncio.Protocol

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            self._unset_keepalive_if_required()
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                if self._should_upgrade():
                    self.handle_websocket_upgrade()
                else:
                    self._unsupported_upgrade_warning()
                return
            except httptools.HttpParserError as error:
                refusal = self._refusal
                if refusal is None:
                    reason = excerpt(str(error) or type(error).__name__)
                    refusal = BadRequest(f"The request is not valid HTTP/1.1: {reason}.")
                self._refuse(refusal)
                return
            if self._in_head:
                self._head_bytes += len(data)
                refusal = head_refusal(self._header_count, len(self.url), self._head_bytes)
                if refusal is not None:
                    self._refuse(refusal)

        # -- parser callbacks

        def _stop(self, refusal: ViyaError) -> None:
            self._refusal = refusal
            raise _Refused

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head = True
            self._head_bytes = self._parsed_bytes = self._header_count = 0
            self._refusal = None
            self._arm()

        def on_url(self, url: bytes) -> None:
            super().on_url(url)
            refusal = head_refusal(0, len(self.url), len(self.url))
            if refusal is not None:
                self._stop(refusal)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._header_count += 1
            self._parsed_bytes += len(name) + len(value) + 4
            refusal = head_refusal(self._header_count, len(self.url), len(self.url) + self._parsed_bytes)
            if refusal is not None:
                self._stop(refusal)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._disarm()
            super().on_headers_complete()

        # -- answers below the app

        def send_400_response(self, msg: str) -> None:
            self._refuse(BadRequest(f"The request is not valid HTTP/1.1: {msg}"))

        def _refuse(self, error: ViyaError) -> None:
            """Answer with a SAS error and close: what follows on the connection cannot be trusted."""
            self._refused = True
            self._disarm()
            logger.info("viya-mock refused a request below the app: %s", error.message)
            body = dumps(viya_error_body(error))
            content = [STATUS_LINE[error.status]]
            for name, value in self.server_state.default_headers:
                content.extend([name, b": ", value, b"\r\n"])
            content.extend(
                [
                    f"content-type: {ERROR}+json\r\n".encode(),
                    f"content-length: {len(body)}\r\n".encode(),
                    b"connection: close\r\n\r\n",
                    body,
                ]
            )
            self.transport.write(b"".join(content))
            self.transport.close()

    return BoundedHttpToolsProtocol
