"""Signing in with the SAS Logon pages, the session cookie every API then accepts, and Viya's CSRF rule.

A browser app signs in through the login form; the cookie SAS Logon sets stands in for a bearer token on every
service, and a state-changing request made with it needs the session's CSRF token, which every answer to the
session names (`x-csrf-header`, `X-CSRF-TOKEN`) and a refusal (403, `x-forbidden-reason: CSRF`) hands over.
The server here requires authentication, so what the cookie does is all that lets a request through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from viya_mock.app import create_app
from viya_mock.settings import Settings

HELLO = "/SASJobExecution/?_program=/Public/app/viya-mock/common/hello"
SIGNED_IN = "You have signed in."


@pytest.fixture(scope="module")
def browser_app() -> Any:
    return create_app(Settings(seed=3, auth="required", validate_responses=True, max_wait=5))


@pytest.fixture
def browser(browser_app: Any) -> Iterator[TestClient]:
    browser_app.container.reset()
    # HTTPS: the session cookie is Secure, which an HTTP client (unlike a browser on localhost) keeps to HTTPS.
    with TestClient(browser_app, base_url="https://localhost:8443") as client:
        yield client


def hidden_fields(page: str) -> dict[str, str]:
    """What @sasjs/adapter scrapes: each hidden input's name and value."""
    return dict(re.findall(r'<input type="hidden" name="([^"]*)"\svalue="([^"]*)', page))


def sign_in(browser: TestClient, user: str = "sasdemo", password: str = "Orion123") -> Any:
    form = browser.get("/SASLogon/login")
    fields = {**hidden_fields(form.text), "username": user, "password": password}
    return browser.post("/SASLogon/login", data=fields)


class TestSigningIn:
    def test_the_login_page_is_a_form_with_the_fields_clients_scrape(self, browser: TestClient) -> None:
        page = browser.get("/SASLogon/login")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert re.search(r'<form.+action="(.*(Logon|login)[^"]*).*>', page.text)  # sasjs's own pattern
        assert set(hidden_fields(page.text)) == {"X-Uaa-Csrf", "_service"}
        assert 'name="username"' in page.text and 'name="password"' in page.text

    def test_signing_in_sets_the_session_cookie(self, browser: TestClient) -> None:
        answer = sign_in(browser)
        assert answer.status_code == 200 and SIGNED_IN in answer.text
        cookie = next(
            value
            for name, value in answer.headers.multi_items()
            if name == "set-cookie" and value.startswith("SASLogon-session=")
        )
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert attributes == {"httponly", "path=/", "samesite=none", "secure"}

    def test_the_cookie_stands_in_for_a_token_on_every_api(self, browser: TestClient) -> None:
        assert browser.get("/identities/users/@currentUser").status_code == 401
        sign_in(browser, "sasadm", "Admin123")
        me = browser.get("/identities/users/@currentUser")
        assert me.status_code == 200 and me.json()["id"] == "sasadm"
        page = browser.get(HELLO)
        assert page.status_code == 200 and "Hello, World!" in page.text

    def test_a_wrong_password_shows_the_form_again(self, browser: TestClient) -> None:
        answer = sign_in(browser, password="wrong")
        assert answer.status_code == 401 and SIGNED_IN not in answer.text
        assert "The user name or password is incorrect." in answer.text and hidden_fields(answer.text)
        assert browser.get("/identities/users/@currentUser").status_code == 401

    def test_a_form_without_its_login_csrf_value_is_refused(self, browser: TestClient) -> None:
        browser.get("/SASLogon/login")
        answer = browser.post("/SASLogon/login", data={"username": "sasdemo", "password": "Orion123"})
        assert answer.status_code == 403 and SIGNED_IN not in answer.text

    def test_signing_out_ends_the_session(self, browser: TestClient) -> None:
        sign_in(browser)
        out = browser.get("/SASLogon/logout.do")
        assert out.status_code == 200 and "You have signed out." in out.text
        assert browser.get("/identities/users/@currentUser").status_code == 401

    def test_a_bearer_token_still_works_beside_cookies(self, browser: TestClient) -> None:
        grant = {"grant_type": "password", "username": "sasdemo", "password": "Orion123"}
        token = browser.post("/SASLogon/oauth/token", data=grant, auth=("sas.ec", "")).json()["access_token"]
        me = browser.get("/identities/users/@currentUser", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["id"] == "sasdemo"

    def test_authorize_uses_the_signed_in_user(self, browser: TestClient) -> None:
        sign_in(browser, "sasuser2", "User2pass")
        query = {"client_id": "sas.ec", "response_type": "code", "redirect_uri": "http://localhost:3000/cb"}
        answer = browser.get("/SASLogon/oauth/authorize", params=query, follow_redirects=False)
        code = answer.headers["location"].split("code=")[1].split("&")[0]
        tokens = browser.post(
            "/SASLogon/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": "http://localhost:3000/cb"},
            auth=("sas.ec", ""),
        ).json()
        me = browser.get(
            "/identities/users/@currentUser", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        assert me.json()["id"] == "sasuser2"


class TestCsrf:
    def test_every_answer_to_a_session_names_its_token(self, browser: TestClient) -> None:
        sign_in(browser)
        answer = browser.get("/identities/users/@currentUser")
        assert answer.headers["x-csrf-header"] == "X-CSRF-TOKEN" and answer.headers["x-csrf-token"]

    def test_a_write_without_the_token_is_refused_with_one_to_retry_with(self, browser: TestClient) -> None:
        sign_in(browser)
        refused = browser.post(HELLO)
        assert refused.status_code == 403
        assert refused.headers["x-forbidden-reason"] == "CSRF"
        assert refused.headers["x-csrf-header"] == "X-CSRF-TOKEN"
        assert refused.json()["httpStatusCode"] == 403
        retried = browser.post(HELLO, headers={"X-CSRF-TOKEN": refused.headers["x-csrf-token"]})
        assert retried.status_code == 200 and "Hello, World!" in retried.text

    def test_a_stale_token_is_refused(self, browser: TestClient) -> None:
        sign_in(browser)
        assert browser.post(HELLO, headers={"X-CSRF-TOKEN": "not-it"}).status_code == 403

    def test_a_write_from_an_origin_the_server_does_not_allow_is_refused(self, browser: TestClient) -> None:
        sign_in(browser)
        token = browser.get("/identities/users/@currentUser").headers["x-csrf-token"]
        foreign = browser.post(HELLO, headers={"X-CSRF-TOKEN": token, "Origin": "https://evil.example"})
        assert foreign.status_code == 403 and "origin" in foreign.json()["message"]
        referred = browser.post(HELLO, headers={"X-CSRF-TOKEN": token, "Referer": "https://evil.example/page"})
        assert referred.status_code == 403
        local = browser.post(HELLO, headers={"X-CSRF-TOKEN": token, "Origin": "http://localhost:5173"})
        assert local.status_code == 200

    def test_bearer_tokens_are_not_asked_for_one(self, browser: TestClient) -> None:
        grant = {"grant_type": "password", "username": "sasdemo", "password": "Orion123"}
        token = browser.post("/SASLogon/oauth/token", data=grant, auth=("sas.ec", "")).json()["access_token"]
        answer = browser.post(HELLO, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and "x-csrf-token" not in answer.headers

    def test_csrf_all_asks_bearer_tokens_too(self) -> None:
        app = create_app(Settings(seed=3, csrf="all", max_wait=5))
        with TestClient(app) as client:
            refused = client.post(HELLO)
            assert refused.status_code == 403 and refused.headers["x-forbidden-reason"] == "CSRF"
            assert client.post(HELLO, headers={"X-CSRF-TOKEN": refused.headers["x-csrf-token"]}).status_code == 200

    def test_csrf_off_asks_nobody(self) -> None:
        app = create_app(Settings(seed=3, auth="required", csrf="off", max_wait=5))
        with TestClient(app, base_url="https://localhost:8443") as client:
            sign_in(client)
            assert client.post(HELLO).status_code == 200


class TestCors:
    def test_credentialed_cors_names_the_origin_never_a_star(self, browser: TestClient) -> None:
        preflight = browser.options(
            "/SASJobExecution/",
            headers={
                "Origin": "http://localhost:5173",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-csrf-token",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
        assert preflight.headers["access-control-allow-credentials"] == "true"
        answer = browser.get("/SASLogon/login", headers={"Origin": "http://localhost:5173"})
        exposed = answer.headers["access-control-expose-headers"].lower()
        assert "x-csrf-token" in exposed and "x-sas-jobexec-id" in exposed and "x-forbidden-reason" in exposed

    def test_a_star_origin_is_refused_at_start_up(self) -> None:
        with pytest.raises(ValueError, match="explicit"):
            create_app(Settings(cors_origins=("*",)))
