"""Time how long a real `viya-mock serve` takes to move 10,000 running jobs an hour forward and list them.

Usage: .venv/bin/python bench/advance.py [--jobs N]

Starts the server on a free loopback port with a virtual clock, imports N running jobs through the admin
API, advances the clock by an hour and pages through every job. Prints the timings; asserts nothing.
"""

from __future__ import annotations

import argparse
import copy
import socket
import statistics
import subprocess
import sys
import time
import uuid

import httpx

SCENARIO = (
    "name: hour\nheartbeatInterval: 600\n"
    "timeline: [{after: 0, state: running}, {after: PT30M, heartbeat: stop}, {after: PT2H, state: completed}]\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10_000)
    jobs = parser.parse_args().jobs
    port = free_port()
    command = [sys.executable, "-m", "viya_mock", "serve", "--port", str(port), "--clock", "virtual", "--seed", "1"]
    # An export of 100,000 jobs is about 300 MB, over the default 100 MB a store import may be.
    command += ["--max-file-size", str(2 * 1024**3)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120, headers={"X-Viya-Mock-Admin": "1"}) as client:
            for _ in range(200):
                try:
                    client.get("/__admin/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            client.post("/__admin/scenarios", content=SCENARIO, headers={"Content-Type": "application/yaml"})
            client.post(
                "/jobExecution/jobs",
                json={"jobDefinitionUri": "/jobDefinitions/definitions/dabd2a63-ae2f-4559-b110-ad989ff642a5"},
            )
            export = client.get("/__admin/store").json()
            template = export["jobs"][-1]
            for number in range(jobs - 1):
                job = copy.deepcopy(template)
                job["id"] = job["base"]["id"] = str(uuid.UUID(int=number, version=4))
                export["jobs"].append(job)
            started = time.perf_counter()
            answer = client.put("/__admin/store", json=export)
            imported = time.perf_counter()
            if answer.status_code != 204:
                raise SystemExit(f"the import was refused: {answer.status_code} {answer.text[:300]}")
            client.post("/__admin/clock/advance", params={"by": "PT1H"})
            advanced = time.perf_counter()
            count = 0
            for start in range(0, jobs + 4, 1_000):
                count += len(client.get("/jobExecution/jobs", params={"start": start, "limit": 1_000}).json()["items"])
            listed = time.perf_counter()
            question = {"filter": "eq(state,'timedOut')", "sortBy": "id:ascending", "limit": 20}
            times = []
            for _ in range(6):  # the first asking scans; the server keeps the list from the second on
                first = time.perf_counter()
                page = client.get("/jobExecution/jobs", params=question)
                times.append(time.perf_counter() - first)
                assert page.status_code == 200
            filtered, again = times[0], statistics.median(times[1:])
    finally:
        server.terminate()
        server.wait()
    print(f"jobs: {jobs}")
    print(f"import through the admin API: {imported - started:.2f} s")
    print(f"advance the clock by an hour: {(advanced - imported) * 1000:.1f} ms")
    print(f"read every job back in pages of 1,000 ({count} items): {listed - advanced:.2f} s")
    print(f"first filtered, sorted page of 20 after the advance: {filtered * 1000:.1f} ms")
    print(f"the same page asked again (median of 5): {again * 1000:.1f} ms")


if __name__ == "__main__":
    main()
