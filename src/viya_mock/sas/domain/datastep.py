"""A DATA step run once, as `data _null_;` programs use it: PUT, FILE, assignments, CALL SLEEP/SYMPUT, ABORT.

There is no SET, no input data and no loop: the step runs its statements once, which is what the probes and
`_webout` writers of SAS's clients do. Statements the subset does not know are compiled (echoed) and do nothing.
Variables are character (from a quoted literal, `resolve()` or `symget()`) or numeric; PUT writes them as list
output does: a value and a blank, a literal as it is.
"""

from __future__ import annotations

import re

from viya_mock.sas.domain import macros
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
    """Run the step's statements (after the DATA statement) once."""
    variables: dict[str, Value] = {}
    target = "LOG"
    for statement in statements:
        keyword = statement.keyword
        if keyword not in KNOWN and not ASSIGNMENT.match(statement.text.strip()):
            job.error("ERROR 180-322: Statement is not valid or it is used out of proper order.")
            job.write("NOTE: The SAS System stopped processing this step because of errors.", "note")
            return
        if keyword in {"PUT", "PUTLOG"}:
            _put(statement.rest, variables, job, target)
        elif keyword == "FILE":
            target = (words(statement.rest) or ["LOG"])[0].upper()
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
                job.write(_dump(variables))
            job.write("NOTE: The SAS System stopped processing this step because of errors.", "note")
            return
        elif keyword == "STOP":
            return
        elif CALL.match(statement.text.strip()):
            _call(statement.text.strip(), variables, job)
        elif (match := ASSIGNMENT.match(statement.text.strip())) and keyword not in KNOWN - {"PUT", "FILE"}:
            variables[match.group(1).upper()] = _expression(match.group(2).strip(), variables, job)


def _dump(variables: dict[str, Value]) -> str:
    shown = " ".join(f"{name.lower()}={_text(value)}" for name, value in variables.items())
    return f"{shown} _ERROR_=1 _N_=1".strip()


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


def _put(text: str, variables: dict[str, Value], job: Job, target: str) -> None:
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
            current.append(" ".join(f"{n}={_text(v)}" for n, v in variables.items()) + " _ERROR_=0 _N_=1 ")
        elif FORMAT.match(token) or token in "()=,":
            pass
        else:
            name = token.upper()
            if name not in variables:
                variables[name] = None
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
        job.listing.write("normal", line)
    elif target in {"LOG", "STDERR", "STDOUT"}:
        job.log.write(line_type(line), line)
