"""Helpers that tests share: submitting jobs and asserting SAS error bodies."""

from __future__ import annotations

from typing import Any

import httpx

ERROR_TYPE = "application/vnd.sas.error+json"
# What a script driving the admin API sends so that its writes are not mistaken for a cross-site request.
ADMIN_HEADERS = {"X-Viya-Mock-Admin": "1"}


def assert_sas_error(response: httpx.Response, status: int, error_code: int | None = None) -> dict[str, Any]:
    """The response is a SAS error with this status (and code), and says something."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(ERROR_TYPE)
    body: dict[str, Any] = response.json()
    assert body["httpStatusCode"] == status
    assert body["version"] == 2
    assert body["message"]
    if error_code is None:
        assert "errorCode" not in body
    else:
        assert body["errorCode"] == error_code
    return body
