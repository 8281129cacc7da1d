"""Handlers for the SAS Logon document."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.core.api.render import redirect
from viya_mock.core.api.requests import header
from viya_mock.logon.api.representation import NO_STORE, refusal, uaa
from viya_mock.logon.domain.oauth import OAuthError
from viya_mock.logon.services.logon import LogonService


class LogonHandlers:
    def __init__(self, logon: LogonService, default_user: str) -> None:
        self.logon = logon
        self.default_user = default_user

    async def createToken(self, body: Any = None, authorization: str | None = None) -> Response:
        form = body if isinstance(body, dict) else {}
        try:
            answer = self.logon.token(form, header("authorization"))
        except OAuthError as error:
            return refusal(error)
        return uaa(answer, headers=NO_STORE)

    async def authorize(
        self,
        client_id: str,
        response_type: str,
        redirect_uri: str | None = None,
        state: str | None = None,
        scope: str | None = None,
        code_challenge: str | None = None,
        code_challenge_method: str | None = None,
        username: str | None = None,
    ) -> Response:
        # Named parameters, not **kwargs: Connexion passes only the declared ones and ignores the rest.
        query = {
            "client_id": client_id,
            "response_type": response_type,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": scope,
            "code_challenge": code_challenge,
            "code_challenge_method": code_challenge_method,
            "username": username,
        }
        try:
            location = self.logon.authorize(query, self.default_user)
        except OAuthError as error:
            return refusal(error)
        return redirect(location)

    async def getTokenKeys(self) -> Response:
        return uaa({"keys": [self.logon.published_key()]})

    async def getTokenKey(self) -> Response:
        return uaa(self.logon.published_key())
