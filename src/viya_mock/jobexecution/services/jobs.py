"""Jobs: submit, read, list, provider updates, state changes, heartbeats, expiration and deletion."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from viya_mock.clock import Clock, at_most
from viya_mock.compute.domain.session import ComputeJob
from viya_mock.compute.services.compute import ComputeService
from viya_mock.core.domain.errors import (
    IdMismatch,
    IllegalTransition,
    InvalidJobRequest,
    InvalidSelection,
    JobEnded,
    JobNotCompleted,
    MalformedTimestamp,
    NotFound,
    StateMissing,
    UnknownState,
    ViyaError,
)
from viya_mock.core.domain.preconditions import check_preconditions
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import format_ms, parse_sas
from viya_mock.core.query.fields import QueryFields
from viya_mock.core.query.listing import predicate_for, sort_for
from viya_mock.core.query.paging import Page, SortKey, select
from viya_mock.core.store.memory import Store
from viya_mock.jobdefinitions.services.definitions import JobDefinitionService
from viya_mock.jobexecution.domain import history as job_history
from viya_mock.jobexecution.domain.arguments import check_argument_names, merge_arguments
from viya_mock.jobexecution.domain.job import HEARTBEATS, Job, JobEvent, JobView
from viya_mock.jobexecution.domain.states import ENDED, JobState, can_move, parse_state
from viya_mock.jobexecution.services.expiration import expires_after_ms
from viya_mock.jobexecution.services.listings import JobListings
from viya_mock.jobexecution.services.provider import Provider
from viya_mock.randomness import Randomness
from viya_mock.scenarios.model import Script

JOB_URI_PREFIX = "/jobExecution/jobs/"
DEFAULT_APPLICATION = "jobExecution"
JOB_VERSION = 4
JOB_REQUEST_VERSION = 3

# What a filter or sortBy may name on jobs. SAS's operation page filters jobs with startsWith(name, 'myJob')
# and contains() on results and jobRequest.properties; a job has no name of its own, so `name` (and
# `description`) read the job request's, which is where a submitter names its job.
JOB_FIELDS = QueryFields(
    "jobs",
    names=(
        "id",
        "state",
        "stateDetails",
        "createdBy",
        "modifiedBy",
        "creationTimeStamp",
        "modifiedTimeStamp",
        "endTimeStamp",
        "heartbeatTimeStamp",
        "expirationTimeStamp",
        "heartbeatInterval",
        "submittedByApplication",
        "logLocation",
        "results",
        "error.errorCode",
        "error.message",
        "jobRequest.id",
        "jobRequest.name",
        "jobRequest.description",
        "jobRequest.jobDefinitionUri",
        "jobRequest.createdByApplication",
        "jobRequest.expiresAfter",
        "jobRequest.properties",
        "jobRequest.arguments",
        "jobRequest.jobDefinition.id",
        "jobRequest.jobDefinition.name",
        "jobRequest.jobDefinition.type",
    ),
    aliases=(("name", "jobRequest.name"), ("description", "jobRequest.description")),
    maps=("results", "jobRequest.arguments"),
)
DEFAULT_JOB_SORT = (SortKey(("creationTimeStamp",), True),)

# What a provider replaces with PUT /jobs/{id} (absent means cleared); everything else is the service's own,
# except heartbeatInterval, which the provider may change but need not repeat.
PROVIDER_FIELDS = ("stateDetails", "error", "logLocation")
# Members of a persisted job request that the job keeps in its jobRequest (the operation page's list).
PERSISTED_REQUEST_FIELDS = ("creationTimeStamp", "modifiedTimeStamp", "createdBy", "modifiedBy", "id")


@dataclass(frozen=True, slots=True)
class SubmitContext:
    """What a scenario may match a submitted job on."""

    request: Mapping[str, Any]
    submitter: str
    headers: Mapping[str, str]


# Who a forced state change is recorded as made by (the dashboard's control).
FORCED_BY = "the viya-mock admin API"


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    """A job read at one instant: what the renderer needs, including `now` for elapsedTime."""

    job: Job
    view: JobView
    now: int


@dataclass(frozen=True, slots=True)
class CheckedRequest:
    """What checking a job request found out, so that running it does not resolve or parse anything again."""

    definition: Mapping[str, Any]
    expires_after: int | None


def check_job_request(body: Mapping[str, Any], definitions: JobDefinitionService, now: int) -> CheckedRequest:
    """The rules a job request must meet before it can be stored or run, beyond what the document says."""
    uri = body.get("jobDefinitionUri")
    if uri:
        # Shared, not copied: a stored definition's doc is replaced, never changed in place, on update.
        definition: Mapping[str, Any] = definitions.resolve(uri).doc
    elif body.get("jobDefinition"):
        definition = {k: v for k, v in body["jobDefinition"].items() if k != "links"}
    else:
        raise InvalidJobRequest("Either the jobDefinitionUri or the jobDefinition property must be set.")
    expires_after = expires_after_ms(body["expiresAfter"], now) if body.get("expiresAfter") else None
    check_argument_names(body.get("arguments"))
    return CheckedRequest(definition, expires_after)


class JobService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        randomness: Randomness,
        definitions: JobDefinitionService,
        provider: Provider,
        scripts: Callable[[SubmitContext], Script],
        *,
        user: Callable[[], str],
        heartbeat_interval: int,
        heartbeat_grace: int = 0,
        compute: ComputeService | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.randomness = randomness
        self.definitions = definitions
        self.provider = provider
        self.scripts = scripts
        self.user = user
        self.heartbeat_interval = heartbeat_interval
        self.heartbeat_grace = heartbeat_grace
        # Runs the programs of jobs whose definition is of type Compute (None: they follow the timeline only).
        self.compute = compute
        # The lists clients ask for again and again, kept current instead of scanned each time.
        self.listings = JobListings(store)

    # -- reading -------------------------------------------------------------------------------------

    def _live(self, job_id: str, now: int) -> tuple[Job, JobView]:
        """The job and its view, or NotFound; a job whose expiration has passed is deleted on the way."""
        job = self.store.jobs.get(job_id)
        if job is None:
            raise NotFound(f"No job exists with the ID {job_id}.", details=[f"id: {job_id}"])
        view = job.view(now)
        if view.expired(now):
            self._forget([job])
            raise NotFound(f"No job exists with the ID {job_id}.", details=[f"id: {job_id}", "the job has expired"])
        return job, view

    def get(self, job_id: str) -> JobSnapshot:
        now = self.clock.now()
        job, view = self._live(job_id, now)
        return JobSnapshot(job, view, now)

    def history(self, job_id: str) -> tuple[JobSnapshot, list[job_history.Change], list[dict[str, str]]]:
        """The job now, its changes so far with their causes, and its log so far (the dashboard's job page)."""
        snapshot = self.get(job_id)
        changes = job_history.history(snapshot.job, snapshot.now)
        return snapshot, changes, job_history.log_so_far(snapshot.job, snapshot.now)

    def query(
        self,
        *,
        start: int,
        limit: int,
        filter_text: str | None,
        sort_text: str | None,
        job_request_id: str | None = None,
    ) -> Page[JobSnapshot]:
        now = self.clock.now()
        predicate = predicate_for(filter_text, JOB_FIELDS)
        sort = sort_for(sort_text, JOB_FIELDS, DEFAULT_JOB_SORT)
        candidates: Iterable[Job]
        if job_request_id is None:
            kept = self.listings.page(filter_text, predicate, sort, start=start, limit=limit, now=now)
            if kept is not None:
                jobs, expired = kept
                self._forget(expired)
                return self._snapshots(jobs, now)
            candidates = self.store.jobs.values()
        else:
            ids = self.store.jobs_by_request.get(job_request_id, {})
            candidates = [self.store.jobs[job_id] for job_id in ids if job_id in self.store.jobs]
        live = self._unexpired(candidates, now)
        page = select(live, doc=lambda job: job.view(now).doc, predicate=predicate, sort=sort, start=start, limit=limit)
        return self._snapshots(page, now)

    @staticmethod
    def _snapshots(page: Page[Job], now: int) -> Page[JobSnapshot]:
        snapshots = [JobSnapshot(job, job.view(now), now) for job in page.items]
        return Page(items=snapshots, start=page.start, limit=page.limit, count=page.count)

    def count(self) -> int:
        """How many jobs there are now; expired ones are deleted on the way, as every list of jobs does."""
        return len(self._unexpired(list(self.store.jobs.values()), self.clock.now()))

    def _unexpired(self, jobs: Iterable[Job], now: int) -> list[Job]:
        live: list[Job] = []
        expired: list[Job] = []
        for job in jobs:
            (expired if job.view(now).expired(now) else live).append(job)
        self._forget(expired)
        return live

    def _forget(self, jobs: list[Job]) -> None:
        """Expired jobs are deleted when they are next seen, as the service deletes them at expiration."""
        if jobs:
            with self.store.lock:
                for job in jobs:
                    if job.id in self.store.jobs:
                        self.store.remove_job(job.id)

    # -- submitting ----------------------------------------------------------------------------------

    def submit(
        self,
        request: Mapping[str, Any],
        *,
        submitter: str | None,
        persisted: Resource | None = None,
        headers: Mapping[str, str] | None = None,
        unscripted: Script | None = None,
    ) -> JobSnapshot:
        """Run a job request: resolve its definition, merge arguments, and plan the job's timeline.

        `unscripted` is the timeline the job follows when no scenario scripts it (default: the server's)."""
        now = self.clock.now()
        checked = check_job_request(request, self.definitions, now)
        embedded = self._embedded_request(request, checked.definition, persisted)
        job_id = self.randomness.uuid()
        stamp = format_ms(now)
        user = self.user()
        base: dict[str, Any] = {
            "creationTimeStamp": stamp,
            "modifiedTimeStamp": stamp,
            "createdBy": user,
            "modifiedBy": user,
            "version": JOB_VERSION,
            "id": job_id,
            "jobRequest": embedded,
            "state": JobState.PENDING.value,
            "submittedByApplication": submitter or embedded["createdByApplication"],
            "heartbeatInterval": self.heartbeat_interval,
            "results": {},
        }
        context = SubmitContext(request=embedded, submitter=base["submittedByApplication"], headers=headers or {})
        script = self.scripts(context)
        if script.scenario is None and unscripted is not None:
            script = unscripted
        if script.heartbeat_interval is not None:
            base["heartbeatInterval"] = script.heartbeat_interval
        expires_after = checked.expires_after
        if script.expires_after and expires_after is None:
            # The provider's expiresAfter applies when the request has none, and shows in the job's copy.
            embedded["expiresAfter"] = script.expires_after
            expires_after = expires_after_ms(script.expires_after, now)
        job = Job(
            id=job_id,
            base=base,
            created=now,
            job_request_id=persisted.id if persisted is not None else None,
            expires_after=expires_after,
            heartbeat_grace=self.heartbeat_grace,
            scenario=script.scenario,
        )
        context_name = embedded["arguments"].get("_contextName")
        program = self._program(embedded, script, context_name, user, now, job_id)
        plan = self.provider.plan(script.steps, submitted=now, context_name=context_name, program=program)
        for event in plan.events:
            job.record(event)
        if plan.log_location is not None:
            job.log = plan.log
        job.outputs = plan.outputs
        with self.store.lock:
            self.store.add_job(job)
        return JobSnapshot(job, job.view(now), now)

    def _program(
        self,
        embedded: Mapping[str, Any],
        script: Script,
        context_name: str | None,
        user: str,
        now: int,
        job_id: str,
    ) -> ComputeJob | None:
        """The Compute job that runs the definition's code, for a job of type Compute that no scenario scripts
        (a scenario's timeline is what the test asked for); its arguments become macro variables."""
        definition = embedded.get("jobDefinition") or {}
        code = definition.get("code")
        if self.compute is None or script.scenario is not None or not isinstance(code, str) or not code.strip():
            return None
        if str(definition.get("type", "")).lower() != "compute":
            return None
        variables = {str(k): "" if v is None else str(v) for k, v in (embedded.get("arguments") or {}).items()}
        # As Job Execution sets it for the programs it runs (sasjs's macros write output next to the job).
        variables.setdefault("SYS_JES_JOB_URI", f"/jobExecution/jobs/{job_id}")
        return self.compute.run_for_job(context_name, code, variables, user=user, now=now)

    @staticmethod
    def _embedded_request(
        request: Mapping[str, Any], definition: Mapping[str, Any], persisted: Resource | None
    ) -> dict[str, Any]:
        """The job's own copy of the request: definition resolved, arguments complete (seed field table)."""
        embedded: dict[str, Any] = {}
        if persisted is not None:
            embedded.update({k: persisted.doc[k] for k in PERSISTED_REQUEST_FIELDS if k in persisted.doc})
        embedded["version"] = JOB_REQUEST_VERSION
        for name in ("name", "description", "jobDefinitionUri"):
            if request.get(name) is not None:
                embedded[name] = request[name]
        embedded["jobDefinition"] = definition
        if request.get("expiresAfter"):
            embedded["expiresAfter"] = request["expiresAfter"]
        embedded["arguments"] = merge_arguments(request.get("arguments"), definition.get("parameters") or [])
        embedded["properties"] = list(request.get("properties") or [])
        embedded["createdByApplication"] = request.get("createdByApplication") or DEFAULT_APPLICATION
        return embedded

    # -- provider-side updates -----------------------------------------------------------------------

    def update(
        self, job_id: str, body: Mapping[str, Any], *, if_match: str | None, if_unmodified_since: str | None
    ) -> JobSnapshot:
        """PUT /jobs/{id}: a provider replaces what it owns; the service keeps its own members."""
        with self.store.lock:
            now = self.clock.now()
            job, view = self._live(job_id, now)
            if body.get("id", job_id) != job_id:
                raise IdMismatch(f"The job ID in the body ({body['id']}) does not match the ID in the path ({job_id}).")
            check_preconditions(if_match, if_unmodified_since, etag=view.etag, modified=view.modified)
            if view.state in ENDED:
                raise JobEnded(f"The job {job_id} has already ended ({view.state}) and can no longer be updated.")
            changes: dict[str, Any] = {name: body.get(name) for name in PROVIDER_FIELDS}
            changes["results"] = body.get("results") or {}
            if body.get("heartbeatInterval") is not None:
                changes["heartbeatInterval"] = body["heartbeatInterval"]
            if body.get("state") and body["state"] != view.state:
                target = JobState(body["state"])
                self._check_transition(job_id, view.state, target)
                changes["state"] = target.value
            changes[HEARTBEATS] = False
            self._record(job, JobEvent(at=now, changes=changes, by=self.user()), supersede_plan=True)
            return JobSnapshot(job, job.view(now), now)

    def set_state(self, job_id: str, value: str | None, body: str | None) -> JobSnapshot:
        """PUT /jobs/{id}/state: the value parameter wins over the body."""
        target = self._target_state(value, body)
        with self.store.lock:
            now = self.clock.now()
            job, view = self._live(job_id, now)
            if view.state in ENDED:
                raise JobEnded(f"The job {job_id} has already ended ({view.state}) and its state cannot change.")
            if target != view.state:
                self._check_transition(job_id, view.state, target)
                changes = {"state": target.value, HEARTBEATS: False}
                self._record(job, JobEvent(at=now, changes=changes, by=self.user()), supersede_plan=True)
            return JobSnapshot(job, job.view(now), now)

    def force_state(self, job_id: str, state: str, message: str | None) -> JobSnapshot:
        """The dashboard's "force a state": the job moves to any later state at once (failed with an error
        carrying `message`), as if its provider had said so; the planned timeline after it is dropped."""
        target = parse_state(state)
        if target is None:
            raise UnknownState(f"{state!r} is not a job state.", details=[f"state: {state}"])
        with self.store.lock:
            now = self.clock.now()
            job, view = self._live(job_id, now)
            if view.state in ENDED:
                raise JobEnded(f"The job {job_id} has already ended ({view.state}) and its state cannot change.")
            if target is JobState.PENDING:
                raise IllegalTransition(f"The job {job_id} cannot be forced back to pending.")
            changes: dict[str, Any] = {"state": target.value, HEARTBEATS: False}
            if target is JobState.FAILED:
                text = message or "The job was failed from the viya-mock dashboard."
                changes["error"] = {"httpStatusCode": 400, "message": text, "details": [text], "version": 2}
            self._record(job, JobEvent(at=now, changes=changes, by=FORCED_BY), supersede_plan=True)
            return JobSnapshot(job, job.view(now), now)

    def generate(self, count: int, seed: int | None) -> int:
        """Add `count` realistic jobs (with job requests and definitions), as `--generate` does at start-up."""
        from viya_mock.jobexecution.services.generation import Generator  # Faker is slow to import; only when asked

        with self.store.lock:
            Generator(self.randomness, seed, self.user()).fill(self.store, count, self.clock.now())
        return count

    def set_states(self, selection: Mapping[str, Any], value: str | None) -> list[JobSnapshot | ViyaError]:
        """PUT /jobs/@selection/state: one result per resource, in order; one job's failure is its own item."""
        if selection.get("type", "uri") != "uri":
            raise InvalidSelection("The selection type must be uri, and its resources the URIs of jobs.")
        target_text = self._target_state(value, None).value
        results: list[JobSnapshot | ViyaError] = []
        for uri in selection["resources"]:
            try:
                if not uri.startswith(JOB_URI_PREFIX) or "/" in uri.removeprefix(JOB_URI_PREFIX):
                    raise NotFound(f"{uri} is not the URI of a job.", details=[f"uri: {uri}"])
                results.append(self.set_state(uri.removeprefix(JOB_URI_PREFIX), target_text, None))
            except ViyaError as error:
                results.append(error)
        return results

    def heartbeat(self, job_id: str) -> JobSnapshot:
        """The heartbeat becomes the time the request was received; it is not a modification of the job.

        Whoever heartbeats through the API is the provider from then on: the simulated one stops, so a
        test that stops heartbeating sees its job time out.
        """
        with self.store.lock:
            now = self.clock.now()
            job, _ = self._live(job_id, now)
            self._record(job, JobEvent(at=now, changes={"heartbeatTimeStamp": now, HEARTBEATS: False}, modifies=False))
            return JobSnapshot(job, job.view(now), now)

    def set_expiration(self, job_id: str, value: str) -> JobSnapshot:
        """An empty value clears the expiration; only a job that has ended can be given one."""
        with self.store.lock:
            now = self.clock.now()
            job, view = self._live(job_id, now)
            if view.state not in ENDED:
                raise JobNotCompleted(
                    f"The job {job_id} has not completed ({view.state}), so its expiration cannot be set."
                )
            instant: int | None = None
            if value:
                instant = parse_sas(value)
                if instant is None:
                    raise MalformedTimestamp(
                        f"The expiration timestamp '{value}' is not in the format yyyy-MM-ddTHH:mm:ss.SSSZ."
                    )
            self._record(job, JobEvent(at=now, changes={"expirationTimeStamp": instant}, by=self.user()))
            return JobSnapshot(job, job.view(now), now)

    def delete(self, job_id: str) -> None:
        """Deleting a job also deletes the log at its logLocation."""
        with self.store.lock:
            now = self.clock.now()
            self._live(job_id, now)
            self.store.remove_job(job_id)
        self.clock.changes.notify(job_id)

    async def wait_for_state(self, job_id: str, known: str | None, wait: int) -> JobSnapshot:
        """Long poll: the job once its state differs from `known` (default: its state now), or after `wait` ms.

        A job that has ended is answered at once. Nothing is held while waiting: the poll sleeps on its own job's
        changes (a change to another job does not wake it), on virtual time reaching the job's next scheduled
        change, and on real time for at most `wait`, so a scripted transition ends the wait on time and a frozen
        virtual clock does not keep a client for ever.
        """
        snapshot = self.get(job_id)
        baseline = known or snapshot.view.state.value
        deadline = snapshot.now + wait
        async with at_most(wait):
            # An ended job can no longer change state, so a poll on one answers at once whatever it waits for.
            while self._still_waiting(snapshot, baseline, deadline):
                await self.clock.wait_until(min(deadline, snapshot.job.next_change(snapshot.now)), job_id)
                snapshot = self.get(job_id)
        return self.get(job_id)  # as it is now, also when the real-time bound cut the last wait short

    async def wait_for_end(self, job_id: str, wait: int) -> JobSnapshot:
        """The job once it has ended, or as it is after `wait` ms: woken as `wait_for_state` is, never polling."""
        snapshot = self.get(job_id)
        deadline = snapshot.now + wait
        async with at_most(wait):
            while snapshot.view.state not in ENDED and snapshot.now < deadline and not self.clock.changes.released:
                await self.clock.wait_until(min(deadline, snapshot.job.next_change(snapshot.now)), job_id)
                snapshot = self.get(job_id)
        return self.get(job_id)

    def _still_waiting(self, snapshot: JobSnapshot, baseline: str, deadline: int) -> bool:
        state = snapshot.view.state
        if state.value != baseline or state in ENDED or snapshot.now >= deadline:
            return False
        return not self.clock.changes.released  # the server is shutting down: answer with the state as it is

    def _record(self, job: Job, event: JobEvent, *, supersede_plan: bool = False) -> None:
        job.record(event, supersede_plan=supersede_plan)
        if "logLocation" in event.changes or "results" in event.changes:
            self.store.register_logs(job)
        self.clock.changes.notify(job.id)

    # -- rules ---------------------------------------------------------------------------------------

    @staticmethod
    def _target_state(value: str | None, body: str | None) -> JobState:
        text = value or (body or "").strip()
        if not text:
            raise StateMissing("The new state must be given in the value query parameter or in the body.")
        state = parse_state(text)
        if state is None:
            raise UnknownState(f"'{text}' is not a valid job state.", details=[f"value: {text}"])
        return state

    @staticmethod
    def _check_transition(job_id: str, current: JobState, target: JobState) -> None:
        if not can_move(current, target):
            raise IllegalTransition(
                f"The job {job_id} cannot change from {current} to {target}.",
                details=["allowed: pending → running → completed/failed/canceled/timedOut; pending → canceled"],
            )
