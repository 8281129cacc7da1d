"""What a loaded scenario is: a match, a timeline of steps, and request faults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from viya_mock.jobexecution.domain.timeline import Step


def _like(value: Any, pattern: str) -> bool:
    return isinstance(value, str) and fnmatchcase(value, pattern)


@dataclass(frozen=True, slots=True)
class Match:
    """Every criterion given must hold; patterns are globs (`*`, `?`), case-sensitive as SAS names are."""

    name: str | None = None
    submitter: str | None = None
    definition_name: str | None = None
    definition_type: str | None = None
    definition_uri: str | None = None
    arguments: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    # Compute jobs only: a glob over the program's text.
    code: str | None = None

    def matches_code(self, code: str, variables: Mapping[str, str] | None = None) -> bool:
        """A Compute program: its text, and the `arguments` criteria against its macro variables (a Job
        Execution job's arguments, `_program` among them for the web runner), names compared without case."""
        if self.code is not None and not fnmatchcase(code, self.code):
            return False
        if not self.arguments:
            return True
        upper = {name.upper(): value for name, value in (variables or {}).items()}
        return all(_like(upper.get(name.upper()), pattern) for name, pattern in self.arguments.items())

    def matches(self, request: Mapping[str, Any], submitter: str, headers: Mapping[str, str]) -> bool:
        definition = request.get("jobDefinition") or {}
        arguments = request.get("arguments") or {}
        lowered = {name.lower(): value for name, value in headers.items()}
        checks = (
            (self.name, request.get("name")),
            (self.submitter, submitter),
            (self.definition_name, definition.get("name")),
            (self.definition_type, definition.get("type")),
            (self.definition_uri, request.get("jobDefinitionUri")),
        )
        return (
            all(pattern is None or _like(value, pattern) for pattern, value in checks)
            and all(_like(arguments.get(name), pattern) for name, pattern in self.arguments.items())
            and all(_like(lowered.get(name.lower()), pattern) for name, pattern in self.headers.items())
        )


@dataclass(frozen=True, slots=True)
class Fault:
    """A scripted failure of matching requests: an error status, added latency, or a dropped connection."""

    path: str
    method: str = "*"
    status: int | None = None
    error_code: int | None = None
    message: str | None = None
    latency: int = 0
    drop: bool = False
    first: int | None = None
    every: int | None = None
    probability: float | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def applies_to(self, method: str, path: str, headers: Mapping[str, str]) -> bool:
        return (
            (self.method == "*" or self.method == method)
            and fnmatchcase(path, self.path)
            and all(_like(headers.get(name.lower()), pattern) for name, pattern in self.headers.items())
        )


@dataclass(frozen=True, slots=True)
class Script:
    """What the provider does with one job: the scenario's steps and its heartbeat interval, if it sets one."""

    steps: tuple[Step, ...]
    heartbeat_interval: int | None = None
    expires_after: str | None = None
    scenario: str | None = None


@dataclass(frozen=True, slots=True)
class ComputeScript:
    """What a matching Compute job's program writes: lines as (type, text, ms after the start), _webout, how
    it ends (`state`, `condition_code`) and how long it runs."""

    log: tuple[tuple[str, str, int], ...] = ()
    listing: tuple[tuple[str, str, int], ...] = ()
    webout: str | None = None
    state: str = "completed"
    condition_code: int = 0
    duration: int | None = None
    scenario: str | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    source: str
    description: str = ""
    match: Match = field(default_factory=Match)
    script: Script | None = None
    faults: tuple[Fault, ...] = ()
    document: Mapping[str, Any] = field(default_factory=dict)
    compute: ComputeScript | None = None
