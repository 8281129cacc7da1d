"""WORK tables a program reads in: the tables @sasjs/adapter sends, as `%webout(FETCH)` loads them.

sasjs sends each table as CSV whose first line is the SAS input statement (`name:$char5. age:best.`, columns
separated by spaces) and whose rows follow, CRLF-separated, with `.` for a missing number. It sends them in one
of two ways: as parameters (`sasjs_tables` names the tables, `sasjs<n>data` holds the n-th one's CSV, possibly in
several chunks joined by the caller), which the Compute and web runner modes use, or as uploaded files
(`_webin_file_count`, `_webin_fileuri<n>`, `_webin_name<n>`), which the Job Execution REST mode uses. sasjs's
own `mv_webout(FETCH)` reads either into WORK; so does `fetch` here, and it leaves `_webin_file_count` and
`_webin_name<n>` naming what it loaded, so a program can loop over the tables whichever way they came.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from viya_mock.sas.domain import sashelp
from viya_mock.sas.domain.job import Job
from viya_mock.sas.domain.sashelp import Column, Table

# What one session may hold in WORK (bounded memory whatever a client sends).
MAX_TABLES = 64
MAX_CELLS = 1_000_000
_INFORMAT = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]{0,31}):(?P<informat>\$?[A-Za-z]*\d*\.\d*)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")


class TableError(ValueError):
    """Input SAS could not read: the message is what the log says."""


def lookup(member: str, job: Job) -> Table | None:
    """`LIB.NAME` (upper case): a WORK table the program read in, else a bundled one."""
    return job.session.work.get(member) or sashelp.find(member)


def parse(name: str, text: str) -> Table:
    """One table in sasjs's CSV form."""
    head, _, body = text.replace("\r\n", "\n").partition("\n")
    columns: list[Column] = []
    for field in head.split():
        match = _INFORMAT.fullmatch(field)
        if match is None:
            raise TableError(f"ERROR: The input statement of table {name} is not valid at {field[:40]!r}.")
        columns.append(Column(match["name"], not match["informat"].startswith("$")))
    if not columns:
        raise TableError(f"ERROR: Table {name} has no columns.")
    rows: list[tuple[str | float | None, ...]] = []
    for number, record in enumerate(csv.reader(io.StringIO(body)), start=2):
        if not record:
            continue
        if len(record) != len(columns) or len(rows) * len(columns) > MAX_CELLS:
            raise TableError(f"ERROR: Line {number} of table {name} does not have {len(columns)} values.")
        rows.append(tuple(_cell(value, column, name, number) for value, column in zip(record, columns, strict=True)))
    return Table("WORK", name.upper(), tuple(columns), tuple(rows))


def _cell(value: str, column: Column, table: str, number: int) -> str | float | None:
    if not column.numeric:
        return value
    text = value.strip()
    if text in {"", "."} or (len(text) == 2 and text[0] == "." and (text[1].isalpha() or text[1] == "_")):
        return None  # a missing value, special missing values (.a … .z, ._) included
    try:
        number_value = float(text)
    except ValueError:
        raise TableError(f"ERROR: Invalid data for {column.name} in line {number} of table {table}.") from None
    return int(number_value) if number_value.is_integer() and abs(number_value) < 2**53 else number_value


def _chunks(macros: dict[str, str], name: str) -> str:
    """A value sent in several chunks under one name (sasjs splits a table's CSV over 16,000 characters) arrives
    as `NAME0` (how many) and `NAME1` … `NAMEn`, joined here; else it is `NAME`."""
    count = macros.get(f"{name}0", "")
    if count.isdigit() and int(count) > 0:
        return "".join(macros.get(f"{name}{index}", "") for index in range(1, min(int(count), MAX_CELLS) + 1))
    return macros.get(name, "")


def fetch(job: Job, read_file: Callable[[str], bytes | None]) -> None:
    """`%webout(FETCH)`: load the tables the request carried into WORK, and name them in `_webin_*`."""
    macros = job.session.macros
    loaded: list[tuple[str, str]] = []
    names = macros.get("SASJS_TABLES", "").split()
    if names:
        for index, name in enumerate(names[:MAX_TABLES], start=1):
            loaded.append((name, _chunks(macros, f"SASJS{index}DATA")))
    else:
        try:
            count = int(macros.get("_WEBIN_FILE_COUNT", "0") or 0)
        except ValueError:
            count = 0
        for index in range(1, min(count, MAX_TABLES) + 1):
            uri = macros.get(f"_WEBIN_FILEURI{index}", "") or (macros.get("_WEBIN_FILEURI", "") if count == 1 else "")
            name = macros.get(f"_WEBIN_NAME{index}", "") or (macros.get("_WEBIN_NAME", "") if count == 1 else "")
            content = read_file(uri) if uri else None
            if content is None:
                job.error(f"ERROR: The uploaded file {uri or index} could not be read.")
                return
            loaded.append((name, content.decode("utf-8", "replace")))
    kept = 0
    for name, text in loaded[:MAX_TABLES]:
        if not _NAME.fullmatch(name):
            job.error(f"ERROR: {name[:40]!r} is not a valid table name.")
            continue
        if not job.charge(len(text)):
            return
        try:
            table = parse(name, text)
        except TableError as error:
            job.error(str(error))
            continue
        job.session.work[f"WORK.{table.name}"] = table
        kept += 1
        macros[f"_WEBIN_NAME{kept}"] = name
        job.write(
            f"NOTE: The data set WORK.{table.name} has {len(table.rows)} observations and {len(table.columns)} "
            "variables.",
            "note",
        )
    macros["_WEBIN_FILE_COUNT"] = str(kept)
    if len(job.session.work) > MAX_TABLES:
        for member in list(job.session.work)[: len(job.session.work) - MAX_TABLES]:
            del job.session.work[member]
