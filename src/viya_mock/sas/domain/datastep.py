"""A DATA step as `data _null_;` programs use it: PUT, FILE, assignments, CALL SLEEP/SYMPUT, ABORT, SET.

The step runs its statements once, which is what the probes and `_webout` writers of SAS's clients do, or once
per row when it SETs a bundled table (SASHELP.CLASS); there is no other input, no IF and no DO. Statements
the subset does not know are compiled (echoed) and do nothing; a word that is no DATA step statement is an
ERROR at compile time and the step does not run.
Variables are character (from a quoted literal, `resolve()` or `symget()`) or numeric; PUT writes them as list
output does: a value and a blank, a literal as it is.
"""

from __future__ import annotations

import re

from viya_mock.sas.domain import macros, tables
from viya_mock.sas.domain.job import Job
from viya_mock.sas.domain.lexer import Statement, unquote, words
from viya_mock.sas.domain.log import line_type

Value = str | float | None
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]{0,31})\s*=\s*(.*)$", re.DOTALL)
CALL = re.compile(r"^call\s+([A-Za-z_]+)\s*\((.*)\)\s*$", re.DOTALL | re.IGNORECASE)
FORMAT = re.compile(r"^\$?[A-Za-z_]*\d*\.\d*$")


# DATA step statements SAS has that the subset compiles and ignores (anything else is ERROR 180-322).
KNOWN = {
    "SET",
    "MERGE",
    "UPDATE",
    "MODIFY",
    "INPUT",
    "INFILE",
    "OUTPUT",
    "RETAIN",
    "KEEP",
    "DROP",
    "ARRAY",
    "BY",
    "WHERE",
    "IF",
    "ELSE",
    "DO",
    "END",
    "SELECT",
    "WHEN",
    "OTHERWISE",
    "LENGTH",
    "FORMAT",
    "INFORMAT",
    "LABEL",
    "ATTRIB",
    "RENAME",
    "DELETE",
    "RETURN",
    "LINK",
    "GOTO",
    "GO",
    "LEAVE",
    "CONTINUE",
    "DATALINES",
    "CARDS",
    "LIST",
    "ERROR",
    "CALL",
    "DECLARE",
    "DCL",
    "MISSING",
    "RUN",
    "PUTLOG",
    "WINDOW",
    "DISPLAY",
    "DESCRIBE",
    "EXECUTE",
    "REMOVE",
    "REPLACE",
    "LOSTCARD",
    "ABORT",
    "STOP",
    "PUT",
    "FILE",
    "TITLE",
    "FOOTNOTE",
    "OPTIONS",
    "LIBNAME",
    "FILENAME",
    "ODS",
    "%INCLUDE",
    "%INC",
}


def run(statements: list[Statement], job: Job) -> None:
    """Compile the step's statements (after the DATA statement), then run them once, or once per row of a
    bundled table it SETs."""
    for statement in statements:
        if statement.keyword not in KNOWN and not ASSIGNMENT.match(statement.text.strip()):
            job.error("ERROR 180-322: Statement is not valid or it is used out of proper order.")
            job.write("NOTE: The SAS System stopped processing this step because of errors.", "note")
            return
    rows: list[dict[str, Value]] = [{}]
    member = ""
    for statement in statements:
        if statement.keyword == "SET":
            member = ((words(statement.rest) or ["_LAST_"])[0]).upper()
            member = member if "." in member else f"WORK.{member}"
            table = tables.lookup(member, job)
            if table is None:
                job.error(f"ERROR: File {member}.DATA does not exist.")
                job.write("NOTE: The SAS System stopped processing this step because of errors.", "note")
                return
            rows = [
                {
                    c.name.upper(): (None if v is None else float(v) if c.numeric else str(v))
                    for c, v in zip(table.columns, row, strict=True)
                }
                for row in table.rows
            ]
            break
    variables: dict[str, Value] = {}
    state = _State()
    for number, row in enumerate(rows, start=1):
        variables.update(row)
        if not _iteration(statements, variables, job, state, number) or job.stopped:
            break
    if member:
        job.write(f"NOTE: There were {state.read} observations read from the data set {member}.", "note")


class _State:
    """What lasts across the iterations of a step: the FILE target, the rows read, the notes given."""

    def __init__(self) -> None:
        self.target = "LOG"
        self.read = 0
        self.noted: set[str] = set()


def _iteration(statements: list[Statement], variables: dict[str, Value], job: Job, state: _State, number: int) -> bool:
    """One pass over the step's statements; False when the step stops (ABORT, STOP)."""
    state.read = number
    for statement in statements:
        keyword = statement.keyword
        if keyword in {"PUT", "PUTLOG"}:
            _put(statement.rest, variables, job, state.target if keyword == "PUT" else "LOG", state.noted, number)
        elif keyword == "FILE":
            state.target = (words(statement.rest) or ["LOG"])[0].upper()
        elif keyword == "ABORT":
            option = statement.rest.strip().upper()
            line = job.first_number + statement.first
            source = job.source[statement.first] if statement.first < len(job.source) else ""
            column = source.lower().find("abort") + 1 or 1
            if option.startswith("CANCEL"):
                job.error("ERROR: Execution canceled by an ABORT CANCEL statement.")
                job.stopped = True
            else:
                job.error(f"ERROR: Execution terminated by an ABORT statement at line {line} column {column}.")
                job.write(_dump(variables, number))
            job.write("NOTE: The SAS System stopped processing this step because of errors.", "note")
            return False
        elif keyword == "STOP":
            return False
        elif CALL.match(statement.text.strip()):
            _call(statement.text.strip(), variables, job)
        elif (match := ASSIGNMENT.match(statement.text.strip())) and keyword not in KNOWN - {"PUT", "FILE"}:
            variables[match.group(1).upper()] = _expression(match.group(2).strip(), variables, job)
    return True


def _dump(variables: dict[str, Value], number: int) -> str:
    shown = " ".join(f"{name.lower()}={_text(value)}" for name, value in variables.items())
    return f"{shown} _ERROR_=1 _N_={number}".strip()


def _text(value: Value) -> str:
    if value is None:
        return "."
    if isinstance(value, float):
        return str(int(value)) if value == int(value) and abs(value) < 1e15 else f"{value:.12g}"
    return value.rstrip()


def _expression(text: str, variables: dict[str, Value], job: Job) -> Value:
    """A quoted literal, a number, a variable, `resolve('…')`, `symget('…')`, `cats(…)`; anything else is missing."""
    if len(text) >= 2 and text[0] in "'\"" and text[-1] == text[0]:
        return unquote(text)
    try:
        return float(text)
    except ValueError:
        pass
    upper = text.upper()
    if upper in variables:
        return variables[upper]
    call = re.match(r"^([A-Za-z_]+)\s*\((.*)\)$", text, re.DOTALL)
    if call:
        name = call.group(1).upper()
        args = [_expression(a, variables, job) for a in macros.arguments(call.group(2))]
        first = _text(args[0]) if args else ""
        if name == "RESOLVE":
            return macros.resolve(first, job)
        if name == "SYMGET":
            return macros.lookup(first.strip(), job) or ""
        if name in {"CATS", "CATX", "CAT"}:
            return "".join(_text(a).strip() for a in args)
        if name in {"UPCASE", "LOWCASE", "STRIP", "TRIM"}:
            return {"UPCASE": first.upper(), "LOWCASE": first.lower(), "STRIP": first.strip()}.get(name, first.rstrip())
        if name == "SLEEP":
            return float(macros.DATA_FUNCTIONS["SLEEP"]([_text(a) for a in args], job))
    return None


def _call(text: str, variables: dict[str, Value], job: Job) -> None:
    match = CALL.match(text)
    if not match:
        return
    name = match.group(1).upper()
    args = [_expression(a, variables, job) for a in macros.arguments(match.group(2))]
    if name == "SLEEP":
        macros.DATA_FUNCTIONS["SLEEP"]([_text(a) for a in args], job)
    elif name in {"SYMPUT", "SYMPUTX"} and len(args) >= 2:
        value = _text(args[1])
        macros.assign(_text(args[0]).strip(), value.strip() if name == "SYMPUTX" else value, job)


def _put(text: str, variables: dict[str, Value], job: Job, target: str, noted: set[str], number: int) -> None:
    tokens = words(text)
    lines: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token[0] in "'\"":
            current.append(unquote(token))
        elif token == "/":
            lines.append("".join(current))
            current = []
        elif token == "@":
            if following.isdigit():
                index += 1
        elif token.upper() == "_ALL_":
            shown = " ".join(f"{n}={_text(v)}" for n, v in variables.items())
            current.append(f"{shown} _ERROR_=0 _N_={number} ".lstrip())
        elif FORMAT.match(token) or token in "()=,":
            pass
        else:
            name = token.upper()
            if name not in variables:
                variables[name] = None
            if variables[name] is None and name not in noted:
                noted.add(name)
                job.write(f"NOTE: Variable {token} is uninitialized.", "note")
            if following == "=":
                current.append(f"{token}={_text(variables[name])} ")
                index += 1
            else:
                current.append(_text(variables[name]) + " ")
        index += 1
    lines.append("".join(current))
    for line in lines:
        _emit(line.rstrip(), job, target)


def _emit(line: str, job: Job, target: str) -> None:
    if target == "_WEBOUT":
        job.put_webout(line)
    elif target == "PRINT":
        job.listing.write("normal", line, job.clock)
    elif target in {"LOG", "STDERR", "STDOUT"}:
        job.log.write(line_type(line), line, job.clock)
