"""SAS Logon's token endpoint, authorize and signing key, as SAS's clients call them."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from starlette.testclient import TestClient

from tests.conftest import START_MS
from viya_mock.clock import VirtualClock

TOKEN = "/SASLogon/oauth/token"
AUTHORIZE = "/SASLogon/oauth/authorize"
SASDEMO = {"grant_type": "password", "username": "sasdemo", "password": "Orion123"}


def basic(client_id: str, secret: str = "") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def token(client: TestClient, form: dict[str, str], client_id: str = "sas.ec", secret: str = "") -> httpx.Response:
    return client.post(TOKEN, data=form, headers={"Accept": "application/json", **basic(client_id, secret)})


def assert_uaa_error(response: httpx.Response, status: int, error: str, description: str | None = None) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error
    if description is not None:
        assert body["error_description"] == description
    return str(body["error_description"])


def claims(client: TestClient, access_token: str) -> dict[str, Any]:
    """The token's claims, verified with the key the server publishes."""
    key = client.get("/SASLogon/token_key").json()
    decoded: dict[str, Any] = jwt.decode(
        access_token, key["value"], algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False}
    )
    return decoded


def pkce_pair(verifier: str = "a" * 43) -> tuple[str, str]:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(client: TestClient, **params: str) -> dict[str, list[str]]:
    response = client.get(AUTHORIZE, params=params, follow_redirects=False)
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)


# -- password grant ----------------------------------------------------------------------------------


def test_the_password_grant_answers_as_sas_logon_does(client: TestClient) -> None:
    response = token(client, SASDEMO)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert list(body) == ["access_token", "token_type", "refresh_token", "expires_in", "scope", "jti"]
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 43199
    assert body["scope"] == "openid uaa.user SASUsers"
    decoded = claims(client, body["access_token"])
    assert decoded["user_name"] == "sasdemo"
    assert decoded["client_id"] == "sas.ec"
    assert decoded["grant_type"] == "password"
    assert decoded["scope"] == ["openid", "uaa.user", "SASUsers"]
    assert decoded["jti"] == body["jti"]
    assert decoded["iat"] == START_MS // 1000
    assert decoded["exp"] == START_MS // 1000 + 43200
    assert decoded["iss"] == "http://localhost/SASLogon/oauth/token"
    assert isinstance(decoded["user_id"], str) and decoded["aud"][0] == "sas.ec"


@pytest.mark.parametrize(
    "accept", ["application/vnd.sas.compute.session+json", "*/*", "text/html", "application/xml", None]
)
def test_any_accept_header_gets_json(client: TestClient, accept: str | None) -> None:
    headers = basic("sas.tkmtrb") | ({"Accept": accept} if accept else {})
    response = client.post(TOKEN, data=SASDEMO, headers=headers)
    assert response.status_code == 200
    assert response.json()["access_token"]


def test_form_field_client_authentication(client: TestClient) -> None:
    form = {**SASDEMO, "client_id": "sas.cli", "client_secret": ""}
    response = client.post(TOKEN, data=form)
    assert response.status_code == 200
    assert claims(client, response.json()["access_token"])["client_id"] == "sas.cli"


def test_multipart_form_is_accepted(client: TestClient) -> None:
    response = client.post(
        TOKEN, files={name: (None, value) for name, value in SASDEMO.items()}, headers=basic("sas.ec")
    )
    assert response.status_code == 200


def test_a_confidential_client_authenticates_with_its_secret(client: TestClient) -> None:
    assert token(client, SASDEMO, "viya-mock-ci", "viya-mock-ci-secret").status_code == 200


@pytest.mark.parametrize(
    "form", [{**SASDEMO, "password": "wrong"}, {**SASDEMO, "username": "nobody"}, {"grant_type": "password"}]
)
def test_bad_user_credentials(client: TestClient, form: dict[str, str]) -> None:
    assert_uaa_error(token(client, form), 401, "unauthorized", "Bad credentials")


@pytest.mark.parametrize(
    "headers",
    [
        basic("no.such.client"),
        basic("viya-mock-ci", "wrong"),
        basic("sas.ec", "a-secret"),
        {"Authorization": "Basic %%%"},
    ],
)
def test_bad_client_credentials(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post(TOKEN, data=SASDEMO, headers=headers)
    assert_uaa_error(response, 401, "unauthorized", "Bad credentials")
    assert response.headers["www-authenticate"].startswith('Basic realm="UAA/client"')


def test_no_client_authentication_at_all(client: TestClient) -> None:
    response = client.post(TOKEN, data=SASDEMO)
    assert_uaa_error(response, 401, "unauthorized", "Full authentication is required to access this resource")


def test_a_grant_the_client_may_not_use(client: TestClient) -> None:
    response = client.post(TOKEN, data={**SASDEMO, "client_id": "vscode"})
    assert_uaa_error(response, 401, "invalid_client", "Unauthorized grant type: password")
    response = token(client, {"grant_type": "client_credentials"})
    assert_uaa_error(response, 401, "invalid_client", "Unauthorized grant type: client_credentials")


def test_missing_and_unsupported_grant_types(client: TestClient) -> None:
    assert_uaa_error(token(client, {}), 400, "invalid_request", "Missing grant type")
    response = token(client, {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "x"})
    assert_uaa_error(
        response, 400, "unsupported_grant_type", "Unsupported grant type: urn:ietf:params:oauth:grant-type:jwt-bearer"
    )


# -- client credentials ------------------------------------------------------------------------------


def test_client_credentials_get_no_refresh_token(client: TestClient) -> None:
    response = token(client, {"grant_type": "client_credentials"}, "viya-mock-ci", "viya-mock-ci-secret")
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body
    decoded = claims(client, body["access_token"])
    assert "user_name" not in decoded
    assert decoded["sub"] == "viya-mock-ci"
    assert decoded["grant_type"] == "client_credentials"


# -- authorization code ------------------------------------------------------------------------------


def test_authorize_redirects_with_a_code_and_the_state(client: TestClient) -> None:
    query = authorize(
        client, client_id="sas.ec", response_type="code", redirect_uri="http://localhost:5000/cb", state="xyz"
    )
    assert query["state"] == ["xyz"]
    response = token(client, {"grant_type": "authorization_code", "code": query["code"][0]})
    assert response.status_code == 200
    assert claims(client, response.json()["access_token"])["user_name"] == "sasdemo"


def test_authorize_uses_the_registered_redirect_and_the_named_user(client: TestClient) -> None:
    response = client.get(
        AUTHORIZE,
        params={"client_id": "vscode", "response_type": "code", "username": "sasuser2"},
        follow_redirects=False,
    )
    assert response.headers["location"].startswith("http://localhost/SASLogon/oauth/callback?code=")
    code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "client_id": "vscode", "client_secret": ""}
    answer = client.post(TOKEN, data=form)
    assert claims(client, answer.json()["access_token"])["user_name"] == "sasuser2"


def test_authorize_refusals(client: TestClient) -> None:
    response = client.get(AUTHORIZE, params={"client_id": "nope", "response_type": "code"}, follow_redirects=False)
    assert_uaa_error(response, 400, "invalid_client")
    response = client.get(AUTHORIZE, params={"client_id": "sas.ec", "response_type": "code"}, follow_redirects=False)
    assert_uaa_error(response, 400, "invalid_request")
    query = authorize(client, client_id="vscode", response_type="token", state="s")
    assert query == {"error": ["unsupported_response_type"], "state": ["s"]}
    assert authorize(client, client_id="vscode", response_type="code", username="ghost")["error"] == ["access_denied"]


def test_pkce_right_verifier(client: TestClient) -> None:
    verifier, challenge = pkce_pair()
    query = authorize(
        client, client_id="vscode", response_type="code", code_challenge=challenge, code_challenge_method="S256"
    )
    form = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "code_verifier": verifier,
        "client_id": "vscode",
    }
    assert client.post(TOKEN, data=form).status_code == 200


@pytest.mark.parametrize("verifier", ["b" * 43, None])
def test_pkce_wrong_or_missing_verifier(client: TestClient, verifier: str | None) -> None:
    _, challenge = pkce_pair()
    code = authorize(
        client, client_id="vscode", response_type="code", code_challenge=challenge, code_challenge_method="S256"
    )["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "client_id": "vscode"}
    if verifier:
        form["code_verifier"] = verifier
    description = assert_uaa_error(client.post(TOKEN, data=form), 400, "invalid_grant")
    assert description.startswith(f"Invalid authorization code: {code}")


def test_a_code_works_once(client: TestClient) -> None:
    code = authorize(client, client_id="vscode", response_type="code")["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "client_id": "vscode"}
    assert client.post(TOKEN, data=form).status_code == 200
    assert_uaa_error(client.post(TOKEN, data=form), 400, "invalid_grant", f"Invalid authorization code: {code}")


def test_a_code_expires_after_five_minutes(client: TestClient, clock: VirtualClock) -> None:
    code = authorize(client, client_id="vscode", response_type="code")["code"][0]
    clock.advance(300_000)
    form = {"grant_type": "authorization_code", "code": code, "client_id": "vscode"}
    assert_uaa_error(client.post(TOKEN, data=form), 400, "invalid_grant", f"Invalid authorization code: {code}")


def test_a_code_belongs_to_its_client_and_must_be_given(client: TestClient) -> None:
    code = authorize(client, client_id="vscode", response_type="code")["code"][0]
    response = token(client, {"grant_type": "authorization_code", "code": code})
    assert_uaa_error(response, 400, "invalid_grant", f"Invalid authorization code: {code}")
    response = token(client, {"grant_type": "authorization_code"})
    assert_uaa_error(response, 400, "invalid_request")


# -- refresh -----------------------------------------------------------------------------------------


def test_refresh_gives_a_new_access_token_and_keeps_the_refresh_token(client: TestClient, clock: VirtualClock) -> None:
    first = token(client, SASDEMO).json()
    clock.advance(60_000)
    response = token(client, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] == first["refresh_token"]
    assert claims(client, second["access_token"])["iat"] == START_MS // 1000 + 60


def test_multipart_refresh_as_sasjs_sends_it(client: TestClient) -> None:
    refresh = token(client, SASDEMO).json()["refresh_token"]
    form = {"grant_type": (None, "refresh_token"), "refresh_token": (None, refresh)}
    response = client.post(TOKEN, files=form, headers=basic("sas.ec"))
    assert response.status_code == 200
    assert response.json()["access_token"]


def test_saspy_refreshes_with_another_public_client(client: TestClient) -> None:
    refresh = token(client, SASDEMO, "sas.tkmtrb").json()["refresh_token"]
    assert token(client, {"grant_type": "refresh_token", "refresh_token": refresh}, "SASPy").status_code == 200


def test_bad_refresh_tokens(client: TestClient, clock: VirtualClock) -> None:
    issued = token(client, SASDEMO).json()
    assert_uaa_error(token(client, {"grant_type": "refresh_token", "refresh_token": "junk"}), 401, "invalid_token")
    # an access token is not a refresh token
    response = token(client, {"grant_type": "refresh_token", "refresh_token": issued["access_token"]})
    assert "is not a refresh token" in assert_uaa_error(response, 401, "invalid_token")
    assert_uaa_error(token(client, {"grant_type": "refresh_token"}), 400, "invalid_request")
    clock.advance(30 * 86_400_000)
    response = token(client, {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]})
    assert "expired" in assert_uaa_error(response, 401, "invalid_token")


def test_a_refresh_token_of_a_removed_user_stops_working(client: TestClient) -> None:
    refresh = token(client, {**SASDEMO, "username": "sasuser2", "password": "User2pass"}).json()["refresh_token"]
    assert client.delete("/__admin/users/sasuser2").status_code == 204
    response = token(client, {"grant_type": "refresh_token", "refresh_token": refresh})
    assert "no longer exists" in assert_uaa_error(response, 401, "invalid_token")


# -- keys --------------------------------------------------------------------------------------------


def test_token_keys_publish_the_key_that_verifies_tokens(client: TestClient) -> None:
    keys = client.get("/SASLogon/token_keys").json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert {k: key[k] for k in ("kty", "alg", "use", "kid")} == {
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "kid": "legacy-token-key",
    }
    access = token(client, SASDEMO).json()["access_token"]
    public = jwt.PyJWK.from_dict({k: key[k] for k in ("kty", "e", "n", "alg", "use", "kid")})
    decoded = jwt.decode(access, public.key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False})
    assert decoded["user_name"] == "sasdemo"
    assert jwt.get_unverified_header(access)["kid"] == key["kid"]
    assert client.get("/SASLogon/token_key").json()["value"] == key["value"]
    assert key["value"].startswith("-----BEGIN PUBLIC KEY-----")


# -- no form input is a 500 ----------------------------------------------------------------------------

ODD_VALUES = ["", " ", "\x00", "é", "%", "a" * 5000, "Basic", "::", "eyJ.eyJ.sig", "null", "[]", "{}", "\ud7ff"]
ODD_HEADERS = [
    None,
    "Basic",
    "Basic ",
    "Basic !!!",
    "Basic " + base64.b64encode(b"no-colon").decode(),
    "Basic " + base64.b64encode(b"\xff\xfe:").decode(),
    "Bearer abc",
    "basic " + base64.b64encode(b"sas.ec:").decode(),
]


def test_no_form_input_gives_a_500(client: TestClient) -> None:
    grants = ["password", "client_credentials", "authorization_code", "refresh_token", "implicit", "", "é"]
    fields = [
        "username",
        "password",
        "code",
        "code_verifier",
        "refresh_token",
        "client_id",
        "client_secret",
        "redirect_uri",
    ]
    for header in ODD_HEADERS:
        for grant in grants:
            headers = {"Authorization": header} if header else {}
            response = client.post(TOKEN, data={"grant_type": grant, "client_id": "sas.ec"}, headers=headers)
            assert response.status_code in (200, 400, 401), (header, grant, response.text)
    for grant in grants:
        for field in fields:
            for value in ODD_VALUES:
                response = client.post(TOKEN, data={"grant_type": grant, field: value}, headers=basic("sas.ec"))
                assert response.status_code in (200, 400, 401), (grant, field, value, response.text)
    for body, content_type in [
        (b"\xff\xfe", "application/x-www-form-urlencoded"),
        (b"grant_type=password&grant_type=refresh_token", "application/x-www-form-urlencoded"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"grant_type=password", "multipart/form-data"),
        (b'{"grant_type": "password"}', "application/json"),
    ]:
        response = client.post(TOKEN, content=body, headers={"Content-Type": content_type, **basic("sas.ec")})
        assert 400 <= response.status_code < 500, (body, response.text)
    for params in [
        {"client_id": "sas.ec", "response_type": "code", "redirect_uri": "http://[::1"},
        {"client_id": "é"},
        {},
    ]:
        response = client.get(AUTHORIZE, params=params, follow_redirects=False)
        assert response.status_code in (302, 400), (params, response.text)


def test_a_given_signing_key_signs_the_tokens(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from viya_mock.app import create_app
    from viya_mock.settings import Settings

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (tmp_path / "key.pem").write_bytes(pem)
    app = create_app(Settings(virtual_start=START_MS, signing_key=tmp_path / "key.pem", token_lifetime=600))
    with TestClient(app) as own:
        body = token(own, SASDEMO).json()
    assert body["expires_in"] == 599
    decoded = jwt.decode(
        body["access_token"], key.public_key(), algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False}
    )
    assert decoded["exp"] - decoded["iat"] == 600


def test_a_removed_user_with_a_non_latin_name_gets_a_readable_challenge(client: TestClient) -> None:
    assert client.post("/__admin/users", json={"id": "日本", "password": "pw"}).status_code == 201
    access = client.post("/__admin/tokens", json={"user": "日本"}).json()["access_token"]
    assert client.delete("/__admin/users/日本").status_code == 204
    response = client.get("/jobExecution/jobs", headers={"Authorization": f"Bearer {access}"})
    assert response.status_code == 401
    assert "no longer exists" in response.headers["www-authenticate"]
