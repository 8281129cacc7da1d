"""Connexion's validation: each parameter's schema validator built once, JSON bodies bounded in depth.

Connexion 3.3 deep-copies a parameter's definition and builds a new jsonschema validator for every value
of every request; on a GET of a job that was about a third of the request's time. The checks, the
validator class, the format checker and the error messages are Connexion's own; only the construction is
hoisted to the first use.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
    TextResponseBodyValidator,
)
from jsonschema import Draft4Validator, ValidationError
from starlette.datastructures import Headers
from starlette.types import Receive, Scope

from viya_mock.core.api.compiled import accepts, compiled
from viya_mock.core.domain.errors import BadRequest
from viya_mock.core.domain.limits import MAX_DEPTH, MAX_JSON_NODES, too_big

_FORMATS = Draft4Validator.FORMAT_CHECKER
# Bodies that are a whole store export may hold any number of values; their size is bounded instead.
UNCOUNTED = frozenset({"importStore"})


class CachingParameterValidator(ParameterValidator):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed by the identity of the parameter definitions this validator holds for its whole life.
        self._validators: dict[int, Draft4Validator] = {}

    def validate_parameter(
        self, parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            validator = self._validators.get(id(param))
            if validator is None:
                validator = Draft4Validator(param.get("schema", param), format_checker=_FORMATS)
                self._validators[id(param)] = validator
            try:
                validator.validate(value)
            except ValidationError as exception:
                return str(exception)
            return None
        if param.get("required"):
            return f"Missing {parameter_type} parameter '{param['name']}'"
        return None


def _too_big(why: str) -> BadRequest:
    return BadRequest(f"The request body {why}.")


class JSONBodies(JSONRequestBodyValidator):  # type: ignore[misc]
    """Connexion's JSON body validation, bounded, and applied to bodies sent without a Content-Type.

    A body nested thousands of levels deep would exhaust the stack in the JSON parser, in schema validation
    or in the mock; one of a million values would hold the event loop for seconds in schema validation and be
    stored and echoed. Either is refused after parsing (the C parser stops at Python's recursion limit) and
    before validation: at most MAX_DEPTH levels and MAX_JSON_NODES values (the store import is not counted).

    A request without a Content-Type reaches this validator when the operation's first media type is JSON
    (Connexion's own guess); the request then goes on labelled `application/json`, so that the handler reads
    the JSON body that was validated instead of bare bytes.
    """

    takes_document_schema = True

    def __init__(self, *, document_schema: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._python = Draft4RequestValidator(self._schema, format_checker=_FORMATS)
        # The document's own form (references kept) where there is one: Connexion's inlined schema is a cycle
        # of dicts wherever a schema refers to itself, which jsonschema-rs cannot be given.
        self._compiled = compiled(document_schema or self._schema)

    @property
    def _validator(self) -> Any:
        # Connexion builds a new jsonschema validator at every use; one per body validator is enough.
        return self._python

    def _validate(self, body: Any) -> Any:
        """jsonschema-rs first, Connexion's own validation for what it refuses (see core/api/compiled.py)."""
        if body is not None and accepts(self._compiled, body):
            return None
        return super()._validate(body)

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        if "content-type" not in Headers(scope=scope):
            scope = {**scope, "headers": [*scope["headers"], (b"content-type", b"application/json")]}
        result: tuple[Receive, Scope] = await super().wrap_receive(receive, scope=scope)
        return result

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        try:
            body = parse_json(b"".join([chunk async for chunk in stream]).decode(self._encoding))
        except RecursionError as error:
            raise _too_big(f"nests arrays and objects deeper than {MAX_DEPTH} levels") from error
        operation = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
        why = too_big(body, MAX_DEPTH, None if operation in UNCOUNTED else MAX_JSON_NODES)
        if why is not None:
            raise _too_big(why)
        return body


def _refuse_constant(name: str) -> Any:
    raise BadRequest(f"The request body is not JSON: {name} is not a JSON value.")


def parse_json(text: str) -> Any:
    """A request body's JSON, None for an empty one.

    Python's parser, not orjson: orjson reads integers beyond 64 bits as floats, which would change a
    client's data. NaN and Infinity are not JSON: they are refused, as SAS's services refuse them, rather
    than stored and echoed back.
    """
    if not text:
        return None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise BadRequestProblem(detail=str(error)) from error


VALIDATORS: dict[str, Any] = {
    **VALIDATOR_MAP,
    "parameter": CachingParameterValidator,
    "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": JSONBodies}),
}


class _ContentAwareResponses:
    """Response validation that does not parse bodies no schema describes.

    A file's content is whatever bytes the client stored under whatever media type it named (sasjs stores
    CSV as `application/json`); the document describes it as `format: binary`, or Connexion finds no schema
    for the exact type, or an empty one (any JSON). Connexion's validators would still parse such a body as
    JSON or UTF-8 text and fail.
    """

    _schema: dict[str, Any]

    def wrap_send(self, send: Any) -> Any:
        # Connexion hands the schema over with the document's components attached; an empty schema (any
        # JSON at all) is one with nothing else in it.
        constraining = {key for key in self._schema or {} if key != "components"}
        if not constraining or self._schema.get("format") == "binary":
            return send
        return super().wrap_send(send)  # type: ignore[misc]


class JSONResponses(_ContentAwareResponses, JSONResponseBodyValidator):  # type: ignore[misc]
    pass


class TextResponses(_ContentAwareResponses, TextResponseBodyValidator):  # type: ignore[misc]
    pass


VALIDATORS["response"] = MediaTypeDict({"*/*json": JSONResponses, "text/plain": TextResponses})
