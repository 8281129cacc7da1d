"""A web app in headless Chromium signs in through the SAS Logon form and calls the mock from another origin.

The browser is Debian's `chromium`, driven by Playwright for Python (its own browser download is never used);
the test set-up installs the package when it is missing (CI runs as root). The mock requires authentication,
so only the session cookie lets the app's `fetch(…, {credentials: 'include'})` calls through; the app is
served from another origin (another port of localhost, as a Vite dev server would be), so CORS with
credentials and the CSRF refusal-then-retry are what a real browser does with them.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import watched_page
from tests.e2e.live import serving
from tests.support import ADMIN_HEADERS

pytestmark = pytest.mark.e2e

PAGES = Path(__file__).parent / "pages"


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with serving("--seed", "1", "--auth", "required") as url:
        yield url.replace("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def app_origin() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(PAGES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return


def test_sign_in_then_call_the_web_runner_from_another_origin(browser: Any, mock_url: str, app_origin: str) -> None:
    context = browser.new_context()
    page, problems = watched_page(context)

    page.goto(f"{mock_url}/SASLogon/login")
    page.fill("#username", "sasdemo")
    page.fill("#password", "Orion123")
    page.click("button[type=submit]")
    page.wait_for_selector("text=You have signed in.")
    cookie = next(c for c in context.cookies() if c["name"] == "SASLogon-session")
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (True, True, "None")

    page.goto(f"{app_origin}/app.html?mock={mock_url}")
    page.wait_for_function("document.body.dataset.result !== undefined", timeout=20_000)
    result = json.loads(page.evaluate("document.body.dataset.result"))
    assert result.get("error") is None, result
    assert result["who"] == "sasdemo"
    assert (result["first"], result["reason"]) == (403, "CSRF")
    assert result["status"] == 200
    assert result["people"] == [{"NAME": "Alfred", "AGE": 14}, {"NAME": "Alice", "AGE": 13}]
    # The one refusal the app met is the CSRF 403 its retry answered; the console shows it as the failed fetch.
    assert [p for p in problems if "403" not in p] == [], problems
    job = httpx.get(f"{mock_url}/jobExecution/jobs/{result['job']}", headers=ADMIN_HEADERS)
    assert job.status_code == 401  # without the cookie or a token the API refuses, as Viya does
    context.close()


def test_the_app_signs_in_itself_through_the_form_from_its_own_origin(
    browser: Any, mock_url: str, app_origin: str
) -> None:
    """As @sasjs/adapter's logIn does in a browser: the form read and posted back with fetch, across origins."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{app_origin}/app.html?mock={mock_url}&user=sasadm&password=Admin123")
    page.wait_for_function("document.body.dataset.result !== undefined", timeout=20_000)
    result = json.loads(page.evaluate("document.body.dataset.result"))
    assert result.get("error") is None, result
    assert (result["signedIn"], result["who"], result["first"], result["status"]) == (True, "sasadm", 403, 200)
    assert result["people"][0] == {"NAME": "Alfred", "AGE": 14}
    context.close()


def test_a_wrong_password_keeps_the_app_out(browser: Any, mock_url: str, app_origin: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{mock_url}/SASLogon/login")
    page.fill("#username", "sasdemo")
    page.fill("#password", "wrong")
    page.click("button[type=submit]")
    page.wait_for_selector("text=The user name or password is incorrect.")
    page.goto(f"{app_origin}/app.html?mock={mock_url}")
    page.wait_for_function("document.body.dataset.result !== undefined", timeout=20_000)
    result = json.loads(page.evaluate("document.body.dataset.result"))
    assert result.get("who") == 401 or result.get("error"), result
    context.close()
