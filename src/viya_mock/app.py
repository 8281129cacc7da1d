"""Build the ASGI app: one Connexion app serving every document in openapi/, routed by operationId."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import viya_mock.lazy  # noqa: F401 - Connexion imported without what a server never calls; must come first

# isort: split
import connexion
from connexion.exceptions import ProblemException
from connexion.middleware import ConnexionMiddleware, MiddlewarePosition
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from viya_mock import __version__, documents
from viya_mock.admin.api.accounts import AccountHandlers
from viya_mock.admin.api.handlers import AdminHandlers
from viya_mock.admin.api.tenants import TenantHandlers
from viya_mock.admin.services.tenants import SingleTenant, TenantDirectory
from viya_mock.clock import SystemClock
from viya_mock.compute.api.handlers import ComputeHandlers
from viya_mock.container import Container
from viya_mock.core.api import errors
from viya_mock.core.api.bodies import EmptyBodies, optional_bodies
from viya_mock.core.api.operations import operation_table
from viya_mock.core.api.prepared import PreparedApp, PreparedRequestValidation
from viya_mock.core.api.routing import IndexedRouting, SwaggerUIPassBy
from viya_mock.core.api.validation import VALIDATORS
from viya_mock.core.domain.errors import ViyaError
from viya_mock.core.domain.timestamps import format_ms
from viya_mock.dashboard.api.handlers import DashboardHandlers, load_assets
from viya_mock.files.api.handlers import FileHandlers
from viya_mock.files.api.uploads import MULTIPART_SLACK, UploadBodies
from viya_mock.folders.api.handlers import FolderHandlers
from viya_mock.identities.api.handlers import IdentityHandlers
from viya_mock.jobdefinitions.api.handlers import JobDefinitionHandlers
from viya_mock.jobexecution.api.job_requests import JobRequestHandlers
from viya_mock.jobexecution.api.jobs import JobHandlers
from viya_mock.jobexecution.api.root import RootHandlers
from viya_mock.landing.api.handlers import LandingHandlers
from viya_mock.landing.services.catalogue import catalogue
from viya_mock.logon.api.handlers import LogonHandlers
from viya_mock.logon.domain.sessions import COOKIE as SESSION_COOKIE
from viya_mock.logon.services.tokens import InvalidToken
from viya_mock.middleware import ADMIN_PREFIX
from viya_mock.middleware.admin_guard import AdminGuard, HostNames, is_loopback, new_admin_token
from viya_mock.middleware.auth import AuthMiddleware
from viya_mock.middleware.cors import SasCORSMiddleware
from viya_mock.middleware.csrf import CsrfMiddleware
from viya_mock.middleware.faults import FaultMiddleware
from viya_mock.middleware.journal import JournalMiddleware
from viya_mock.middleware.limits import RequestLimits
from viya_mock.resources import openapi_dir
from viya_mock.settings import Settings
from viya_mock.webrunner.api.handlers import WebRunnerHandlers

LOCALHOST_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
# What a browser app may read of an answer from another origin.
EXPOSED_HEADERS = [
    "ETag",
    "Last-Modified",
    "Location",
    "WWW-Authenticate",
    "x-csrf-header",
    "X-CSRF-TOKEN",
    "x-forbidden-reason",
    "X-Sas-Jobexec-Id",
    "X-Sas-Jobexec-Error",
]
DOCUMENTS = (
    "job-execution.yaml",
    "job-definitions.yaml",
    "files.yaml",
    "admin.yaml",
    "saslogon.yaml",
    "identities.yaml",
    "compute.yaml",
    "folders.yaml",
    "web-runner.yaml",
)
# SAS Logon ignores form fields and query parameters it does not know (UAA does); the others are strict.
# The landing page at `/` (landing/): served beside the APIs, not one of them.
LANDING = "landing.yaml"
# The web runner passes every field it does not know to the program as a macro variable.
LENIENT = frozenset(("saslogon.yaml", "web-runner.yaml"))
LOGON_PREFIX = "/SASLogon"
# The documents declare bearer security for Swagger UI and other tools; the auth middleware checks tokens,
# so Connexion's own security middleware (which would want an x-bearerInfoFunc) is left out of the stack.
# Request validation is Connexion's, with each operation's validators built once (`core.api.prepared`).
# Routing tries only the routes a path's first segment allows, and Swagger UI is passed by for other paths
# (`core.api.routing`).
PREPARED = {
    RequestValidationMiddleware: PreparedRequestValidation,
    RoutingMiddleware: IndexedRouting,
    SwaggerUIMiddleware: SwaggerUIPassBy,
}
MIDDLEWARES = [PREPARED.get(m, m) for m in ConnexionMiddleware.default_middlewares if m is not SecurityMiddleware]

# Connexion logs a warning on every request to an operation with several request media types; the SAS
# API has many such operations by design, so the warning is noise (and a cost) on the hot path.
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)
# The web runner takes any field as a macro variable, which Connexion warns about on every such request.
logging.getLogger("connexion.decorators.parameter").setLevel(logging.ERROR)
# Bodies that may be as large as a file (--max-file-size) rather than --max-body: the Files uploads, which
# check the file's own limit themselves, and the store import, whose export carries every uploaded file.
# Matched at the end of the path, whatever prefix comes before the API's root.
FILE_SIZED_BODIES = (
    ("POST", re.compile(r"/files/files\Z")),
    ("PUT", re.compile(r"/files/files/[^/]+/content\Z")),
    ("PUT", re.compile(r"/__admin/store\Z")),
    ("POST", re.compile(r"/SASJobExecution/?\Z")),
)


def create_app(settings: Settings | None = None, tenants: TenantDirectory | None = None) -> connexion.AsyncApp:
    """A fresh app with its own container; nothing is shared between two apps.

    `tenants` is the server's directory of tenants when the app is one of several (`viya_mock.tenants`);
    without one the app is a server of its own, whose only tenant is the default one.
    """
    settings = settings or Settings()
    container = Container(settings)
    directory = tenants or SingleTenant(container.jobs.count, SystemClock().now())
    table = operation_table(
        [
            RootHandlers(),
            JobHandlers(container.jobs),
            JobRequestHandlers(container.job_requests),
            JobDefinitionHandlers(container.job_definitions),
            FileHandlers(container.files),
            AdminHandlers(container.admin),
            LogonHandlers(container.logon, container.browser_sessions, settings.user),
            IdentityHandlers(container.identities),
            AccountHandlers(container.logon),
            TenantHandlers(directory),
            ComputeHandlers(container.compute),
            FolderHandlers(container.folders),
            WebRunnerHandlers(container.web_runner),
            DashboardHandlers(container.jobs, load_assets(), settings.seed),
            LandingHandlers(catalogue((documents.document(name) for name in DOCUMENTS), __version__)),
        ]
    )
    # An exception that escapes every handler (a bug in a middleware) still leaves as a SAS error.
    unexpected = errors.unexpected_handler(container.failures.append)
    middlewares = [partial(m, handler=unexpected) if m is ServerErrorMiddleware else m for m in MIDDLEWARES]
    app = PreparedApp("viya_mock", specification_dir=str(openapi_dir()), middlewares=middlewares)
    with documents.checked_already():
        # Connexion mounts the APIs last-added first: the landing page, at the root, goes in first so it is tried last.
        for name in (LANDING, *DOCUMENTS):
            app.add_api(
                documents.configured(documents.document(name), {"max_wait": settings.max_wait}),
                resolver=Resolver(function_resolver=table.__getitem__),
                pythonic_params=True,
                strict_validation=name not in LENIENT,
                validate_responses=settings.validate_responses,
                swagger_ui_options=SwaggerUIOptions(
                    swagger_ui=name != LANDING, serve_spec=name != LANDING, swagger_ui_path="/ui"
                ),
                validator_map=VALIDATORS,
            )
    # Outermost first: CORS answers browsers' preflights before anything else (they never need a token); the
    # journal sees every final status, refused tokens and scripted faults included; faults only meet
    # requests that passed authentication, as behind a real gateway.
    # Browser apps send SAS Logon's session cookie, so CORS answers with credentials, which needs the origin
    # named (never `*`, which Viya refuses too), and exposes the headers apps read: CSRF, the web runner's.
    if "*" in settings.cors_origins:
        raise ValueError("--cors-origin '*' is refused: browsers send cookies only to explicit origins; name them")
    app.add_middleware(
        SasCORSMiddleware,
        MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=list(settings.cors_origins),
        allow_origin_regex=None if settings.cors_origins else LOCALHOST_ORIGINS,
        allow_methods=["*"],
        allow_headers=["*"],
        allow_credentials=True,
        expose_headers=EXPOSED_HEADERS,
    )
    # Inside CORS, so an allowed frontend can read why it was refused; before everything else, so a request for
    # another host name, a cross-site admin write or an admin call without the admin token reaches nothing.
    admin_token = admin_token_for(settings)
    app.add_middleware(AdminGuard, MiddlewarePosition.BEFORE_EXCEPTION, **guard_options(settings, admin_token))
    app.add_middleware(
        JournalMiddleware,
        MiddlewarePosition.BEFORE_EXCEPTION,
        journal=container.journal,
        now_text=lambda: format_ms(container.clock.now()),
    )
    # Header, body and read-time limits, before anything reads the body (and inside the journal, which records
    # the refusals).
    app.add_middleware(
        RequestLimits,
        MiddlewarePosition.BEFORE_EXCEPTION,
        body_limit=body_limit(settings),
        read_timeout=settings.read_timeout,
    )
    app.add_middleware(
        AuthMiddleware,
        MiddlewarePosition.BEFORE_EXCEPTION,
        mode=settings.auth,
        verify=_verifier(container),
        bind=container.current_user.bind,
        unbind=container.current_user.unbind,
        default_user=settings.user,
        open_prefixes=_open_prefixes(),
        open_paths=frozenset({"/", "/openapi.json"}),
        session_cookie=SESSION_COOKIE,
        verify_session=_session_verifier(container),
    )
    # Inside auth, which tells a cookie session from a bearer token; SAS Logon and the admin API are exempt.
    app.add_middleware(
        CsrfMiddleware,
        MiddlewarePosition.BEFORE_EXCEPTION,
        mode=settings.csrf,
        origin_allowed=_origin_allowed(settings),
        token_for_user=container.browser_sessions.csrf_for_user,
        open_prefixes=(LOGON_PREFIX, ADMIN_PREFIX),
    )
    app.add_middleware(
        FaultMiddleware,
        MiddlewarePosition.BEFORE_EXCEPTION,
        fault_for=container.scenarios.fault_for,
        clock=container.clock,
        latency=settings.latency,
        any_faults=lambda: container.scenarios.has_faults,
    )
    # After routing, so it knows the operation: file content reaches the Files handlers as sent, size-checked.
    before_validation(app, UploadBodies, max_file_size=settings.max_file_size)
    optional = optional_bodies(documents.document(name) for name in DOCUMENTS)
    before_validation(app, EmptyBodies, optional=optional)
    app.add_error_handler(ViyaError, errors.on_viya_error)
    app.add_error_handler(ProblemException, errors.on_problem)
    allowed = errors.AllowedMethods(path for name in DOCUMENTS for path in documents.paths(name))
    app.add_error_handler(HTTPException, errors.http_exception_handler(allowed))
    app.add_error_handler(UnicodeDecodeError, errors.on_undecodable)
    app.add_error_handler(MultiPartException, errors.on_bad_form)
    app.add_error_handler(Exception, unexpected)
    # Tests, the pytest plugin and the admin API reach the container and routing table through the app.
    app.container = container
    app.operations = table
    # The token admin calls need (None: none), for `viya-mock serve` to print and the pytest plugin to send.
    app.admin_token = admin_token
    return app


def before_validation(app: connexion.AsyncApp, middleware: type, **options: Any) -> None:
    """Insert a middleware just before request validation, as MiddlewarePosition.BEFORE_VALIDATION would.

    Connexion finds that position by its own RequestValidationMiddleware class, which this app replaces.
    """
    stack = app.middleware.middlewares
    stack.insert(stack.index(PreparedRequestValidation), partial(middleware, **options))


def admin_token_for(settings: Settings) -> str | None:
    """The token admin calls need: --admin-token; else none on loopback and a new random one off it."""
    return settings.admin_token or (None if is_loopback(settings.host) else new_admin_token())


def guard_options(settings: Settings, admin_token: str | None) -> dict[str, Any]:
    """What the admin guard checks, from the settings: also used in front of tenants not yet built."""
    return {
        "hosts": HostNames(settings.host, settings.allowed_hosts),
        "origins": settings.cors_origins,
        "origin_pattern": None if settings.cors_origins else LOCALHOST_ORIGINS,
        "token": admin_token,
    }


def body_limit(settings: Settings) -> Callable[[str, str], int]:
    """The largest body a request may send: --max-body, or for FILE_SIZED_BODIES what a file may be."""
    file_sized = max(settings.max_body, settings.max_file_size + MULTIPART_SLACK)

    def limit(method: str, path: str) -> int:
        for wanted, pattern in FILE_SIZED_BODIES:
            if method == wanted and pattern.search(path):
                return file_sized
        return settings.max_body

    return limit


def _verifier(container: Container) -> Callable[[str], tuple[str | None, str]]:
    """The auth middleware's check: the user a valid access token names, or why it is not valid."""
    logon = container.logon

    def verify(token: str) -> tuple[str | None, str]:
        try:
            return logon.authenticate(token).name, ""
        except InvalidToken as error:
            return None, error.description

    return verify


def _session_verifier(container: Container) -> Callable[[str], tuple[str, str] | None]:
    """The auth middleware's check of a session cookie: the session's user and CSRF token, if it is live."""
    sessions = container.browser_sessions

    def verify(session_id: str) -> tuple[str, str] | None:
        session = sessions.find(session_id)
        return (session.user, session.csrf_token) if session is not None else None

    return verify


def _origin_allowed(settings: Settings) -> Callable[[str, Headers], bool]:
    """Whether a cookie session's write may come from an origin: the server's own, or one CORS allows."""
    pattern = re.compile(LOCALHOST_ORIGINS) if not settings.cors_origins else None
    named = frozenset(settings.cors_origins)

    def allowed(origin: str, headers: Headers) -> bool:
        host = headers.get("host", "")
        if origin in (f"http://{host}", f"https://{host}") or origin in named:
            return True
        return pattern is not None and pattern.fullmatch(origin) is not None

    return allowed


def _open_prefixes() -> tuple[str, ...]:
    """Paths that never need a token: SAS Logon, the admin API, and each API's document and Swagger UI."""
    roots = [documents.document(name)["servers"][0]["url"].rstrip("/") for name in DOCUMENTS]
    return (LOGON_PREFIX, ADMIN_PREFIX, *(f"{root}{tail}" for root in roots for tail in ("/openapi.json", "/ui")))
