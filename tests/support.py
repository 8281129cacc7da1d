"""Helpers that tests share: submitting jobs, asserting SAS error bodies, breaking one part of an export."""

from __future__ import annotations

from collections.abc import Callable
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


def set_at(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets the member or item at a dotted path ("store.jobs.0.base.state") to `value`."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for name in parents:
            data = data[int(name)] if isinstance(data, list) else data[name]
        if isinstance(data, list):
            data[int(last)] = value
        else:
            data[last] = value

    return change
