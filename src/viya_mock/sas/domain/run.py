"""What running a program in a SAS session produces, and the session state that carries from job to job.

`execute` is the one entry point the Compute service calls. It is pure: time is an offset in milliseconds
from the job's start (so a `call sleep` of n seconds puts the later lines n seconds after the earlier ones,
and the service releases them as its clock passes), and anything random (plausible CPU times) comes from the
`draw` the caller passes in. The service, not this package, decides when a job starts, what cancelling it
keeps of its log (the lines written by then) and where results are stored.

This module runs open code: it echoes source lines as SAS reads them, runs macro statements as they come,
gathers each DATA or PROC step up to its `run;` and hands it to `datastep.py` or `procs.py`, and answers the
global statements (`options`, `libname`, `filename`, `title`, `ods`). The supported subset and its choices are
listed in NOTES.md ("The SAS session"). The values (`Line`, `Output`, `Session`, `Run`) live in `model.py` and
are importable from here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

from viya_mock.sas.domain import datastep, macros, procs
from viya_mock.sas.domain.job import Job
from viya_mock.sas.domain.lexer import Program, Statement, split, words
from viya_mock.sas.domain.log import MAX_LINE_CHARS, MAX_LINES
from viya_mock.sas.domain.model import Line, LineType, Outcome, Output, Run, Session

__all__ = ["Line", "LineType", "Outcome", "Output", "Run", "Session", "execute"]

# Global statements SAS accepts anywhere; the subset echoes them (options, libname, filename, title and ods
# change the session state the rest of the subset reads).
GLOBAL = {
    "OPTIONS",
    "OPTION",
    "LIBNAME",
    "FILENAME",
    "TITLE",
    "FOOTNOTE",
    "ODS",
    "X",
    "DM",
    "SYSTASK",
    "GOPTIONS",
    "CAS",
    "CASLIB",
    "ENDSAS",
    "%INCLUDE",
    "%INC",
    "RUN",
    "QUIT",
    "LOCK",
    "SASFILE",
    "PAGE",
    "SKIP",
    "AXIS",
    "SYMBOL",
    "LEGEND",
    "PATTERN",
    "WHERE",
    "BY",
    "FORMAT",
    "LABEL",
    "ATTRIB",
    "RSUBMIT",
    "ENDRSUBMIT",
    "SIGNON",
    "SIGNOFF",
    "RESETLINE",
    "%SYSEXEC",
    "DATALINES",
    "CARDS",
}
MACRO_STATEMENTS = {"%LET", "%PUT", "%ABORT", "%GLOBAL", "%LOCAL", "%SYMDEL", "%MACRO", "%MEND", "%RETURN"}
# Macro statements the subset echoes and does not run (so `%if … %then %do; … %end;` runs its body always).
IGNORED_MACRO_STATEMENTS = {"%IF", "%THEN", "%ELSE", "%DO", "%END", "%GOTO", "%SYSCALL", "%SYSLPUT", "%SYSRPUT"}
MAX_CALL_DEPTH = 10
# The macros Job Execution defines for the programs it runs: an HTML page around the output.
JES_MACROS = {"JESBEGIN": procs.jes_begin, "JESEND": procs.jes_end}
ITERATIVE_DO = re.compile(
    r"(?P<name>[A-Za-z_]\w{0,31})\s*=\s*(?P<start>.+?)\s+%to\s+(?P<stop>.+?)(?:\s+%by\s+(?P<step>.+))?",
    re.IGNORECASE | re.DOTALL,
)
# What the log says if the subset itself fails on a program (a bug: the service still gets a Run).
INTERNAL_ERROR = "An internal error occurred in the SAS session; the rest of the program was not run."
# The most source characters one job reads (a larger program is cut, with an error).
MAX_CODE_CHARS = 16 * 1024 * 1024


def execute(
    code: str | Sequence[str],
    session: Session,
    *,
    job_id: str,
    variables: Mapping[str, str] | None = None,
    draw: Callable[[], float] = lambda: 0.5,
    now: int = 0,
    read_file: Callable[[str], bytes | None] = lambda uri: None,
) -> Run:
    """Run a program (one string, or an array of lines each of which may hold several lines split on \\n) as a
    job of `session`: `variables` become macro variables first, and the session's state moves on. `now` is the
    job's start in milliseconds since the epoch (SYSDATE9, SYSTIME); nothing here reads the real clock.
    `read_file` gives the bytes of a Files URI (the tables a client uploaded), or None.

    Never raises: whatever the input, the answer is a Run (the work is bounded, see `log.py` and `macros.py`)."""
    job = Job(session=session, job_id=str(job_id), now=_int(now), draw=draw, read_file=read_file)
    try:
        _run(_lines(code, job), job, variables or {})
    except RecursionError:
        job.error("ERROR: The program is nested too deeply to run.")
    except Exception:  # noqa: BLE001 - the last resort of "never raises"; the hostile-input tests look for it
        job.error(f"ERROR: {INTERNAL_ERROR}")
    procs.jes_end(job)
    if job.log.full or job.listing.full:
        job.log.lines[-1:] = [Line("error", "ERROR: The log is full: output was cut.", job.clock)]
        job.syscc = max(job.syscc, 8)
    if job.html:
        job.results.append(Output("sashtml.htm", "ODS", "text/html", procs.html_page(job.html), job.clock))
    outcome: Outcome = "error" if job.syscc > 4 else "completed"
    webout = bytes(job.webout) if job.webout is not None else None
    return Run(
        log=job.log.lines,
        listing=job.listing.lines,
        results=job.results,
        webout=webout,
        condition_code=job.syscc,
        outcome=outcome,
        duration=job.clock,
    )


def _int(value: object) -> int:
    if isinstance(value, int | float | str):
        try:
            return int(value)
        except (ValueError, OverflowError):
            return 0
    return 0


def _lines(code: str | Sequence[str] | object, job: Job) -> list[str]:
    chunks = [code] if isinstance(code, str) else list(code) if isinstance(code, Sequence) else [str(code)]
    lines: list[str] = []
    size = 0
    for chunk in chunks:
        text = chunk if isinstance(chunk, str) else str(chunk)
        for part in text.split("\n"):
            size += len(part) + 1
            if size > MAX_CODE_CHARS or len(lines) >= MAX_LINES:
                job.error("ERROR: The program is too large; the rest of it was not read.")
                return lines
            lines.append(part.replace("\r", ""))
    return lines


class _Reader:
    """Echoes source lines as SAS reads them, numbered across the session."""

    def __init__(self, lines: list[str], job: Job) -> None:
        self.lines = lines
        self.job = job
        self.echoed = 0

    def upto(self, last: int) -> None:
        while self.echoed <= min(last, len(self.lines) - 1):
            number = self.job.session.next_line_number
            text = self.lines[self.echoed][: MAX_LINE_CHARS - 12]
            self.job.log.write("source", f"{number:<5} {text}".rstrip(), self.job.clock)
            self.job.session.next_line_number += 1
            self.echoed += 1


# Most jobs run one of a few programs (a definition's code, submitted again and again); the statements of a
# program are fixed by its source, and nothing changes them, so they are cut once and shared (bounded).
MAX_SHARED_SOURCE = 64 * 1024


@functools.lru_cache(maxsize=128)
def _split(lines: tuple[str, ...]) -> Program:
    return split(list(lines))


def _run(lines: list[str], job: Job, variables: Mapping[str, str]) -> None:
    for name, value in variables.items():
        if macros.NAME.fullmatch(str(name)):
            macros.assign(str(name), str(value), job)
    program = _split(tuple(lines)) if sum(map(len, lines)) <= MAX_SHARED_SOURCE else split(lines)
    job.first_number = job.session.next_line_number
    job.source = lines
    reader = _Reader(lines, job)
    _statements(program.statements, job, reader, depth=0)
    if job.stopped:
        return
    reader.upto(len(lines) - 1)
    if program.problem == "quote":
        job.error("ERROR: The quoted string that starts on this line is not terminated: the program ends inside it.")


def _statements(statements: list[Statement], job: Job, reader: _Reader, *, depth: int) -> None:
    index = 0
    while index < len(statements) and not job.stopped:
        statement = statements[index]
        if not job.charge(len(statement.text)):
            return
        keyword = statement.keyword
        reader.upto(statement.last)
        if keyword == "%MACRO":
            index = _define(statements, index, job, reader)
            continue
        if keyword == "%DO" and ITERATIVE_DO.fullmatch(statement.rest.strip()):
            index = _iterate(statements, index, job, reader, depth)
            continue
        if keyword.startswith("%") and keyword not in {"%INCLUDE", "%INC", "%SYSEXEC"}:
            _macro_statement(statement, job, reader, depth)
        elif keyword in {"DATA", "PROC"}:
            end = _step_end(statements, index + 1)
            body: list[Statement] = []
            for inner in statements[index + 1 : end]:
                reader.upto(inner.last)
                if not job.charge(len(inner.text)):
                    return
                if inner.keyword.startswith("%"):
                    _macro_statement(inner, job, reader, depth)
                else:
                    body.append(_resolved(inner, job))
                if _stopped(job):
                    return
            if end < len(statements):
                reader.upto(statements[end].last)
            head = _resolved(statement, job)
            job.begin_step()
            if keyword == "DATA":
                _data_step(head, body, job)
            else:
                procs.run(head, body, job)
            index = end + 1 if end < len(statements) and statements[end].keyword in {"RUN", "QUIT"} else end
            continue
        elif keyword:
            _global(_resolved(statement, job), job)
        index += 1


def _iterate(statements: list[Statement], index: int, job: Job, reader: _Reader, depth: int) -> int:
    """`%do i = from %to to [%by step]; … %end;`: the body once per value of the index variable, as SAS does
    (so a program can loop over the tables `%webout(FETCH)` loaded). Other `%do` forms run their body once."""
    match = ITERATIVE_DO.fullmatch(statements[index].rest.strip())
    assert match is not None
    end = _matching_end(statements, index)
    body = statements[index + 1 : end]
    bounds = [_macro_int(match[part], job) if match[part] else 1 for part in ("start", "stop", "step")]
    start, stop, step = bounds
    if None in bounds or step == 0:
        job.error(
            "ERROR: A character operand was found in the %EVAL function or %DO loop where a numeric operand "
            "is required."
        )
        return end + 1
    assert start is not None and stop is not None and step is not None
    name = match["name"]
    value = start
    while (value <= stop if step > 0 else value >= stop) and not job.stopped:
        if not job.charge(100):
            break
        macros.assign(name, str(value), job)
        _statements(body, job, reader, depth=depth + 1)
        value += step
    macros.assign(name, str(value), job)
    return end + 1


def _matching_end(statements: list[Statement], index: int) -> int:
    """The index of the `%end` closing the `%do` at `index` (nested `%do`s, `%then %do` included, counted)."""
    open_blocks = 0
    for position in range(index, len(statements)):
        statement = statements[position]
        if statement.keyword == "%DO" or statement.text.rstrip().upper().endswith("%DO"):
            open_blocks += 1
        elif statement.keyword == "%END":
            open_blocks -= 1
            if open_blocks == 0:
                return position
    return len(statements)


def _macro_int(text: str, job: Job) -> int | None:
    try:
        return int(macros.resolve(text, job).strip())
    except ValueError:
        return None


def _stopped(job: Job) -> bool:
    """Whether %abort or endsas has stopped the job (a function, as a statement may change it)."""
    return job.stopped


def _step_end(statements: list[Statement], start: int) -> int:
    """The index of the statement that ends a step begun before `start` (its RUN/QUIT, or the next step)."""
    for index in range(start, len(statements)):
        if statements[index].keyword in {"RUN", "QUIT", "DATA", "PROC"}:
            return index
    return len(statements)


def _resolved(statement: Statement, job: Job) -> Statement:
    if "&" not in statement.text and "%" not in statement.text:
        return statement
    return Statement(macros.resolve(statement.text, job, quotes=True), statement.first, statement.last)


def _data_step(head: Statement, body: list[Statement], job: Job) -> None:
    names = [w for w in words(head.rest) if w not in "()=,"] or ["_NULL_"]
    datastep.run(body, job)
    for name in names:
        upper = name.upper()
        if upper != "_NULL_" and "=" not in upper and not job.stopped:
            member = upper if "." in upper else f"WORK.{upper}"
            job.write(f"NOTE: The data set {member} has 1 observations and 0 variables.", "note")
    job.step_notes("DATA statement")


def _global(statement: Statement, job: Job) -> None:
    keyword = statement.keyword
    tokens = words(statement.rest)
    if keyword in {"OPTIONS", "OPTION"}:
        _options(tokens, job)
    elif keyword == "LIBNAME" and tokens:
        job.session.librefs.add(tokens[0].upper())
        job.write(f"NOTE: Libref {tokens[0].upper()} was successfully assigned as follows: ", "note")
    elif keyword == "FILENAME" and tokens:
        if len(tokens) > 1 and tokens[1].upper() == "CLEAR":
            job.session.filerefs.discard(tokens[0].upper())
            job.write(f"NOTE: Fileref {tokens[0].upper()} has been deassigned.", "note")
        else:
            job.session.filerefs.add(tokens[0].upper())
    elif keyword.startswith("TITLE") and keyword[5:] in {"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}:
        procs.title(keyword, statement.rest, job)
    elif keyword == "ODS":
        _ods(tokens, job)
    elif keyword == "ENDSAS":
        job.stopped = True
    elif keyword in GLOBAL or keyword.startswith("FOOTNOTE"):
        return
    else:
        job.error("ERROR 180-322: Statement is not valid or it is used out of proper order.")


def _options(tokens: list[str], job: Job) -> None:
    index = 0
    while index < len(tokens):
        name = tokens[index].upper()
        if index + 2 < len(tokens) and tokens[index + 1] == "=":
            job.session.options[name] = tokens[index + 2].strip("'\"").upper()
            index += 3
            continue
        if name.startswith("NO") and name[2:] in macros.DEFAULT_OPTIONS:
            job.session.options[name[2:]] = name
        elif name in macros.DEFAULT_OPTIONS:
            job.session.options[name] = name
        index += 1


def _ods(tokens: list[str], job: Job) -> None:
    upper = [t.upper() for t in tokens]
    if not upper:
        return
    destination = upper[0]
    closing = "CLOSE" in upper
    if destination == "LISTING":
        job.listing_open = not closing
    elif destination in {"HTML", "HTML5", "_ALL_"}:
        job.html_open = not closing
        if destination == "_ALL_":
            job.listing_open = not closing


def _define(statements: list[Statement], index: int, job: Job, reader: _Reader) -> int:
    """`%macro name; … %mend;`: the body is kept (replayed without parameters when called), not run now."""
    name_match = macros.NAME.match(statements[index].rest)
    body: list[str] = []
    index += 1
    while index < len(statements) and statements[index].keyword != "%MEND":
        reader.upto(statements[index].last)
        body.append(statements[index].text)
        index += 1
    if index < len(statements):
        reader.upto(statements[index].last)
    if name_match:
        job.session.definitions[name_match.group(0).upper()] = body
    return index + 1


def _macro_statement(statement: Statement, job: Job, reader: _Reader, depth: int) -> None:
    keyword = statement.keyword
    rest = statement.rest
    if keyword == "%LET":
        name, equals, value = rest.partition("=")
        if not equals or not macros.NAME.fullmatch(name.strip()):
            job.error("ERROR: Expecting a variable name after %LET.")
            return
        macros.assign(name.strip(), macros.resolve(value.strip(), job), job)
    elif keyword == "%PUT":
        _put(rest, job)
    elif keyword == "%ABORT":
        if rest.strip().upper().startswith("CANCEL"):
            job.error("ERROR: Execution canceled by an %ABORT CANCEL statement.")
        else:
            job.error("ERROR: Execution terminated by an %ABORT statement.")
        job.stopped = True
    elif keyword == "%SYMDEL":
        for name in rest.split():
            job.session.macros.pop(name.upper(), None)
    elif keyword in {"%GLOBAL", "%LOCAL"}:
        for name in rest.split():
            if macros.NAME.fullmatch(name):
                job.session.macros.setdefault(name.upper(), "")
    elif keyword in MACRO_STATEMENTS or keyword in IGNORED_MACRO_STATEMENTS:
        return
    else:
        _call(statement, job, reader, depth)


def _call(statement: Statement, job: Job, reader: _Reader, depth: int) -> None:
    name = statement.keyword[1:]
    if name in macros.FUNCTIONS or name in macros.QUOTING:
        # A macro function in open code: its value is what SAS then compiles.
        value = macros.resolve(statement.text, job)
        if value.strip():
            _global(Statement(value, statement.first, statement.last), job)
        return
    if name == "WEBOUT" or name in {"MV_WEBOUT", "MS_WEBOUT", "MM_WEBOUT"}:
        procs.webout_macro(statement.rest, job)
        return
    if name in JES_MACROS:
        JES_MACROS[name](job)
        return
    body = job.session.definitions.get(name)
    if body is None:
        job.warning(f"WARNING: Apparent invocation of macro {name} not resolved.")
        job.error("ERROR 180-322: Statement is not valid or it is used out of proper order.")
        return
    if not job.charge(100 + sum(len(text) for text in body)):
        return
    if depth >= MAX_CALL_DEPTH:
        job.error(f"ERROR: Maximum level of nesting of macro calls exceeded while invoking {name}.")
        return
    replay = [Statement(text, statement.last, statement.last) for text in body]
    _statements(replay, job, reader, depth=depth + 1)


def _put(rest: str, job: Job) -> None:
    """`%put`: text with references resolved, `&=name`, and the `_user_` / `_automatic_` / `_all_` lists."""
    upper = rest.strip().upper()
    if upper in {"_USER_", "_GLOBAL_", "_ALL_", "_AUTOMATIC_"}:
        if upper != "_AUTOMATIC_":
            for name, value in sorted(job.session.macros.items()):
                job.log.write("normal", f"GLOBAL {name} {value}", job.clock)
        if upper in {"_ALL_", "_AUTOMATIC_"}:
            for name in sorted(AUTOMATIC_NAMES):
                job.log.write("normal", f"AUTOMATIC {name} {macros.automatic(name, job)}", job.clock)
        return
    text = macros.EQUALS.sub(lambda m: f"{m.group(1).upper()}=&{m.group(1)}", rest.strip())
    line = macros.resolve(text, job)
    job.write(line)


AUTOMATIC_NAMES = (
    "SYSCC",
    "SYSDATE",
    "SYSDATE9",
    "SYSDAY",
    "SYSENCODING",
    "SYSERR",
    "SYSERRORTEXT",
    "SYSHOSTNAME",
    "SYSJOBID",
    "SYSPROCESSID",
    "SYSPROCESSNAME",
    "SYSRC",
    "SYSSCP",
    "SYSSCPL",
    "SYSSITE",
    "SYSTIME",
    "SYSUSERID",
    "SYSVER",
    "SYSVLONG",
    "SYSVLONG4",
    "SYSWARNINGTEXT",
)
