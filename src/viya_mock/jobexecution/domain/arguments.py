"""How a job's arguments are built from the request and its job definition (the field table's rule).

Arguments in the request are kept; each definition parameter the request does not name is added with its
default, nulls included; null entries are then dropped, because the real service persists the job before
the provider sees it and its persistence layer does not store null map entries. Every required parameter
must end up with a non-null value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from viya_mock.core.domain.errors import InvalidJobRequest
from viya_mock.core.domain.values import as_text

MAX_ARGUMENT_NAME = 100


def check_argument_names(arguments: Mapping[str, Any] | None) -> None:
    too_long = [name for name in arguments or {} if len(name) > MAX_ARGUMENT_NAME]
    if too_long:
        raise InvalidJobRequest(
            f"Argument names are limited to {MAX_ARGUMENT_NAME} characters.", details=[f"argument: {too_long[0]}"]
        )


def merge_arguments(arguments: Mapping[str, Any] | None, parameters: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The job's arguments; the request's names have been checked with check_argument_names already."""
    given = dict(arguments or {})
    merged: dict[str, Any] = {}
    for parameter in parameters:
        name = parameter["name"]
        merged[name] = given.pop(name) if name in given else parameter.get("defaultValue")
    merged.update(given)
    missing = [p["name"] for p in parameters if p.get("required") and merged.get(p["name"]) is None]
    if missing:
        raise InvalidJobRequest(
            "The job request has no value for the required argument(s) " + ", ".join(missing) + ".",
            details=[f"parameter: {name}" for name in missing],
        )
    return {name: as_text(value) for name, value in merged.items() if value is not None}
