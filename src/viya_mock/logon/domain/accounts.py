"""Who may log on: users (with their groups) and OAuth clients (with the grants each may use)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

GRANTS = frozenset(("password", "client_credentials", "authorization_code", "refresh_token"))
# user_id claims are derived from the user name, so the same user has the same id in every run.
_USER_IDS = uuid.UUID("6f1c1b1e-5a5e-4c2b-9d7a-3c0a7e1f2b11")


def user_id_for(name: str) -> str:
    return str(uuid.uuid5(_USER_IDS, name))


@dataclass(frozen=True, slots=True)
class User:
    """A user as SAS Identities shows it; `id` is the user name, as on Viya. The password is kept as given."""

    id: str
    password: str
    name: str
    groups: tuple[str, ...] = ()
    email: str | None = None

    @property
    def user_id(self) -> str:
        return user_id_for(self.id)


@dataclass(frozen=True, slots=True)
class Client:
    """An OAuth client. A public client has the empty secret, as SAS's own clients (`sas.ec:`) do."""

    id: str
    secret: str = ""
    grants: frozenset[str] = field(default_factory=frozenset)
    redirect_uri: str | None = None
    # Scopes of a client_credentials token (UAA's "authorities").
    authorities: tuple[str, ...] = ("uaa.none",)

    def may_use(self, grant: str) -> bool:
        return grant in self.grants


@dataclass(frozen=True, slots=True)
class AuthorizationCode:
    """A code handed out by /oauth/authorize, good for one token request before `expires` (ms)."""

    code: str
    client_id: str
    user: str
    redirect_uri: str
    expires: int
    challenge: str | None = None
    challenge_method: str | None = None


def user_scopes(user: User) -> list[str]:
    """Scopes of a user's token: SAS Logon lists the user's groups among them."""
    return ["openid", "uaa.user", *user.groups]
