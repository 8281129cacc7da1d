"""Every failure leaves the mock as an application/vnd.sas.error body, whoever raised it.

Domain errors, Connexion's validation problems and Starlette's 404/405 all pass through here, so a client
never sees application/problem+json and never a 500 for its own input.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from viya_mock.core.api.render import error_body, error_response, viya_error_body
from viya_mock.core.domain.errors import ViyaError

logger = logging.getLogger("viya_mock")

_ROUTE_MESSAGES = {
    404: "No resource exists at the requested path.",
    405: "The method is not allowed for the requested path.",
}


def _response(body: dict[str, Any], headers: dict[str, str] | None = None) -> ConnexionResponse:
    """render's error response, in the shape Connexion's error-handler hook takes."""
    response = error_response(body, headers)
    return ConnexionResponse(
        status_code=response.status_code, mimetype=response.media_type, body=response.body, headers=headers or {}
    )


def _path(request: ConnexionRequest) -> str:
    return f"path: {request.url.path}"


def _route_path(request: ConnexionRequest) -> str:
    """The path below the app's own root (a tenant's `/t/<name>`), which the documents' templates describe.

    Past routing, `root_path` also holds the API's mount (`/t/alice/jobExecution`); Starlette keeps the root
    the app was served under in `app_root_path`.
    """
    path: str = request.url.path
    scope = request.scope
    root: str = scope.get("app_root_path", scope.get("root_path", ""))
    if root and path.startswith(f"{root}/"):
        return path[len(root) :]
    return path


def on_viya_error(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    assert isinstance(error, ViyaError)
    return _response(viya_error_body(error, request.url.path))


def on_problem(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """Connexion's validation problems: the first line of its detail says what failed and where."""
    assert isinstance(error, ProblemException)
    detail = str(error.detail or error.title or "The request was not valid.")
    first, _, rest = detail.partition("\n")
    details = [line for line in rest.splitlines() if line.strip()][:6]
    if error.status >= 500:
        logger.error("viya-mock failed to answer %s: %s", request.url.path, detail)
    return _response(error_body(error.status, first, details=[*details, _path(request)]))


class AllowedMethods:
    """Which methods the documents define for a request path, for the Allow header of a 405.

    Starlette names only the methods of the first route that matched the path; a client (and schemathesis)
    expects every method the resource supports.
    """

    def __init__(self, paths: Iterable[tuple[str, Iterable[str]]]) -> None:
        self._routes = [
            (self._pattern(template), template.count("{"), {method.upper() for method in methods})
            for template, methods in paths
        ]

    @staticmethod
    def _pattern(template: str) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$")

    def __call__(self, path: str) -> list[str]:
        """Methods of the most specific matching templates: `/jobs/@selection/state` over `/jobs/{jobId}/state`."""
        matches = [(parameters, methods) for pattern, parameters, methods in self._routes if pattern.match(path)]
        if not matches:
            return []
        fewest = min(parameters for parameters, _ in matches)
        return sorted(set().union(*(methods for parameters, methods in matches if parameters == fewest)))


def http_exception_handler(allowed: AllowedMethods) -> Callable[[ConnexionRequest, Exception], ConnexionResponse]:
    def on_http_exception(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
        assert isinstance(error, HTTPException)
        message = _ROUTE_MESSAGES.get(error.status_code, str(error.detail))
        headers = dict(error.headers or {})
        if error.status_code == 405:
            methods = allowed(_route_path(request))
            if methods:
                headers["Allow"] = ", ".join(methods)
        return _response(error_body(error.status_code, message, details=[_path(request)]), headers)

    return on_http_exception


def on_undecodable(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """A body that is not UTF-8 fails inside Connexion's JSON parsing; it is the client's input, so 400."""
    body = error_body(400, "The request body is not valid UTF-8 text.", details=[str(error), _path(request)])
    return _response(body)


def unexpected_handler(
    record: Callable[[BaseException], None],
) -> Callable[[ConnexionRequest, Exception], ConnexionResponse]:
    """A bug in the mock, not the client's fault: say so plainly, log the traceback, and hand the exception to
    `record` so that the pytest plugin can raise it in the test that caused it."""

    def on_unexpected(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
        logger.exception("viya-mock failed to answer %s", request.url.path, exc_info=error)
        record(error)
        body = error_body(
            500,
            "viya-mock failed to handle this request; this is a bug in the mock.",
            details=[f"{type(error).__name__}: {error}", _path(request)],
        )
        return _response(body)

    return on_unexpected


def on_bad_form(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """A multipart body that cannot be parsed (no boundary, a broken part) is the client's input, so 400."""
    body = error_body(400, "The request body is not valid multipart/form-data.", details=[str(error), _path(request)])
    return _response(body)
