"""jsonschema-rs validators for the documents' schemas: a fast first check that only ever accepts.

jsonschema (what Connexion validates with) takes about a millisecond for a job and seconds for a store import;
jsonschema-rs takes microseconds. Callers ask jsonschema-rs first and, for whatever it refuses, ask jsonschema
again, so a refusal keeps jsonschema's message and nothing is accepted that jsonschema would refuse:
jsonschema-rs checks every format jsonschema checks, and more strictly.

The schemas are OpenAPI 3.0's, read as Connexion reads them: `nullable` (and `x-nullable`) adds null to the
type and to the enum; in a response, a `writeOnly` (or `x-writeOnly`) property must not be there at all.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs

_NOTHING: dict[str, Any] = {"not": {}}
# The most nodes a translated schema may have. Connexion inlines every $ref, so a schema that refers to
# itself (a SAS error holds `errors`, a list of errors) is a cycle of dicts, and shared parts are visited
# once per place they appear; either is left to jsonschema rather than handed to jsonschema-rs.
MAX_NODES = 200_000


class Untranslatable(ValueError):
    """The schema is cyclic or too large to give to jsonschema-rs."""


def as_draft4(node: Any, *, response: bool = False) -> Any:
    """An OpenAPI 3.0 schema as plain JSON Schema draft 4, for a request body or (`response`) a response."""
    return _draft4(node, response, set(), [MAX_NODES])


def _draft4(node: Any, response: bool, ancestors: set[int], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise Untranslatable("the schema is too large")
    if isinstance(node, list | dict):
        if id(node) in ancestors:
            raise Untranslatable("the schema refers to itself")
        ancestors.add(id(node))
        try:
            return _container(node, response, ancestors, budget)
        finally:
            ancestors.discard(id(node))
    return node


def _container(node: list[Any] | dict[str, Any], response: bool, ancestors: set[int], budget: list[int]) -> Any:
    if isinstance(node, list):
        return [_draft4(item, response, ancestors, budget) for item in node]
    if response and (node.get("writeOnly") is True or node.get("x-writeOnly") is True):
        return _NOTHING
    out = {key: _draft4(value, response, ancestors, budget) for key, value in node.items()}
    if out.get("nullable") is True or out.get("x-nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            out["type"] = [*kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def compiled(schema: dict[str, Any], *, response: bool = False) -> Any:
    """jsonschema-rs's validator for a schema, or None if it cannot take the schema (then jsonschema decides)."""
    try:
        return jsonschema_rs.Draft4Validator(as_draft4(schema, response=response), validate_formats=True)
    except (ValueError, TypeError, RecursionError, jsonschema_rs.ValidationError):
        return None


def accepts(validator: Any, value: Any) -> bool:
    """True when jsonschema-rs finds the value valid; False when it does not or cannot tell."""
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(value))
    except (ValueError, OverflowError, TypeError):  # a value it cannot take, such as an integer beyond 64 bits
        return False
