"""Scenario YAML in, validated Scenario objects out; a bad file is rejected with its name, line and problem.

Validation uses the JSON Schema shipped next to this module, so the format's rules live in one place
that editors and users can also read. A file may hold several scenarios as YAML documents (`---`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import isodate
import yaml
from jsonschema import Draft202012Validator

from viya_mock.core.domain.limits import MAX_DEPTH, MAX_YAML_NODES
from viya_mock.core.domain.timestamps import MAX_DURATION_MS, MAX_DURATION_TEXT
from viya_mock.jobexecution.domain.states import ENDED, JobState
from viya_mock.jobexecution.domain.timeline import Step
from viya_mock.scenarios.model import ComputeScript, Fault, Match, Scenario, Script

_ANCHOR = datetime(2000, 1, 1)


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message reads `source:line: where: what`."""


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(files("viya_mock.scenarios").joinpath("schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def schema() -> dict[str, Any]:
    document = _validator().schema
    assert isinstance(document, dict)
    return document


def duration_ms(value: float | str) -> int:
    """Seconds as a number, or an ISO 8601 duration (PT1M30S), as milliseconds, at most MAX_DURATION_MS.

    Raises ValueError (isodate's ISO8601Error is one) for anything else, a duration too long included.
    """
    too_long = f"the duration {str(value)[:40]!r} is out of range: it must be at most {MAX_DURATION_TEXT}"
    try:
        if isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) * 1000 > MAX_DURATION_MS:
                raise ValueError(too_long)
            return round(value * 1000)
        parsed = isodate.parse_duration(value)
        delta = parsed if isinstance(parsed, timedelta) else parsed.totimedelta(start=_ANCHOR)
    except (OverflowError, ArithmeticError) as error:  # components too large for a timedelta or a date
        raise ValueError(too_long) from error
    milliseconds = delta // timedelta(milliseconds=1)
    if abs(milliseconds) > MAX_DURATION_MS:
        raise ValueError(too_long)
    return milliseconds


def _line_of(node: yaml.Node, path: Iterable[Any]) -> int:
    """The 1-based line of the YAML node at a JSON path, or of its nearest ancestor."""
    for key in path:
        if isinstance(node, yaml.MappingNode):
            found = next((value for name, value in node.value if name.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = node.value[key]
        else:
            found = None
        if found is None:
            break
        node = found
    return node.start_mark.line + 1


def _where(path: Sequence[Any]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".") or "(top)"


def _step(document: Mapping[str, Any]) -> Step:
    changes: dict[str, Any] = {}
    for name in ("state", "stateDetails", "results", "logLocation"):
        if name in document:
            changes[name] = document[name]
    if "error" in document:
        error = document["error"]
        changes["error"] = {
            "httpStatusCode": 500,
            **error,
            "details": list(error.get("details", [])),
            "errors": [],
            "links": [],
            "version": 2,
        }
    heartbeats = {"stop": False, "start": True}.get(document.get("heartbeat", ""))
    state = document.get("state")
    if state == JobState.RUNNING.value and heartbeats is None:
        heartbeats = True  # a provider that runs a job heartbeats for it unless told otherwise
    log = tuple(
        {"type": "normal", "line": line} if isinstance(line, str) else {"type": "normal", **line}
        for line in document.get("log", ())
    )
    ended = state is not None and JobState(state) in ENDED
    return Step(
        after=duration_ms(document["after"]),
        changes=changes,
        heartbeats=heartbeats,
        log_location=ended and "logLocation" not in document,
        log=log,
    )


def _fault(document: Mapping[str, Any]) -> Fault:
    return Fault(
        path=document["path"],
        method=document.get("method", "*"),
        status=document.get("status"),
        error_code=document.get("errorCode"),
        message=document.get("message"),
        latency=duration_ms(document["latency"]) if "latency" in document else 0,
        drop=bool(document.get("drop", False)),
        first=document.get("first"),
        every=document.get("every"),
        probability=document.get("probability"),
        headers=dict(document.get("headers") or {}),
    )


def _lines(items: Sequence[Any], default_type: str) -> tuple[tuple[str, str, int], ...]:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append((default_type, item, 0))
        else:
            at = duration_ms(item["after"]) if "after" in item else 0
            out.append((item.get("type", default_type), item["line"], at))
    return tuple(out)


def _compute(document: Mapping[str, Any], name: str) -> ComputeScript:
    return ComputeScript(
        log=_lines(document.get("log") or (), "note"),
        listing=_lines(document.get("listing") or (), "normal"),
        webout=document.get("webout"),
        state=document.get("state", "completed"),
        condition_code=int(document.get("conditionCode", 0)),
        duration=duration_ms(document["duration"]) if "duration" in document else None,
        scenario=name,
    )


def _scenario(document: Mapping[str, Any], source: str) -> Scenario:
    match = document.get("match") or {}
    definition = match.get("jobDefinition") or {}
    timeline = document.get("timeline")
    script = None
    if "expiresAfter" in document and duration_ms(document["expiresAfter"]) < 0:
        raise ValueError(f"expiresAfter: {document['expiresAfter']!r} must be a positive duration")
    if timeline is not None or "heartbeatInterval" in document or "expiresAfter" in document:
        script = Script(
            steps=tuple(_step(step) for step in timeline or ()),
            heartbeat_interval=document.get("heartbeatInterval"),
            expires_after=document.get("expiresAfter"),
            scenario=document["name"],
        )
    return Scenario(
        name=document["name"],
        source=source,
        description=document.get("description", ""),
        match=Match(
            name=match.get("name"),
            submitter=match.get("submitter"),
            definition_name=definition.get("name"),
            definition_type=definition.get("type"),
            definition_uri=definition.get("uri"),
            arguments=dict(match.get("arguments") or {}),
            headers=dict(match.get("headers") or {}),
            code=match.get("code"),
        ),
        script=script,
        compute=_compute(document["compute"], document["name"]) if "compute" in document else None,
        faults=tuple(_fault(fault) for fault in document.get("faults", ())),
        document=document,
    )


def _check_shape(text: str, source: str) -> None:
    """Refuse, from the parser's events alone, YAML that nests deeper than MAX_DEPTH or that expands (aliases
    counted at their full size, so a "billion laughs" is caught without expanding it) to more than
    MAX_YAML_NODES nodes, or that holds an alias to a node containing it. PyYAML's parser keeps its own stack
    where its composer and constructor recurse, and this walk stops at the first node past a limit."""
    anchors: dict[str, tuple[int, int]] = {}  # anchor → (nodes it expands to, levels it nests)
    opened: list[tuple[str | None, int, int]] = []  # open collections: (anchor, node count at start, deepest)
    total = 0

    def refuse(event: yaml.Event, problem: str) -> ScenarioError:
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        return ScenarioError(f"{source}:{line}: {problem}")

    def place(event: yaml.Event, nodes: int, levels: int) -> None:
        nonlocal total
        total += nodes
        if total > MAX_YAML_NODES:
            raise refuse(event, f"the YAML expands to more than {MAX_YAML_NODES} nodes (aliases counted in full)")
        if len(opened) + levels > MAX_DEPTH:
            raise refuse(event, f"the YAML nests deeper than {MAX_DEPTH} levels")
        if opened:
            anchor, start, deepest = opened[-1]
            opened[-1] = (anchor, start, max(deepest, levels))

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.ScalarEvent):
            place(event, 1, 1)
            if event.anchor:
                anchors[event.anchor] = (1, 1)
        elif isinstance(event, yaml.AliasEvent):
            if any(anchor == event.anchor for anchor, _, _ in opened):
                raise refuse(event, f"the alias *{event.anchor} refers to a node that contains it")
            place(event, *anchors.get(event.anchor or "", (1, 1)))  # an unknown anchor is the composer's error
        elif isinstance(event, yaml.CollectionStartEvent):
            place(event, 1, 1)
            opened.append((event.anchor, total - 1, 0))
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, start, deepest = opened.pop()
            if anchor:
                anchors[anchor] = (total - start, deepest + 1)
            if opened:
                outer, outer_start, outer_deepest = opened[-1]
                opened[-1] = (outer, outer_start, max(outer_deepest, deepest + 1))


def _yaml_error(error: yaml.YAMLError, source: str) -> ScenarioError:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    return ScenarioError(f"{source}:{line}: not valid YAML: {getattr(error, 'problem', None) or error}")


def load_text(text: str, source: str = "<text>") -> list[Scenario]:
    """Every scenario in a YAML text; raises ScenarioError for the first problem found."""
    try:
        _check_shape(text, source)
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise _yaml_error(error, source) from error
    scenarios = []
    for node in nodes:
        try:  # only plain YAML: a tag such as !!python/object is refused here
            document = yaml.safe_load(yaml.serialize(node))
        except yaml.YAMLError as error:
            raise _yaml_error(error, source) from error
        errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            line = _line_of(node, first.absolute_path)
            raise ScenarioError(f"{source}:{line}: {_where(list(first.absolute_path))}: {first.message}")
        try:
            scenarios.append(_scenario(document, source))
        except (isodate.ISO8601Error, ValueError) as error:
            raise ScenarioError(f"{source}:{node.start_mark.line + 1}: {error}") from error
    names = [scenario.name for scenario in scenarios]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ScenarioError(f"{source}: scenario name(s) used twice: {', '.join(duplicates)}")
    return scenarios


def load_path(path: Path) -> list[Scenario]:
    """A YAML file, or every *.yaml / *.yml file of a folder in name order."""
    if path.is_dir():
        found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        return [scenario for file in found for scenario in load_path(file)]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read: {error.strerror}") from error
    return load_text(text, str(path))
