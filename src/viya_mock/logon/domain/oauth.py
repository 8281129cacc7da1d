"""OAuth2 failures as UAA words them, client authentication and PKCE.

UAA answers failures with `{"error", "error_description"}` in application/json, not with a SAS error
body; the messages here are the ones SAS Logon was observed to send (see NOTES.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from urllib.parse import unquote

BAD_CREDENTIALS = "Bad credentials"
FULL_AUTHENTICATION = "Full authentication is required to access this resource"


class OAuthError(Exception):
    """A refused token or authorize request: status, UAA error code and description."""

    def __init__(self, status: int, error: str, description: str, *, basic_challenge: bool = False) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        # Refused client authentication carries UAA's Basic challenge header.
        self.basic_challenge = basic_challenge

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def bad_client() -> OAuthError:
    return OAuthError(401, "unauthorized", BAD_CREDENTIALS, basic_challenge=True)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """client_id and secret from `Authorization: Basic …`; None when the header is absent or another scheme.

    A Basic header that cannot be decoded is refused as bad credentials, as UAA does.
    """
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise bad_client() from error
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise bad_client()
    # Spring Security URL-decodes both halves of a client's Basic credentials.
    return unquote(client_id), unquote(secret)


def secrets_match(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def pkce_matches(verifier: str, challenge: str, method: str | None) -> bool:
    """RFC 7636: S256 compares BASE64URL(SHA256(verifier)) without padding; plain compares the texts."""
    if (method or "plain") == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return hmac.compare_digest(expected.encode(), challenge.encode())
    if method in (None, "plain"):
        return hmac.compare_digest(verifier.encode(), challenge.encode())
    return False
