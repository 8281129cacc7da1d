"""The landing page at `/`: what is served, for a browser and for a script, open whatever the auth mode."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from viya_mock.app import DOCUMENTS, create_app
from viya_mock.settings import Settings

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_script_gets_the_list_of_apis(client: TestClient) -> None:
    answer = client.get("/")
    assert answer.headers["content-type"] == "application/json"
    body: dict[str, Any] = answer.json()
    assert body["name"] == "viya-mock" and re.fullmatch(r"\d+\.\d+\.\d+.*", body["version"])
    assert len(body["apis"]) == len(DOCUMENTS)
    by_root = {api["root"]: api for api in body["apis"]}
    assert by_root["/jobExecution"]["title"] == "Job Execution"
    assert by_root["/SASJobExecution"]["ui"] == "/SASJobExecution/ui/"
    assert body["health"] == "/__admin/health"
    for api in body["apis"]:  # every link answers
        assert client.get(api["document"]).status_code == 200, api
        assert client.get(api["ui"]).status_code == 200, api
    assert client.get(body["health"]).json() == {"status": "ok"}
    assert client.get(body["dashboard"]).headers["content-type"] == "text/html; charset=utf-8"


def test_a_browser_gets_a_page_linking_every_swagger_ui(client: TestClient) -> None:
    answer = client.get("/", headers={"Accept": BROWSER})
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    page = answer.text
    for root in ("/jobExecution", "/files", "/compute", "/folders", "/SASJobExecution", "/SASLogon", "/__admin"):
        assert f'href="{root}/ui/"' in page and f'href="{root}/openapi.json"' in page
    assert 'href="/__admin/health"' in page and 'href="/__admin/dashboard/"' in page and "viya-mock " in page


def test_head_answers_as_get_does(client: TestClient) -> None:
    answer = client.head("/")
    assert answer.status_code == 200 and answer.content == b""


def test_it_needs_no_token_when_the_apis_do() -> None:
    with TestClient(create_app(Settings(auth="required"))) as client:
        assert client.get("/").status_code == 200
        assert client.get("/jobExecution/jobs").status_code == 401


def test_the_sas_paths_are_untouched_and_unknown_ones_are_sas_404s(client: TestClient) -> None:
    assert client.get("/jobExecution/jobs").status_code == 200
    missing = client.get("/nothing/here")
    assert missing.status_code == 404 and missing.json()["httpStatusCode"] == 404
    assert client.post("/").status_code == 405
