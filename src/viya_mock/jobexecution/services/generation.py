"""Realistic generated data: job definitions, job requests and jobs, made with Faker from the seeded source.

Jobs are written as wire representations and loaded the way fixtures are, so every generated job is
consistent by construction (an ended job has endTimeStamp, a completed one results and a log, a failed
one an error). Timestamps spread over the three days before `now`; with a virtual clock started at a fixed
instant, the same seed gives byte-identical responses.
"""

from __future__ import annotations

from typing import Any

from faker import Faker

from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import format_ms, parse_sas
from viya_mock.core.store.memory import Store
from viya_mock.jobexecution.domain.job import job_from_representation
from viya_mock.randomness import Randomness

DAY = 86_400_000
# How often each state turns up among generated jobs: mostly finished work, some running, a few failures.
STATE_WEIGHTS = {
    "completed": 70,
    "failed": 9,
    "running": 8,
    "canceled": 5,
    "timedOut": 4,
    "pending": 4,
}
APPLICATIONS = ("jobExecution", "workflow", "sas-studio", "model-manager", "airflow", "sasjs")
CONTEXTS = ("SAS Job Execution compute context", "SAS Studio compute context", "Batch compute context")
PARAMETER_POOL = (
    {"name": "REGION", "type": "CHARACTER", "label": "Sales region", "defaultValue": "EMEA"},
    {"name": "YEAR", "type": "NUMERIC", "label": "Fiscal year", "defaultValue": "2026"},
    {"name": "LIBNAME", "type": "CHARACTER", "label": "Library", "defaultValue": "SASHELP"},
    {"name": "AS_OF", "type": "DATE", "label": "As-of date"},
)


class Generator:
    def __init__(self, randomness: Randomness, seed: int | None, user: str) -> None:
        self.randomness = randomness
        self.random = randomness.random
        self.fake = Faker()
        self.fake.seed_instance(seed)
        self.user = user

    def fill(self, store: Store, jobs: int, now: int) -> None:
        definitions = [self._definition(now) for _ in range(max(3, jobs // 20))]
        requests = [self._request(now, self.random.choice(definitions)) for _ in range(max(2, jobs // 10))]
        for resource in (*definitions, *requests):
            target = store.job_definitions if "type" in resource.doc else store.job_requests
            target[resource.id] = resource
        for _ in range(jobs):
            request = self.random.choice(requests) if self.random.random() < 0.6 else None
            definition = self.random.choice(definitions)
            store.add_job(job_from_representation(self._job(now, definition, request), self._parse))

    @staticmethod
    def _parse(text: str) -> int:
        value = parse_sas(text)
        assert value is not None
        return value

    def _moment(self, now: int, within: int = 3 * DAY) -> int:
        return now - self.random.randrange(60_000, within)

    def _audit(self, at: int, version: int) -> dict[str, Any]:
        user = self.fake.user_name()
        stamp = format_ms(at)
        return {
            "creationTimeStamp": stamp,
            "modifiedTimeStamp": stamp,
            "createdBy": user,
            "modifiedBy": user,
            "version": version,
            "id": self.randomness.uuid(),
        }

    def _definition(self, now: int) -> Resource:
        at = self._moment(now, 30 * DAY)
        table = self.fake.word().upper()
        parameters = [
            {"version": 1, "required": self.random.random() < 0.2, **parameter}
            for parameter in self.random.sample(PARAMETER_POOL, self.random.randint(0, 3))
        ]
        casl = self.random.random() < 0.15
        code = (
            f"table.fetch / table={{name='{table}', caslib='Public'}};"
            if casl
            else f"proc means data=sashelp.{table.lower()}; run;\nods html close;"
        )
        doc = {
            **self._audit(at, 2),
            "name": self.fake.catch_phrase().capitalize(),
            "description": self.fake.sentence(),
            "type": "casl" if casl else "Compute",
            "parameters": [
                {
                    "version": 1,
                    "name": "_contextName",
                    "type": "CHARACTER",
                    "label": "Context Name",
                    "required": False,
                    "defaultValue": self.random.choice(CONTEXTS),
                },
                *parameters,
            ],
            "code": code,
            "properties": [],
        }
        return Resource(id=doc["id"], doc=doc, modified=at)

    def _request(self, now: int, definition: Resource) -> Resource:
        at = self._moment(now, 10 * DAY)
        arguments = {p["name"]: p.get("defaultValue") or self.fake.word() for p in definition.doc["parameters"][1:]}
        doc = {
            **self._audit(at, 3),
            "name": f"{self.fake.word()} {self.random.choice(('nightly', 'weekly', 'ad hoc', 'monthly'))} run",
            "description": self.fake.sentence(),
            "jobDefinitionUri": f"/jobDefinitions/definitions/{definition.id}",
            "arguments": arguments,
            "properties": [],
            "createdByApplication": self.random.choice(APPLICATIONS),
        }
        return Resource(id=doc["id"], doc=doc, modified=at)

    def _job(self, now: int, definition: Resource, request: Resource | None) -> dict[str, Any]:
        state = self.random.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]
        created = (
            self._moment(now) if state not in {"running", "pending"} else now - self.random.randrange(1_000, 600_000)
        )
        source: dict[str, Any] = request.doc if request is not None else {"name": self.fake.catch_phrase()}
        definition_doc = definition.doc
        arguments = {p["name"]: p["defaultValue"] for p in definition_doc["parameters"] if p.get("defaultValue")}
        arguments.update(source.get("arguments") or {})
        embedded: dict[str, Any] = {}
        if request is not None:
            embedded.update(
                {k: request.doc[k] for k in ("creationTimeStamp", "modifiedTimeStamp", "createdBy", "modifiedBy", "id")}
            )
        embedded.update(
            {
                "version": 3,
                "name": source["name"],
                "jobDefinitionUri": f"/jobDefinitions/definitions/{definition.id}",
                "jobDefinition": definition_doc,
                "arguments": arguments,
                "properties": [],
                "createdByApplication": source.get("createdByApplication", "jobExecution"),
            }
        )
        job = {
            **self._audit(created, 4),
            "jobRequest": embedded,
            "state": state,
            "submittedByApplication": embedded["createdByApplication"],
            "heartbeatInterval": 600,
            "results": {},
        }
        job["createdBy"] = job["modifiedBy"] = self.user if self.random.random() < 0.3 else job["createdBy"]
        if state in {"running", "pending"}:
            if state == "running":
                job["heartbeatTimeStamp"] = format_ms(created)
            return job
        ended = created + self.random.randrange(2_000, 20 * 60_000)
        job["endTimeStamp"] = format_ms(ended)
        job["modifiedTimeStamp"] = format_ms(ended)
        job["heartbeatTimeStamp"] = format_ms(max(created, ended - self.random.randrange(0, 600_000)))
        job["logLocation"] = f"/files/files/{self.randomness.uuid()}"
        if state == "completed":
            compute_job = self.randomness.uuid().upper()
            job["results"] = {
                "COMPUTE_CONTEXT": arguments.get("_contextName", CONTEXTS[0]),
                "COMPUTE_JOB": compute_job,
                "COMPUTE_SESSION": f"{self.randomness.uuid()}-ses0000 ended.",
                f"{compute_job}.log.txt": f"/files/files/{self.randomness.uuid()}",
            }
            if self.random.random() < 0.15:
                job["stateDetails"] = "warning"
        elif state == "failed":
            message = f"ERROR: File WORK.{self.fake.word().upper()}.DATA does not exist."
            job["error"] = {
                "httpStatusCode": 400,
                "errorCode": 5202,
                "message": message,
                "details": [message],
                "errors": [],
                "links": [],
                "version": 2,
            }
        return job
