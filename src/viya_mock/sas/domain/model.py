"""The values a job's run is made of, and the session state that carries from job to job (see `run.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from viya_mock.sas.domain.sashelp import Table

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
    # Options set by `options name=value;` (upper-case names), read by `%sysfunc(getoption(…))`.
    options: dict[str, str] = field(default_factory=dict)
    # Librefs and filerefs the session's `libname` / `filename` statements assigned (upper case).
    librefs: set[str] = field(default_factory=set)
    filerefs: set[str] = field(default_factory=set)
    # Macros defined with `%macro name; … %mend;`: their statements, replayed when called.
    definitions: dict[str, list[str]] = field(default_factory=dict)
    # WORK tables the session's programs read in (`%webout(FETCH)`), by `WORK.NAME` (tables.py bounds them).
    work: dict[str, Table] = field(default_factory=dict)


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
