"""The RSA key SAS Logon signs tokens with, and its public half as UAA publishes it.

Generating a 2048-bit key takes tens of milliseconds and importing the crypto libraries more, so nothing
happens until the first token is issued or checked; a server that never sees a token never pays.
"""

from __future__ import annotations

import threading
from typing import Any

# UAA's default key id; clients that pick a key by `kid` from /token_keys find it.
KEY_ID = "legacy-token-key"


class SigningKey:
    def __init__(self, pem: bytes | None = None) -> None:
        """`pem`: a PEM private key (PKCS#1 or PKCS#8, unencrypted); None means a new key per start."""
        self._pem = pem
        # A key given as a PEM file is read again at the next start; one generated (or restored) is not.
        self._given = pem is not None
        self._lock = threading.Lock()
        self._private: Any = None
        self._public: Any = None
        self._published: dict[str, Any] | None = None

    def _load(self) -> None:
        with self._lock:
            if self._private is not None:
                return
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa

            if self._pem is None:
                private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            else:
                private = serialization.load_pem_private_key(self._pem, password=None)
                if not isinstance(private, rsa.RSAPrivateKey):
                    raise ValueError("the signing key must be an RSA private key")
            self._public = private.public_key()
            self._private = private

    @property
    def private(self) -> Any:
        """The cryptography key object (PyJWT re-parses a PEM on every call; an object it uses as is)."""
        if self._private is None:
            self._load()
        return self._private

    @property
    def public(self) -> Any:
        if self._public is None:
            self._load()
        return self._public

    def published(self) -> dict[str, Any]:
        """The key in UAA's /token_key shape: a JWK with the PEM in `value`."""
        if self._published is None:
            import json

            from cryptography.hazmat.primitives import serialization
            from jwt.algorithms import RSAAlgorithm

            jwk = json.loads(RSAAlgorithm.to_jwk(self.public))
            pem = self.public.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ).decode("ascii")
            self._published = {
                "kty": "RSA",
                "e": jwk["e"],
                "n": jwk["n"],
                "alg": "RS256",
                "use": "sig",
                "kid": KEY_ID,
                "value": pem,
            }
        return dict(self._published)

    def generated_pem(self) -> bytes | None:
        """The key generated (or restored) for this server, as PEM, so a state file keeps tokens valid over a
        restart; None for a key given as a PEM file and before the first token."""
        with self._lock:
            if self._given or (self._pem is None and self._private is None):
                return None
            if self._pem is not None:
                return self._pem
            from cryptography.hazmat.primitives import serialization

            self._pem = self._private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            return self._pem

    def adopt(self, pem: bytes) -> None:
        """Sign with this key from now on (restored from a state file); checked as `check_pem` checks."""
        check_pem(pem)
        with self._lock:
            self._pem, self._private, self._public, self._published = pem, None, None, None


def check_pem(pem: bytes) -> None:
    """Refuse a key that cannot sign at start-up rather than at the first login."""
    try:
        SigningKey(pem).private  # noqa: B018 - loading is the check
    except (TypeError, ValueError) as error:
        raise ValueError(f"the signing key cannot be used: {error}") from error
