"""Soak: mixed traffic against a real `viya-mock serve` for minutes, sampling its memory and latency every second.

The server is pinned to core 0 and this load generator to core 1 (when the machine has two), so that the two
do not take turns on one core. Clients behave like test suites: they submit jobs, read them, long-poll their
state, list with filters, heartbeat, cancel and delete what they created (each keeps at most a few dozen jobs),
so the store reaches a steady size; anything that still grows is the server keeping what it should not.

    .venv/bin/python bench/soak.py --seconds 600          # what `make soak` runs

Prints one line per minute (resident memory, requests/s, p50 and p99 latency, 5xx count) and a verdict: the
RSS and p99 slopes over the run's second half, which are flat when memory and latency do not creep.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFINITION = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"
SUBMIT = {"Content-Type": "application/vnd.sas.job.execution.job.request+json"}
KEPT_PER_CLIENT = 40


@dataclass
class Second:
    """What the clients saw in one second of the run, and the server's memory at its end."""

    latencies: list[float] = field(default_factory=list)
    server_errors: int = 0
    transport_errors: list[str] = field(default_factory=list)
    rss_mb: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(port: int, log: Path | None) -> subprocess.Popen[bytes]:
    pin = ["taskset", "-c", "0"] if (os.cpu_count() or 1) > 1 else []
    command = [*pin, sys.executable, "-m", "viya_mock", "serve", "--port", str(port), "--job-duration", "2"]
    output = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=output)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/__admin/health", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("viya-mock serve did not start")


async def client_loop(client: httpx.AsyncClient, seed: int, stop: float, seconds: list[Second], start: float) -> None:
    chance = random.Random(seed)
    mine: list[str] = []
    while (now := time.monotonic()) < stop:
        action = chance.random()
        began = time.perf_counter()
        try:
            response = await one_request(client, chance, action, mine)
        except httpx.TransportError as error:
            second = seconds[min(int(now - start), len(seconds) - 1)]
            second.transport_errors.append(f"{type(error).__name__} on {error.request.method} {error.request.url.path}")
            continue
        second = seconds[min(int(now - start), len(seconds) - 1)]
        second.latencies.append(time.perf_counter() - began)
        if response.status_code >= 500:
            second.server_errors += 1


async def one_request(
    client: httpx.AsyncClient, chance: random.Random, action: float, mine: list[str]
) -> httpx.Response:
    """Send one request of the mix, keeping `mine` (the jobs this client owns) up to date."""
    if action < 0.25 or not mine:
        response = await client.post("/jobExecution/jobs", json={"jobDefinitionUri": DEFINITION}, headers=SUBMIT)
        if response.status_code == 201:
            mine.append(response.json()["id"])
    else:
        job = chance.choice(mine)
        uri = f"/jobExecution/jobs/{job}"
        if action < 0.5:
            response = await client.get(uri)
        elif action < 0.6:
            response = await client.get(f"{uri}/state", params={"wait": "0.5"})
        elif action < 0.7:
            response = await client.put(f"{uri}/heartbeatTimeStamp")
        elif action < 0.75:
            response = await client.put(f"{uri}/state", params={"value": "canceled"})
        elif action < 0.9:
            response = await client.get(
                "/jobExecution/jobs", params={"filter": "eq(state,'running')", "sortBy": "creationTimeStamp"}
            )
        else:
            response = await client.delete(uri)
            mine.remove(job)
    if len(mine) > KEPT_PER_CLIENT:
        await client.delete(f"/jobExecution/jobs/{mine.pop(0)}")
    return response


async def sample(pid: int, seconds: list[Second], start: float, stop: float) -> None:
    while (now := time.monotonic()) < stop:
        await asyncio.sleep(1 - ((now - start) % 1))
        index = min(int(time.monotonic() - start) - 1, len(seconds) - 1)
        seconds[max(index, 0)].rss_mb = rss_mb(pid)


def slope(values: list[float]) -> float:
    """Least-squares change per minute."""
    if len(values) < 2:
        return 0.0
    xs = range(len(values))
    return statistics.linear_regression(xs, values).slope * 60


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)] if ordered else 0.0


async def run(seconds_total: int, clients: int, log: Path | None) -> int:
    port = free_port()
    server = start_server(port, log)
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    try:
        seconds = [Second() for _ in range(seconds_total)]
        start = time.monotonic()
        stop = start + seconds_total
        limits = httpx.Limits(max_connections=clients)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30, limits=limits) as client:
            await asyncio.gather(
                sample(server.pid, seconds, start, stop),
                *(client_loop(client, seed, stop, seconds, start) for seed in range(clients)),
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"soak: {seconds_total} s, {clients} clients, server on core 0, load on core 1")
    print("| minute | RSS MB (end) | requests/s | p50 ms | p99 ms | 5xx | transport errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for minute in range(0, seconds_total, 60):
        chunk = seconds[minute : minute + 60]
        latencies = [value for second in chunk for value in second.latencies]
        print(
            f"| {minute // 60 + 1} | {chunk[-1].rss_mb:.1f} | {len(latencies) / len(chunk):,.0f} "
            f"| {percentile(latencies, 0.5) * 1000:.1f} | {percentile(latencies, 0.99) * 1000:.1f} "
            f"| {sum(second.server_errors for second in chunk)} "
            f"| {sum(len(second.transport_errors) for second in chunk)} |"
        )
    half = seconds[seconds_total // 2 :]
    rss = [second.rss_mb for second in half if second.rss_mb]
    p99 = [percentile(second.latencies, 0.99) * 1000 for second in half if second.latencies]
    errors = sum(second.server_errors for second in seconds)
    dropped = [error for second in seconds for error in second.transport_errors]
    print(
        f"second half: RSS slope {slope(rss):+.2f} MB/min, p99 slope {slope(p99):+.2f} ms/min; "
        f"5xx: {errors}; transport errors: {len(dropped)}"
    )
    for error in sorted(set(dropped)):
        print(f"  {dropped.count(error)} × {error}")
    return 1 if errors or dropped else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--server-log", type=Path, help="write the server's output here (it is discarded otherwise)")
    options = parser.parse_args()
    return asyncio.run(run(options.seconds, options.clients, options.server_log))


if __name__ == "__main__":
    raise SystemExit(main())
