"""viya-mock beside its peers, in one run: each server pinned to core 0, wrk pinned to core 1, one after another.

Peers: Stoplight Prism (static examples, validating requests; pinned in `bench/peers/package.json`), Connexion's
own `--mock all` mode on the same document, and a bare Starlette app returning canned JSON (`bench/ceiling.py`,
the ceiling). Prism and Connexion are given the bundled Job Execution document, written into the ignored
`bench/peers/` folder from `openapi/` at each run, so every server serves the same contract.

For each server: cold start (spawn to the first 200 of GET a job), resident memory idle, then for 16 and 64
connections GET a job, GET its state, a filtered sorted page of 20 and POST a job (`--seconds` each, median of
`--rounds`, after a warm-up; viya-mock is reset to its fixtures before each), then `--submits` POSTs and the
resident memory after them. Prints a Markdown report; `--write-readme` puts it into `bench/README.md`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PEERS = BENCH / "peers"
PYTHON = ROOT / ".venv" / "bin" / "python"
JOB = "f9dbe76c-1a13-491e-b1e4-eda2219a2320"  # a fixture job (running) viya-mock serves
DEFINITION = "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"
SUBMIT_BODY = json.dumps({"jobDefinitionUri": DEFINITION, "arguments": {"AGE": "14"}})
SUBMIT_TYPE = "application/vnd.sas.job.execution.job.request+json"
PAGE = "/jobs?filter=eq(state,'completed')&sortBy=creationTimeStamp:descending&limit=20"
ADMIN = {"X-Viya-Mock-Admin": "1"}
README_START, README_END = "<!-- compare:start -->", "<!-- compare:end -->"


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str  # below the Job Execution root
    body: str = ""
    content_type: str = ""


OPERATIONS = (
    Operation("GET a job", "GET", f"/jobs/{JOB}"),
    Operation("GET its state", "GET", f"/jobs/{JOB}/state"),
    Operation("filtered sorted page of 20", "GET", PAGE),
    Operation("POST a job", "POST", "/jobs", SUBMIT_BODY, SUBMIT_TYPE),
)


@dataclass
class Peer:
    name: str
    command: Callable[[int], list[str]]
    root: str  # where the Job Execution paths are served
    version: str
    reset: bool = False
    results: dict[Any, Any] = field(default_factory=dict)  # a figure by name, a Measure by (operation, connections)


@dataclass(frozen=True)
class Measure:
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    non_2xx: int


def _node_version(package: str) -> str:
    manifest = PEERS / "node_modules" / package / "package.json"
    return str(json.loads(manifest.read_text())["version"]) if manifest.exists() else "not installed"


def _python_version(distribution: str) -> str:
    out = subprocess.run(
        [str(PYTHON), "-c", f"import importlib.metadata as m; print(m.version({distribution!r}))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def _bundled_document() -> Path:
    """The Job Execution document as viya-mock serves it, self-contained, for the peers to mock."""
    target = PEERS / "job-execution.json"
    code = (
        "import json, sys; from viya_mock.documents import document; "
        "json.dump(document('job-execution.yaml'), open(sys.argv[1], 'w'))"
    )
    subprocess.run([str(PYTHON), "-W", "ignore", "-c", code, str(target)], check=True)
    return target


def _one_media_type(document: Path) -> Path:
    """The document as Connexion's mock mode can serve it: each operation's first success response with its
    first media type, the other responses as bare descriptions. The mode answers 500 ("Multiple response content
    types are defined") for any operation whose responses offer more than one media type, as all here do."""
    data = json.loads(document.read_text())
    for item in data["paths"].values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            success = next((code for code in responses if code.startswith("2") and "content" in responses[code]), None)
            for code in list(responses):
                if code == success:
                    content = responses[code]["content"]
                    first = next(iter(content))
                    responses[code]["content"] = {first: content[first]}
                else:  # shared error responses are references; a bare description replaces them
                    responses[code] = {"description": f"status {code}"}
    target = document.with_name("job-execution-one-media-type.json")
    target.write_text(json.dumps(data))
    return target


def peers() -> list[Peer]:
    document = _bundled_document()
    single = _one_media_type(document)
    prism = PEERS / "node_modules" / ".bin" / "prism"
    return [
        Peer(
            "viya-mock",
            lambda port: [str(ROOT / ".venv" / "bin" / "viya-mock"), "serve", "--port", str(port)],
            "/jobExecution",
            _python_version("viya-mock"),
            reset=True,
        ),
        Peer(
            "Prism (static examples)",
            lambda port: [str(prism), "mock", "--host", "127.0.0.1", "--port", str(port), str(document)],
            "",
            _node_version("@stoplight/prism-cli"),
        ),
        Peer(
            "Connexion --mock all",
            lambda port: [str(PYTHON), str(BENCH / "connexion_mock.py"), str(single), str(port)],
            "/jobExecution",
            _python_version("connexion"),
        ),
        Peer(
            "Starlette, canned JSON (ceiling)",
            lambda port: [str(PYTHON), str(BENCH / "ceiling.py"), str(port)],
            "/jobExecution",
            _python_version("starlette"),
        ),
    ]


def _get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> int:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's whole process group (a server that forks leaves nothing on its port), then
    SIGKILL if it has not gone within 15 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _start(peer: Peer, port: int) -> tuple[subprocess.Popen[bytes], float]:
    if not _port_free(port):
        raise SystemExit(f"port {port} is taken: stop what listens there or pass another --port")
    began = time.perf_counter()
    server = subprocess.Popen(
        ["taskset", "-c", "0", *peer.command(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}{peer.root}/jobs/{JOB}"
    while time.perf_counter() - began < 60:
        try:
            if _get(url) == 200:
                return server, time.perf_counter() - began
        except (urllib.error.URLError, ConnectionError):
            pass
        if server.poll() is not None:
            raise SystemExit(f"{peer.name} exited with status {server.returncode} before answering")
        time.sleep(0.005)
    _stop(server)
    raise SystemExit(f"{peer.name} did not answer {url} within 60 s")


def wrk(url: str, operation: Operation, connections: int, seconds: float) -> Measure:
    env = {
        **os.environ,
        "WRK_METHOD": operation.method,
        "WRK_BODY": operation.body,
        "WRK_TYPE": operation.content_type,
    }
    command = [
        "taskset",
        "-c",
        "1",
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
    ]
    out = subprocess.run(
        [*command, "-s", str(BENCH / "wrk.lua"), url], capture_output=True, text=True, env=env, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return Measure(
        requests=data["requests"],
        requests_per_s=data["requests"] / data["seconds"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        errors=data["errors"],
        non_2xx=data["non_2xx"],
    )


def _reset(peer: Peer, port: int) -> None:
    """Back to the fixtures, for a server that keeps state (the peers keep none)."""
    if peer.reset:
        _get(f"http://127.0.0.1:{port}/__admin/reset", ADMIN, "POST")


def measure(peer: Peer, port: int, seconds: float, rounds: int, submits: int) -> None:
    server, cold = _start(peer, port)
    try:
        time.sleep(1)
        peer.results["cold start s"] = cold
        peer.results["RSS idle MB"] = _rss_mb(server.pid)
        base = f"http://127.0.0.1:{port}{peer.root}"
        for operation in OPERATIONS:  # warm-up: every path once under load
            wrk(base + operation.path, operation, 16, 2)
        for connections in (16, 64):
            for operation in OPERATIONS:
                runs = []
                for _ in range(rounds):
                    _reset(peer, port)
                    runs.append(wrk(base + operation.path, operation, connections, seconds))
                best = sorted(runs, key=lambda m: m.requests_per_s)[len(runs) // 2]  # the median run
                peer.results[(operation.name, connections)] = best
                print(f"  {peer.name}: {operation.name} @{connections}: {best}", file=sys.stderr)
        if submits:
            # As long as `submits` POSTs take at the rate measured at 16 connections (wrk 4.1's thread:stop()
            # from a response hook leaves the run going until its duration ends, so a count cannot stop it).
            _reset(peer, port)
            post = OPERATIONS[-1]
            rate = peer.results[(post.name, 16)].requests_per_s
            done = wrk(base + post.path, post, 16, min(900.0, max(5.0, submits / rate)))
            peer.results["submits"] = done.requests
            peer.results["RSS after submits MB"] = _rss_mb(server.pid)
            if peer.reset:  # the jobs deleted (all at once, as a reset does): what memory comes back
                _reset(peer, port)
                time.sleep(1)
                peer.results["RSS after delete MB"] = _rss_mb(server.pid)
    finally:
        _stop(server)


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "—"


def report(measured: list[Peer], args: argparse.Namespace) -> str:
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    lines = [
        f"Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: `make bench` (`bench/compare.py --seconds {args.seconds}"
        f" --rounds {args.rounds} --submits {args.submits}`), {os.cpu_count()} cores ({_cpu()}), Python"
        f" {platform.python_version()}, {wrk_version}; each server pinned to core 0, wrk (one thread) to core 1,"
        " the peers one after another. Versions: " + ", ".join(f"{p.name} {p.version}" for p in measured) + ".",
        "",
        "| operation | connections | viya-mock req/s (p50 / p99 / max ms) | Prism req/s (p99 ms)"
        " | Connexion mock req/s (p99 ms) | ceiling req/s (p99 ms) | ours ÷ Prism | ours ÷ ceiling | errors (ours) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for connections in (16, 64):
        for operation in OPERATIONS:
            key = (operation.name, connections)
            m, p, c, t = (peer.results[key] for peer in measured)
            lines.append(
                f"| {operation.name} | {connections} | {m.requests_per_s:,.0f} ({m.p50_ms:.1f} / {m.p99_ms:.1f} /"
                f" {m.max_ms:.0f}) | {p.requests_per_s:,.0f} ({p.p99_ms:.1f}) | {c.requests_per_s:,.0f}"
                f" ({c.p99_ms:.1f}) | {t.requests_per_s:,.0f} ({t.p99_ms:.1f}) |"
                f" {_ratio(m.requests_per_s, p.requests_per_s)} | {_ratio(m.requests_per_s, t.requests_per_s)}"
                f" | {m.errors + m.non_2xx} |"
            )
    lines += [
        "",
        "| server | cold start to first 200 | RSS idle | RSS after the submits | RSS once they are deleted"
        " | non-2xx (all runs) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for peer in measured:
        failures = sum(v.errors + v.non_2xx for k, v in peer.results.items() if isinstance(k, tuple))
        after = peer.results.get("RSS after submits MB")
        submitted = f"{after:.0f} MB ({peer.results['submits']:,} submits)" if after is not None else "—"
        deleted = peer.results.get("RSS after delete MB")
        lines.append(
            f"| {peer.name} | {peer.results['cold start s']:.2f} s | {peer.results['RSS idle MB']:.0f} MB |"
            f" {submitted} | {f'{deleted:.0f} MB' if deleted is not None else '—'} | {failures} |"
        )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = BENCH / "README.md"
    content = readme.read_text()
    start, end = content.index(README_START) + len(README_START), content.index(README_END)
    readme.write_text(content[:start] + "\n" + text + "\n" + content[end:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=2, help="runs per operation; the median is reported")
    parser.add_argument("--submits", type=int, default=100_000, help="POSTs before the last memory reading")
    parser.add_argument("--port", type=int, default=18190)
    parser.add_argument("--write-readme", action="store_true", help="put the report into bench/README.md")
    parser.add_argument(
        "--only", help="measure only the server whose name starts with this (a quick look, not a comparison)"
    )
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (make bench installs wrk)")
    if (os.cpu_count() or 1) < 2:
        raise SystemExit("two cores are needed: one for the server, one for wrk")
    measured = [peer for peer in peers() if not args.only or peer.name.startswith(args.only)]
    if args.only and args.write_readme:
        raise SystemExit("--only measures no peer beside ours, so its figures are not for the README")
    for index, peer in enumerate(measured):
        print(f"measuring {peer.name} {peer.version}", file=sys.stderr)
        measure(peer, args.port + index, args.seconds, args.rounds, args.submits)
    if args.only:
        for peer in measured:
            print(peer.name, {str(k): v for k, v in peer.results.items()})
        return
    text = report(measured, args)
    print(text)
    if args.write_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
