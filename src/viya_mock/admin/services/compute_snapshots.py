"""Compute sessions and their jobs in a store export, so a saved state keeps the sessions clients hold open.

A job is kept as the run its program made (log, listing, results, _webout, how it ended) plus the instants it
was created, started and canceled at: everything a client sees is folded from those, so nothing is re-run
on import and the SAS session state (macro variables, line numbers, librefs) is restored as it was. Reading
is strict, since an export is client input: every value is type- and range-checked, and anything else is an
`InvalidItem` naming what is wrong.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, get_args

from viya_mock.admin.services.reading import InvalidItem, checked_instant
from viya_mock.compute.domain.session import JOB_BASE_MS, MAX_JOBS_PER_SESSION, ComputeJob, ComputeSession
from viya_mock.core.domain.timestamps import MAX_INSTANT_MS
from viya_mock.sas.domain.model import Line, LineType, Outcome, Output, Run, Session

LINE_TYPES: frozenset[str] = frozenset(get_args(LineType))
OUTCOMES: frozenset[str] = frozenset(get_args(Outcome))
# Longest id, name or path accepted; real ones are a few dozen characters.
MAX_TEXT = 1_000


# -- out ---------------------------------------------------------------------------------------------


def _lines_out(lines: list[Line]) -> list[list[Any]]:
    return [[line.type, line.line, line.at] for line in lines]


def _job_out(job: ComputeJob) -> dict[str, Any]:
    run = job.run
    return {
        "id": job.id,
        "created": job.created,
        "start": job.start,
        "canceledAt": job.canceled_at,
        "request": job.request,
        "createdBy": job.created_by,
        "run": {
            # The capped lines the job shows, not the run's own lists: a reimport caps them the same way.
            "log": _lines_out(job.log.items),
            "listing": _lines_out(job.listing.items),
            "results": [
                {"name": o.name, "type": o.type, "mediaType": o.media_type, "content": o.content, "at": o.at}
                for o in run.results
            ],
            "webout": base64.b64encode(run.webout).decode("ascii") if run.webout is not None else None,
            "conditionCode": run.condition_code,
            "outcome": run.outcome,
            "duration": run.duration,
        },
    }


def session_out(session: ComputeSession) -> dict[str, Any]:
    sas = session.sas
    return {
        "id": session.id,
        "contextId": session.context_id,
        "contextName": session.context_name,
        "owner": session.owner,
        "created": session.created,
        "request": session.request,
        "processId": session.process_id,
        "revision": session.revision,
        "sas": {
            "user": sas.user,
            "workPath": sas.work_path,
            "macros": dict(sas.macros),
            "nextLineNumber": sas.next_line_number,
            "options": dict(sas.options),
            "librefs": sorted(sas.librefs),
            "filerefs": sorted(sas.filerefs),
            "definitions": {name: list(body) for name, body in sas.definitions.items()},
        },
        "jobs": [_job_out(job) for job in session.jobs.values()],
    }


# -- in ----------------------------------------------------------------------------------------------


def _object(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidItem(f"{what} must be an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidItem(f"{what} must be an array")
    return value


def _text(value: Any, what: str, limit: int | None = MAX_TEXT) -> str:
    if not isinstance(value, str) or (limit is not None and len(value) > limit):
        bound = f" of at most {limit} characters" if limit is not None else ""
        raise InvalidItem(f"{what} must be a string{bound}")
    return value


def _integer(value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidItem(f"{what} must be an integer from {low} to {high}, not {str(value)[:40]}")
    return value


def _texts(value: Any, what: str) -> dict[str, str]:
    items = _object(value, what)
    return {_text(k, f"a name in {what}"): _text(v, f"{what}[{str(k)[:40]}]", None) for k, v in items.items()}


def _lines_in(value: Any, what: str) -> list[Line]:
    lines = []
    for entry in _list(value, what):
        if not isinstance(entry, list) or len(entry) != 3:
            raise InvalidItem(f"a line of {what} must be [type, text, offset]")
        kind, text, at = entry
        if kind not in LINE_TYPES:
            raise InvalidItem(f"a line type of {what} must be one of {', '.join(sorted(LINE_TYPES))}")
        offset = _integer(at, f"an offset in {what}", 0, MAX_INSTANT_MS)
        lines.append(Line(kind, _text(text, f"a line of {what}", None), offset))
    return lines


def _output_in(value: Any) -> Output:
    data = _object(value, "a result")
    return Output(
        name=_text(data.get("name"), "a result's name"),
        type=_text(data.get("type"), "a result's type"),
        media_type=_text(data.get("mediaType"), "a result's mediaType"),
        content=_text(data.get("content"), "a result's content", None),
        at=_integer(data.get("at", 0), "a result's at", 0, MAX_INSTANT_MS),
    )


def _run_in(value: Any) -> Run:
    data = _object(value, "a job's run")
    outcome = data.get("outcome")
    if outcome not in OUTCOMES:
        raise InvalidItem(f"a job's outcome must be one of {', '.join(sorted(OUTCOMES))}")
    webout = data.get("webout")
    return Run(
        log=_lines_in(data.get("log"), "a job's log"),
        listing=_lines_in(data.get("listing"), "a job's listing"),
        results=[_output_in(item) for item in _list(data.get("results"), "a job's results")],
        webout=None if webout is None else base64.b64decode(_text(webout, "a job's webout", None), validate=True),
        condition_code=_integer(data.get("conditionCode"), "a job's conditionCode", 0, 2**31 - 1),
        outcome=outcome,
        duration=_integer(data.get("duration"), "a job's duration", 0, MAX_INSTANT_MS),
    )


def _job_in(value: Any, session_id: str) -> ComputeJob:
    data = _object(value, "a job")
    job_id = _text(data.get("id"), "a job's id")
    created = checked_instant(data.get("created"), f"job {job_id[:80]}'s created")
    start = checked_instant(data.get("start"), f"job {job_id[:80]}'s start")
    canceled = data.get("canceledAt")
    run = _run_in(data.get("run"))
    if start < created:
        raise InvalidItem(f"job {job_id[:80]} starts before it was created")
    if start + JOB_BASE_MS + run.duration > MAX_INSTANT_MS:
        raise InvalidItem(f"job {job_id[:80]} would end after the year 9999")
    return ComputeJob(
        id=job_id,
        session_id=session_id,
        created=created,
        start=start,
        run=run,
        request=dict(_object(data.get("request"), "a job's request")),
        created_by=_text(data.get("createdBy"), "a job's createdBy"),
        canceled_at=None if canceled is None else checked_instant(canceled, f"job {job_id[:80]}'s canceledAt"),
    )


def _sas_in(value: Any, session_id: str) -> Session:
    data = _object(value, "a session's sas")
    definitions = {
        _text(name, "a macro name"): [_text(line, "a macro's statement", None) for line in _list(body, "a macro")]
        for name, body in _object(data.get("definitions", {}), "a session's definitions").items()
    }
    return Session(
        id=session_id,
        user=_text(data.get("user"), "a session's user"),
        work_path=_text(data.get("workPath"), "a session's workPath"),
        macros=_texts(data.get("macros", {}), "a session's macros"),
        next_line_number=_integer(data.get("nextLineNumber", 1), "a session's nextLineNumber", 1, 2**31 - 1),
        options=_texts(data.get("options", {}), "a session's options"),
        librefs={_text(v, "a libref") for v in _list(data.get("librefs", []), "a session's librefs")},
        filerefs={_text(v, "a fileref") for v in _list(data.get("filerefs", []), "a session's filerefs")},
        definitions=definitions,
    )


def session_in(value: Any) -> ComputeSession:
    """A session of an export, its jobs in submission order; InvalidItem if any part is not what was written."""
    data = _object(value, "a session")
    session_id = _text(data.get("id"), "a session's id")
    jobs: dict[str, ComputeJob] = {}
    for item in _list(data.get("jobs", []), "a session's jobs"):
        job = _job_in(item, session_id)
        if job.id in jobs:
            raise InvalidItem(f"job {job.id[:80]} appears twice")
        jobs[job.id] = job
    if len(jobs) > MAX_JOBS_PER_SESSION:
        raise InvalidItem(f"a session holds at most {MAX_JOBS_PER_SESSION} jobs")
    return ComputeSession(
        id=session_id,
        context_id=_text(data.get("contextId"), "a session's contextId"),
        context_name=_text(data.get("contextName"), "a session's contextName"),
        owner=_text(data.get("owner"), "a session's owner"),
        created=checked_instant(data.get("created"), "a session's created"),
        request=dict(_object(data.get("request", {}), "a session's request")),
        sas=_sas_in(data.get("sas"), session_id),
        process_id=_integer(data.get("processId"), "a session's processId", 0, 2**31 - 1),
        revision=_integer(data.get("revision", 0), "a session's revision", 0, 2**53),
        jobs=jobs,
    )
