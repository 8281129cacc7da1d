"""The `viya-mock` command: parse options (or their environment variables) into Settings, then serve."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from viya_mock import settings as defaults
from viya_mock.domain.timestamps import parse_iso
from viya_mock.resources import bundled_fixtures

EPILOG = """Every option can also be set with the environment variable shown in its help; the option wins.
The admin API is served under /__admin (reset, scenarios, clock, request journal, store export)."""


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _instant(text: str) -> int:
    value = parse_iso(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viya-mock", description="A mock of the SAS Viya Job Execution API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the mock over HTTP", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = serve.add_argument
    add("--host", default=_env("VIYA_MOCK_HOST") or defaults.DEFAULT_HOST, help="interface to bind [VIYA_MOCK_HOST]")
    add("--port", type=int, default=int(_env("VIYA_MOCK_PORT") or defaults.DEFAULT_PORT), help="[VIYA_MOCK_PORT]")
    add(
        "--fixtures",
        type=Path,
        default=_env("VIYA_MOCK_FIXTURES"),
        help="folder of fixture YAML files (default: the bundled ones) [VIYA_MOCK_FIXTURES]",
    )
    add("--no-fixtures", action="store_true", help="start with an empty store")
    add(
        "--scenarios",
        type=Path,
        nargs="*",
        default=[Path(p) for p in (_env("VIYA_MOCK_SCENARIOS") or "").split(os.pathsep) if p],
        metavar="PATH",
        help=f"scenario files or folders, consulted in the order given [VIYA_MOCK_SCENARIOS, '{os.pathsep}'-separated]",
    )
    add(
        "--clock",
        choices=("real", "virtual"),
        default=_env("VIYA_MOCK_CLOCK") or "real",
        help="real time, or virtual time that moves only through the admin API [VIYA_MOCK_CLOCK]",
    )
    add(
        "--start-time",
        type=_instant,
        default=_env("VIYA_MOCK_START_TIME"),
        help="where a virtual clock starts, ISO 8601 (default: now) [VIYA_MOCK_START_TIME]",
    )
    add(
        "--seed", type=int, default=_env("VIYA_MOCK_SEED"), help="seed for ids and fault probabilities [VIYA_MOCK_SEED]"
    )
    add(
        "--job-duration",
        type=float,
        default=float(_env("VIYA_MOCK_JOB_DURATION") or defaults.DEFAULT_JOB_DURATION / 1000),
        help="seconds a job runs on the default timeline [VIYA_MOCK_JOB_DURATION]",
    )
    add(
        "--heartbeat-interval",
        type=int,
        default=int(_env("VIYA_MOCK_HEARTBEAT_INTERVAL") or defaults.DEFAULT_HEARTBEAT_INTERVAL),
        help="heartbeatInterval of new jobs, in seconds [VIYA_MOCK_HEARTBEAT_INTERVAL]",
    )
    add(
        "--heartbeat-grace",
        type=float,
        default=float(_env("VIYA_MOCK_HEARTBEAT_GRACE") or 0),
        help="seconds past a missed heartbeat before a running job is timedOut [VIYA_MOCK_HEARTBEAT_GRACE]",
    )
    add("--user", default=_env("VIYA_MOCK_USER") or defaults.DEFAULT_USER, help="user in audit fields [VIYA_MOCK_USER]")
    add(
        "--cors-origin",
        action="append",
        default=[o for o in (_env("VIYA_MOCK_CORS_ORIGINS") or "").split(",") if o],
        metavar="ORIGIN",
        help="browser origin allowed to call the mock, repeatable (default: any localhost origin)"
        " [VIYA_MOCK_CORS_ORIGINS, comma-separated]",
    )
    add(
        "--generate",
        type=int,
        default=int(_env("VIYA_MOCK_GENERATE") or 0),
        metavar="N",
        help="add N realistic generated jobs (and requests and definitions); same --seed, same data"
        " [VIYA_MOCK_GENERATE]",
    )
    add(
        "--latency",
        type=float,
        default=float(_env("VIYA_MOCK_LATENCY") or 0),
        help="seconds added to every answer, to see a frontend's spinners [VIYA_MOCK_LATENCY]",
    )
    return parser


def settings_from(argv: Sequence[str] | None = None) -> defaults.Settings:
    options = _parser().parse_args(argv)
    start = options.start_time if not isinstance(options.start_time, str) else _instant(options.start_time)
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
        cors_origins=tuple(options.cors_origin),
        latency=round(options.latency * 1000),
        generate=options.generate,
    )


def main(argv: Sequence[str] | None = None) -> int:
    settings = settings_from(argv)
    # Connexion imports Starlette's test client, which warns about its own future; not the user's concern.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    import uvicorn

    from viya_mock.app import create_app
    from viya_mock.scenarios.loader import ScenarioError

    try:
        app = create_app(settings)
    except (ScenarioError, ValueError) as error:
        print(f"viya-mock: {error}", file=sys.stderr)  # noqa: T201 - the command's own error output
        return 2
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)
    return 0
