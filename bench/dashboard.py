"""The dashboard over many jobs: how soon its jobs table first paints, and how it answers while it polls.

A real `viya-mock serve --generate N` (virtual clock, seed 1) is started pinned to core 0, and headless Chromium
(Debian's, driven by Playwright for Python as in the suite) on core 1 opens /__admin/dashboard/. Reported: the time
from navigation to the first row of the jobs table, the time to apply a filter (the first asking of a question is
a scan of every job; the server keeps it answered from then on), the median time of the page's own poll once
warm, and the longest the page's main thread was busy (a frozen page shows as a late timer). Asserts nothing.
Run as `python bench/dashboard.py [--jobs 100000]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from compare import _stop  # noqa: E402 - the side-by-side bench's helper
from scale import _serve  # noqa: E402 - the scale sweep's server, on a virtual clock with generated jobs

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
# The page's own poll of the filtered jobs, timed from the test's side.
POLL = "fetch('../jobs?limit=20&filter=' + encodeURIComponent(\"eq(state,'completed')\")).then(r => r.json())"
# How long the page's main thread was ever busy: the largest lateness of a timer that should fire every 10 ms.
BUSY_PROBE = """
window.__longest = 0;
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  window.__longest = Math.max(window.__longest, now - last - 10);
  last = now;
}, 10);
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=18390)
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})  # this process and the browser it starts on core 1; the server on core 0
    server, ready = _serve(args.jobs, args.port)
    url = f"http://127.0.0.1:{args.port}/__admin/dashboard/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.add_init_script(BUSY_PROBE)
            began = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("#jobs tbody tr", timeout=60_000)
            first_paint = time.perf_counter() - began
            page.fill("#filter", "eq(state,'completed')")
            began = time.perf_counter()
            page.click("#query-form button[type=submit]")
            page.wait_for_function(
                "document.getElementById('message').textContent.startsWith('Filtered')", timeout=60_000
            )
            filtered = time.perf_counter() - began
            polls = []
            for _ in range(10):
                began = time.perf_counter()
                page.evaluate(POLL)
                polls.append(time.perf_counter() - began)
            longest = page.evaluate("window.__longest")
            browser.close()
    finally:
        _stop(server)
    print(f"jobs: {args.jobs:,} (generated and answering after {ready:.1f} s)")
    print(f"first paint of the jobs table: {first_paint * 1000:.0f} ms")
    print(f"a new filter applied (a scan the first time): {filtered * 1000:.0f} ms")
    print(f"the page's poll of that filter, warm (median of 10): {statistics.median(polls) * 1000:.1f} ms")
    print(f"longest the page's main thread was busy (lateness of a 10 ms timer): {longest:.0f} ms")


if __name__ == "__main__":
    main()
