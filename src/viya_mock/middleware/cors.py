"""Starlette's CORS middleware, with a refused preflight answered as a SAS error.

Starlette answers a preflight it refuses with a text/plain 400 ("Disallowed CORS origin"); the mock answers
every error with application/vnd.sas.error+json, and this one is no exception. The CORS headers Starlette
chose for the refusal are kept, so a browser still sees why.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from viya_mock.core.api.render import error_body, error_response

_BODY_HEADERS = frozenset({"content-type", "content-length"})


class SasCORSMiddleware(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode("utf-8", "replace").removeprefix("Disallowed CORS ")
        body = error_body(
            response.status_code,
            f"The CORS preflight request was refused: its {refused} is not allowed.",
            details=[f"origin: {request_headers.get('origin', '')[:200]}"],
        )
        kept = {name: value for name, value in response.headers.items() if name not in _BODY_HEADERS}
        return error_response(body, kept)
