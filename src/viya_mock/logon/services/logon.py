"""SAS Logon's use cases: the token endpoint's grants, authorize, checking bearer tokens, and accounts.

Everything a client sends arrives as text and every refusal is an OAuthError, so no form input can make
the endpoint fail with a 500.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from viya_mock.clock import Clock
from viya_mock.core.domain.errors import BadRequest, Conflict, NotFound
from viya_mock.core.store.memory import Store
from viya_mock.logon.domain.accounts import GRANTS, AuthorizationCode, Client, User, user_scopes
from viya_mock.logon.domain.oauth import (
    BAD_CREDENTIALS,
    FULL_AUTHENTICATION,
    OAuthError,
    bad_client,
    basic_credentials,
    pkce_matches,
    secrets_match,
)
from viya_mock.logon.services.tokens import InvalidToken, Issued, Subject, Tokens
from viya_mock.randomness import Randomness

CODE_LIFETIME = 300_000  # ms; UAA's default for authorization codes
MAX_CODES = 10_000
_CODE_ALPHABET = string.ascii_letters + string.digits
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a valid access token speaks for: a user name, or a client id for client_credentials."""

    name: str
    client_id: str
    scopes: tuple[str, ...]


def _field(form: Mapping[str, Any], name: str) -> str | None:
    """A form field as text; repeated fields count by their first value, an empty field as absent."""
    value = form.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text or None


class LogonService:
    def __init__(self, store: Store, clock: Clock, randomness: Randomness, tokens: Tokens) -> None:
        self.store = store
        self.clock = clock
        self.randomness = randomness
        self.tokens = tokens

    # -- the token endpoint -------------------------------------------------------------------------

    def client_for(self, form: Mapping[str, Any], authorization: str | None) -> Client:
        """The client authenticated by Basic credentials or, failing those, client_id/client_secret fields."""
        credentials = basic_credentials(authorization)
        if credentials is None:
            client_id = _field(form, "client_id")
            if client_id is None:
                raise OAuthError(401, "unauthorized", FULL_AUTHENTICATION, basic_challenge=True)
            credentials = (client_id, _field(form, "client_secret") or "")
        client_id, secret = credentials
        client = self.store.clients.get(client_id)
        if client is None or not secrets_match(secret, client.secret):
            raise bad_client()
        return client

    def token(self, form: Mapping[str, Any], authorization: str | None) -> dict[str, Any]:
        grant = _field(form, "grant_type")
        client = self.client_for(form, authorization)
        if grant is None:
            raise OAuthError(400, "invalid_request", "Missing grant type")
        if grant not in GRANTS:
            raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")
        if not client.may_use(grant):
            raise OAuthError(401, "invalid_client", f"Unauthorized grant type: {grant}")
        if grant == "password":
            issued = self._password(client, form)
        elif grant == "client_credentials":
            subject = Subject(client_id=client.id)
            issued = self.tokens.issue(subject, client.authorities, grant, refresh=False)
        elif grant == "authorization_code":
            issued = self._authorization_code(client, form)
        else:
            issued = self._refresh(client, form)
        return token_body(issued)

    def _user_token(self, client: Client, user: User, grant: str) -> Issued:
        subject = Subject(client_id=client.id, user_name=user.id, user_id=user.user_id, email=user.email)
        return self.tokens.issue(subject, user_scopes(user), grant, refresh=client.may_use("refresh_token"))

    def _password(self, client: Client, form: Mapping[str, Any]) -> Issued:
        user = self.store.users.get(_field(form, "username") or "")
        if user is None or not secrets_match(_field(form, "password") or "", user.password):
            raise OAuthError(401, "unauthorized", BAD_CREDENTIALS)
        return self._user_token(client, user, "password")

    def _authorization_code(self, client: Client, form: Mapping[str, Any]) -> Issued:
        code = _field(form, "code")
        if code is None:
            raise OAuthError(400, "invalid_request", "An authorization code must be supplied.")
        with self.store.lock:
            issued = self.store.authorization_codes.pop(code, None)  # one use, whatever its outcome
        if issued is None or issued.client_id != client.id or self.clock.now() >= issued.expires:
            raise OAuthError(400, "invalid_grant", f"Invalid authorization code: {code}")
        redirect_uri = _field(form, "redirect_uri")
        if redirect_uri is not None and redirect_uri != issued.redirect_uri:
            raise OAuthError(400, "invalid_grant", f"Invalid authorization code: {code} (redirect mismatch)")
        if issued.challenge is not None:
            verifier = _field(form, "code_verifier")
            if verifier is None or not pkce_matches(verifier, issued.challenge, issued.challenge_method):
                raise OAuthError(
                    400, "invalid_grant", f"Invalid authorization code: {code} (the code_verifier does not match)"
                )
        user = self.store.users.get(issued.user)
        if user is None:
            raise OAuthError(400, "invalid_grant", f"Invalid authorization code: {code} (unknown user)")
        return self._user_token(client, user, "authorization_code")

    def _refresh(self, client: Client, form: Mapping[str, Any]) -> Issued:
        token = _field(form, "refresh_token")
        if token is None:
            raise OAuthError(400, "invalid_request", "A refresh token must be supplied.")
        try:
            claims = self.tokens.refresh_claims(token)
        except InvalidToken as error:
            raise OAuthError(401, "invalid_token", error.description) from error
        name = claims.get("user_name")
        if not isinstance(name, str):
            raise OAuthError(401, "invalid_token", f"Invalid refresh token: {claims['jti']} names no user")
        user = self.store.users.get(name)
        if user is None:
            raise OAuthError(401, "invalid_token", f"Invalid refresh token: the user {name} no longer exists")
        subject = Subject(client_id=client.id, user_name=user.id, user_id=user.user_id, email=user.email)
        # Refresh tokens are reusable until they expire: the same one comes back with the new access token.
        return self.tokens.issue(
            subject, user_scopes(user), str(claims.get("grant_type", "refresh_token")), refresh=token
        )

    # -- authorize ----------------------------------------------------------------------------------

    def authorize(self, query: Mapping[str, Any], default_user: str) -> str:
        """Where /oauth/authorize redirects: the redirect URI with a fresh one-time `code` and `state`.

        The user is the one the handler found signed in (as `username`), else the `username` query parameter,
        else the default user. Errors
        that cannot be redirected (unknown client, no redirect URI) are raised; the others are redirected.
        """
        client = self.store.clients.get(_field(query, "client_id") or "")
        if client is None:
            raise OAuthError(400, "invalid_client", f"No client with requested id: {_field(query, 'client_id')}")
        redirect_uri = _field(query, "redirect_uri") or client.redirect_uri
        if redirect_uri is None:
            raise OAuthError(400, "invalid_request", "A redirect_uri must be given: the client has none registered.")
        try:
            urlsplit(redirect_uri)
        except ValueError as error:
            raise OAuthError(400, "invalid_request", f"Invalid redirect_uri: {redirect_uri}") from error
        state = _field(query, "state")
        response_type = _field(query, "response_type")
        if response_type != "code":
            return _redirect(redirect_uri, error="unsupported_response_type", state=state)
        if not client.may_use("authorization_code"):
            return _redirect(redirect_uri, error="unauthorized_client", state=state)
        method = _field(query, "code_challenge_method")
        challenge = _field(query, "code_challenge")
        if method not in (None, "S256", "plain") or (method is not None and challenge is None):
            return _redirect(redirect_uri, error="invalid_request", state=state)
        user = _field(query, "username") or default_user
        if user not in self.store.users:
            return _redirect(redirect_uri, error="access_denied", state=state)
        now = self.clock.now()
        code = "".join(self.randomness.random.choices(_CODE_ALPHABET, k=10))
        with self.store.lock:
            codes = self.store.authorization_codes
            if len(codes) >= MAX_CODES:
                for old in [key for key, value in codes.items() if value.expires <= now] or list(codes)[:1000]:
                    codes.pop(old, None)
            codes[code] = AuthorizationCode(
                code=code,
                client_id=client.id,
                user=user,
                redirect_uri=redirect_uri,
                expires=now + CODE_LIFETIME,
                challenge=challenge,
                challenge_method=method if challenge is not None else None,
            )
        return _redirect(redirect_uri, code=code, state=state)

    # -- resource servers ---------------------------------------------------------------------------

    def authenticate(self, token: str) -> Principal:
        """The principal of a valid access token; InvalidToken says why a token is not."""
        claims = self.tokens.access_claims(token)
        name = claims.get("user_name")
        client_id = str(claims.get("client_id", ""))
        if isinstance(name, str):
            if name not in self.store.users:
                raise InvalidToken(f"Invalid access token: the user {name} no longer exists")
        elif client_id in self.store.clients:
            name = client_id
        else:
            raise InvalidToken(f"Invalid access token: the client {client_id} no longer exists")
        scopes = claims.get("scope")
        return Principal(name, client_id, tuple(scopes) if isinstance(scopes, list) else ())

    def published_key(self) -> dict[str, Any]:
        return self.tokens.key.published()

    # -- the admin API ------------------------------------------------------------------------------

    def mint(self, user: str, scopes: list[str] | None = None, lifetime: int | None = None) -> dict[str, Any]:
        """A token for a user without their password (tests, the pytest plugin), through client sas.ec."""
        account = self.store.users.get(user)
        if account is None:
            raise BadRequest(f"No user named {user} exists.", details=[f"user: {user}"])
        if lifetime is not None and lifetime <= 0:
            raise BadRequest("The lifetime must be a positive number of seconds.")
        subject = Subject(client_id="sas.ec", user_name=account.id, user_id=account.user_id, email=account.email)
        granted = scopes if scopes is not None else user_scopes(account)
        return token_body(self.tokens.issue(subject, granted, "password", lifetime=lifetime))

    def users(self) -> list[User]:
        return list(self.store.users.values())

    def add_user(self, user: User) -> User:
        with self.store.lock:
            if user.id in self.store.users:
                raise Conflict(f"A user named {user.id} already exists.")
            self.store.users[user.id] = user
        return user

    def remove_user(self, user_id: str) -> None:
        with self.store.lock:
            if self.store.users.pop(user_id, None) is None:
                raise NotFound(f"No user named {user_id} exists.")

    def add_client(self, client: Client) -> Client:
        unknown = client.grants - GRANTS
        if unknown:
            raise BadRequest(f"Unknown grant types: {', '.join(sorted(unknown))}.")
        with self.store.lock:
            if client.id in self.store.clients:
                raise Conflict(f"A client with id {client.id} already exists.")
            self.store.clients[client.id] = client
        return client


def token_body(issued: Issued) -> dict[str, Any]:
    """The token endpoint's success answer, in SAS Logon's member order."""
    body: dict[str, Any] = {"access_token": issued.access_token, "token_type": "bearer"}
    if issued.refresh_token is not None:
        body["refresh_token"] = issued.refresh_token
    body["expires_in"] = issued.expires_in
    body["scope"] = " ".join(issued.scopes)
    body["jti"] = issued.jti
    return body


def _redirect(uri: str, **parameters: str | None) -> str:
    """The redirect URI with the parameters added; anything not ASCII is percent-encoded (it goes in a header)."""
    parts = urlsplit(quote(uri, safe=_URI_SAFE))
    query = urlencode({name: value for name, value in parameters.items() if value is not None})
    return urlunsplit(parts._replace(query=f"{parts.query}&{query}" if parts.query else query))
