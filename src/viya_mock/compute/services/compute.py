"""Compute: contexts, sessions created from them, and jobs that run SAS code in a session.

A job's program is run through the SAS-subset interpreter (`viya_mock.sas.domain.run.execute`) when it is
submitted, since a session runs its jobs in submission order and the interpreter's session state (macro
variables, source line numbers) must move on in that order; what the run wrote is then released as the
clock passes. Long polls wait on the clock for the job's or session's next scheduled change, woken early by
a change to that job or session, and bounded in real time by what the client asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from viya_mock.clock import Clock, at_most
from viya_mock.compute.domain.errors import (
    ComputeJobNotFound,
    IfMatchRequired,
    JobAlreadyEnded,
    NoCode,
    SessionNotFound,
    TooManySessions,
)
from viya_mock.compute.domain.session import ComputeJob, ComputeSession
from viya_mock.core.domain.errors import BadRequest, NotFound, PreconditionFailed
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import format_ms
from viya_mock.core.domain.values import as_text
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.listing import page_of
from viya_mock.core.query.paging import Page, SortKey
from viya_mock.core.store.memory import Store
from viya_mock.randomness import Randomness
from viya_mock.sas.domain.run import Line, Output, Run, Session
from viya_mock.scenarios.model import ComputeScript

Execute = Callable[..., Run]

# The context a Job Execution job runs in when its arguments name none.
JES_CONTEXT_NAME = "SAS Job Execution compute context"
# Sessions the server holds at once; creating one more is refused until one is deleted.
MAX_SESSIONS = 1_000

CONTEXT_FIELDS = QueryFields(
    "contexts",
    names=("id", "name", "description", "createdBy", "modifiedBy", "creationTimeStamp", "modifiedTimeStamp"),
)
SESSION_FIELDS = QueryFields(
    "sessions", names=("id", "name", "description", "owner", "state", "creationTimeStamp", "applicationName")
)
JOB_FIELDS = QueryFields(
    "jobs", names=("id", "name", "description", "state", "creationTimeStamp", "jobConditionCode", "createdBy")
)
VARIABLE_FIELDS = QueryFields("variables", names=("name", "value"))
BY_NAME = (SortKey(("name",), False),)
BY_CREATION = (SortKey(("creationTimeStamp",), False),)
UNSORTED: tuple[SortKey, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionSnapshot:
    session: ComputeSession
    now: int

    @property
    def state(self) -> str:
        return self.session.state(self.now)


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    job: ComputeJob
    session: ComputeSession
    now: int

    @property
    def state(self) -> str:
        return self.job.state(self.now)

    @property
    def etag(self) -> str:
        return self.job.etag(self.now)


@dataclass(frozen=True, slots=True)
class LinePage:
    """A page of lines, and the page object the collection's paging links are built from."""

    page: Page[Line]
    now: int


@dataclass(frozen=True, slots=True)
class ResultItem:
    """A result as listed: its id (stable per job and output) and the output itself."""

    id: str
    output: Output


def session_doc(session: ComputeSession, now: int) -> dict[str, Any]:
    """What filters and sorting see of a session (the summary's members)."""
    return {
        "id": session.id,
        "name": session.request.get("name") or session.context_name,
        "description": session.request.get("description"),
        "owner": session.owner,
        "state": session.state(now),
        "creationTimeStamp": format_ms(session.created),
        "applicationName": "viya-mock",
    }


def job_doc(job: ComputeJob, now: int) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.request.get("name"),
        "description": job.request.get("description"),
        "state": job.state(now),
        "creationTimeStamp": format_ms(job.created),
        "jobConditionCode": job.condition_code(now),
        "createdBy": job.created_by,
    }


def _types(text: str | None, separator: str) -> frozenset[str] | None:
    if not text or not text.strip():
        return None
    return frozenset(part.strip().lower() for part in text.split(separator) if part.strip())


def code_lines(code: Any) -> list[str] | str | None:
    """The program of a job request as the interpreter takes it, or None when there is none."""
    if isinstance(code, str):
        return code if code.strip() else None
    if isinstance(code, list) and code:
        return [str(line) for line in code]
    return None


class ComputeService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        randomness: Randomness,
        *,
        user: Callable[[], str],
        read_file: Callable[[str], bytes],
        execute: Execute,
        scripts: Callable[[str, Mapping[str, str]], ComputeScript | None] = lambda code, variables: None,
        max_sessions: int = MAX_SESSIONS,
    ) -> None:
        self.store = store
        self.clock = clock
        self.randomness = randomness
        self.user = user
        self.read_file = read_file
        self.execute = execute
        # The scenario that scripts a program, by its text (None: the interpreter runs it).
        self.scripts = scripts
        self.max_sessions = max_sessions

    # -- contexts ------------------------------------------------------------------------------------

    def contexts(self, *, start: int, limit: int, filter_text: str | None, sort_text: str | None) -> Page[Resource]:
        return page_of(
            self.store.compute_contexts.values(),
            doc=lambda resource: resource.doc,
            filter_text=filter_text,
            sort_text=sort_text,
            fields=CONTEXT_FIELDS,
            default_sort=UNSORTED,
            start=start,
            limit=limit,
        )

    def context(self, context_id: str) -> Resource:
        found = self.store.compute_contexts.get(context_id)
        if found is None:
            raise NotFound(f'A context with the ID "{context_id}" could not be found.', details=[f"id: {context_id}"])
        return found

    # -- sessions ------------------------------------------------------------------------------------

    def _session(self, session_id: str) -> ComputeSession:
        found = self.store.compute_sessions.get(session_id)
        if found is None:
            raise SessionNotFound(session_id)
        return found

    def create_session(self, context_id: str, body: Mapping[str, Any] | None) -> SessionSnapshot:
        context = self.context(context_id)
        request = dict(body or {})
        now = self.clock.now()
        with self.store.lock:
            if len(self.store.compute_sessions) >= self.max_sessions:
                raise TooManySessions(f"The server holds {self.max_sessions} sessions, as many as it may.")
            server = self.randomness.uuid()
            session_id = f"{server}-ses0000"
            process_id = 1000 + int(server.replace("-", "")[:6], 16) % 60000
            work = f"/opt/sas/viya/config/var/tmp/compsrv/default/{server}/SAS_work{process_id:04X}_sas-compute/"
            owner = self.user()
            session = ComputeSession(
                id=session_id,
                context_id=context.id,
                context_name=str(context.doc.get("name", "")),
                owner=owner,
                created=now,
                request=request,
                sas=Session(id=session_id, user=owner, work_path=work),
                process_id=process_id,
            )
            self.store.compute_sessions[session_id] = session
        return SessionSnapshot(session, now)

    def get_session(self, session_id: str) -> SessionSnapshot:
        return SessionSnapshot(self._session(session_id), self.clock.now())

    def sessions(
        self, *, start: int, limit: int, filter_text: str | None, sort_text: str | None
    ) -> Page[SessionSnapshot]:
        now = self.clock.now()
        page = page_of(
            list(self.store.compute_sessions.values()),
            doc=lambda session: session_doc(session, now),
            filter_text=filter_text,
            sort_text=sort_text,
            fields=SESSION_FIELDS,
            default_sort=BY_CREATION,
            start=start,
            limit=limit,
        )
        return Page([SessionSnapshot(s, now) for s in page.items], page.start, page.limit, page.count)

    def delete_session(self, session_id: str) -> None:
        with self.store.lock:
            session = self._session(session_id)
            del self.store.compute_sessions[session_id]
        self._notify(session)

    async def wait_session_state(self, session_id: str, known: str | None, wait: int) -> tuple[SessionSnapshot, bool]:
        """Long poll: the session once its state or ETag differs from what the client saw, with whether it
        changed (False after `wait` ms unchanged). Without `known` (no If-None-Match) it answers at once."""
        snapshot = self.get_session(session_id)
        if not known or not wait or known != snapshot.session.etag():
            return snapshot, True
        baseline = snapshot.state
        deadline = snapshot.now + wait
        async with at_most(wait):
            while (
                snapshot.state == baseline
                and snapshot.session.etag() == known
                and snapshot.now < deadline
                and not self.clock.changes.released
            ):
                upcoming = snapshot.session.next_change(snapshot.now)
                await self.clock.wait_until(min(deadline, upcoming or deadline), session_id)
                snapshot = self.get_session(session_id)
        snapshot = self.get_session(session_id)
        return snapshot, snapshot.state != baseline or snapshot.session.etag() != known

    def set_session_state(self, session_id: str, value: str, if_match: str | None) -> SessionSnapshot:
        with self.store.lock:
            session = self._session(session_id)
            _check_if_match(if_match, session.etag())
            now = self.clock.now()
            if value == "deleted":
                del self.store.compute_sessions[session_id]
            else:
                for job in session.ordered():
                    job.cancel(now)
                session.revision += 1
        self._notify(session)
        return SessionSnapshot(session, now)

    def _notify(self, session: ComputeSession) -> None:
        self.clock.changes.notify(session.id)
        for job_id in session.jobs:
            self.clock.changes.notify(job_id)

    # -- jobs ----------------------------------------------------------------------------------------

    def submit(self, session_id: str, body: Mapping[str, Any]) -> JobSnapshot:
        session = self._session(session_id)
        code = code_lines(body.get("code"))
        if code is None and body.get("codeUri"):
            code = self._code_from(str(body["codeUri"]))
        if code is None:
            raise NoCode("The job request has no SAS code: give code or codeUri.")
        variables = {str(k): as_text(v) for k, v in (body.get("variables") or {}).items()}
        request = {k: v for k, v in body.items() if v is not None}
        with self.store.lock:
            now = self.clock.now()
            job_id = self.randomness.uuid().upper()
            run = self._run(code, session.sas, job_id, variables, session.free_at(now))
            job = ComputeJob(
                id=job_id,
                session_id=session.id,
                created=now,
                start=session.free_at(now),
                run=run,
                request=request,
                created_by=self.user(),
            )
            session.add(job, now)
        self.clock.changes.notify(session.id)
        return JobSnapshot(job, session, now)

    def _run(self, code: str | list[str], sas: Session, job_id: str, variables: dict[str, str], now: int) -> Run:
        """What the program writes: a scenario's script when one matches its text, else the interpreter's run."""
        script = self.scripts(code if isinstance(code, str) else "\n".join(code), variables)
        if script is None:
            return self.execute(
                code,
                sas,
                job_id=job_id,
                variables=variables,
                draw=self.randomness.random.random,
                now=now,
                read_file=self._uploaded,
            )
        sas.macros.update({name.upper(): value for name, value in variables.items()})
        return scripted_run(script)

    def _uploaded(self, uri: str) -> bytes | None:
        """The bytes of a Files URI a program reads (sasjs's uploaded tables), None when it names no file."""
        try:
            return self.read_file(uri)
        except NotFound:
            return None

    def _code_from(self, uri: str) -> str:
        try:
            return self.read_file(uri).decode("utf-8", errors="replace")
        except NotFound as error:
            raise BadRequest(f"The codeUri {uri} does not name a file.", details=[f"codeUri: {uri}"]) from error

    def _job(self, session_id: str, job_id: str) -> tuple[ComputeSession, ComputeJob]:
        session = self._session(session_id)
        job = session.jobs.get(job_id)
        if job is None:
            raise ComputeJobNotFound(session_id, job_id)
        return session, job

    def get_job(self, session_id: str, job_id: str) -> JobSnapshot:
        session, job = self._job(session_id, job_id)
        return JobSnapshot(job, session, self.clock.now())

    def jobs(
        self, session_id: str, *, start: int, limit: int, filter_text: str | None, sort_text: str | None
    ) -> Page[JobSnapshot]:
        session = self._session(session_id)
        now = self.clock.now()
        page = page_of(
            list(session.ordered()),
            doc=lambda job: job_doc(job, now),
            filter_text=filter_text,
            sort_text=sort_text,
            fields=JOB_FIELDS,
            default_sort=BY_CREATION,
            start=start,
            limit=limit,
        )
        return Page([JobSnapshot(j, session, now) for j in page.items], page.start, page.limit, page.count)

    async def wait_job_state(
        self, session_id: str, job_id: str, known: str | None, wait: int
    ) -> tuple[JobSnapshot, bool]:
        """Long poll: the job once its state or ETag differs from what the client saw, with whether it changed
        (False after `wait` ms unchanged). Without `known` (no If-None-Match) it answers at once."""
        snapshot = self.get_job(session_id, job_id)
        if not known or not wait or known != snapshot.etag:
            return snapshot, True
        baseline = snapshot.state
        deadline = snapshot.now + wait
        async with at_most(wait):
            while (
                snapshot.state == baseline
                and snapshot.etag == known
                and snapshot.now < deadline
                and not self.clock.changes.released
            ):
                upcoming = snapshot.job.next_state_change(snapshot.now)
                await self.clock.wait_until(min(deadline, upcoming or deadline), job_id)
                snapshot = self.get_job(session_id, job_id)
        snapshot = self.get_job(session_id, job_id)
        return snapshot, snapshot.state != baseline or snapshot.etag != known

    def set_job_state(self, session_id: str, job_id: str, value: str, if_match: str | None) -> JobSnapshot:
        """Cancel (or delete) a job: If-Match first (428/5033), then a job that has ended (409), then a stale
        tag (412). An ended job's tag always differs from the one a client held while it ran, so the 409 is
        checked before the tag, or it could never be seen."""
        with self.store.lock:
            session, job = self._job(session_id, job_id)
            now = self.clock.now()
            if not if_match:
                raise IfMatchRequired()
            if job.ended(now):
                raise JobAlreadyEnded(f"The job {job_id} has already ended ({job.state(now)}) and cannot be canceled.")
            _check_if_match(if_match, job.etag(now))
            job.cancel(now)
            session.reschedule(now)
            session.revision += 1
            if value == "deleted":
                del session.jobs[job_id]
        self._notify(session)
        return JobSnapshot(job, session, now)

    def delete_job(self, session_id: str, job_id: str) -> None:
        with self.store.lock:
            session, job = self._job(session_id, job_id)
            now = self.clock.now()
            job.cancel(now)
            del session.jobs[job_id]
            session.reschedule(now)
            session.revision += 1
        self._notify(session)
        self.clock.changes.notify(job_id)

    def run_for_job(
        self, context_name: str | None, code: str, variables: Mapping[str, str], *, user: str, now: int
    ) -> ComputeJob:
        """The Compute job behind a Job Execution job: a session of its own in the named context (the Job
        Execution context when it names none or an unknown one), started at once and ended with the job, so
        it is not listed among the server's sessions nor counted against their limit."""
        context = next(
            (c for c in self.store.compute_contexts.values() if c.doc.get("name") == context_name),
            None,
        )
        name = str(context.doc["name"]) if context is not None else (context_name or JES_CONTEXT_NAME)
        server = self.randomness.uuid()
        session_id = f"{server}-ses0000"
        sas = Session(id=session_id, user=user, work_path=f"/opt/sas/viya/config/var/tmp/compsrv/default/{server}/")
        job_id = self.randomness.uuid().upper()
        run = self._run(code, sas, job_id, dict(variables), now)
        return ComputeJob(
            id=job_id,
            session_id=session_id,
            created=now,
            start=now,
            run=run,
            request={"name": name},
            created_by=user,
        )

    # -- output --------------------------------------------------------------------------------------

    async def lines(
        self,
        session_id: str,
        job_id: str | None,
        *,
        listing: bool,
        start: int,
        limit: int,
        types: str | None,
        timeout: int,
    ) -> LinePage:
        """A page of a job's (or the whole session's) log or listing. With `timeout` (ms), a long poll: held
        until a line at or after `start` has been written or the job has ended."""
        wanted = _types(types, "|")
        deadline = self.clock.now() + timeout
        lines, now, pending = self._lines(session_id, job_id, listing, wanted)
        if timeout > 0 and len(lines) <= start and pending is not None:
            key = job_id or session_id
            async with at_most(timeout):
                while len(lines) <= start and pending is not None and now < deadline:
                    if self.clock.changes.released:
                        break
                    await self.clock.wait_until(min(deadline, pending), key)
                    lines, now, pending = self._lines(session_id, job_id, listing, wanted)
            lines, now, _ = self._lines(session_id, job_id, listing, wanted)
        items = lines[start : start + limit]
        return LinePage(Page(items, start, limit, len(lines)), now)

    def _lines(
        self, session_id: str, job_id: str | None, listing: bool, wanted: frozenset[str] | None
    ) -> tuple[list[Line], int, int | None]:
        now = self.clock.now()
        if job_id is None:
            session = self._session(session_id)
            lines = session.listing_lines(now) if listing else session.log_lines(now)
            pending = session.next_change(now)
        else:
            _, job = self._job(session_id, job_id)
            lines = job.listing_lines(now) if listing else job.log_lines(now)
            pending = job.next_change(now)
        if wanted is not None:
            lines = [line for line in lines if line.type in wanted]
        return lines, now, pending

    def results(self, session_id: str, job_id: str | None, *, include_types: str | None) -> list[ResultItem]:
        wanted = _types(include_types, ",")
        now = self.clock.now()
        if job_id is None:
            jobs: Iterable[ComputeJob] = self._session(session_id).ordered()
        else:
            jobs = [self._job(session_id, job_id)[1]]
        items = [
            ResultItem(f"{job.id}-{index}", output) for job in jobs for index, output in enumerate(job.results(now))
        ]
        return [item for item in items if wanted is None or item.output.type.lower() in wanted]

    def result(self, session_id: str, result_id: str, name: str) -> Output:
        for item in self.results(session_id, None, include_types=None):
            if item.id == result_id and item.output.name == name:
                return item.output
        raise NotFound(f'No result "{name}" with the ID {result_id} exists in session {session_id}.')

    def webout(self, session_id: str) -> bytes:
        session = self._session(session_id)
        now = self.clock.now()
        for job in reversed(list(session.ordered())):
            data = job.webout(now)
            if data is not None:
                return data
        raise NotFound(f"Nothing has been written to the _webout fileref of session {session_id}.")

    def variables(self, session_id: str) -> list[dict[str, str]]:
        """The session's global macro variables, automatic ones (SYSJOBID, SYSUSERID) included."""
        session = self._session(session_id)
        found = {
            "SYSJOBID": str(session.process_id),
            "SYSUSERID": session.owner,
            **{name.upper(): value for name, value in session.sas.macros.items()},
        }
        return [{"name": name, "value": value} for name, value in found.items()]

    def variables_page(
        self, session_id: str, *, start: int, limit: int, filter_text: str | None, sort_text: str | None
    ) -> Page[dict[str, str]]:
        return page_of(
            self.variables(session_id),
            doc=lambda item: item,
            filter_text=filter_text,
            sort_text=sort_text,
            fields=VARIABLE_FIELDS,
            default_sort=BY_NAME,
            start=start,
            limit=limit,
        )

    def variable(self, session_id: str, name: str) -> dict[str, str]:
        for item in self.variables(session_id):
            if item["name"] == name.upper():
                return item
        raise NotFound(f'The macro variable "{name}" does not exist in session {session_id}.')


def scripted_run(script: ComputeScript) -> Run:
    """A scenario's compute section as the run of a program; it lasts until its last line unless it says."""
    log = [Line(kind, text, at) for kind, text, at in script.log]  # type: ignore[arg-type]
    listing = [Line(kind, text, at) for kind, text, at in script.listing]  # type: ignore[arg-type]
    last = max((line.at for line in (*log, *listing)), default=0)
    return Run(
        log=log,
        listing=listing,
        results=[],
        webout=script.webout.encode() if script.webout is not None else None,
        condition_code=script.condition_code,
        outcome=script.state,  # type: ignore[arg-type]
        duration=script.duration if script.duration is not None else last,
    )


def _check_if_match(if_match: str | None, etag: str) -> None:
    if not if_match:
        raise IfMatchRequired()
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" not in tags and etag not in tags:
        raise PreconditionFailed(f"The If-Match value {if_match[:80]} does not match the current entity tag {etag}.")


def lines_text(lines: Sequence[Line]) -> str:
    """Lines as text, CRLF after each, as Compute's text forms are written."""
    return "".join(line.line + "\r\n" for line in lines)
