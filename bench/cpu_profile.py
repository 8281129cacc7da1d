"""Where a request's CPU goes: cProfile over many in-process requests, summed by the package the time is spent in.

The app is driven directly through ASGI (no sockets, no client library in the profile): each request is one
call of the app with a prepared scope and body. Prints µs of CPU per request and the share of each package
(own time, so the shares add up), then the functions with the most own time.
Run as `python bench/cpu_profile.py [--requests N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from viya_mock.app import create_app
from viya_mock.settings import Settings

JOB = "f9dbe76c-1a13-491e-b1e4-eda2219a2320"
DEFINITION = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"
SUBMIT = json.dumps({"jobDefinitionUri": DEFINITION, "arguments": {"AGE": "14"}}).encode()
CASES = {
    "GET a job": ("GET", f"/jobExecution/jobs/{JOB}", b"", ""),
    "GET its state": ("GET", f"/jobExecution/jobs/{JOB}/state", b"", ""),
    "POST a job": ("POST", "/jobExecution/jobs", SUBMIT, "application/vnd.sas.job.execution.job.request+json"),
}
GROUPS = ("viya_mock", "connexion", "jsonschema", "starlette", "referencing", "json", "asyncio", "re", "typing")


def _request(app: Any, method: str, path: str, body: bytes, content_type: str) -> Callable[[], Awaitable[int]]:
    headers = [(b"host", b"127.0.0.1:8080"), (b"accept", b"*/*")]
    if body:
        headers += [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8080),
    }

    async def call() -> int:
        status = 0

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(dict(scope), receive, send)
        return status

    return call


def _group(filename: str) -> str:
    for name in GROUPS:
        if f"/{name}/" in filename or filename.endswith(f"/{name}.py"):
            return name
    return "other" if filename.startswith("/") else "built-ins"


async def _run(app: Any, call: Callable[[], Awaitable[int]], count: int) -> None:
    for _ in range(count):
        status = await call()
        if status >= 300:
            raise SystemExit(f"the request answered {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    app = create_app(Settings())
    loop = asyncio.new_event_loop()
    loop.run_until_complete(_startup(app))
    for name, (method, path, body, content_type) in CASES.items():
        call = _request(app, method, path, body, content_type)
        loop.run_until_complete(_run(app, call, 200))  # warm caches
        # The best of five batches: on a shared machine the others only add what neighbours took.
        batches = []
        for _ in range(5):
            began = time.process_time()
            loop.run_until_complete(_run(app, call, args.requests // 5 or 1))
            batches.append((time.process_time() - began) / (args.requests // 5 or 1) * 1e6)
        plain = min(batches)
        profile = cProfile.Profile()
        profile.enable()
        loop.run_until_complete(_run(app, call, args.requests))
        profile.disable()
        stats = pstats.Stats(profile)
        own: dict[str, float] = defaultdict(float)
        for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
            own[_group(filename)] += tottime
        total = sum(own.values())
        shares = ", ".join(
            f"{group} {seconds / total:.0%}" for group, seconds in sorted(own.items(), key=lambda i: -i[1])
        )
        print(
            f"{name}: {plain:.0f} µs of CPU per request unprofiled (best of 5 batches); own time by package: {shares}"
        )
        stats.sort_stats("tottime").print_stats(8)


async def _startup(app: Any) -> None:
    """Run the app's lifespan start-up, as a server would before the first request."""
    messages = [{"type": "lifespan.startup"}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # the shutdown message never comes: the process just ends
        return {}

    async def send(message: dict[str, Any]) -> None:
        return None

    asyncio.get_running_loop().create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
    await asyncio.sleep(0.05)


if __name__ == "__main__":
    main()
