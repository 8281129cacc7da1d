"""Bearer tokens on the mocked APIs: --auth off, optional and required, and the user a token names."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.testclient import TestClient

from tests.conftest import PROC_PRINT_URI, START_MS
from tests.support import ADMIN_HEADERS, assert_sas_error
from viya_mock.app import create_app
from viya_mock.clock import VirtualClock
from viya_mock.settings import Settings

PROTECTED = [
    "/jobExecution/jobs",
    "/jobDefinitions/definitions",
    "/files/files/nothing-here",
    "/identities/users/@currentUser",
]


def app_with(auth: str) -> Any:
    return create_app(Settings(virtual_start=START_MS, seed=7, validate_responses=True, auth=auth))


def serve(app: Any) -> Iterator[TestClient]:
    app.container.reset()
    with TestClient(app, headers=ADMIN_HEADERS) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def required_app() -> Any:
    return app_with("required")


@pytest.fixture
def required(required_app: Any) -> Iterator[TestClient]:
    yield from serve(required_app)


@pytest.fixture(scope="module")
def off_app() -> Any:
    return app_with("off")


@pytest.fixture
def off(off_app: Any) -> Iterator[TestClient]:
    yield from serve(off_app)


def login(client: TestClient, user: str = "sasdemo", password: str = "Orion123") -> dict[str, Any]:
    form = {"grant_type": "password", "username": user, "password": password}
    response = client.post("/SASLogon/oauth/token", data=form, auth=("sas.ec", ""))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(access_token: str, scheme: str = "Bearer") -> dict[str, str]:
    return {"Authorization": f"{scheme} {access_token}"}


def assert_refused(response: httpx.Response, error: str, description: str) -> None:
    body = assert_sas_error(response, 401)
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith(f'Bearer realm="oauth", error="{error}", error_description="')
    assert description in challenge
    assert description in body["message"]


# -- required ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PROTECTED)
def test_required_refuses_a_call_without_a_token(required: TestClient, path: str) -> None:
    assert_refused(required.get(path), "unauthorized", "Full authentication is required to access this resource")


@pytest.mark.parametrize("path", PROTECTED[:2])
def test_required_accepts_a_valid_token_in_either_case(required: TestClient, path: str) -> None:
    access = login(required)["access_token"]
    assert required.get(path, headers=bearer(access)).status_code == 200
    assert required.get(path, headers=bearer(access, "bearer")).status_code == 200


def test_required_lets_a_valid_token_reach_files_and_identities(required: TestClient) -> None:
    access = login(required)["access_token"]
    assert_sas_error(required.get("/files/files/nothing-here", headers=bearer(access)), 404)
    assert required.get("/identities/users/@currentUser", headers=bearer(access)).json()["id"] == "sasdemo"


def test_required_with_basic_credentials_is_no_token(required: TestClient) -> None:
    response = required.get("/jobExecution/jobs", headers={"Authorization": "Basic c2FzLmVjOg=="})
    assert_refused(response, "unauthorized", "Full authentication")


def test_an_expired_token_says_access_token_expired(required: TestClient, required_app: Any) -> None:
    issued = login(required)
    clock = required_app.container.clock
    assert isinstance(clock, VirtualClock)
    clock.advance(43_200_000)
    response = required.get("/jobExecution/jobs", headers=bearer(issued["access_token"]))
    assert_refused(response, "invalid_token", f"Access token expired: {issued['jti']}")
    # what sasctl looks for before it refreshes
    assert "access token expired" in response.headers["www-authenticate"].lower()
    refreshed = required.post(
        "/SASLogon/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]},
        auth=("sas.ec", ""),
    ).json()
    assert required.get("/jobExecution/jobs", headers=bearer(refreshed["access_token"])).status_code == 200


def test_a_token_is_valid_until_its_last_millisecond(required: TestClient, required_app: Any) -> None:
    access = login(required)["access_token"]
    required_app.container.clock.advance(43_200_000 - 1)
    assert required.get("/jobExecution/jobs", headers=bearer(access)).status_code == 200


def test_a_tampered_token_is_refused(required: TestClient) -> None:
    access = login(required)["access_token"]
    header, payload, signature = access.split(".")
    claims = jwt.decode(access, options={"verify_signature": False})
    claims["user_name"] = "sasadm"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = required.get("/jobExecution/jobs", headers=bearer(f"{header}.{forged}.{signature}"))
    assert_refused(response, "invalid_token", "the signature does not verify")


def test_a_token_signed_with_another_key_is_refused(required: TestClient) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(login(required)["access_token"], options={"verify_signature": False})
    forged = jwt.encode(claims, other, algorithm="RS256")
    assert_refused(required.get("/jobExecution/jobs", headers=bearer(forged)), "invalid_token", "signature")


@pytest.mark.parametrize(
    "junk", ["junk", "a.b.c", "e30.e30.", jwt.encode({"exp": 1, "iat": 1, "jti": "x"}, "k" * 32, algorithm="HS256")]
)
def test_junk_tokens_are_refused(required: TestClient, junk: str) -> None:
    response = required.get("/jobExecution/jobs", headers=bearer(junk))
    assert_sas_error(response, 401)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_a_refresh_token_is_not_an_access_token(required: TestClient) -> None:
    refresh = login(required)["refresh_token"]
    response = required.get("/jobExecution/jobs", headers=bearer(refresh))
    assert_refused(response, "invalid_token", "a refresh token is not an access token")


def test_the_token_of_a_removed_user_is_refused(required: TestClient) -> None:
    access = login(required, "sasuser2", "User2pass")["access_token"]
    assert required.delete("/__admin/users/sasuser2").status_code == 204
    assert_refused(required.get("/jobExecution/jobs", headers=bearer(access)), "invalid_token", "no longer exists")


def test_client_credentials_tokens_act_as_the_client(required: TestClient) -> None:
    response = required.post(
        "/SASLogon/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("viya-mock-ci", "viya-mock-ci-secret"),
    )
    access = response.json()["access_token"]
    created = required.post(
        "/jobDefinitions/definitions", json={"name": "ci", "type": "Compute", "code": "%put;"}, headers=bearer(access)
    )
    assert created.status_code == 201
    assert created.json()["createdBy"] == "viya-mock-ci"


@pytest.mark.parametrize(
    "path",
    [
        "/SASLogon/token_keys",
        "/__admin/health",
        "/jobExecution/openapi.json",
        "/identities/openapi.json",
        "/jobExecution/ui/",
    ],
)
def test_logon_admin_and_documents_need_no_token(required: TestClient, path: str) -> None:
    assert required.get(path).status_code == 200


def test_a_cors_preflight_needs_no_token(required: TestClient) -> None:
    response = required.options(
        "/jobExecution/jobs",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 200
    refused = required.get("/jobExecution/jobs", headers={"Origin": "http://localhost:3000"})
    assert refused.status_code == 401
    assert "WWW-Authenticate" in refused.headers["access-control-expose-headers"]


def test_refusals_are_journaled(required: TestClient) -> None:
    required.get("/jobExecution/jobs")
    entries = required.get("/__admin/requests", params={"status": 401}).json()["items"]
    assert [(entry["path"], entry["user"]) for entry in entries] == [("/jobExecution/jobs", None)]


# -- who did it ----------------------------------------------------------------------------------------


def test_created_by_names_the_token_user(required: TestClient) -> None:
    access = login(required, "sasadm", "Admin123")["access_token"]
    job = required.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}, headers=bearer(access))
    assert job.status_code == 201
    assert job.json()["createdBy"] == "sasadm"
    assert job.json()["modifiedBy"] == "sasadm"
    definition = required.post(
        "/jobDefinitions/definitions", json={"name": "d", "type": "Compute", "code": "%put;"}, headers=bearer(access)
    )
    assert definition.json()["createdBy"] == "sasadm"
    other = login(required, "sasuser2", "User2pass")["access_token"]
    location = definition.headers["location"]
    current = required.get(location, headers=bearer(other))
    replaced = required.put(
        location,
        json={**current.json(), "description": "changed"},
        headers={**bearer(other), "If-Match": current.headers["etag"]},
    )
    assert replaced.status_code == 200
    assert (replaced.json()["createdBy"], replaced.json()["modifiedBy"]) == ("sasadm", "sasuser2")
    entries = required.get("/__admin/requests", params={"method": "POST", "path": "/jobExecution/jobs"}).json()["items"]
    assert entries[-1]["user"] == "sasadm"


def test_optional_mode_uses_the_default_user_without_a_token(client: TestClient) -> None:
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI})
    assert job.json()["createdBy"] == "sasdemo"
    access = login(client, "sasuser2", "User2pass")["access_token"]
    job = client.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}, headers=bearer(access))
    assert job.json()["createdBy"] == "sasuser2"


def test_optional_mode_refuses_an_invalid_token(client: TestClient, clock: VirtualClock) -> None:
    access = login(client)["access_token"]
    clock.advance(43_200_000)
    assert_refused(client.get("/jobExecution/jobs", headers=bearer(access)), "invalid_token", "Access token expired")
    assert_refused(client.get("/jobExecution/jobs", headers=bearer("junk")), "invalid_token", "Cannot convert")


def test_off_mode_ignores_tokens(off: TestClient) -> None:
    assert off.get("/jobExecution/jobs", headers=bearer("junk")).status_code == 200
    job = off.post("/jobExecution/jobs", json={"jobDefinitionUri": PROC_PRINT_URI}, headers=bearer("junk"))
    assert job.json()["createdBy"] == "sasdemo"


# -- the documents -----------------------------------------------------------------------------------


@pytest.mark.parametrize("root", ["/jobExecution", "/jobDefinitions", "/files", "/identities"])
def test_swagger_ui_documents_carry_the_bearer_scheme(client: TestClient, root: str) -> None:
    document = client.get(f"{root}/openapi.json").json()
    assert document["security"] == [{"bearerAuth": []}, {}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }


def test_the_admin_api_takes_no_viya_tokens(required: TestClient) -> None:
    # Its own guard's schemes (the admin header and token), never SAS Logon's bearerAuth.
    security = required.get("/__admin/openapi.json").json()["security"]
    assert {} in security and all(set(item) <= {"adminHeader", "adminToken", "adminBearer"} for item in security)
    assert required.get("/__admin/requests", headers=bearer("junk")).status_code == 200
