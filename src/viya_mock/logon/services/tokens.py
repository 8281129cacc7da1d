"""Signed JWT access and refresh tokens, issued and checked against the injected clock.

Tokens are RS256 JWTs with UAA's claims. Time is the mock's clock, never PyJWT's own: `iat`/`exp` come
from it and expiry is checked against it, so advancing a virtual clock expires tokens. A refresh token's
`jti` ends in `-r` (as UAA's do) and it carries `token_use: refresh`, so neither kind passes for the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from viya_mock.clock import Clock
from viya_mock.logon.services.keys import KEY_ID, SigningKey
from viya_mock.randomness import Randomness

ISSUER = "http://localhost/SASLogon/oauth/token"
REFRESH_MARK = "-r"
# Verified claims by token text: the signature is checked once per token, expiry on every use.
_CACHE_SIZE = 4096
_DECODE_OPTIONS: Any = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
    "verify_aud": False,
    "verify_iss": False,
    "require": ["exp", "iat", "jti"],
}


class InvalidToken(Exception):
    """A token that cannot be used; the message is the description a client is shown."""

    def __init__(self, description: str, *, expired: bool = False) -> None:
        super().__init__(description)
        self.description = description
        self.expired = expired


@dataclass(frozen=True, slots=True)
class Subject:
    """Whom a token is for: a user (name, id, groups) or, for client_credentials, only the client."""

    client_id: str
    user_name: str | None = None
    user_id: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Issued:
    access_token: str
    jti: str
    expires_in: int
    scopes: tuple[str, ...]
    refresh_token: str | None


class Tokens:
    def __init__(
        self,
        key: SigningKey,
        clock: Clock,
        randomness: Randomness,
        *,
        access_lifetime: int,
        refresh_lifetime: int,
    ) -> None:
        self.key = key
        self.clock = clock
        self.randomness = randomness
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self._verified: dict[str, dict[str, Any]] = {}

    def _jti(self) -> str:
        return self.randomness.uuid().replace("-", "")

    def _encode(self, claims: dict[str, Any]) -> str:
        import jwt

        return jwt.encode(claims, self.key.private, algorithm="RS256", headers={"kid": KEY_ID})

    def issue(
        self,
        subject: Subject,
        scopes: Sequence[str],
        grant_type: str,
        *,
        lifetime: int | None = None,
        refresh: bool | str = True,
    ) -> Issued:
        """An access token and, unless `refresh` is False, a refresh token; a string `refresh` is an existing
        refresh token handed back as it is (refresh tokens are reusable until they expire)."""
        now_ms = self.clock.now()
        iat = now_ms // 1000
        exp = iat + (self.access_lifetime if lifetime is None else lifetime)
        jti = self._jti()
        common: dict[str, Any] = {"sub": subject.user_id or subject.client_id}
        if subject.user_name is not None:
            common.update(user_id=subject.user_id, user_name=subject.user_name, origin="local")
            if subject.email:
                common["email"] = subject.email
        common.update(
            client_id=subject.client_id,
            cid=subject.client_id,
            azp=subject.client_id,
            grant_type=grant_type,
            iss=ISSUER,
            zid="uaa",
            aud=[subject.client_id, *sorted({scope.split(".")[0] for scope in scopes if "." in scope})],
        )
        access = {"jti": jti, **common, "scope": list(scopes), "iat": iat, "exp": exp}
        if subject.user_name is not None:
            access["auth_time"] = iat
        refresh_token: str | None = None
        if isinstance(refresh, str):
            refresh_token = refresh
        elif refresh:
            claims = {
                "jti": self._jti() + REFRESH_MARK,
                **common,
                "scope": list(scopes),
                "token_use": "refresh",
                "iat": iat,
                "exp": iat + self.refresh_lifetime,
            }
            refresh_token = self._encode(claims)
        expires_in = max((exp * 1000 - now_ms - 1) // 1000, 0)
        return Issued(self._encode(access), jti, expires_in, tuple(scopes), refresh_token)

    def _claims(self, token: str, what: str) -> dict[str, Any]:
        claims = self._verified.get(token)
        if claims is not None:
            return claims
        import jwt

        try:
            claims = jwt.decode(token, self.key.public, algorithms=["RS256"], options=_DECODE_OPTIONS)
        except jwt.InvalidSignatureError as error:
            raise InvalidToken(f"Invalid {what}: the signature does not verify") from error
        except jwt.PyJWTError as error:
            raise InvalidToken(f"Cannot convert {what} to JSON") from error
        if not isinstance(claims.get("exp"), int) or not isinstance(claims.get("jti"), str):
            raise InvalidToken(f"Invalid {what}: exp and jti are required")
        if len(self._verified) >= _CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = claims
        return claims

    def access_claims(self, token: str) -> dict[str, Any]:
        claims = self._claims(token, "access token")
        if claims["jti"].endswith(REFRESH_MARK) or claims.get("token_use") == "refresh":
            raise InvalidToken("Invalid access token: a refresh token is not an access token")
        if self.clock.now() >= claims["exp"] * 1000:
            raise InvalidToken(f"Access token expired: {claims['jti']}", expired=True)
        return claims

    def refresh_claims(self, token: str) -> dict[str, Any]:
        claims = self._claims(token, "refresh token")
        if not claims["jti"].endswith(REFRESH_MARK) or claims.get("token_use") != "refresh":
            raise InvalidToken(f"Invalid refresh token: {claims['jti']} is not a refresh token")
        if self.clock.now() >= claims["exp"] * 1000:
            raise InvalidToken(f"Invalid refresh token (expired): {claims['jti']}", expired=True)
        return claims
