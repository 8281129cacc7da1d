"""`schemathesis run` as the README suggests it, without the project's hooks, against `viya-mock serve`: for any
seed it finishes in bounded time and finds no server error.

The suite's own fuzzing (tests/contract) forces `wait=0` through its hooks; this run does not, so it sends the
document's largest `wait` and random ones below it, on jobs that run, have ended or do not exist. A poll that
could outlast the client's patience would make schemathesis time out, shrink and resend it for many minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live import serving

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Far above what a run takes here (about 30 s); a hanging poll would take several minutes.
BOUND = 240


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_schemathesis_without_hooks_finishes_in_bounded_time_with_no_server_error(base_url: str, seed: int) -> None:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("SCHEMATHESIS_")}
    try:
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{base_url}/jobExecution/openapi.json",
                "--url",
                f"{base_url}/jobExecution",
                "--seed",
                str(seed),
                "--max-examples",
                "10",
                "--request-timeout",
                "60",
                "--no-color",
            ],
            cwd=ROOT,  # the project's schemathesis.toml applies, as when a user runs it from a checkout
            env=environment,
            capture_output=True,
            text=True,
            timeout=BOUND,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"schemathesis run --seed {seed} did not finish in {BOUND} s:\n{expired.stdout!s:.4000}")
    output = run.stdout + run.stderr
    assert "Test cases:" in output, output[-4000:]
    assert "Server error" not in output and "Response timeout" not in output, output[-4000:]
    assert run.returncode == 0, output[-4000:]
