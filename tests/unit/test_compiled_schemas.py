"""jsonschema-rs as a first check that only ever accepts what Connexion's jsonschema validation accepts."""

from __future__ import annotations

from typing import Any

from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from viya_mock import documents
from viya_mock.core.api.compiled import accepts, as_draft4, compiled

FORMATS = Draft4Validator.FORMAT_CHECKER
SCHEMA = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "note": {"type": "string", "nullable": True},
        "state": {"type": "string", "enum": ["running", "completed"], "nullable": True},
        "count": {"type": "integer", "format": "int64", "minimum": 0},
        "when": {"type": "string", "format": "date-time"},
        "secret": {"type": "string", "writeOnly": True},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}


def _python(response: bool) -> Any:
    return (Draft4ResponseValidator if response else Draft4RequestValidator)(SCHEMA, format_checker=FORMATS)


def test_nullable_becomes_a_null_type_and_a_none_in_the_enum() -> None:
    draft4 = as_draft4(SCHEMA)
    assert draft4["properties"]["note"]["type"] == ["string", "null"]
    assert draft4["properties"]["state"]["enum"] == ["running", "completed", None]
    assert as_draft4(SCHEMA, response=True)["properties"]["secret"] == {"not": {}}
    assert SCHEMA["properties"]["note"]["type"] == "string"  # the document's schema is left as it was


def test_the_verdicts_on_known_cases_match_connexions() -> None:
    cases: list[tuple[dict[str, Any], bool]] = [
        ({"name": "a", "note": None, "state": None}, True),
        ({"name": "a", "count": 1.0}, False),  # draft 4: a float is not an integer
        ({"name": "a", "count": True}, False),
        ({"name": ""}, False),
        ({"name": "a", "extra": 1}, False),
        ({"name": "a", "state": "failed"}, False),
    ]
    for response in (False, True):
        fast, python = compiled(SCHEMA, response=response), _python(response)
        for value, valid in cases:
            assert python.is_valid(value) is valid, value
            assert accepts(fast, value) is valid, value
    secret = {"name": "a", "secret": "x"}
    assert not accepts(compiled(SCHEMA, response=True), secret) and not _python(True).is_valid(secret)
    assert accepts(compiled(SCHEMA), secret) and _python(False).is_valid(secret)


def test_integers_beyond_64_bits_and_a_schema_it_could_not_take() -> None:
    huge = {"name": "a", "count": 10**30}
    assert accepts(compiled(SCHEMA), huge) and _python(False).is_valid(huge)
    assert not accepts(None, {"name": "a"})  # no compiled validator: jsonschema decides


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
FIELDS = st.sampled_from([*SCHEMA["properties"], "other"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, JSON, max_size=5), st.booleans())
def test_jsonschema_rs_never_accepts_what_jsonschema_refuses(value: dict[str, Any], response: bool) -> None:
    if accepts(compiled(SCHEMA, response=response), value):
        assert _python(response).is_valid(value)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["state", "id", "version", "results", "error", "x"]), JSON, max_size=4))
def test_the_job_check_of_a_store_import_agrees_with_jsonschema(changes: dict[str, Any]) -> None:
    check = documents.schema_check("job-execution.yaml", "Job")
    job = {"id": "1", "state": "running", "version": 4, "results": {}, "links": [], **changes}
    whole = {"$ref": "#/components/schemas/Job", "components": documents.document("job-execution.yaml")["components"]}
    python = Draft4ResponseValidator(whole, format_checker=FORMATS)
    assert (check(job) is None) is python.is_valid(job)


def test_a_schema_that_refers_to_itself_is_left_to_jsonschema() -> None:
    error: dict[str, Any] = {"type": "object", "properties": {"message": {"type": "string"}}}
    error["properties"]["errors"] = {"type": "array", "items": error}  # as Connexion inlines a recursive $ref
    assert compiled(error) is None
    shared = {"type": "string"}
    assert compiled({"type": "object", "properties": {"a": shared, "b": shared}}) is not None  # shared is no cycle
