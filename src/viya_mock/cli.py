"""The `viya-mock` command: parse options into Settings and serve; no logic of its own."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from viya_mock import settings as defaults


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viya-mock", description="A mock of the SAS Viya Job Execution API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the mock over HTTP")
    env = os.environ.get
    serve.add_argument(
        "--host", default=env("VIYA_MOCK_HOST", defaults.DEFAULT_HOST), help="interface to bind (VIYA_MOCK_HOST)"
    )
    serve.add_argument(
        "--port", type=int, default=int(env("VIYA_MOCK_PORT", defaults.DEFAULT_PORT)), help="port (VIYA_MOCK_PORT)"
    )
    fixtures = env("VIYA_MOCK_FIXTURES")
    serve.add_argument(
        "--fixtures",
        type=Path,
        default=Path(fixtures) if fixtures else None,
        help="folder of fixture YAML files to load at start-up; default: the bundled fixtures (VIYA_MOCK_FIXTURES)",
    )
    serve.add_argument("--no-fixtures", action="store_true", help="start with an empty store")
    serve.add_argument(
        "--user", default=env("VIYA_MOCK_USER", defaults.DEFAULT_USER), help="name in audit fields (VIYA_MOCK_USER)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    import uvicorn

    from viya_mock.app import create_app

    settings = defaults.Settings(host=options.host, port=options.port, user=options.user)
    if options.no_fixtures:
        settings = defaults.Settings(host=options.host, port=options.port, user=options.user, fixtures=None)
    elif options.fixtures is not None:
        settings = defaults.Settings(host=options.host, port=options.port, user=options.user, fixtures=options.fixtures)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")
    return 0
