"""Procedures: PROC PRINT of the bundled tables (listing and ODS HTML), and the notes of any other procedure.

PROC PRINT writes SAS's LISTING layout (the title lines, `Obs` and the column headers, values centred under
wider headers, the table centred on the line size) when the listing is open, and an HTML table to the job's
ODS HTML result when HTML is open. HTML is open unless a program closes it, because a Compute session under
the default context writes every procedure's output to its `sashtml.htm` result; saspy's own
`ods html5 (id=saspy_internal)` wrapper changes nothing to that. Other procedures are echoed and noted only.
The `%webout` macros of sasjs are here too, because they write tables.
"""

from __future__ import annotations

import functools
import html
import json
import re
from datetime import UTC, datetime

from viya_mock.sas.domain import macros, sashelp, tables
from viya_mock.sas.domain.job import Job
from viya_mock.sas.domain.lexer import Statement, unquote, words
from viya_mock.sas.domain.model import LineType

MEMBER = re.compile(r"\bdata\s*=\s*([A-Za-z_&][A-Za-z0-9_.&]*)\s*(\(([^)]*)\))?", re.IGNORECASE)


def title(keyword: str, rest: str, job: Job) -> None:
    """`title` / `titleN "text";` (no text clears it and the lower titles)."""
    level = int(keyword[5:] or "1")
    for higher in [n for n in job.titles if n >= level]:
        del job.titles[higher]
    tokens = [t for t in words(rest) if t[0] in "'\""]
    if tokens:
        job.titles[level] = " ".join(unquote(t) for t in tokens)


# Procedures SAS has that the subset echoes and notes without output (any other name is not found).
KNOWN = {
    "PRINT",
    "MEANS",
    "SUMMARY",
    "FREQ",
    "SORT",
    "SQL",
    "CONTENTS",
    "DATASETS",
    "TRANSPOSE",
    "REPORT",
    "TABULATE",
    "UNIVARIATE",
    "CORR",
    "REG",
    "GLM",
    "LOGISTIC",
    "SGPLOT",
    "SGPANEL",
    "SGSCATTER",
    "GPLOT",
    "GCHART",
    "EXPORT",
    "IMPORT",
    "FORMAT",
    "APPEND",
    "COPY",
    "DELETE",
    "COMPARE",
    "RANK",
    "STANDARD",
    "HTTP",
    "JSON",
    "DS2",
    "FCMP",
    "PRINTTO",
    "OPTIONS",
    "CAS",
    "CASUTIL",
    "FEDSQL",
    "HPSPLIT",
    "TIMESERIES",
    "SURVEYSELECT",
    "PWENCODE",
    "DOCUMENT",
    "TEMPLATE",
    "ODSTEXT",
    "ODSLIST",
    "ODSTABLE",
    "STREAM",
    "LUA",
    "PYTHON",
    "IML",
    "GROOVY",
    "SCAPROC",
    "MIXED",
    "NPAR1WAY",
    "TTEST",
    "ANOVA",
    "CATALOG",
    "PLOT",
    "CHART",
    "SCORE",
    "FACTOR",
    "CLUSTER",
}


def run(head: Statement, body: list[Statement], job: Job) -> None:
    words_ = head.rest.split(None, 1)
    name = words_[0].upper().rstrip(";") if words_ else ""
    if not name:
        job.error("ERROR: Procedure name missing.")
        return
    if name not in KNOWN:
        job.error(f"ERROR: Procedure {name} not found.")
        job.step_notes(f"PROCEDURE {name}")
        return
    if name == "PRINT":
        _print(head, body, job)
    job.step_notes(f"PROCEDURE {name}")


def _print(head: Statement, body: list[Statement], job: Job) -> None:
    if not job.charge(2000):
        return
    match = MEMBER.search(head.rest)
    member = match.group(1).upper() if match else "WORK._LAST_"
    if "." not in member:
        member = f"WORK.{member}"
    table = sashelp.find(member)
    if table is None:
        job.error(f"ERROR: File {member}.DATA does not exist.")
        job.write("NOTE: The SAS System stopped processing this step because of errors.", "note")
        return
    obs = len(table.rows)
    if match and match.group(3):
        found = re.search(r"\bobs\s*=\s*(\d+)", match.group(3), re.IGNORECASE)
        if found:
            obs = min(obs, int(found.group(1)))
    columns = list(table.columns)
    for statement in body:
        if statement.keyword == "VAR":
            wanted = [w.upper() for w in statement.rest.split()]
            by_name = {c.name.upper(): c for c in table.columns}
            unknown = [w for w in wanted if w not in by_name]
            if unknown:
                job.error(f"ERROR: Variable {unknown[0]} not found.")
                job.write("NOTE: The SAS System stopped processing this step because of errors.", "note")
                return
            columns = [by_name[w] for w in wanted]
        elif statement.keyword.startswith("TITLE"):
            title(statement.keyword, statement.rest, job)
    names = tuple(column.name for column in columns)
    job.spend(5 + _unit_draw(job) * 20)
    titles = tuple(_titles(job))
    if job.listing_open:
        linesize = _int(job.session.options.get("LINESIZE", macros.DEFAULT_OPTIONS["LINESIZE"]), 132)
        job.page += 1
        for kind, text in _listing(member, obs, names, titles, max(64, min(linesize, 256)), job.page):
            job.listing.write(kind, text, job.clock)
    if job.html_open:
        page = _html(member, obs, names, titles)
        if job.charge(len(page) + 64 * obs):
            if job.jes_page:
                job.put_webout(page)
            else:
                job.html.append(page)
    job.write(f"NOTE: There were {obs} observations read from the data set {member}.", "note")


def _titles(job: Job) -> list[str]:
    return [job.titles[n] for n in sorted(job.titles)] or ["The SAS System"]


# What PROC PRINT writes depends only on the table (SASHELP's, which never change), the observations and
# columns printed, the titles, the line size and the page number; most jobs print the same, so each output is
# rendered once and kept (bounded), and the jobs share its strings.
@functools.lru_cache(maxsize=64)
def _cells(member: str, obs: int, names: tuple[str, ...]) -> tuple[list[sashelp.Column], list[list[str]]]:
    table = sashelp.find(member)
    assert table is not None  # _print looked it up first
    by_name = {column.name: column for column in table.columns}
    columns = [by_name[name] for name in names]
    indexes = [table.columns.index(column) for column in columns]
    rows = [[sashelp.text(row[i], table.columns[i]) for i in indexes] for row in table.rows[:obs]]
    return columns, rows


@functools.lru_cache(maxsize=256)
def _listing(
    member: str, obs: int, names: tuple[str, ...], titles: tuple[str, ...], linesize: int, page_number: int
) -> tuple[tuple[LineType, str], ...]:
    columns, rows = _cells(member, obs, names)
    out: list[tuple[LineType, str]] = []
    for index, text in enumerate(titles):
        line = text.center(linesize).rstrip()
        if index == 0:
            page = str(page_number)
            line = line.ljust(linesize - len(page)) + page
        out.append(("title", line))
    out.append(("normal", ""))
    obs_width = max(3, len(str(len(rows))))
    widths = []
    for position, column in enumerate(columns):
        value_width = max([len(row[position]) for row in rows] or [0])
        widths.append((max(len(column.name), value_width), value_width))
    header = ["Obs".rjust(obs_width)]
    for column, (width, _value_width) in zip(columns, widths, strict=True):
        header.append(column.name.rjust(width) if column.numeric else column.name.ljust(width))
    body = []
    for number, row in enumerate(rows, start=1):
        cells = [str(number).rjust(obs_width)]
        for column, value, (width, value_width) in zip(columns, row, widths, strict=True):
            field = value.rjust(value_width) if column.numeric else value.ljust(value_width)
            offset = (width - value_width + 1) // 2
            cells.append((" " * offset + field).ljust(width))
        body.append("    ".join(cells).rstrip())
    header_line = "    ".join(header).rstrip()
    table_width = max(len(line) for line in [header_line, *body])
    margin = " " * max(0, (linesize - table_width) // 2)
    out += [("normal", margin + header_line), ("normal", "")]
    out += [("normal", margin + line) for line in body]
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _html(member: str, obs: int, names: tuple[str, ...], titles: tuple[str, ...]) -> str:
    columns, rows = _cells(member, obs, names)
    title_html = "".join(
        f'<p class="systitleandfootercontainer"><span class="c systemtitle">{html.escape(t)}</span></p>' for t in titles
    )
    head = '<th class="r header" scope="col">Obs</th>' + "".join(
        f'<th class="{"r" if c.numeric else "l"} header" scope="col">{html.escape(c.name)}</th>' for c in columns
    )
    lines = []
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            f'<td class="{"r" if c.numeric else "l"} data">{html.escape(v)}</td>'
            for c, v in zip(columns, row, strict=True)
        )
        lines.append(f'<tr><th class="r rowheader" scope="row">{number}</th>{cells}</tr>')
    return (
        f'<div class="c proc_title_group">{title_html}</div>'
        '<div style="padding-bottom: 8px; padding-top: 1px">'
        '<table class="table" style="border-spacing: 0" aria-label="Data Set">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table></div>"
    )


PAGE_HEAD = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n<title>SAS Output</title>\n'
    '</head>\n<body class="c body">'
)
PAGE_TAIL = "</body>\n</html>"


def html_page(parts: list[str]) -> str:
    """The ODS HTML document holding every procedure's output of one job."""
    return PAGE_HEAD + "\n" + "\n".join(parts) + "\n" + PAGE_TAIL + "\n"


def jes_begin(job: Job) -> None:
    """`%JESBEGIN`: the Job Execution macro that opens an HTML page in _webout; procedure output goes into it."""
    if not job.jes_page:
        job.jes_page = True
        job.put_webout(PAGE_HEAD)


def jes_end(job: Job) -> None:
    """`%JESEND`: closes the page (a program that ends without it gets it closed for it)."""
    if job.jes_page:
        job.jes_page = False
        job.put_webout(PAGE_TAIL)


def _unit_draw(job: Job) -> float:
    value = job.draw()
    return value if 0 <= value < 1 else 0.5


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def webout_macro(rest: str, job: Job) -> None:
    """sasjs's `%webout(OPEN)`, `%webout(OBJ|ARR, table[, …])`, `%webout(CLOSE)` (mv_webout's JSON shape)."""
    inner = rest.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    args = [a.strip() for a in macros.arguments(macros.resolve(inner, job))]
    action = args[0].upper() if args else ""
    if action == "FETCH":
        tables.fetch(job, job.read_file)
        return
    if action == "OPEN":
        job.webout_started = True
        job.put_webout('{"SYSDATE" : "' + str(macros.automatic("SYSDATE", job)) + '"')
        job.put_webout(',"SYSTIME" : "' + str(macros.automatic("SYSTIME", job)) + '"')
    elif action in {"OBJ", "ARR"} and len(args) > 1:
        member = args[1].upper() if "." in args[1] else f"WORK.{args[1].upper()}"
        table = tables.lookup(member, job)
        if table is None:
            job.error(f"ERROR: File {member}.DATA does not exist.")
            return
        name = member.split(".")[-1].lower()
        if action == "OBJ":
            items: list[object] = [
                {c.name.upper(): v for c, v in zip(table.columns, row, strict=True)} for row in table.rows
            ]
        else:
            items = [list(row) for row in table.rows]
        job.put_webout(f',"{name}" :')
        job.put_webout(json.dumps(items))
    elif action == "CLOSE":
        _close_webout(job)
    else:
        job.error(f"ERROR: Unknown %webout action {action or '(none)'}.")


def _close_webout(job: Job) -> None:
    """The members mv_webout's CLOSE writes, in its order, then the closing brace."""

    def auto(name: str) -> str:
        return str(macros.automatic(name, job))

    def macro(name: str) -> str:
        return job.session.macros.get(name, "")

    members = [
        ("_DEBUG", macro("_DEBUG")),
        ("_PROGRAM", macro("_PROGRAM")),
        ("AUTOEXEC", ""),
        ("MF_GETUSER", job.session.user),
        ("SYS_JES_JOB_URI", macro("SYS_JES_JOB_URI")),
        ("SYSJOBID", auto("SYSJOBID")),
        ("SYSCC", auto("SYSCC")),
        ("SYSERRORTEXT", auto("SYSERRORTEXT")),
        ("SYSHOSTNAME", auto("SYSHOSTNAME")),
        ("SYSPROCESSID", auto("SYSPROCESSID")),
        ("SYSPROCESSMODE", "SAS Compute Server"),
        ("SYSPROCESSNAME", auto("SYSPROCESSNAME")),
        ("SYSSCPL", auto("SYSSCPL")),
        ("SYSSITE", auto("SYSSITE")),
        ("SYSUSERID", auto("SYSUSERID")),
        ("SYSVLONG", auto("SYSVLONG")),
        ("SYSWARNINGTEXT", auto("SYSWARNINGTEXT")),
        ("END_DTTM", _iso(job)),
        ("MEMSIZE", "2GB"),
    ]
    for name, value in members:
        job.put_webout(f',"{name}" : {json.dumps(value)}')
    job.put_webout("}")


def _iso(job: Job) -> str:
    seconds = max(0, min(job.now + job.clock, 253_402_300_799_000)) / 1000
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
