"""Every option of the mock with its default, defined once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from viya_mock.resources import bundled_fixtures

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
# The Compute provider on current Viya reports a 600 s heartbeat interval for the jobs it runs.
DEFAULT_HEARTBEAT_INTERVAL = 600
# How long a job runs on the default timeline (no scenario matched) before it completes, in milliseconds.
DEFAULT_JOB_DURATION = 5_000
# Whoever makes a request without a token (auth off or optional), and whom /oauth/authorize logs in.
DEFAULT_USER = "sasdemo"
# The largest file the Files API accepts (bytes); the real service's limit is a deployment setting.
DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024
# How tokens are checked on the mocked APIs: off, optional (a token, if sent, must be valid) or required.
DEFAULT_AUTH = "optional"
# Seconds an access token lives: SAS Logon's 12 hours. @sasjs/adapter refreshes any token with less than an
# hour left before every call, so this must stay well above 3600.
DEFAULT_TOKEN_LIFETIME = 43_200
# Seconds a refresh token lives (30 days).
DEFAULT_REFRESH_LIFETIME = 2_592_000
# Host names answered besides localhost, any IP address and `host`: Starlette's TestClient sends
# `Host: testserver`, so an app built in process answers it; `viya-mock serve` starts with none.
DEFAULT_ALLOWED_HOSTS = ("testserver",)
# Milliseconds between two writes of the state file (0: only at shutdown); a kill -9 loses at most this much.
DEFAULT_STATE_INTERVAL = 10_000
# Milliseconds a shutdown waits for requests in flight (long polls are answered at once) before cancelling them.
DEFAULT_SHUTDOWN_GRACE = 5_000
# The largest request body (bytes) outside the Files uploads and the store import, which take --max-file-size.
DEFAULT_MAX_BODY = 10 * 1024 * 1024
# Milliseconds of real time a client has to send a request's head, and again its body, before a 408.
DEFAULT_READ_TIMEOUT = 30_000
# The longest long poll on a job's state, in seconds: the `maximum` of its `wait` parameter as served.
# @sasjs/adapter asks for 300, so a lower cap makes its polls 400s.
DEFAULT_MAX_WAIT = 300
# Named tenants (`/t/<name>/…` or `X-Viya-Mock-Tenant`) one server keeps besides the default one: each is a whole
# app (about 0.3 s to build and a few MB), so a client inventing names cannot grow the process without bound.
DEFAULT_MAX_TENANTS = 64


@dataclass(frozen=True, slots=True)
class Settings:
    """How one mock instance behaves; `create_app` builds everything from this and nothing else."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    fixtures: Path | None = field(default_factory=bundled_fixtures)
    user: str = DEFAULT_USER
    heartbeat_interval: int = DEFAULT_HEARTBEAT_INTERVAL
    # Milliseconds past a missed heartbeat before a running job becomes timedOut.
    heartbeat_grace: int = 0
    job_duration: int = DEFAULT_JOB_DURATION
    # Scenario files or folders loaded at start-up and restored by every reset.
    scenarios: tuple[Path, ...] = ()
    # Folders of .sas programs served as job definitions: `DIR` or `/Folder/Path=DIR` (folders/services/programs.py).
    programs: tuple[str, ...] = ()
    # Browser origins allowed to call the mock; empty means any http(s) origin on localhost or 127.0.0.1.
    cors_origins: tuple[str, ...] = ()
    # How many realistic jobs (with job requests and definitions) to generate on top of the fixtures.
    generate: int = 0
    # Milliseconds added to every answer of the mocked APIs, so a frontend's spinners can be seen.
    latency: int = 0
    seed: int | None = None
    # Milliseconds since the epoch for a virtual clock; None means real time.
    virtual_start: int | None = None
    # Response validation against the documents costs time per request: on in tests, off when serving.
    validate_responses: bool = False
    # The largest file body the Files API accepts, in bytes; larger uploads are refused with 413.
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    auth: str = DEFAULT_AUTH
    # CSRF tokens: `on` for browser sessions (as Viya), `off`, or `all` (bearer tokens too, to test a client's retry).
    csrf: str = "on"
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    refresh_lifetime: int = DEFAULT_REFRESH_LIFETIME
    # A PEM RSA private key to sign tokens with; None means a new key per start (made at the first token).
    signing_key: Path | None = None
    # Host header names accepted besides localhost, any IP address and `host` (`.example.com` admits its
    # subdomains, `*` any name); other names are refused with 421 (DNS rebinding).
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    # The token the admin API requires. None: no token on loopback, a new random one per start off loopback.
    admin_token: str | None = None
    # A JSON file the state (store, clock, scenarios, id sequence) is restored from at start and written to.
    state_file: Path | None = None
    state_interval: int = DEFAULT_STATE_INTERVAL
    shutdown_grace: int = DEFAULT_SHUTDOWN_GRACE
    # The largest request body in bytes (the Files uploads and the store import have max_file_size); a larger
    # one is a 413 before it is read.
    max_body: int = DEFAULT_MAX_BODY
    # Milliseconds of transport time for a request's body (and, when served, its head) to arrive; then 408.
    read_timeout: int = DEFAULT_READ_TIMEOUT
    # Seconds a long poll may last; written into the served document as the `wait` parameter's maximum.
    max_wait: int = DEFAULT_MAX_WAIT
    # Named tenants a server builds at most (the default tenant is not counted); one more is a 429.
    max_tenants: int = DEFAULT_MAX_TENANTS
