"""Identities' JSON: users (application/vnd.sas.identity) and their group memberships."""

from __future__ import annotations

from typing import Any

from viya_mock.core.api.render import COLLECTION, link
from viya_mock.logon.domain.accounts import User

IDENTITY = "application/vnd.sas.identity"
GROUP = "application/vnd.sas.identity.group"
USERS = "/identities/users"


def user_links(user: User) -> list[dict[str, str]]:
    uri = f"{USERS}/{user.id}"
    return [
        link("GET", "self", uri, IDENTITY),
        link("GET", "alternate", uri, "application/vnd.sas.summary"),
        link("GET", "memberships", f"{uri}/memberships", COLLECTION, item_type=GROUP),
    ]


def user_body(user: User) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": user.id,
        "name": user.name,
        "type": "user",
        "providerId": "local",
        "state": "active",
    }
    if user.email:
        body["emailAddresses"] = [{"value": user.email, "type": "work"}]
    body["version"] = 2
    body["links"] = user_links(user)
    return body


def group_body(group: str) -> dict[str, Any]:
    uri = f"/identities/groups/{group}"
    return {
        "id": group,
        "name": group,
        "type": "group",
        "providerId": "local",
        "state": "active",
        "version": 2,
        "links": [link("GET", "self", uri, GROUP)],
    }
