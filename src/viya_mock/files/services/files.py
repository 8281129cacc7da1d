"""The Files service: files clients upload, plus the files jobs write (logs and results), derived when read.

A stored file is a `File` in the store. A job's log (at its logLocation) and the Files URIs its results name
are never copied into the store: they are rendered from the job at the instant they are read, so a log grows
as the job's timeline runs and goes when the job goes. A stored file with the same id wins (a provider may
name an uploaded file as a job's logLocation).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from viya_mock.clock import Clock
from viya_mock.core.domain.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from viya_mock.core.domain.preconditions import check_preconditions, make_etag
from viya_mock.core.domain.timestamps import parse_sas
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.listing import page_of
from viya_mock.core.query.paging import Page, SortKey
from viya_mock.core.store.memory import Store
from viya_mock.files.domain.file import (
    CHANGEABLE,
    FILES_PREFIX,
    JOBS_PREFIX,
    File,
    file_doc,
    is_media_type,
)
from viya_mock.files.domain.logs import JSON, TEXT, log_json, log_text
from viya_mock.jobexecution.services.jobs import JobService, JobSnapshot
from viya_mock.randomness import Randomness

DEFAULT_SORT = (SortKey(("name",), False),)
OCTET_STREAM = "application/octet-stream"
# Python's built-in table only (not the machine's mime.types), so every machine guesses the same type.
_TYPES = mimetypes.MimeTypes(filenames=())

# What a filter or sortBy may name on files (one table for both); `properties.<key>` reads a file's properties.
FILE_FIELDS = QueryFields(
    "files",
    names=(
        "id",
        "name",
        "contentType",
        "parentUri",
        "size",
        "description",
        "documentType",
        "encoding",
        "typeDefName",
        "searchable",
        "fileStatus",
        "fileVersion",
        "expirationTimeStamp",
        "createdBy",
        "modifiedBy",
        "creationTimeStamp",
        "modifiedTimeStamp",
    ),
    maps=("properties",),
)


def guess_type(name: str | None) -> str:
    guessed = _TYPES.guess_type(name or "", strict=False)[0] if name else None
    return guessed or OCTET_STREAM


@dataclass(frozen=True, slots=True)
class NewFile:
    """What an upload gives: the bytes and what the request says about them."""

    content: bytes
    content_type: str | None
    name: str | None
    content_disposition: str | None = None
    parent_uri: str | None = None
    expiration: str | None = None
    type_def_name: str | None = None
    searchable: bool = False


@dataclass(frozen=True, slots=True)
class FileView:
    """A file as read now: its members (without links), ETag and modification time.

    `stored` is the stored file; `job` and `kind` ("log", "text" or "other") describe a file a job wrote.
    """

    id: str
    doc: dict[str, Any]
    etag: str
    modified: int
    stored: File | None = None
    job: JobSnapshot | None = None
    kind: str = "stored"
    content: bytes = field(default=b"", repr=False)

    @property
    def uri(self) -> str:
        return FILES_PREFIX + self.id

    @property
    def content_type(self) -> str:
        return str(self.doc["contentType"])


@dataclass(frozen=True, slots=True)
class FileContent:
    data: bytes
    media_type: str
    view: FileView


def _stored_view(stored: File) -> FileView:
    return FileView(stored.id, stored.doc(), stored.etag, stored.modified, stored=stored, content=stored.content)


class FileService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        randomness: Randomness,
        jobs: JobService,
        *,
        user: Callable[[], str],
        max_file_size: int,
    ) -> None:
        self.store = store
        self.clock = clock
        self.randomness = randomness
        self.jobs = jobs
        self.user = user
        self.max_file_size = max_file_size

    # -- reading -------------------------------------------------------------------------------------

    def get(self, file_id: str) -> FileView:
        view = self._find(file_id, self.clock.now())
        if view is None:
            raise NotFound(f"No file exists with the ID {file_id}.", details=[f"id: {file_id}"])
        return view

    def _find(self, file_id: str, now: int) -> FileView | None:
        stored = self.store.files.get(file_id)
        if stored is not None:
            if stored.expired(now):
                with self.store.lock:
                    self.store.files.pop(file_id, None)
                return None
            return _stored_view(stored)
        return self._job_file(file_id)

    def _job_file(self, file_id: str) -> FileView | None:
        """The file a job names at this URI right now, or None (not named yet, any more, or the job is gone)."""
        uri = FILES_PREFIX + file_id
        job_id = self.store.logs.get(uri)
        if job_id is None:
            return None
        try:
            snapshot = self.jobs.get(job_id)
        except NotFound:
            return None
        doc = snapshot.view.doc
        lines = snapshot.job.log_lines(snapshot.now)
        if doc.get("logLocation") == uri:
            return self._written(file_id, snapshot, lines, "log", f"{snapshot.job.id}.log", JSON, log_json(lines))
        results = doc.get("results")
        names = [key for key, value in results.items() if value == uri] if isinstance(results, Mapping) else []
        if not names:
            return None
        name = names[0]
        if name.endswith(".log.txt"):
            return self._written(file_id, snapshot, lines, "text", name, TEXT, log_text(lines))
        if name.endswith(".log"):
            return self._written(file_id, snapshot, lines, "log", name, JSON, log_json(lines))
        content = snapshot.job.outputs.get(name, b"")
        return self._written(file_id, snapshot, lines, "other", name, guess_type(name), content)

    def _written(
        self,
        file_id: str,
        snapshot: JobSnapshot,
        lines: list[dict[str, str]],
        kind: str,
        name: str,
        content_type: str,
        content: bytes,
    ) -> FileView:
        """A file a job writes, as of now: modified when its last line was written."""
        view = snapshot.view
        written = snapshot.job.log[len(lines) - 1][0] if lines and kind != "other" else view.created
        modified = max(written, view.created)
        creator = str(view.doc.get("createdBy") or self.user())
        doc = file_doc(
            id=file_id,
            name=name,
            content_type=content_type,
            size=len(content),
            created=view.created,
            modified=modified,
            created_by=creator,
            modified_by=creator,
            parent_uri=JOBS_PREFIX + snapshot.job.id,
        )
        etag = make_etag(file_id, snapshot.job.id, len(lines), modified)
        return FileView(file_id, doc, etag, modified, job=snapshot, kind=kind, content=content)

    def query(self, *, start: int, limit: int, filter_text: str | None, sort_text: str | None) -> Page[FileView]:
        now = self.clock.now()
        live = [view for view in (self._find(file_id, now) for file_id in self._ids()) if view is not None]
        return page_of(
            live,
            doc=lambda view: view.doc,
            filter_text=filter_text,
            sort_text=sort_text,
            fields=FILE_FIELDS,
            default_sort=DEFAULT_SORT,
            start=start,
            limit=limit,
        )

    def content(self, file_id: str, *, text: bool) -> FileContent:
        """A file's bytes as stored; a job's log is its JSON collection, or plain text when `text` is asked."""
        view = self.get(file_id)
        if view.kind == "log" and view.job is not None and text:
            return FileContent(log_text(view.job.job.log_lines(view.job.now)), TEXT, view)
        return FileContent(view.content, view.content_type, view)

    # -- writing -------------------------------------------------------------------------------------

    def upload(self, new: NewFile) -> File:
        self._check_size(len(new.content))
        _check_media_type(new.content_type)
        expiration = _timestamp(new.expiration, "expirationTimeStamp")
        now = self.clock.now()
        with self.store.lock:
            file_id = self.randomness.uuid()
            user = self.user()
            name = new.name or file_id
            stored = File(
                id=file_id,
                name=name,
                content=new.content,
                content_type=new.content_type or guess_type(new.name),
                created=now,
                modified=now,
                created_by=user,
                modified_by=user,
                parent_uri=new.parent_uri or None,
                content_disposition=new.content_disposition,
                expiration=expiration,
                searchable=new.searchable,
                type_def_name=new.type_def_name or None,
            )
            self.store.files[file_id] = stored
        return stored

    def update(
        self, file_id: str, changes: Mapping[str, Any], if_match: str | None, if_unmodified_since: str | None
    ) -> File:
        """Change the members a client may change; the others in the body are ignored, as the service does."""
        with self.store.lock:
            stored = self._writable(file_id)
            check_preconditions(if_match, if_unmodified_since, etag=stored.etag, modified=stored.modified)
            fields = {key: changes[key] for key in CHANGEABLE if key in changes}
            if "name" in fields and not (isinstance(fields["name"], str) and fields["name"].strip()):
                raise BadRequest("A file's name cannot be empty.", details=["name"])
            expiration = stored.expiration
            if "expirationTimeStamp" in fields:
                expiration = _timestamp(fields["expirationTimeStamp"], "expirationTimeStamp")
            properties = fields.get("properties", stored.properties)
            stored.name = fields.get("name", stored.name)
            stored.description = fields.get("description", stored.description)
            stored.parent_uri = fields.get("parentUri", stored.parent_uri) or None
            stored.document_type = fields.get("documentType", stored.document_type)
            stored.content_disposition = fields.get("contentDisposition", stored.content_disposition)
            stored.properties = {str(k): str(v) for k, v in (properties or {}).items()}
            stored.expiration = expiration
            stored.type_def_name = fields.get("typeDefName", stored.type_def_name)
            stored.searchable = bool(fields.get("searchable", stored.searchable))
            self._touch(stored)
        return stored

    def replace_content(
        self,
        file_id: str,
        content: bytes,
        content_type: str | None,
        if_match: str | None,
        if_unmodified_since: str | None,
    ) -> File:
        self._check_size(len(content))
        _check_media_type(content_type)
        with self.store.lock:
            stored = self._writable(file_id)
            check_preconditions(if_match, if_unmodified_since, etag=stored.etag, modified=stored.modified)
            stored.content = content
            stored.content_type = content_type or stored.content_type
            self._touch(stored)
        return stored

    def delete(self, file_id: str, if_match: str | None) -> None:
        with self.store.lock:
            stored = self._writable(file_id)
            if if_match:
                check_preconditions(if_match, None, etag=stored.etag, modified=stored.modified)
            del self.store.files[file_id]

    def delete_children(self, parent_uri: str) -> int:
        """Delete every file of a parent, or none when one of them is a job's (which cannot be deleted)."""
        with self.store.lock:
            now = self.clock.now()
            children = [
                view
                for view in (self._find(file_id, now) for file_id in self._ids())
                if view is not None and view.doc.get("parentUri") == parent_uri
            ]
            for view in children:
                if view.stored is None:
                    self._writable(view.id)  # raises: a job's file
            for view in children:
                del self.store.files[view.id]
        return len(children)

    def _ids(self) -> list[str]:
        """Every file id: stored files, then the files jobs name that no stored file shadows."""
        ids = list(self.store.files)
        ids += [
            uri.removeprefix(FILES_PREFIX)
            for uri in list(self.store.logs)
            if uri.startswith(FILES_PREFIX) and uri.removeprefix(FILES_PREFIX) not in self.store.files
        ]
        return ids

    def _writable(self, file_id: str) -> File:
        view = self.get(file_id)
        if view.stored is None:
            job_id = view.job.job.id if view.job is not None else "?"
            raise Conflict(
                f"The file {file_id} is written by the job {job_id} and cannot be changed through the Files API.",
                details=[f"parentUri: {view.doc.get('parentUri')}"],
            )
        return view.stored

    def _touch(self, stored: File) -> None:
        stored.modified = max(self.clock.now(), stored.modified)
        stored.modified_by = self.user()
        stored.revision += 1

    def _check_size(self, size: int) -> None:
        if size > self.max_file_size:
            raise PayloadTooLarge(
                f"The file is larger than the maximum file size of {self.max_file_size} bytes.",
                details=[f"size: {size}"],
            )


def _check_media_type(content_type: str | None) -> None:
    if content_type is not None and not is_media_type(content_type):
        raise BadRequest(f"The Content-Type '{content_type}' is not a media type.", details=["Content-Type"])


def _timestamp(value: Any, member: str) -> int | None:
    if value is None or value == "":
        return None
    instant = parse_sas(value) if isinstance(value, str) else None
    if instant is None:
        raise BadRequest(
            f"The {member} value '{value}' is not a timestamp in the format yyyy-MM-ddTHH:mm:ss.SSSZ.",
            details=[member],
        )
    return instant
