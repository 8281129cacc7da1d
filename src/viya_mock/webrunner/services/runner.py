"""Running a program as the Job Execution web application does: resolve it, submit a job, wait, answer `_webout`.

The program is a job definition, named by `_job` or found by its folder path (`_program`), and runs as a Job
Execution job like any other (visible through `/jobExecution/jobs` afterwards), its Compute program through the
same interpreter, with the fields as macro variables and uploaded files in the Files service. Unless a scenario
scripts the job, it ends when its program ends (a web page waits for it; the `--job-duration` floor of jobs
submitted through the REST API does not apply). The answer is what the program wrote to `_webout`, waited for
on the job's own changes (never polled) for at most the long-poll limit.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from viya_mock.core.domain.errors import NotFound
from viya_mock.core.domain.resource import Resource
from viya_mock.files.services.files import FileService, NewFile
from viya_mock.folders.services.folders import FolderService
from viya_mock.jobdefinitions.services.definitions import DEFINITION_URI_PREFIX, JobDefinitionService
from viya_mock.jobexecution.domain.states import JobState
from viya_mock.jobexecution.services.jobs import JobService, JobSnapshot
from viya_mock.jobexecution.services.provider import default_steps
from viya_mock.scenarios.model import Script
from viya_mock.webrunner.domain.parameters import RunnerRequest

SUBMITTER = "SASJobExecution"
WEBOUT = "_webout.json"
# Media types a program's `_output_type` may name (SAS's short names), else its `_webout` is looked at.
OUTPUT_TYPES = {
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
    "csv": "text/csv",
    "xml": "application/xml",
}
HTML = OUTPUT_TYPES["html"]
# A web runner's job ends when its program does.
WEB_SCRIPT = Script(steps=default_steps(0))


class ProgramNotFound(NotFound):
    status = 404
    error_code = None


@dataclass(frozen=True, slots=True)
class RunnerAnswer:
    status: int
    body: bytes
    media_type: str
    job_id: str
    # The job's error message when it failed (the X-Sas-Jobexec-Error header), else None.
    error: str | None = None


class WebRunner:
    def __init__(
        self,
        jobs: JobService,
        definitions: JobDefinitionService,
        folders: FolderService,
        files: FileService,
        *,
        max_wait: int,
    ) -> None:
        self.jobs = jobs
        self.definitions = definitions
        self.folders = folders
        self.files = files
        self.max_wait = max_wait

    def definition(self, request: RunnerRequest) -> Resource:
        """The job definition `_job` names, else the one at the `_program` path."""
        if request.job_uri is not None:
            return self.definitions.resolve(request.job_uri)
        assert request.program is not None
        folder_path, _, name = request.program.rstrip("/").rpartition("/")
        try:
            member = self.folders.at_path(folder_path or "/").job_definition_named(name)
        except NotFound:
            member = None
        if member is None:
            raise ProgramNotFound(
                f"The program {request.program} was not found: no job definition of that name is in its folder.",
                details=[f"_program: {request.program}"],
            )
        return self.definitions.resolve(member["uri"])

    def submit(self, request: RunnerRequest) -> JobSnapshot:
        definition = self.definition(request)
        program = request.program or definition.doc.get("name", definition.id)
        arguments = {**request.arguments, "_program": program}
        if request.context_name:
            arguments["_contextName"] = request.context_name
        arguments.update(self._uploads(request))
        body = {
            "name": str(definition.doc.get("name") or definition.id),
            "description": f"Submitted by the SAS Job Execution web application for {program}.",
            "jobDefinitionUri": DEFINITION_URI_PREFIX + definition.id,
            "arguments": arguments,
        }
        return self.jobs.submit(body, submitter=SUBMITTER, unscripted=WEB_SCRIPT)

    def _uploads(self, request: RunnerRequest) -> dict[str, str]:
        """Each uploaded file stored in Files, and named to the program as SAS documents (`_WEBIN_*`)."""
        arguments: dict[str, str] = {}
        for index, upload in enumerate(request.uploads, start=1):
            stored = self.files.upload(NewFile(upload.content, upload.content_type, upload.filename))
            arguments.update(
                {
                    f"_WEBIN_FILEURI{index}": f"/files/files/{stored.id}",
                    f"_WEBIN_NAME{index}": upload.field_name,
                    f"_WEBIN_FILENAME{index}": upload.filename,
                    f"_WEBIN_CONTENT_TYPE{index}": stored.content_type,
                    f"_WEBIN_CONTENT_LENGTH{index}": str(len(upload.content)),
                }
            )
        if request.uploads:
            arguments["_WEBIN_FILE_COUNT"] = str(len(request.uploads))
            if len(request.uploads) == 1:
                arguments.update({name[:-1]: value for name, value in arguments.items() if name.endswith("1")})
        return arguments

    async def run(self, request: RunnerRequest) -> RunnerAnswer:
        submitted = self.submit(request)
        job_id = submitted.job.id
        if request.background:
            return RunnerAnswer(202, _page("Job submitted", f"The job {job_id} was submitted."), HTML, job_id)
        snapshot = await self.jobs.wait_for_end(job_id, self.max_wait)
        state = snapshot.view.state
        if state is JobState.COMPLETED:
            webout = snapshot.job.outputs.get(WEBOUT, b"")
            body = webout + self._log(snapshot) if request.debug_log else webout
            media_type = HTML if request.debug_log else _media_type(webout, request.output_type)
            return RunnerAnswer(200, body, media_type, job_id)
        if state in {JobState.FAILED, JobState.CANCELED, JobState.TIMED_OUT}:
            error = snapshot.view.doc.get("error") or {}
            message = str(error.get("message") or f"The job ended in the state {state.value}.")
            page = _page("The program failed", message) + self._log(snapshot)
            return RunnerAnswer(200, page, HTML, job_id, error=message)
        waited = f"The job {job_id} is still {state.value} after {self.max_wait // 1000} s."
        return RunnerAnswer(202, _page("Job still running", waited), HTML, job_id)

    def _log(self, snapshot: JobSnapshot) -> bytes:
        lines = [entry["line"] for at, entry in snapshot.job.log if at <= snapshot.now]
        return ("<pre>" + html.escape("\n".join(lines)) + "</pre>\n").encode()


def _media_type(webout: bytes, output_type: str | None) -> str:
    """`_output_type` when the request names one; else JSON when `_webout` is JSON (sasjs's `%webout` writes
    `_webout.json`), else HTML, as `%JESBEGIN` writes it by default."""
    if output_type in OUTPUT_TYPES:
        return OUTPUT_TYPES[output_type]
    if webout.lstrip()[:1] in (b"{", b"["):
        try:
            json.loads(webout)
        except ValueError:
            return HTML
        return OUTPUT_TYPES["json"]
    return HTML


def _page(title: str, text: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>\n"
    ).encode()
