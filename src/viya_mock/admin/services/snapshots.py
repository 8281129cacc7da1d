"""Export and import of the whole store as JSON, timelines included, so a state can be saved and replayed."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from viya_mock.core.domain.errors import BadRequest
from viya_mock.core.domain.resource import Resource
from viya_mock.core.store.memory import Store
from viya_mock.files.domain.file import File
from viya_mock.jobexecution.domain.job import Job, JobEvent

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
        }


def _resource_in(data: Mapping[str, Any]) -> Resource:
    doc = dict(data["doc"])
    return Resource(id=doc["id"], doc=doc, modified=int(data["modified"]), revision=int(data.get("revision", 0)))


def _job_in(data: Mapping[str, Any]) -> Job:
    job = Job(
        id=str(data["id"]),
        base=dict(data["base"]),
        created=int(data["created"]),
        job_request_id=data.get("jobRequestId"),
        expires_after=data.get("expiresAfter"),
        heartbeat_grace=int(data.get("heartbeatGrace", 0)),
        log=[(int(at), dict(line)) for at, line in data.get("log", [])],
    )
    for event in data.get("events", []):
        job.record(
            JobEvent(
                at=int(event["at"]),
                changes=dict(event["changes"]),
                by=event.get("by"),
                modifies=bool(event.get("modifies", True)),
            )
        )
    return job


def import_store(store: Store, data: Mapping[str, Any]) -> None:
    """Replace the store's contents; nothing changes unless the whole export can be read."""
    try:
        definitions = [_resource_in(item) for item in data["jobDefinitions"]]
        requests = [_resource_in(item) for item in data["jobRequests"]]
        jobs = [_job_in(item) for item in data["jobs"]]
        files = [_file_in(item) for item in data.get("files", [])]
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as error:
        raise BadRequest("The store export cannot be read.", details=[f"{type(error).__name__}: {error}"]) from error
    with store.lock:
        store.clear()
        store.job_definitions.update((r.id, r) for r in definitions)
        store.job_requests.update((r.id, r) for r in requests)
        for job in jobs:
            store.add_job(job)
        store.files.update((stored.id, stored) for stored in files)
