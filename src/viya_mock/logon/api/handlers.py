"""Handlers for the SAS Logon document."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.core.api.render import Cookie, html_response, redirect
from viya_mock.core.api.requests import cookie, header, root_path, secure_context
from viya_mock.logon.api import pages
from viya_mock.logon.api.pages import LOGIN_CSRF_FIELD
from viya_mock.logon.api.representation import NO_STORE, refusal, uaa
from viya_mock.logon.domain.oauth import OAuthError
from viya_mock.logon.domain.sessions import COOKIE
from viya_mock.logon.services.logon import LogonService
from viya_mock.logon.services.sessions import BrowserSessions

LOGIN = "/SASLogon/login"
BAD_PASSWORD = "The user name or password is incorrect."
STALE_FORM = "The sign-in form has expired or was not sent from this page; please sign in again."


class LogonHandlers:
    def __init__(self, logon: LogonService, sessions: BrowserSessions, default_user: str) -> None:
        self.logon = logon
        self.sessions = sessions
        self.default_user = default_user

    async def getLoginPage(self) -> Response:
        """The form, with a fresh value of its login CSRF field, also set as a cookie the post must return."""
        token = self.sessions.new_token()
        cross_site = secure_context()
        return html_response(
            pages.login_form(token, action=root_path() + LOGIN), cookies=[Cookie(LOGIN_CSRF_FIELD, token, cross_site)]
        )

    async def signIn(self, body: Any = None) -> Response:
        form = body if isinstance(body, dict) else {}
        sent = form.get(LOGIN_CSRF_FIELD)
        if not sent or sent != cookie(LOGIN_CSRF_FIELD):
            return html_response(
                pages.login_form(self.sessions.new_token(), action=root_path() + LOGIN, message=STALE_FORM), 403
            )
        session = self.sessions.sign_in(str(form.get("username") or ""), str(form.get("password") or ""))
        if session is None:
            token = self.sessions.new_token()
            page = pages.login_form(token, action=root_path() + LOGIN, message=BAD_PASSWORD)
            return html_response(page, 401, cookies=[Cookie(LOGIN_CSRF_FIELD, token, False)])
        cookies = [Cookie(COOKIE, session.id, secure_context()), Cookie(LOGIN_CSRF_FIELD, None, False)]
        return html_response(pages.signed_in(session.user), cookies=cookies)

    async def signOut(self) -> Response:
        self.sessions.sign_out(cookie(COOKIE))
        return html_response(pages.signed_out(), cookies=[Cookie(COOKIE, None, secure_context())])

    async def signOutToo(self) -> Response:
        return await self.signOut()

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
        session = self.sessions.find(cookie(COOKIE) or "")
        if session is not None:
            query["username"] = session.user  # who signed in, as SAS Logon's own page would have asked
        try:
            location = self.logon.authorize(query, self.default_user)
        except OAuthError as error:
            return refusal(error)
        return redirect(location)

    async def getTokenKeys(self) -> Response:
        return uaa({"keys": [self.logon.published_key()]})

    async def getTokenKey(self) -> Response:
        return uaa(self.logon.published_key())
