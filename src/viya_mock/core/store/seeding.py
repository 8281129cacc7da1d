"""Fill a store from a fixtures folder: YAML lists of resources in their wire representation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from viya_mock.core.domain.errors import ViyaError
from viya_mock.core.domain.resource import Resource
from viya_mock.core.domain.timestamps import parse_iso
from viya_mock.core.store.memory import Store
from viya_mock.jobdefinitions.domain.definition import DEFINITION_URI_PREFIX
from viya_mock.jobexecution.domain.job import job_from_representation
from viya_mock.logon.domain.accounts import GRANTS, Client, User

FILES = ("job-definitions.yaml", "job-requests.yaml", "jobs.yaml", "compute-contexts.yaml")
FOLDERS = "folders.yaml"


class FixtureError(ValueError):
    """A fixture file that cannot be loaded; the message names the file and the record."""


def _timestamp(text: str) -> int:
    value = parse_iso(text)
    if value is None:
        raise FixtureError(f"not a timestamp: {text!r}")
    return value


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) and "id" in item for item in data):
        raise FixtureError(f"{path}: expected a list of resources, each with an id")
    return data


def _resource(record: dict[str, Any]) -> Resource:
    doc = {k: v for k, v in record.items() if k != "links"}
    return Resource(id=doc["id"], doc=doc, modified=_timestamp(doc["modifiedTimeStamp"]))


def seed(store: Store, folder: Path) -> None:
    """Load every fixture file of the folder; a bad record raises FixtureError naming file and id."""
    definitions, requests, jobs, contexts = (folder / name for name in FILES)
    for path, target in (
        (definitions, store.job_definitions),
        (requests, store.job_requests),
        (contexts, store.compute_contexts),
    ):
        for record in _records(path):
            try:
                target[record["id"]] = _resource(record)
            except (KeyError, FixtureError) as error:
                raise FixtureError(f"{path}: record {record['id']}: {error}") from error
    for record in _records(jobs):
        try:
            store.add_job(job_from_representation(record, _timestamp))
        except (KeyError, ValueError) as error:
            raise FixtureError(f"{jobs}: record {record['id']}: {error}") from error
    seed_folders(store, folder / FOLDERS)


def seed_folders(store: Store, path: Path) -> None:
    """The Folders tree: a list of `{path, creationTimeStamp, createdBy, description?, members: [...]}`, each
    member `{jobDefinition: <id>}` (named as the definition is) or `{name, uri, contentType}`."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or []
    if not isinstance(data, list) or not all(isinstance(item, dict) and "path" in item for item in data):
        raise FixtureError(f"{path}: expected a list of folders, each with a path")
    for record in data:
        try:
            at = _timestamp(str(record["creationTimeStamp"]))
            by = str(record.get("createdBy") or "sas")
            store.folders.ensure(str(record["path"]), at=at, by=by, description=record.get("description"))
            for member in record.get("members") or []:
                store.folders.add(str(record["path"]), at=at, by=by, **_member(store, member))
        except (KeyError, TypeError, ValueError, ViyaError) as error:
            raise FixtureError(f"{path}: folder {record.get('path')!r}: {error}") from error


def _member(store: Store, member: dict[str, Any]) -> dict[str, Any]:
    definition_id = member.get("jobDefinition")
    if definition_id is None:
        return {"name": str(member["name"]), "uri": str(member["uri"]), "content_type": str(member["contentType"])}
    definition = store.job_definitions.get(str(definition_id))
    if definition is None:
        raise FixtureError(f"no job definition {definition_id} in job-definitions.yaml")
    return {
        "name": str(member.get("name") or definition.doc["name"]),
        "uri": DEFINITION_URI_PREFIX + definition.id,
        "content_type": "jobDefinition",
        "description": definition.doc.get("description"),
    }


ACCOUNTS = "users.yaml"


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FixtureError(f"{what} must be a list of strings")
    return tuple(value)


def seed_accounts(store: Store, path: Path) -> None:
    """SAS Logon's users and OAuth clients from a users.yaml: `{users: [...], clients: [...]}`."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise FixtureError(f"{path}: expected a mapping with users and clients")
    for record in data.get("users") or []:
        try:
            user = User(
                id=str(record["id"]),
                password=str(record["password"]),
                name=str(record.get("name") or record["id"]),
                groups=_strings(record.get("groups"), "groups"),
                email=record.get("email"),
            )
        except (KeyError, TypeError, FixtureError) as error:
            raise FixtureError(f"{path}: user {record!r}: {error}") from error
        store.users[user.id] = user
    for record in data.get("clients") or []:
        try:
            grants = frozenset(_strings(record.get("grants"), "grants"))
            unknown = grants - GRANTS
            if unknown:
                raise FixtureError(f"unknown grants {sorted(unknown)}")
            client = Client(
                id=str(record["id"]),
                secret=str(record.get("secret") or ""),
                grants=grants,
                redirect_uri=record.get("redirectUri"),
                authorities=_strings(record.get("authorities"), "authorities") or ("uaa.none",),
            )
        except (KeyError, TypeError, FixtureError) as error:
            raise FixtureError(f"{path}: client {record!r}: {error}") from error
        store.clients[client.id] = client
