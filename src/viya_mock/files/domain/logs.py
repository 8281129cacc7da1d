"""A job's log as the Files service holds it: a stored log-line collection (JSON) or its plain text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

JSON = "application/json"
TEXT = "text/plain"


def log_collection(lines: Sequence[dict[str, str]]) -> dict[str, Any]:
    """The collection JES writes at logLocation: every line so far, each a log line of version 1."""
    items = [{"line": line.get("line", ""), "type": line.get("type", "normal"), "version": 1} for line in lines]
    return {"name": "Job Log", "start": 0, "count": len(items), "items": items, "version": 2}


def log_json(lines: Sequence[dict[str, str]]) -> bytes:
    return json.dumps(log_collection(lines), separators=(",", ":"), ensure_ascii=False).encode()


def log_text(lines: Sequence[dict[str, str]]) -> bytes:
    """The text version (`<COMPUTE_JOB>.log.txt`): the lines joined by newlines."""
    return "\n".join(line.get("line", "") for line in lines).encode()
