"""What the end-to-end tests share: headless Chromium for the browser tests (Debian's package driven by
Playwright for Python), and the npm packages the tests pin (installed with `npm ci` from their lock files).

Playwright's own browser download cannot work here, so the tests launch Debian's `chromium`, which this set-up
installs when it is missing and the suite runs as root (as CI does); otherwise the tests fail saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api as playwright_api

# As the machine's own check starts Chromium here: no sandbox as root, and nothing that reaches the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    """Debian's Chromium, installed when missing (as root, as CI runs); else the test says why it cannot run."""
    found = shutil.which("chromium")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment, timeout=900)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            check=True,
            env=environment,
            timeout=1800,
        )
        found = shutil.which("chromium")
    if found is None:
        pytest.fail(
            "The browser test needs Debian's chromium package (apt-get install chromium), run as root to install it."
        )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def watched_page(context: Any) -> tuple[Any, list[str]]:
    """A new page of the context, and the console errors and uncaught exceptions it will meet."""
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def npm_installed(folder: Path) -> Path:
    """The folder's pinned npm packages, installed with `npm ci` when missing or older than the lock file;
    returns the `node` executable that runs them."""
    npm = shutil.which("npm")
    node = shutil.which("node")
    if npm is None or node is None:
        pytest.fail("Node.js and npm are needed for this test; install the Debian packages nodejs and npm.")
    installed = folder / "node_modules" / ".package-lock.json"
    lock = folder / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True, timeout=600)
    return Path(node)
