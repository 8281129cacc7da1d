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
# newest entries, far more than any test asserts on, and at most MAX_BYTES of them (paths and queries can be
# kilobytes long, so a count alone would not bound the memory).
MAX_ENTRIES = 50_000
MAX_BYTES = 16 * 1024 * 1024
# What an entry costs beyond its strings' characters: the object, its slots and the string headers.
ENTRY_OVERHEAD = 400


def entry_size(entry: Entry) -> int:
    """About how many bytes an entry holds."""
    texts = (entry.method, entry.path, entry.query, entry.time, entry.bodyDigest, entry.fault, entry.user)
    return ENTRY_OVERHEAD + sum(len(text) for text in texts if text)


class Journal:
    """Requests that ended, newest kept, and those still in flight, so a hung request can be found."""

    def __init__(self, limit: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[tuple[Entry, int]] = deque()
        self._limit = limit
        self._max_bytes = max_bytes
        self._bytes = 0
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
            size = entry_size(entry)
            self._entries.append((entry, size))
            self._bytes += size
            while len(self._entries) > self._limit or (self._bytes > self._max_bytes and len(self._entries) > 1):
                self._bytes -= self._entries.popleft()[1]

    def in_flight(self, method: str | None = None, path: str | None = None) -> list[Entry]:
        """Requests that arrived and have not ended, oldest first."""
        with self._lock:
            entries = list(self._open.values())
        return [entry for entry in entries if _matches(entry, method, path, None)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def find(self, method: str | None = None, path: str | None = None, status: int | None = None) -> list[Entry]:
        with self._lock:
            entries = [entry for entry, _ in self._entries]
        return [entry for entry in entries if _matches(entry, method, path, status)]

    @property
    def size(self) -> tuple[int, int]:
        """How many entries are kept and about how many bytes they hold."""
        with self._lock:
            return len(self._entries), self._bytes

    @staticmethod
    def as_json(entry: Entry) -> dict[str, Any]:
        return asdict(entry)


def _matches(entry: Entry, method: str | None, path: str | None, status: int | None) -> bool:
    return (
        (method is None or entry.method == method.upper())
        and (path is None or fnmatchcase(entry.path, path))
        and (status is None or entry.status == status)
    )
