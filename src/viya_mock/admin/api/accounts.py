"""Handlers for the admin API's accounts: SAS Logon's users and clients, and tokens minted for tests."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from viya_mock.core.api.render import JSON, json_response, no_content
from viya_mock.logon.domain.accounts import Client, User
from viya_mock.logon.services.logon import LogonService


def user_body(user: User) -> dict[str, Any]:
    """A user as the admin API shows it: never the password."""
    return {"id": user.id, "name": user.name, "groups": list(user.groups), "email": user.email}


def client_body(client: Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "public": client.secret == "",
        "grants": sorted(client.grants),
        "redirectUri": client.redirect_uri,
        "authorities": list(client.authorities),
    }


class AccountHandlers:
    def __init__(self, logon: LogonService) -> None:
        self.logon = logon

    async def getUsers(self) -> Response:
        users = [user_body(user) for user in self.logon.users()]
        return json_response({"count": len(users), "items": users}, JSON)

    async def addUser(self, body: dict[str, Any]) -> Response:
        user = User(
            id=body["id"],
            password=body["password"],
            name=body.get("name") or body["id"],
            groups=tuple(body.get("groups") or ()),
            email=body.get("email"),
        )
        return json_response(user_body(self.logon.add_user(user)), JSON, 201)

    async def removeUser(self, user_id: str) -> Response:
        self.logon.remove_user(user_id)
        return no_content()

    async def addClient(self, body: dict[str, Any]) -> Response:
        client = Client(
            id=body["id"],
            secret=body.get("secret") or "",
            grants=frozenset(body["grants"]),
            redirect_uri=body.get("redirectUri"),
            authorities=tuple(body.get("authorities") or ("uaa.none",)),
        )
        return json_response(client_body(self.logon.add_client(client)), JSON, 201)

    async def mintToken(self, body: dict[str, Any]) -> Response:
        scope = body.get("scope")
        scopes = scope.split() if isinstance(scope, str) else scope
        return json_response(self.logon.mint(body["user"], scopes, body.get("lifetime")), JSON, 201)
