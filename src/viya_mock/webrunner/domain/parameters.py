"""What a request to the Job Execution web application asks for, read from its query and form fields.

The web application takes its own parameters, which start with an underscore (`_program`, `_job`, `_action`,
`_debug`, `_contextname`, `_output_type`), and hands every other field to the program as a macro variable,
as SAS documents for the SAS Job Execution Web Application. @sasjs/adapter sends `__program` instead of
`_program` when it also sends `_job` (and sends `_job` twice); `_job` names the definition then, `__program`
only its path. A field given more than once becomes `NAME` (the first value), `NAME0` (how many) and
`NAME1` … `NAMEn`, the SAS/IntrNet convention the web application keeps. Uploaded files are not fields: each
becomes a file in the Files service, named to the program by `_WEBIN_FILEURI<n>` and its companions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from viya_mock.core.domain.errors import BadRequest

# The web application's own parameters (lower case), which are not passed on as they are.
OWN = frozenset({"_program", "__program", "_job", "_action", "_debug", "_contextname", "_output_type", "_csrf"})
# `_action` values the mock runs; SAS's others (form, properties, index, …) show the web application's pages.
ACTIONS = frozenset({"execute", "wait", "background", "nohistory"})
MACRO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
# The most fields and files one request passes on (bounded, whatever a client sends).
MAX_FIELDS = 1_000
MAX_UPLOADS = 100


class UnknownAction(BadRequest):
    status = 400
    error_code = None


class NoProgram(BadRequest):
    status = 400
    error_code = None


@dataclass(frozen=True, slots=True)
class UploadedFile:
    field_name: str
    filename: str
    content_type: str | None
    content: bytes


@dataclass(frozen=True, slots=True)
class RunnerRequest:
    program: str | None
    job_uri: str | None
    actions: frozenset[str]
    debug_log: bool
    context_name: str | None
    output_type: str | None
    # The macro variables the program gets from the fields (uploads not yet included).
    arguments: dict[str, str]
    uploads: tuple[UploadedFile, ...]

    @property
    def background(self) -> bool:
        return "background" in self.actions


def runner_request(fields: Sequence[tuple[str, str]], uploads: Sequence[UploadedFile] = ()) -> RunnerRequest:
    """The request the fields make (the query's first, then the body's), checked."""
    own: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for name, value in fields[:MAX_FIELDS]:
        lower = name.lower()
        if lower in OWN:
            own.setdefault(lower, value)
        elif MACRO_NAME.fullmatch(name):
            values.setdefault(name, []).append(value)
    program = own.get("_program") or own.get("__program") or None
    job_uri = own.get("_job") or None
    if program is None and job_uri is None:
        raise NoProgram("The request names no program: give _program (a folder path) or _job (a job definition URI).")
    actions = frozenset(part.strip().lower() for part in own.get("_action", "execute").split(",") if part.strip())
    unknown = sorted(actions - ACTIONS)
    if unknown:
        raise UnknownAction(
            f"The _action {', '.join(unknown)} is not supported by the mock's web application; use "
            f"{', '.join(sorted(ACTIONS))}.",
            details=[f"_action: {own.get('_action')}"],
        )
    arguments: dict[str, str] = {}
    for name, given in values.items():
        arguments[name] = given[0]
        if len(given) > 1:
            arguments[f"{name}0"] = str(len(given))
            arguments.update((f"{name}{index}", value) for index, value in enumerate(given, start=1))
    debug = own.get("_debug", "").strip().lower()
    return RunnerRequest(
        program=program,
        job_uri=job_uri,
        actions=actions or frozenset({"execute"}),
        debug_log="log" in debug.split(","),
        context_name=own.get("_contextname") or None,
        output_type=(own.get("_output_type") or "").strip().lower() or None,
        arguments=arguments,
        uploads=tuple(uploads[:MAX_UPLOADS]),
    )
