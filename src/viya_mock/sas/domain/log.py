"""The job's log and listing as they are written: lines with the millisecond they appear at, within bounds.

A job's clock starts at 0 and moves only when a step takes its (drawn) time or the program sleeps, so the
service can release lines as its own clock passes their `at`. Hostile programs cannot grow the output without
limit: at most `MAX_LINES` lines are kept and each is cut to `MAX_LINE_CHARS`.
"""

from __future__ import annotations

from viya_mock.sas.domain.model import Line, LineType

MAX_LINES = 100_000
MAX_LINE_CHARS = 32 * 1024


class Writer:
    """Appends lines to a log or listing, each stamped with the job's clock as the caller passes it (a writer
    that read its job's clock itself would hold the job in a cycle that only the cyclic collector frees)."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.full = False

    def write(self, type_: LineType, text: str, at: int) -> None:
        for part in text.split("\n"):
            if len(self.lines) >= MAX_LINES:
                self.full = True
                return
            self.lines.append(Line(type_, part[:MAX_LINE_CHARS], at))


def line_type(text: str, default: LineType = "normal") -> LineType:
    """The type SAS gives a line it writes, from its prefix (`ERROR:`, `ERROR 180-322:`, `WARNING:`, `NOTE:`)."""
    head = text.lstrip()[:16].upper()
    if head.startswith("ERROR"):
        rest = head[5:].lstrip("0123456789- ")
        if rest.startswith(":"):
            return "error"
    if head.startswith("WARNING") and head[7:].lstrip("0123456789- ").startswith(":"):
        return "warning"
    if head.startswith("NOTE") and head[4:].lstrip("0123456789- ").startswith(":"):
        return "note"
    return default
