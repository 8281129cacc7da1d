"""Macro variables and the macro functions the subset knows: resolving `&name`, `&&`, `%sysfunc(…)` and friends.

Resolution works as SAS's macro processor does for simple text: `&name` or `&name.` is replaced by the value,
`&&` becomes `&` and the result is scanned again, and an unknown name stays as written with SAS's warning. It
is bounded: at most `MAX_DEPTH` nested rescans or macro functions, and at most `MAX_MACRO_CHARS` of output per
resolution. In open code (`quotes=True`) text inside single quotes is left alone, as SAS leaves it.

Automatic macro variables (read-only here except SYSCC; see NOTES.md for the table):

| name | value |
| --- | --- |
| SYSVLONG / SYSVLONG4 | `V.04.00M0P120925` / `V.04.00M0P12092025` (Viya 4's form) |
| SYSVER | `V.04.00` |
| SYSUSERID | the session's user (from the token) |
| SYSCC | the job's condition code (0 at the start of each job; `%let syscc=…` sets it) |
| SYSJOBID | the job id passed to `execute` |
| SYSSCP / SYSSCPL | `LIN X64` / `Linux` |
| SYSENCODING | `utf-8` |
| SYSHOSTNAME | `sas-compute-server` |
| SYSPROCESSID / SYSPROCESSNAME | the session id / `Compute Server` |
| SYSDATE9, SYSDATE, SYSDAY, SYSTIME | from `now` (ms since epoch, UTC): `03DEC2026`, `03DEC26`, `Thursday`, `11:43` |
| SYSERR / SYSRC / SYSWARNINGTEXT / SYSERRORTEXT | `0` or the last warning / error text |
| SYSSITE | `70180938` |
| SYSMACRONAME | empty |
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime

from viya_mock.sas.domain.job import MAX_MACRO_CHARS, Job

MAX_DEPTH = 10
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
SYSVLONG = "V.04.00M0P120925"
SYSVLONG4 = "V.04.00M0P12092025"
HOSTNAME = "sas-compute-server"

# Options `%sysfunc(getoption(…))` answers (saspy and sasjs ask for some of these); `options x=y;` adds to them.
DEFAULT_OPTIONS = {
    "LINESIZE": "132",
    "LS": "132",
    "PAGESIZE": "60",
    "PS": "60",
    "VALIDVARNAME": "V7",
    "VALIDMEMNAME": "COMPATIBLE",
    "ENCODING": "UTF-8",
    "SOURCE": "SOURCE",
    "NOTES": "NOTES",
    "CENTER": "CENTER",
    "DATE": "DATE",
    "NUMBER": "NUMBER",
    "MPRINT": "NOMPRINT",
    "SYMBOLGEN": "NOSYMBOLGEN",
    "LOCALE": "EN_US",
    "DFLANG": "ENGLISH",
    "OBS": "9223372036854775807",
    "SYNTAXCHECK": "NOSYNTAXCHECK",
}


def _moment(job: Job) -> datetime:
    return datetime.fromtimestamp(max(0, min(job.now, 253_402_300_799_000)) / 1000, tz=UTC)


# Built once: looked up whenever a name is resolved, which is many times per job.
_AUTOMATIC: dict[str, Callable[[Job], str]] = {
    "SYSVLONG": lambda job: SYSVLONG,
    "SYSVLONG4": lambda job: SYSVLONG4,
    "SYSVER": lambda job: "V.04.00",
    "SYSUSERID": lambda job: job.session.user,
    "SYSCC": lambda job: str(job.syscc),
    "SYSJOBID": lambda job: job.job_id,
    "SYSSCP": lambda job: "LIN X64",
    "SYSSCPL": lambda job: "Linux",
    "SYSENCODING": lambda job: "utf-8",
    "SYSHOSTNAME": lambda job: HOSTNAME,
    "SYSPROCESSID": lambda job: job.session.id,
    "SYSPROCESSNAME": lambda job: "Compute Server",
    "SYSDATE9": lambda job: _moment(job).strftime("%d%b%Y").upper(),
    "SYSDATE": lambda job: _moment(job).strftime("%d%b%y").upper(),
    "SYSDAY": lambda job: _moment(job).strftime("%A"),
    "SYSTIME": lambda job: _moment(job).strftime("%H:%M"),
    "SYSERR": lambda job: "0",
    "SYSRC": lambda job: "0",
    "SYSWARNINGTEXT": lambda job: job.last_warning,
    "SYSERRORTEXT": lambda job: job.last_error,
    "SYSSITE": lambda job: "70180938",
    "SYSMACRONAME": lambda job: "",
}


def automatic(name: str, job: Job) -> str | None:
    """The value of automatic macro variable `name` (upper case), or None when it is not one."""
    value = _AUTOMATIC.get(name)
    return value(job) if value else None


def lookup(name: str, job: Job) -> str | None:
    upper = name.upper()
    if upper in job.session.macros:
        return job.session.macros[upper]
    return automatic(upper, job)


def assign(name: str, value: str, job: Job) -> None:
    """`%let name = value;` (SYSCC sets the job's condition code; other automatic variables are read-only)."""
    upper = name.upper()
    if upper == "SYSCC":
        job.syscc = _int(value, job.syscc)
        return
    if automatic(upper, job) is not None:
        job.error(f"ERROR: Attempt to %LET automatic macro variable {upper} which is read-only.")
        return
    job.session.macros[upper] = value[:MAX_MACRO_CHARS]


def resolve(text: str, job: Job, *, quotes: bool = False, depth: int = 0) -> str:
    """`text` with its macro references and macro function calls resolved (bounded; never raises)."""
    if depth == 0:
        job.warned.clear()
    if depth > MAX_DEPTH:
        job.error("ERROR: Maximum level of nesting of macro functions exceeded.")
        return text
    out: list[str] = []
    size = 0
    rescan = False
    index = 0
    length = len(text)
    while index < length and size < MAX_MACRO_CHARS:
        char = text[index]
        if quotes and char == "'":
            end = text.find("'", index + 1)
            end = length - 1 if end < 0 else end
            piece = text[index : end + 1]
            index = end + 1
        elif char == "&":
            amps = index
            while amps < length and text[amps] == "&":
                amps += 1
            count = amps - index
            match = NAME.match(text, amps)
            if not match:
                piece = text[index:amps]
                index = amps
            elif count >= 2:
                rescan = True
                piece = "&" * (count // 2)
                if count % 2:
                    value, index = _reference(match, text, job)
                    piece += value
                else:
                    piece += match.group(0)
                    index = match.end()
            else:
                piece, index = _reference(match, text, job)
        elif char == "%":
            match = NAME.match(text, index + 1)
            if not match:
                piece = char
                index += 1
            else:
                piece, index = _function(match, text, job, quotes=quotes, depth=depth)
        else:
            end = index + 1
            while end < length and text[end] not in "&%'":
                end += 1
            piece = text[index:end]
            index = end
        out.append(piece)
        size += len(piece)
    result = "".join(out)[:MAX_MACRO_CHARS]
    if not job.charge(len(result)):
        return ""
    if rescan:
        return resolve(result, job, quotes=quotes, depth=depth + 1)
    return result


def _reference(match: re.Match[str], text: str, job: Job) -> tuple[str, int]:
    end = match.end()
    dot = end < len(text) and text[end] == "."
    value = lookup(match.group(0), job)
    if value is None:
        if match.group(0).upper() not in job.warned:
            job.warned.add(match.group(0).upper())
            job.warning(f"WARNING: Apparent symbolic reference {match.group(0).upper()} not resolved.")
        return text[match.start() - 1 : end + (1 if dot else 0)], end + (1 if dot else 0)
    return value, end + (1 if dot else 0)


# Macro functions whose argument is not resolved first.
NO_RESOLVE = {"NRSTR", "SUPERQ", "NRQUOTE"}
QUOTING = {"STR", "NRSTR", "QUOTE", "NRQUOTE", "BQUOTE", "NRBQUOTE", "UNQUOTE"}


def _function(match: re.Match[str], text: str, job: Job, *, quotes: bool, depth: int) -> tuple[str, int]:
    """A `%name(…)` macro function call; an unknown `%name` is left as written with SAS's warning."""
    name = match.group(0).upper()
    after = match.end()
    known = name in QUOTING or name in FUNCTIONS
    if not known:
        if "%" + name not in job.warned:
            job.warned.add("%" + name)
            job.warning(f"WARNING: Apparent invocation of macro {name} not resolved.")
        return text[match.start() - 1 : after], after
    open_at = after
    while open_at < len(text) and text[open_at] == " ":
        open_at += 1
    if open_at >= len(text) or text[open_at] != "(":
        return text[match.start() - 1 : after], after
    close = matching(text, open_at)
    if close < 0:
        job.error("ERROR: Expected close parenthesis after macro function invocation not found.")
        return "", len(text)
    argument = text[open_at + 1 : close]
    if name == "SUPERQ":
        return lookup(argument.strip(), job) or "", close + 1
    if name not in NO_RESOLVE:
        argument = resolve(argument, job, depth=depth + 1)
    if name in QUOTING:
        return argument, close + 1
    return FUNCTIONS[name](argument, job, depth), close + 1


def matching(text: str, open_at: int) -> int:
    """The index of the parenthesis closing the one at `open_at`, skipping quoted text, or -1."""
    level = 0
    index = open_at
    quote = ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and text.find(char, index + 1) >= 0:
            quote = char
        elif char == "(":
            level += 1
        elif char == ")":
            level -= 1
            if level == 0:
                return index
        index += 1
    return -1


def arguments(text: str) -> list[str]:
    """Comma-separated arguments at the top level of `text`."""
    parts: list[str] = []
    level = 0
    start = 0
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            level += 1
        elif char == ")":
            level -= 1
        elif char == "," and level == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _sysfunc(argument: str, job: Job, depth: int) -> str:
    match = NAME.match(argument.strip())
    body = argument.strip()
    if not match:
        job.error("ERROR: Expected open parenthesis after macro function name not found.")
        return ""
    name = match.group(0).upper()
    open_at = match.end()
    close = matching(body, open_at) if open_at < len(body) and body[open_at] == "(" else -1
    args = arguments(body[open_at + 1 : close]) if close > 0 else []
    if args == [""]:
        args = []
    function = DATA_FUNCTIONS.get(name)
    if function is None:
        job.error(f"ERROR: The function {name} referenced by the %SYSFUNC or %QSYSFUNC macro function is not found.")
        return ""
    return function([_unquote(a) for a in args], job)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] in "'\"" and value[-1] == value[0]:
        return value[1:-1]
    return value


def _symexist(argument: str, job: Job, depth: int) -> str:
    return "1" if lookup(argument.strip(), job) is not None else "0"


def _eval(argument: str, job: Job, depth: int) -> str:
    value = evaluate(argument)
    if value is None:
        job.error(
            "ERROR: A character operand was found in the %EVAL function or %IF condition where a numeric "
            f"operand is required. The condition was: {argument.strip()}"
        )
        return ""
    return str(value)


OPERATORS: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}


def evaluate(expression: str) -> int | None:
    """Integer arithmetic as `%eval` does it (+ - * /, comparisons give 1 or 0), or None if it is not that."""
    text = expression.strip().replace("<>", "!=").replace("^=", "!=").replace("~=", "!=")
    text = re.sub(r"(?<![<>!=])=(?!=)", "==", text)
    if not text or len(text) > 200 or not re.fullmatch(r"[0-9\s+\-*/()<>=!]+", text):
        return None
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    try:
        return _fold(tree.body)
    except (ValueError, ZeroDivisionError, RecursionError, OverflowError):
        return None


def _fold(node: ast.expr) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        if abs(node.value) >= 2**63:
            raise ValueError
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _fold(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _fold(node.left), _fold(node.right)
        if isinstance(node.op, ast.Div):
            return int(left / right)
        function = OPERATORS.get(type(node.op))
        if function is None:
            raise ValueError
        value = function(left, right)
        if abs(value) >= 2**63:
            raise ValueError
        return value
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, right = _fold(node.left), _fold(node.comparators[0])
        compare = {
            ast.Eq: operator.eq,
            ast.NotEq: operator.ne,
            ast.Lt: operator.lt,
            ast.LtE: operator.le,
            ast.Gt: operator.gt,
            ast.GtE: operator.ge,
        }.get(type(node.ops[0]))
        if compare is None:
            raise ValueError
        return int(compare(left, right))
    raise ValueError


def _int(text: str, default: int) -> int:
    try:
        return int(float(text.strip()))
    except (ValueError, OverflowError):
        return default


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _sleep(args: list[str], job: Job) -> str:
    """`sleep(n, unit)`: the job's clock moves n × unit seconds (unit defaults to 0.001 on Linux)."""
    try:
        amount = float(args[0]) if args else 0.0
        unit = float(args[1]) if len(args) > 1 else 0.001
    except (ValueError, OverflowError):
        job.error(
            "ERROR: Argument 1 to function SLEEP referenced by the %SYSFUNC or %QSYSFUNC macro function "
            "is not a number."
        )
        return "."
    seconds = amount * unit
    if not seconds == seconds or seconds < 0:
        return "."
    job.spend(min(seconds, 86_400.0) * 1000)
    return _number(round(min(seconds, 86_400.0), 3))


def _pathname(args: list[str], job: Job) -> str:
    name = args[0].strip().upper() if args else ""
    return {"WORK": job.session.work_path, "SASHELP": "/opt/sas/viya/home/SASFoundation/sashelp"}.get(name, "")


def _getoption(args: list[str], job: Job) -> str:
    name = args[0].strip().upper() if args else ""
    if name == "WORK":
        return job.session.work_path
    return job.session.options.get(name, DEFAULT_OPTIONS.get(name, ""))


def _libref(args: list[str], job: Job) -> str:
    name = args[0].strip().upper() if args else ""
    return (
        "0" if name in {"WORK", "SASHELP", "SASUSER", "MAPS", "MAPSSAS", "MAPSGFK"} | job.session.librefs else "-70008"
    )


def _fileref(args: list[str], job: Job) -> str:
    name = args[0].strip().upper() if args else ""
    return "0" if name in job.session.filerefs else "-20004"


def _exist(args: list[str], job: Job) -> str:
    name = args[0].strip().upper() if args else ""
    return "1" if name == "SASHELP.CLASS" else "0"


DATA_FUNCTIONS: dict[str, Callable[[list[str], Job], str]] = {
    "PATHNAME": _pathname,
    "GETOPTION": _getoption,
    "SLEEP": _sleep,
    "LIBREF": _libref,
    "FILEREF": _fileref,
    "EXIST": _exist,
    "UPCASE": lambda args, job: (args[0] if args else "").upper(),
    "LOWCASE": lambda args, job: (args[0] if args else "").lower(),
    "STRIP": lambda args, job: (args[0] if args else "").strip(),
    "TRIM": lambda args, job: (args[0] if args else "").rstrip(),
    "CATS": lambda args, job: "".join(a.strip() for a in args),
    "LENGTH": lambda args, job: str(max(1, len((args[0] if args else "").rstrip()))),
    "TODAY": lambda args, job: str(job.now // 86_400_000 + 3653),
    "DATE": lambda args, job: str(job.now // 86_400_000 + 3653),
    "DATETIME": lambda args, job: _number(round(job.now / 1000 + 315_619_200, 3)),
    "GETPID": lambda args, job: job.session.id,
}

FUNCTIONS: dict[str, Callable[[str, Job, int], str]] = {
    "SYSFUNC": _sysfunc,
    "QSYSFUNC": _sysfunc,
    "UPCASE": lambda argument, job, depth: argument.upper(),
    "QUPCASE": lambda argument, job, depth: argument.upper(),
    "LOWCASE": lambda argument, job, depth: argument.lower(),
    "LENGTH": lambda argument, job, depth: str(len(argument)),
    "TRIM": lambda argument, job, depth: argument.rstrip(),
    "LEFT": lambda argument, job, depth: argument.lstrip(),
    "SYMEXIST": _symexist,
    "EVAL": _eval,
}

# `&=name` in %put: written as NAME=value.
EQUALS = re.compile(r"&=([A-Za-z_][A-Za-z0-9_]{0,31})")
