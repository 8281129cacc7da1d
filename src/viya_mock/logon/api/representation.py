"""SAS Logon's JSON: UAA answers in application/json;charset=UTF-8, as SAS Logon sends them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.core.api.render import json_response
from viya_mock.logon.domain.oauth import OAuthError

UAA_JSON = "application/json;charset=UTF-8"
# Token answers must not be cached (RFC 6749 §5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def uaa(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json_response(body, UAA_JSON, status, headers)


def refusal(error: OAuthError) -> Response:
    headers = dict(NO_STORE)
    if error.basic_challenge:
        headers["WWW-Authenticate"] = (
            f'Basic realm="UAA/client", error="{error.error}", error_description="{error.description}"'
        )
    return uaa(error.body(), error.status, headers)
