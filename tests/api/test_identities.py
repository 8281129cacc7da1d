"""Identities: the current user and users by id, and the admin API's accounts behind them."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.support import assert_sas_error


def login(client: TestClient, user: str, password: str) -> str:
    form = {"grant_type": "password", "username": user, "password": password}
    response = client.post("/SASLogon/oauth/token", data=form, auth=("sas.ec", ""))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def current(client: TestClient, access_token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    response = client.get("/identities/users/@currentUser", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_current_user_is_the_token_user(client: TestClient) -> None:
    body = current(client, login(client, "sasadm", "Admin123"))
    assert {k: body[k] for k in ("id", "name", "type", "providerId", "state", "version")} == {
        "id": "sasadm",
        "name": "SAS Administrator",
        "type": "user",
        "providerId": "local",
        "state": "active",
        "version": 2,
    }
    self_link = next(link for link in body["links"] if link["rel"] == "self")
    assert self_link["href"] == "/identities/users/sasadm"


def test_current_user_without_a_token_is_the_default_user(client: TestClient) -> None:
    assert current(client)["id"] == "sasdemo"


def test_a_user_by_id_and_head(client: TestClient) -> None:
    response = client.get("/identities/users/sasuser2", headers={"Accept": "application/vnd.sas.identity+json"})
    assert response.headers["content-type"].startswith("application/vnd.sas.identity+json")
    assert response.json()["name"] == "Second SAS User"
    head = client.head("/identities/users/sasuser2")
    assert (head.status_code, head.content) == (200, b"")
    assert client.head("/identities/users/nobody").status_code == 404
    body = assert_sas_error(client.get("/identities/users/nobody"), 404)
    assert "nobody" in body["message"]


def test_memberships_list_the_groups(client: TestClient) -> None:
    body = client.get("/identities/users/sasadm/memberships").json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == ["SASAdministrators", "SASUsers"]
    assert {item["type"] for item in body["items"]} == {"group"}
    page = client.get("/identities/users/sasadm/memberships", params={"start": 1, "limit": 1}).json()
    assert [item["id"] for item in page["items"]] == ["SASUsers"]
    assert_sas_error(client.get("/identities/users/nobody/memberships"), 404)


def test_an_added_user_can_log_on_and_is_gone_after_a_reset(client: TestClient) -> None:
    created = client.post(
        "/__admin/users", json={"id": "alice", "password": "s3cret", "name": "Alice", "groups": ["Analysts"]}
    )
    assert created.status_code == 201
    assert created.json() == {"id": "alice", "name": "Alice", "groups": ["Analysts"], "email": None}
    assert "password" not in str(client.get("/__admin/users").json())
    token = login(client, "alice", "s3cret")
    assert current(client, token)["name"] == "Alice"
    assert_sas_error(client.post("/__admin/users", json={"id": "alice", "password": "x"}), 409)
    assert client.post("/__admin/reset").status_code == 204
    assert client.get("/identities/users/alice").status_code == 404


def test_admin_users_are_validated_by_the_document(client: TestClient) -> None:
    assert_sas_error(client.post("/__admin/users", json={"id": "bob"}), 400)
    assert_sas_error(client.post("/__admin/users", json={"id": "bob", "password": "x", "role": "admin"}), 400)
    assert_sas_error(client.delete("/__admin/users/nobody"), 404)


def test_an_added_client_can_get_tokens(client: TestClient) -> None:
    created = client.post(
        "/__admin/clients", json={"id": "my-app", "secret": "pw", "grants": ["client_credentials", "password"]}
    )
    assert created.status_code == 201
    assert created.json()["public"] is False
    response = client.post("/SASLogon/oauth/token", data={"grant_type": "client_credentials"}, auth=("my-app", "pw"))
    assert response.status_code == 200
    form = {"grant_type": "password", "username": "sasdemo", "password": "Orion123"}
    assert client.post("/SASLogon/oauth/token", data=form, auth=("my-app", "pw")).status_code == 200
    assert_sas_error(client.post("/__admin/clients", json={"id": "my-app", "grants": []}), 409)
    assert_sas_error(client.post("/__admin/clients", json={"id": "x", "grants": ["implicit"]}), 400)


def test_minted_tokens_work_without_a_password(client: TestClient) -> None:
    response = client.post("/__admin/tokens", json={"user": "sasuser2", "lifetime": 60, "scope": "openid"})
    assert response.status_code == 201
    body = response.json()
    assert body["expires_in"] == 59
    assert body["scope"] == "openid"
    assert current(client, body["access_token"])["id"] == "sasuser2"
    assert_sas_error(client.post("/__admin/tokens", json={"user": "nobody"}), 400)
    assert_sas_error(client.post("/__admin/tokens", json={"user": "sasdemo", "lifetime": 0}), 400)
