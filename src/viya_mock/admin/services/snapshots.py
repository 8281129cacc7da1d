"""Export and import of the whole store as JSON, timelines included, so a state can be saved and replayed."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any

from viya_mock.admin.services.compute_snapshots import session_in, session_out
from viya_mock.admin.services.reading import InvalidItem, checked_instant
from viya_mock.compute.services.compute import MAX_SESSIONS
from viya_mock.core.domain.errors import BadRequest, InvalidJobRequest
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import MAX_INSTANT_MS, format_ms
from viya_mock.core.store.memory import Store
from viya_mock.files.domain.file import File
from viya_mock.jobexecution.domain.job import HEARTBEATS, Job, JobEvent
from viya_mock.jobexecution.domain.states import JobState
from viya_mock.jobexecution.services.expiration import expires_after_ms

FORMAT_VERSION = 1


def _resource_out(resource: Resource) -> dict[str, Any]:
    return {"doc": resource.doc, "modified": resource.modified, "revision": resource.revision}


def _job_out(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "base": job.base,
        "created": job.created,
        "jobRequestId": job.job_request_id,
        "expiresAfter": job.expires_after,
        "heartbeatGrace": job.heartbeat_grace,
        "events": [
            {"at": event.at, "changes": dict(event.changes), "by": event.by, "modifies": event.modifies}
            for event in job.events
        ],
        "log": [[at, line] for at, line in job.log],
    }


_FILE_FIELDS = (
    "id",
    "name",
    "content_type",
    "created",
    "modified",
    "created_by",
    "modified_by",
    "parent_uri",
    "properties",
    "description",
    "document_type",
    "encoding",
    "content_disposition",
    "expiration",
    "searchable",
    "type_def_name",
    "file_status",
    "revision",
)


def _file_out(stored: File) -> dict[str, Any]:
    out = {name: getattr(stored, name) for name in _FILE_FIELDS}
    out["content"] = base64.b64encode(stored.content).decode("ascii")
    return out


def _file_in(data: Mapping[str, Any]) -> File:
    fields = {name: data[name] for name in _FILE_FIELDS if name in data}
    return File(content=base64.b64decode(data["content"], validate=True), **fields)


def export_store(store: Store) -> dict[str, Any]:
    with store.lock:
        return {
            "version": FORMAT_VERSION,
            "jobDefinitions": [_resource_out(r) for r in store.job_definitions.values()],
            "jobRequests": [_resource_out(r) for r in store.job_requests.values()],
            "jobs": [_job_out(job) for job in store.jobs.values()],
            # Uploaded files, content in base64; files jobs write are derived from the jobs.
            "files": [_file_out(stored) for stored in store.files.values()],
            # Compute sessions with their jobs and SAS session state; contexts come from fixtures.
            "computeSessions": [session_out(session) for session in store.compute_sessions.values()],
        }


# A check of a representation against the API's own schema: None when it conforms, else the problem. The
# composition root hands them over (kinds "jobDefinition", "jobRequest", "job"); services know no documents.
SchemaCheck = Callable[[Any], str | None]
_TIMES = ("heartbeatTimeStamp", "expirationTimeStamp")  # events carry these as epoch milliseconds
_STATES = frozenset(state.value for state in JobState)


def _conforms(check: SchemaCheck | None, value: Any) -> None:
    problem = check(value) if check is not None else None
    if problem is not None:
        raise InvalidItem(problem[:500])


def _resource_in(data: Mapping[str, Any], check: SchemaCheck | None) -> Resource:
    doc = dict(data["doc"])
    _conforms(check, doc)
    return Resource(id=doc["id"], doc=doc, modified=int(data["modified"]), revision=int(data.get("revision", 0)))


def _event_in(event: Mapping[str, Any], check: SchemaCheck | None) -> JobEvent:
    changes = dict(event["changes"])
    state = changes.get("state")
    if "state" in changes and state not in _STATES:
        raise InvalidItem(f"an event's state must be one of {', '.join(sorted(_STATES))}, not {str(state)[:40]}")
    for name in _TIMES:
        if changes.get(name) is not None:
            checked_instant(changes[name], f"an event's {name}")
    if HEARTBEATS in changes and not isinstance(changes[HEARTBEATS], bool):
        raise InvalidItem(f"an event's {HEARTBEATS} must be true or false")
    # What an event sets is part of the job's representation, so it must be what the Job schema allows.
    _conforms(check, {k: v for k, v in changes.items() if v is not None and k not in (*_TIMES, HEARTBEATS)})
    return JobEvent(
        at=checked_instant(event["at"], "an event's at"),
        changes=changes,
        by=event.get("by"),
        modifies=bool(event.get("modifies", True)),
    )


def _job_in(data: Mapping[str, Any], check: SchemaCheck | None, now: int) -> Job:
    job_id = str(data["id"])
    base = dict(data["base"])
    if base.get("id", job_id) != job_id:
        raise InvalidItem(f"base.id {str(base['id'])[:40]} differs from the job's id")
    if base.get("state") not in _STATES:
        raise InvalidItem(f"base.state must be one of {', '.join(sorted(_STATES))}, not {str(base.get('state'))[:40]}")
    _conforms(check, base)
    log = []
    for entry in data.get("log", []):
        at, line = entry
        if not isinstance(line, dict) or not all(isinstance(v, str) for v in line.values()) or "line" not in line:
            raise InvalidItem("a log line must be an object of strings with a line member")
        log.append((checked_instant(at, "a log line's instant"), dict(line)))
    job = Job(
        id=job_id,
        base=base,
        created=checked_instant(data["created"], "created"),
        job_request_id=data.get("jobRequestId"),
        expires_after=data.get("expiresAfter"),
        heartbeat_grace=int(data.get("heartbeatGrace", 0)),
        log=log,
    )
    for event in data.get("events", []):
        job.record(_event_in(event, check))
    # The job must read back now and at the end of time (its timeline run out: ended, timed out, expired).
    for instant in (now, MAX_INSTANT_MS):
        try:
            doc = job.view(instant).doc
        except (ValueError, TypeError, KeyError, OverflowError, AttributeError) as error:
            raise InvalidItem(f"its timeline cannot be read at {format_ms(instant)}: {error}") from error
        _conforms(check, doc)
    return job


# Parts an older export may lack (they were added later); an absent one imports as empty.
_OPTIONAL = frozenset(("files", "computeSessions"))


def _items(data: Mapping[str, Any], kind: str, read: Callable[[Any], Any]) -> list[Any]:
    """Every item of one part of the export, read; the first that cannot be read is a 400 naming it."""
    items, seen = [], set()
    for index, item in enumerate(data.get(kind, []) if kind in _OPTIONAL else data[kind]):
        name = f"{kind}[{index}]"
        if isinstance(item, Mapping):
            raw = item.get("doc", item)
            identifier = raw.get("id") if isinstance(raw, Mapping) else None
            name += f" (id {str(identifier)[:80]})" if identifier is not None else ""
        try:
            read_item = read(item)
        except (InvalidItem, InvalidJobRequest) as error:
            message = error.message if isinstance(error, InvalidJobRequest) else str(error)
            raise BadRequest(f"The store export cannot be imported: {name}: {message}", details=[name]) from error
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as error:
            raise BadRequest(
                f"The store export cannot be imported: {name} cannot be read.",
                details=[name, f"{type(error).__name__}: {error}"],
            ) from error
        if read_item.id in seen:
            raise BadRequest(f"The store export cannot be imported: {name}: the id is used twice.", details=[name])
        seen.add(read_item.id)
        items.append(read_item)
    return items


def import_store(
    store: Store, data: Mapping[str, Any], now: int, checks: Mapping[str, SchemaCheck] | None = None
) -> None:
    """Replace the store's contents; nothing changes unless every item of the export can be read and is valid."""
    checks = checks or {}

    def request_in(item: Any) -> Resource:
        resource = _resource_in(item, checks.get("jobRequest"))
        if resource.doc.get("expiresAfter"):
            expires_after_ms(str(resource.doc["expiresAfter"]), now)  # a 400 now rather than at each submit
        return resource

    try:
        definitions = _items(data, "jobDefinitions", lambda item: _resource_in(item, checks.get("jobDefinition")))
        requests = _items(data, "jobRequests", request_in)
        jobs = _items(data, "jobs", lambda item: _job_in(item, checks.get("job"), now))
        files = _items(data, "files", _file_in)
        sessions = _items(data, "computeSessions", session_in)
    except (KeyError, TypeError) as error:  # a part of the export missing or not a list
        raise BadRequest("The store export cannot be read.", details=[f"{type(error).__name__}: {error}"]) from error
    if len(sessions) > MAX_SESSIONS:
        raise BadRequest(f"The store export cannot be imported: it holds more than {MAX_SESSIONS} Compute sessions.")
    with store.lock:
        store.clear_content()  # accounts and Compute contexts come from fixtures and stay
        store.job_definitions.update((r.id, r) for r in definitions)
        store.job_requests.update((r.id, r) for r in requests)
        for job in jobs:
            store.add_job(job)
        store.files.update((stored.id, stored) for stored in files)
        store.compute_sessions.update((session.id, session) for session in sessions)
