"""The `viya-mock` command: parse options (or their environment variables) into Settings, then serve."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from viya_mock import settings as defaults
from viya_mock.core.domain.timestamps import parse_iso
from viya_mock.resources import bundled_fixtures

EPILOG = """Every option can also be set with the environment variable shown in its help; the option wins.
The admin API is served under /__admin (reset, scenarios, clock, request journal, store export). Its POST,
PUT and DELETE calls need the header 'X-Viya-Mock-Admin: 1' (or a JSON or YAML body); off loopback, also the
admin token. A tenant of its own (store, clock, seed, scenarios, journal) is reached under /t/<name>/ or with
the header 'X-Viya-Mock-Tenant: <name>'."""


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _instant(text: str) -> int:
    value = parse_iso(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}")
    return value


def _option(
    parser: argparse.ArgumentParser,
    flag: str,
    env: str,
    help: str,
    convert: Callable[[str], Any] = str,
    default: Any = None,
    from_env: Callable[[str], Any] | None = None,
    **kwargs: Any,
) -> None:
    """An option whose default comes from its environment variable; the help names the variable.

    A value on the command line replaces the variable's, also for options that take several values.
    """
    raw = _env(env)
    value = (from_env or convert)(raw) if raw is not None else default
    parser.add_argument(flag, type=convert, default=value, help=f"{help} [{env}]", **kwargs)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86_400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"not a number of seconds from 0 to 86400: {text!r}")
    return value


def _list(separator: str, item: Callable[[str], Any] = str) -> Callable[[str], list[Any]]:
    return lambda text: [item(part) for part in text.split(separator) if part]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viya-mock", description="A mock of the SAS Viya Job Execution API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the mock over HTTP", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    _option(serve, "--host", "VIYA_MOCK_HOST", "interface to bind", default=defaults.DEFAULT_HOST)
    _option(serve, "--port", "VIYA_MOCK_PORT", "port", int, defaults.DEFAULT_PORT)
    _option(serve, "--fixtures", "VIYA_MOCK_FIXTURES", "folder of fixture YAML files (default: the bundled ones)", Path)
    serve.add_argument("--no-fixtures", action="store_true", help="start with an empty store")
    _option(
        serve,
        "--scenarios",
        "VIYA_MOCK_SCENARIOS",
        f"scenario files or folders, consulted in the order given ('{os.pathsep}'-separated in the variable)",
        Path,
        [],
        _list(os.pathsep, Path),
        nargs="*",
        metavar="PATH",
    )
    _option(
        serve,
        "--programs",
        "VIYA_MOCK_PROGRAMS",
        "folders of .sas programs, each file a job definition: DIR (served at /Public/app/<DIR's name>) or "
        f"/Folder/Path=DIR ('{os.pathsep}'-separated in the variable); edits are seen without a restart",
        str,
        [],
        _list(os.pathsep),
        nargs="*",
        metavar="DIR",
    )
    _option(
        serve,
        "--clock",
        "VIYA_MOCK_CLOCK",
        "real time, or virtual time that moves only through the admin API",
        default="real",
        choices=("real", "virtual"),
    )
    _option(
        serve, "--start-time", "VIYA_MOCK_START_TIME", "where a virtual clock starts, ISO 8601 (default: now)", _instant
    )
    _option(serve, "--seed", "VIYA_MOCK_SEED", "seed for ids, generated data and fault probabilities", int)
    _option(
        serve,
        "--job-duration",
        "VIYA_MOCK_JOB_DURATION",
        "seconds a job runs on the default timeline",
        float,
        defaults.DEFAULT_JOB_DURATION / 1000,
    )
    _option(
        serve,
        "--heartbeat-interval",
        "VIYA_MOCK_HEARTBEAT_INTERVAL",
        "heartbeatInterval of new jobs, in seconds",
        int,
        defaults.DEFAULT_HEARTBEAT_INTERVAL,
    )
    _option(
        serve,
        "--heartbeat-grace",
        "VIYA_MOCK_HEARTBEAT_GRACE",
        "seconds past a missed heartbeat before a running job is timedOut",
        float,
        0.0,
    )
    _option(serve, "--user", "VIYA_MOCK_USER", "user in audit fields", default=defaults.DEFAULT_USER)
    _option(
        serve,
        "--cors-origin",
        "VIYA_MOCK_CORS_ORIGINS",
        "browser origins allowed to call the mock (default: any localhost origin; comma-separated in the variable)",
        str,
        [],
        _list(","),
        nargs="+",
        metavar="ORIGIN",
    )
    _option(
        serve,
        "--generate",
        "VIYA_MOCK_GENERATE",
        "add N realistic generated jobs (and requests and definitions); same --seed, same data",
        int,
        0,
        metavar="N",
    )
    _option(
        serve,
        "--auth",
        "VIYA_MOCK_AUTH",
        "bearer tokens on the mocked APIs: off (ignored), optional (checked when sent) or required",
        default=defaults.DEFAULT_AUTH,
        choices=("off", "optional", "required"),
    )
    _option(
        serve,
        "--csrf",
        "VIYA_MOCK_CSRF",
        "CSRF tokens on writes: on (browser sessions, as Viya), off, or all (bearer tokens too)",
        default="on",
        choices=("on", "off", "all"),
    )
    _option(
        serve,
        "--token-lifetime",
        "VIYA_MOCK_TOKEN_LIFETIME",
        "seconds an access token from SAS Logon lives",
        _positive,
        defaults.DEFAULT_TOKEN_LIFETIME,
        metavar="SECONDS",
    )
    _option(
        serve,
        "--signing-key",
        "VIYA_MOCK_SIGNING_KEY",
        "PEM RSA private key to sign tokens with (default: a new key per start)",
        Path,
        metavar="PEM_FILE",
    )
    _option(serve, "--latency", "VIYA_MOCK_LATENCY", "seconds added to every answer, to see spinners", float, 0.0)
    _option(
        serve,
        "--max-file-size",
        "VIYA_MOCK_MAX_FILE_SIZE",
        "largest file the Files API accepts, in bytes (larger uploads are 413)",
        _positive,
        defaults.DEFAULT_MAX_FILE_SIZE,
        metavar="BYTES",
    )
    _option(
        serve,
        "--allowed-host",
        "VIYA_MOCK_ALLOWED_HOSTS",
        "host names the server answers to besides localhost, IP addresses and --host ('.example.com' admits "
        "its subdomains, '*' any name; comma-separated in the variable)",
        str,
        [],
        _list(","),
        nargs="+",
        metavar="NAME",
    )
    _option(
        serve,
        "--admin-token",
        "VIYA_MOCK_ADMIN_TOKEN",
        "token the admin API requires (default: none on loopback, a new one printed at start-up otherwise)",
        metavar="TOKEN",
    )
    _option(
        serve,
        "--state-file",
        "VIYA_MOCK_STATE_FILE",
        "JSON file the state (store, clock, scenarios, id sequence) is restored from at start and saved to",
        Path,
        metavar="PATH",
    )
    _option(
        serve,
        "--state-interval",
        "VIYA_MOCK_STATE_INTERVAL",
        "seconds between two writes of the state file (0: only at shutdown)",
        _seconds,
        defaults.DEFAULT_STATE_INTERVAL / 1000,
        metavar="SECONDS",
    )
    _option(
        serve,
        "--shutdown-grace",
        "VIYA_MOCK_SHUTDOWN_GRACE",
        "seconds a stop signal gives requests in flight before they are cancelled (long polls answer at once)",
        _seconds,
        defaults.DEFAULT_SHUTDOWN_GRACE / 1000,
        metavar="SECONDS",
    )
    _option(
        serve,
        "--max-body",
        "VIYA_MOCK_MAX_BODY",
        "largest request body in bytes outside the Files uploads and the store import (larger bodies are 413)",
        _positive,
        defaults.DEFAULT_MAX_BODY,
        metavar="BYTES",
    )
    _option(
        serve,
        "--read-timeout",
        "VIYA_MOCK_READ_TIMEOUT",
        "seconds a client has to send a request's headers, and again its body (then 408)",
        _positive_seconds,
        defaults.DEFAULT_READ_TIMEOUT / 1000,
        metavar="SECONDS",
    )
    _option(
        serve,
        "--max-wait",
        "VIYA_MOCK_MAX_WAIT",
        "longest long poll on a job's state, in seconds: the wait parameter's maximum (@sasjs/adapter asks for 300)",
        _positive,
        defaults.DEFAULT_MAX_WAIT,
        metavar="SECONDS",
    )
    _option(
        serve,
        "--max-tenants",
        "VIYA_MOCK_MAX_TENANTS",
        "named tenants (/t/<name>/… or the X-Viya-Mock-Tenant header) kept at most besides the default one; "
        "a request for one more is a 429 (0: only the default tenant)",
        _count,
        defaults.DEFAULT_MAX_TENANTS,
        metavar="N",
    )
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"not a whole number of 0 or more: {text!r}")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value > 86_400:
        raise argparse.ArgumentTypeError(f"not a number of seconds between 0 and 86400: {text!r}")
    return value


def settings_from(argv: Sequence[str] | None = None) -> defaults.Settings:
    options = _parser().parse_args(argv)
    start = options.start_time
    virtual_start = None
    if options.clock == "virtual":
        from viya_mock.clock import SystemClock

        virtual_start = start if start is not None else SystemClock().now()
    fixtures = None
    if not options.no_fixtures:
        fixtures = Path(options.fixtures) if options.fixtures else bundled_fixtures()
    return defaults.Settings(
        host=options.host,
        port=options.port,
        fixtures=fixtures,
        user=options.user,
        heartbeat_interval=options.heartbeat_interval,
        heartbeat_grace=round(options.heartbeat_grace * 1000),
        job_duration=round(options.job_duration * 1000),
        seed=int(options.seed) if options.seed is not None else None,
        virtual_start=virtual_start,
        scenarios=tuple(options.scenarios),
        programs=tuple(options.programs),
        cors_origins=tuple(options.cors_origin),
        latency=round(options.latency * 1000),
        generate=options.generate,
        max_file_size=options.max_file_size,
        auth=options.auth,
        csrf=options.csrf,
        token_lifetime=options.token_lifetime,
        signing_key=Path(options.signing_key) if options.signing_key else None,
        allowed_hosts=tuple(options.allowed_host),
        admin_token=options.admin_token,
        state_file=Path(options.state_file) if options.state_file else None,
        state_interval=round(options.state_interval * 1000),
        shutdown_grace=round(options.shutdown_grace * 1000),
        max_body=options.max_body,
        max_wait=options.max_wait,
        read_timeout=max(1, round(options.read_timeout * 1000)),
        max_tenants=options.max_tenants,
    )


def main(argv: Sequence[str] | None = None) -> int:
    settings = settings_from(argv)
    # Connexion imports Starlette's test client, which warns about its own future; not the user's concern.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from viya_mock.scenarios.loader import ScenarioError
    from viya_mock.tenants import Tenants

    try:
        app = Tenants(settings)  # the default tenant now; the others at their first request
    except (ScenarioError, ValueError, OSError) as error:
        print(f"viya-mock: {error}", file=sys.stderr)  # noqa: T201 - the command's own error output
        return 2
    _warn_off_loopback(settings, app.admin_token)
    from viya_mock.server import serve
    from viya_mock.state import StateFile

    state_file = StateFile(settings.state_file) if settings.state_file is not None else None
    from viya_mock.transport import server_options

    return serve(
        app,
        settings.host,
        settings.port,
        settings.shutdown_grace,
        state_file,
        settings.state_interval,
        **server_options(settings),
    )


def _warn_off_loopback(settings: defaults.Settings, admin_token: str | None) -> None:
    """Off loopback the admin API needs a token: say so, and print it unless the user chose it."""
    from viya_mock.middleware.admin_guard import TOKEN_HEADER, is_loopback

    if is_loopback(settings.host):
        return
    lines = [
        f"viya-mock: warning: listening on {settings.host}:{settings.port}, which other machines can reach. "
        "The mocked APIs are open to them; the admin API (/__admin) needs the admin token, sent as "
        f"'Authorization: Bearer <admin-token>' or '{TOKEN_HEADER}: <admin-token>'. Clients that reach it by a "
        "host name (not an IP address) need that name in --allowed-host.",
        "viya-mock: the admin token is the one given with --admin-token"
        if settings.admin_token
        else f"viya-mock: admin token: {admin_token}",
    ]
    print("\n".join(lines), file=sys.stderr, flush=True)  # noqa: T201 - the command's own start-up output
