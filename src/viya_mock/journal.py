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
    # None while the request is in flight (no answer has started).
    status: int | None
    time: str
    bodyDigest: str | None  # noqa: N815 - the wire name
    fault: str | None
    # Who made the request (the token's user, or the default user); None for SAS Logon's own endpoints.
    user: str | None = None


# A server left running (a frontend polling all day) must not grow without bound: the journal keeps the
# newest entries, far more than any test asserts on.
MAX_ENTRIES = 50_000


class Journal:
    """Requests that ended, newest kept, and those still in flight, so a hung request can be found."""

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Entry] = deque(maxlen=limit)
        # In flight, by a number handed out at arrival; as many as the server has requests open.
        self._open: dict[int, Entry] = {}
        self._arrivals = 0

    def arrived(self, entry: Entry) -> int:
        """A request began; the number to end it with."""
        with self._lock:
            self._arrivals += 1
            self._open[self._arrivals] = entry
            return self._arrivals

    def record(self, entry: Entry, arrival: int | None = None) -> None:
        """A request ended (the one `arrival` names, if it was announced)."""
        with self._lock:
            if arrival is not None:
                self._open.pop(arrival, None)
            self._entries.append(entry)

    def in_flight(self, method: str | None = None, path: str | None = None) -> list[Entry]:
        """Requests that arrived and have not ended, oldest first."""
        with self._lock:
            entries = list(self._open.values())
        return [entry for entry in entries if _matches(entry, method, path, None)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def find(self, method: str | None = None, path: str | None = None, status: int | None = None) -> list[Entry]:
        with self._lock:
            entries = list(self._entries)
        return [entry for entry in entries if _matches(entry, method, path, status)]

    @staticmethod
    def as_json(entry: Entry) -> dict[str, Any]:
        return asdict(entry)


def _matches(entry: Entry, method: str | None, path: str | None, status: int | None) -> bool:
    return (
        (method is None or entry.method == method.upper())
        and (path is None or fnmatchcase(entry.path, path))
        and (status is None or entry.status == status)
    )
