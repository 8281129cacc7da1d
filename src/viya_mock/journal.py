"""The request journal: what clients sent and what they got, so a test can assert on traffic.

Entries carry the clock's time, so under a virtual clock the same run gives the same journal.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from fnmatch import fnmatchcase
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    method: str
    path: str
    query: str
    status: int
    time: str
    bodyDigest: str | None  # noqa: N815 - the wire name
    fault: str | None
    # Who made the request (the token's user, or the default user); None for SAS Logon's own endpoints.
    user: str | None = None


# A server left running (a frontend polling all day) must not grow without bound: the journal keeps the
# newest entries, far more than any test asserts on.
MAX_ENTRIES = 50_000


class Journal:
    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Entry] = deque(maxlen=limit)

    def record(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def find(self, method: str | None = None, path: str | None = None, status: int | None = None) -> list[Entry]:
        with self._lock:
            entries = list(self._entries)
        return [
            entry
            for entry in entries
            if (method is None or entry.method == method.upper())
            and (path is None or fnmatchcase(entry.path, path))
            and (status is None or entry.status == status)
        ]

    @staticmethod
    def as_json(entry: Entry) -> dict[str, Any]:
        return asdict(entry)
