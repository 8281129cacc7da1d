"""How reads hold up as the store grows: GET a job and a filtered sorted page at 10 … 1,000,000 jobs.

For each size a real `viya-mock serve --generate N` (virtual clock, seed 1) is started pinned to core 0 and
measured with wrk (one thread, 16 connections) pinned to core 1: requests/s and p50/p99 of GET one job by id and
of `filter=eq(state,'completed')&sortBy=creationTimeStamp:descending&limit=20`, plus how long the server took to
generate its jobs and answer, and its RSS. Prints a Markdown table; asserts nothing.
Run as `python bench/scale.py [--sizes 10,1000,100000,1000000] [--seconds 5]`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from compare import Measure, Operation, _rss_mb, _stop, wrk  # noqa: E402 - the side-by-side bench's helpers

PAGE = "/jobs?filter=eq(state,'completed')&sortBy=creationTimeStamp:descending&limit=20"


def _serve(size: int, port: int) -> tuple[subprocess.Popen[bytes], float]:
    command = ["taskset", "-c", "0", sys.executable, "-m", "viya_mock", "serve", "--port", str(port)]
    command += ["--clock", "virtual", "--seed", "1", "--generate", str(size)]
    began = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = began + 3600
    while time.perf_counter() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/__admin/health", timeout=5).status_code == 200:
                return server, time.perf_counter() - began
        except httpx.TransportError:
            time.sleep(0.2)
    _stop(server)
    raise SystemExit(f"the server with {size} jobs did not answer within an hour")


def _idle(port: int) -> None:
    """Wait until the server has answered what wrk left queued (a slow page run leaves seconds of work)."""
    for _ in range(600):
        began = time.perf_counter()
        httpx.get(f"http://127.0.0.1:{port}/__admin/health", timeout=600)
        if time.perf_counter() - began < 0.05:
            return
        time.sleep(0.5)


def measure(size: int, port: int, seconds: float) -> dict[str, object]:
    server, ready = _serve(size, port)
    try:
        base = f"http://127.0.0.1:{port}/jobExecution"
        listing = httpx.get(f"{base}/jobs", params={"limit": 1, "start": size // 2}, timeout=600).json()
        job = listing["items"][0]["id"]
        get = Operation("GET a job", "GET", f"/jobs/{job}")
        page = Operation("filtered sorted page of 20", "GET", PAGE)
        results: dict[str, object] = {"jobs": listing["count"], "ready s": ready}
        for key, operation in (("get", get), ("page", page)):
            wrk(base + operation.path, operation, 16, 2)  # warm-up
            _idle(port)
            results[key] = wrk(base + operation.path, operation, 16, seconds)
            _idle(port)
        results["rss MB"] = _rss_mb(server.pid)
        return results
    finally:
        _stop(server)


def _cell(measure: object) -> str:
    assert isinstance(measure, Measure)
    errors = measure.errors + measure.non_2xx
    rate = f"{measure.requests_per_s:,.1f}" if measure.requests_per_s < 10 else f"{measure.requests_per_s:,.0f}"
    return f"{rate} ({measure.p50_ms:.1f} / {measure.p99_ms:.1f}, {measure.requests:,} requests)" + (
        f", {errors} errors" if errors else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,100000,1000000")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--port", type=int, default=18290)
    args = parser.parse_args()
    rows = [
        "| jobs in the store | generated and answering after | RSS | GET a job req/s (p50 / p99 ms) |"
        " filtered sorted page of 20 req/s (p50 / p99 ms) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for index, size in enumerate(int(s) for s in args.sizes.split(",")):
        print(f"measuring {size:,} jobs", file=sys.stderr)
        found = measure(size, args.port + index, args.seconds)
        rows.append(
            f"| {found['jobs']:,} | {found['ready s']:.1f} s | {found['rss MB']:.0f} MB | {_cell(found['get'])} |"
            f" {_cell(found['page'])} |"
        )
        print(rows[-1], file=sys.stderr)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
