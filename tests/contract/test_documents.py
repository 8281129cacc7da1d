"""The OpenAPI documents are valid, fully wired to handlers, and accept SAS's own published samples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema.validators import RefResolver
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from viya_mock import documents
from viya_mock.app import create_app
from viya_mock.resources import openapi_dir

SAMPLES = Path(__file__).parent.parent / "data" / "sas-samples"
DOCUMENTS = sorted(openapi_dir().glob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def operation_ids(documents: list[Path] = DOCUMENTS) -> Iterator[str]:
    for path in documents:
        for item in load(path)["paths"].values():
            for method, operation in item.items():
                if method in {"get", "put", "post", "delete", "head", "patch"}:
                    yield operation["operationId"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_every_document_passes_openapi_spec_validator(path: Path) -> None:
    validate(load(path), base_uri=path.as_uri())


def test_the_job_execution_document_covers_the_29_documented_operations() -> None:
    # 29 operations on SAS's list, of which four pairs share a method and path here (told apart by
    # Content-Type or Accept), plus the root's GET and HEAD.
    ids = [op for path in DOCUMENTS if path.name == "job-execution.yaml" for op in operation_ids([path])]
    assert len(ids) == 29 - 4 + 2


def test_every_operation_id_has_a_handler_and_every_handler_an_operation() -> None:
    assert sorted(create_app().operations) == sorted(operation_ids())


def schema_validator(name: str, document_name: str = "job-execution.yaml") -> OAS30Validator:
    # The bundled document: every reference is local, as served (the legacy RefResolver loses track of which
    # file it is in after a reference into another file, so raw multi-file documents cannot be used here).
    document = documents.document(document_name)
    return OAS30Validator(document["components"]["schemas"][name], resolver=RefResolver.from_schema(document))


@pytest.mark.parametrize(
    ("sample", "document", "schema"),
    [
        ("job-execution.createJob.response.json", "job-execution.yaml", "Job"),
        ("job-execution.updateJob.response.json", "job-execution.yaml", "Job"),
        ("job-execution.getJobRequestJobsByFilter.response.json", "job-execution.yaml", "JobCollection"),
        ("compute.createJob.response.json", "compute.yaml", "ComputeJob"),
        ("compute.createJob.request.json", "compute.yaml", "ComputeJobRequest"),
    ],
)
def test_sas_published_samples_validate_against_the_schemas(sample: str, document: str, schema: str) -> None:
    with (SAMPLES / sample).open(encoding="utf-8") as handle:
        instance = json.load(handle)
    errors = [error.message for error in schema_validator(schema, document).iter_errors(instance)]
    assert errors == []


def test_an_invalid_job_fails_the_schema_so_the_sample_check_can_fail() -> None:
    assert list(schema_validator("Job").iter_errors({"state": "sleeping", "heartbeatInterval": "x"}))


@pytest.mark.parametrize("root", ["/jobExecution", "/jobDefinitions", "/files", "/__admin", "/compute"])
def test_each_served_document_is_complete_on_its_own(root: str) -> None:
    from starlette.testclient import TestClient

    served = TestClient(create_app()).get(f"{root}/openapi.json").json()
    assert ".yaml#" not in json.dumps(served)
    validate(served)
