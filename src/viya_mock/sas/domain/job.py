"""The state of one job while it runs: its clock, its log and listing, SYSCC, _webout and ODS output.

Every statement handler receives the `Job`; nothing else is shared. The clock is milliseconds since the job's
start and only moves forward (`spend`), by the drawn time of a step or a sleep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from viya_mock.sas.domain.log import Writer, line_type
from viya_mock.sas.domain.model import LineType, Output, Session

# The longest a single sleep may last (a day), so that `call sleep(1e300, 1)` stays a number the service can hold.
MAX_SLEEP_MS = 86_400_000
# The most text macro resolution may produce for one statement (SAS's limit for a macro variable's value).
MAX_MACRO_CHARS = 65_534
# The work one job may do, in characters resolved or written plus statements run and macros called, so that
# a short hostile program (a macro that calls itself many times, a value doubled a thousand times) stops.
WORK_BUDGET = 16 * 1024 * 1024


@dataclass(slots=True)
class Job:
    session: Session
    job_id: str
    now: int
    draw: Callable[[], float]
    clock: int = 0
    syscc: int = 0
    webout: bytearray | None = None
    results: list[Output] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    listing_open: bool = True
    html_open: bool = True
    # Between %JESBEGIN and %JESEND: procedure output goes into the page in _webout.
    jes_page: bool = False
    # Set by %abort / abort cancel: the rest of the program is not read.
    stopped: bool = False
    # Page number of the listing (each procedure's output starts a page).
    page: int = 0
    titles: dict[int, str] = field(default_factory=dict)
    last_warning: str = ""
    last_error: str = ""
    webout_started: bool = False
    # The session's number of the job's first source line, and the job's source lines (for ERROR positions).
    first_number: int = 1
    source: list[str] = field(default_factory=list)
    # Names the current resolution has already warned about (a rescan must not warn twice).
    warned: set[str] = field(default_factory=set)
    # The clock when the current step began (its real time includes its sleeps).
    step_started: int = 0
    budget: int = WORK_BUDGET
    # The bytes of a Files URI the program reads (uploaded tables), or None; the service passes its own.
    read_file: Callable[[str], bytes | None] = lambda uri: None
    log: Writer = field(init=False)
    listing: Writer = field(init=False)

    def __post_init__(self) -> None:
        self.log = Writer()
        self.listing = Writer()

    def write(self, text: str, default: LineType = "normal") -> None:
        """A line SAS writes to the log, typed from its prefix."""
        self.log.write(line_type(text, default), text, self.clock)

    def error(self, text: str, code: int = 8) -> None:
        self.log.write("error", text, self.clock)
        self.last_error = text.partition(":")[2].strip()
        self.syscc = max(self.syscc, code)

    def warning(self, text: str) -> None:
        self.log.write("warning", text, self.clock)
        self.last_warning = text.partition(":")[2].strip()
        self.syscc = max(self.syscc, 4)

    def charge(self, units: int) -> bool:
        """Count work; False (and the job stopped with an error) once the job's budget is spent."""
        self.budget -= max(1, units)
        if self.budget < 0:
            if not self.stopped:
                self.stopped = True
                self.error("ERROR: The program has done more work than a job is allowed; the rest was not run.")
            return False
        return True

    def spend(self, milliseconds: float) -> None:
        self.clock += max(0, min(int(milliseconds), MAX_SLEEP_MS))

    def step_time(self) -> tuple[float, float]:
        """How long a step takes (real and CPU seconds, SAS's two decimals), from `draw`; the clock moves on."""
        own = round(0.01 + _unit(self.draw()) * 0.04, 2)
        cpu = round(min(own, 0.01 + _unit(self.draw()) * 0.02), 2)
        self.spend(own * 1000)
        return round((self.clock - self.step_started) / 1000, 2), cpu

    def begin_step(self) -> None:
        self.step_started = self.clock

    def step_notes(self, what: str) -> None:
        """`NOTE: DATA statement used (Total process time):` and its two time lines."""
        real, cpu = self.step_time()
        self.log.write("note", f"NOTE: {what} used (Total process time):", self.clock)
        self.log.write("note", f"      real time           {real:.2f} seconds", self.clock)
        self.log.write("note", f"      cpu time            {cpu:.2f} seconds", self.clock)
        self.log.write("note", " ", self.clock)

    def put_webout(self, text: str) -> None:
        if self.webout is None:
            self.webout = bytearray()
        if len(self.webout) < 64 * 1024 * 1024 and self.charge(len(text)):
            self.webout += (text + "\n").encode("utf-8", "replace")


def _unit(value: float) -> float:
    """A draw clamped to [0, 1), so a caller's bad draw cannot make time run backwards."""
    if not value == value or value < 0:  # NaN or negative
        return 0.0
    return min(value, 0.999)
