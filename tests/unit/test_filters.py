"""The SAS filter language: what each function matches, how literals are typed, and where errors point."""

from __future__ import annotations

from typing import Any

import pytest

from viya_mock.core.query.filters import FUNCTIONS, FilterError, compile_filter

JOB: dict[str, Any] = {
    "id": "4f1c",
    "name": "O'Brien report",
    "state": "running",
    "type": "ODS",
    "heartbeatInterval": 600,
    "elapsedTime": 2.5,
    "enabled": True,
    "archived": False,
    "description": None,
    "creationTimeStamp": "2026-01-05T09:00:00.250Z",
    "jobRequest": {
        "name": "proc print",
        "modifiedTimeStamp": "2026-01-05T08:59:59.000Z",
        "jobDefinition": {"type": "Compute", "parameters": [{"name": "AGE", "value": "42"}]},
    },
    "results": {"report.log.txt": "/files/files/abc", "COMPUTE_JOB": "9e1d"},
    "tags": ["nightly", "finance"],
    "counts": [1, 2, 3],
}


def matches(text: str, doc: dict[str, Any] = JOB) -> bool:
    return compile_filter(text)(doc)


def error_of(text: str) -> FilterError:
    with pytest.raises(FilterError) as caught:
        compile_filter(text)
    return caught.value


# ------------------------------------------------------------------------------------------ functions


def test_the_exported_function_names_are_exactly_the_sas_ones() -> None:
    assert FUNCTIONS == {
        "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "in", "isNull", "contains", "startsWith", "endsWith",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eq(state,'running')", True),
        ("eq(state,'completed')", False),
        ("ne(state,'completed')", True),
        ("ne(state,'running')", False),
        ("lt(state,'s')", True),
        ("lt(state,'running')", False),
        ("le(state,'running')", True),
        ("gt(state,'r')", True),
        ("gt(state,'running')", False),
        ("ge(state,'running')", True),
        ("ge(state,'s')", False),
    ],
)
def test_each_comparison_compares_strings_by_their_text(text: str, expected: bool) -> None:
    assert matches(text) is expected


def test_and_needs_every_argument_to_match() -> None:
    assert matches("and(eq(state,'running'))")
    assert matches("and(eq(state,'running'),eq(type,'ODS'))")
    assert matches("and(eq(state,'running'),eq(type,'ODS'),gt(heartbeatInterval,1))")
    assert not matches("and(eq(state,'running'),eq(type,'ODS'),gt(heartbeatInterval,1000))")
    assert not matches("and(eq(state,'running'),eq(type,'HTML'))")


def test_or_needs_any_argument_to_match() -> None:
    assert matches("or(eq(state,'running'))")
    assert matches("or(eq(state,'failed'),eq(state,'running'))")
    assert matches("or(eq(state,'failed'),eq(state,'canceled'),eq(state,'running'))")
    assert not matches("or(eq(state,'failed'),eq(state,'canceled'),eq(state,'pending'))")


def test_not_inverts_its_argument() -> None:
    assert matches("not(eq(state,'failed'))")
    assert not matches("not(eq(state,'running'))")
    assert matches("not(not(eq(state,'running')))")


def test_in_matches_any_listed_value() -> None:
    assert matches("in(state,'pending','running')")
    assert matches("in(state,running)")
    assert not matches("in(state,'pending','completed')")
    assert matches("in(heartbeatInterval,60,600)")
    assert not matches("in(heartbeatInterval,60,6000)")


def test_in_with_null_also_matches_a_missing_or_null_field() -> None:
    assert matches("in(description,null,'x')")
    assert matches("in(nothing,null)")
    assert not matches("in(description,'x')")
    assert not matches("in(state,null,'x')")


def test_isnull_is_true_for_a_missing_or_null_field_only() -> None:
    assert matches("isNull(description)")
    assert matches("isNull(nothing.at.all)")
    assert not matches("isNull(state)")
    assert not matches("isNull(archived)")


def test_startswith_and_endswith_are_case_sensitive_prefix_and_suffix_tests() -> None:
    assert matches("startsWith(name,'O''Brien')")
    assert not matches("startsWith(name,'o''brien')")
    assert matches("endsWith(name,'report')")
    assert not matches("endsWith(name,'REPORT')")
    assert not matches("startsWith(heartbeatInterval,'6')")
    assert not matches("endsWith(nothing,'x')")


def test_contains_on_a_string_is_a_case_sensitive_substring_test() -> None:
    assert matches("contains(name,'Brien rep')")
    assert not matches("contains(name,'brien')")


def test_contains_on_a_map_looks_in_its_keys_and_values() -> None:
    assert matches("contains(results,'/files/files/abc')")
    assert matches("contains(results,'files/ab')")
    assert matches("contains(results,'log.txt')")
    assert matches("contains(results,COMPUTE_JOB)")
    assert not matches("contains(results,'/files/files/xyz')")


def test_contains_on_a_list_needs_an_equal_element() -> None:
    assert matches("contains(tags,'finance')")
    assert not matches("contains(tags,'fin')")
    assert matches("contains(counts,2)")
    assert not matches("contains(counts,4)")


def test_contains_on_a_list_of_name_value_pairs_looks_at_each_pairs_values() -> None:
    assert matches("contains(jobRequest.jobDefinition.parameters,'AGE')")
    assert matches("contains(jobRequest.jobDefinition.parameters,42)")
    assert not matches("contains(jobRequest.jobDefinition.parameters,'4')")


def test_contains_on_a_number_or_missing_field_is_false() -> None:
    assert not matches("contains(heartbeatInterval,'6')")
    assert not matches("contains(nothing,'x')")


# ------------------------------------------------------------------------------------------- operands


def test_a_dotted_field_reaches_into_nested_objects() -> None:
    assert matches("eq(jobRequest.name,'proc print')")
    assert matches("eq(jobRequest.jobDefinition.type,Compute)")
    assert not matches("eq(jobRequest.jobDefinition.type,SAS)")


def test_a_dotted_field_through_a_non_object_is_missing() -> None:
    assert not matches("eq(state.name,'x')")
    assert matches("isNull(name.first)")
    assert matches("isNull(jobRequest.jobDefinition.parameters.name)")


def test_a_quoted_first_argument_names_a_field() -> None:
    assert matches('eq("state","running")')
    assert matches("eq('state','running')")
    assert matches("eq(\"jobRequest.name\",'proc print')")
    assert matches("isNull('description')")
    assert matches("in(\"state\",'running')")
    assert matches("startsWith(\"name\",'O')")


def test_a_single_quoted_literal_doubles_a_quote_to_escape_it() -> None:
    assert matches("eq(name,'O''Brien report')")
    assert compile_filter("eq(name,'''quoted''')")({"name": "'quoted'"})


def test_a_double_quoted_literal_escapes_a_quote_by_doubling_or_backslash() -> None:
    doc = {"title": 'say "hi"'}
    assert compile_filter('eq(title,"say ""hi""")')(doc)
    assert compile_filter('eq(title,"say \\"hi\\"")')(doc)
    assert compile_filter("eq(title,\"say 'hi'\")")({"title": "say 'hi'"})


def test_a_bare_token_is_a_string_literal() -> None:
    assert matches("eq(type,ODS)")
    assert compile_filter("eq(name, mysession)")({"name": "mysession"})
    assert not compile_filter("eq(name, mysession)")({"name": "other"})


def test_whitespace_around_every_token_is_ignored() -> None:
    assert matches("  and ( eq ( state , 'running' ) ,\n\tne( type ,  'HTML' ) )  ")


def test_quoted_text_keeps_its_whitespace_and_commas() -> None:
    assert compile_filter("eq(name,' a, (b) ')")({"name": " a, (b) "})
    assert not compile_filter("eq(name,' a, (b) ')")({"name": "a, (b)"})


def test_numbers_compare_numerically_with_numeric_fields() -> None:
    assert matches("eq(heartbeatInterval, 600)")
    assert matches("gt(heartbeatInterval,90)")  # as text "600" < "90"
    assert matches("lt(heartbeatInterval,1e3)")
    assert matches("gt(elapsedTime, 1.5)")
    assert not matches("gt(elapsedTime, 2.5)")
    assert matches("ge(elapsedTime,2.5)")
    assert matches("gt(heartbeatInterval,-1)")


def test_a_quoted_numeric_literal_still_compares_numerically_with_a_number() -> None:
    assert matches("eq(heartbeatInterval,'600')")
    assert matches("gt(heartbeatInterval,'90')")
    assert matches("eq(heartbeatInterval,'600.0')")


def test_a_numeric_literal_compares_as_text_with_a_string_field() -> None:
    doc = {"code": "90", "padded": "007"}
    assert compile_filter("eq(code,90)")(doc)
    assert compile_filter("gt(code,600)")(doc)
    assert not compile_filter("eq(padded,7)")(doc)
    assert compile_filter("eq(padded,007)")(doc)


def test_a_non_numeric_literal_against_a_number_compares_as_text_without_raising() -> None:
    assert not matches("eq(heartbeatInterval,'six hundred')")
    assert matches("lt(heartbeatInterval,'a')")
    assert matches("ne(heartbeatInterval,abc)")


def test_booleans_compare_with_true_and_false_in_either_quoting() -> None:
    assert matches("eq(enabled,true)")
    assert matches("eq(enabled,'true')")
    assert not matches("eq(enabled,false)")
    assert matches("eq(archived,false)")
    assert matches("ne(archived,true)")
    assert matches("gt(enabled,false)")


def test_a_string_field_holding_true_matches_the_bare_keyword() -> None:
    assert compile_filter("eq(flag,true)")({"flag": "true"})
    assert not compile_filter("eq(flag,true)")({"flag": "True"})


def test_a_boolean_field_against_other_text_compares_its_json_spelling() -> None:
    assert matches("eq(enabled,'yes')") is False
    assert matches("lt(enabled,'u')")  # "true" < "u"


def test_eq_and_ne_against_bare_null_test_for_null() -> None:
    assert matches("eq(description,null)")
    assert matches("eq(nothing,null)")
    assert not matches("eq(state,null)")
    assert matches("ne(state,null)")
    assert not matches("ne(description,null)")


def test_an_order_against_bare_null_is_never_true() -> None:
    for function in ("lt", "le", "gt", "ge"):
        assert not matches(f"{function}(description,null)")
        assert not matches(f"{function}(state,null)")


def test_a_quoted_null_is_just_text() -> None:
    assert not matches("eq(description,'null')")
    assert compile_filter("eq(word,'null')")({"word": "null"})


@pytest.mark.parametrize("function", ["eq", "lt", "le", "gt", "ge"])
def test_a_missing_or_null_field_fails_every_comparison(function: str) -> None:
    assert not matches(f"{function}(nothing,'a')")
    assert not matches(f"{function}(description,'a')")
    assert not matches(f"{function}(jobRequest.nothing,1)")


def test_a_missing_or_null_field_is_not_equal_to_anything() -> None:
    assert matches("ne(nothing,'a')")
    assert matches("ne(description,1)")


def test_comparing_an_object_or_list_never_raises() -> None:
    assert not matches("eq(jobRequest,'x')")
    assert matches("ne(results,'x')")
    for function in ("lt", "le", "gt", "ge"):
        assert matches(f"{function}(tags,5)") in (True, False)
        assert matches(f"{function}(counts,'x')") in (True, False)


def test_a_mapping_that_is_not_a_dict_works_as_a_document() -> None:
    from types import MappingProxyType

    doc = MappingProxyType({"jobRequest": MappingProxyType({"jobDefinition": MappingProxyType({"type": "x"})})})
    assert compile_filter("eq(jobRequest.jobDefinition.type,x)")(doc)


# ----------------------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    "literal",
    [
        "2026-01-05T09:00:00.250Z",
        "2026-01-05T09:00:00.25Z",
        "2026-01-05T09:00:00.250000Z",
        "2026-01-05T10:00:00.250+01:00",
        "2026-01-05T08:30:00.250-00:30",
    ],
)
def test_a_timestamp_literal_equal_to_the_stored_instant_matches(literal: str) -> None:
    assert matches(f"eq(creationTimeStamp,'{literal}')")


@pytest.mark.parametrize(
    ("literal", "after"),
    [
        ("2026-01-05T09:00:00Z", True),  # no millis: .000, before .250
        ("2026-01-05T09:00:00", True),  # no zone: UTC
        ("2026-01-05T09:00:01", False),
        ("2026-01-05", True),  # a date alone is its midnight
        ("2026-01-06", False),
        ("2026-01-05T09:00:00.251Z", False),
        ("2026-01-05T09:00:00.249Z", True),
    ],
)
def test_timestamp_literals_without_millis_or_time_are_normalised_before_comparing(literal: str, after: bool) -> None:
    assert matches(f"gt(creationTimeStamp,'{literal}')") is after


def test_a_timestamp_without_millis_is_not_equal_to_one_with_millis() -> None:
    assert not matches("eq(creationTimeStamp,'2026-01-05T09:00:00Z')")
    assert compile_filter("eq(creationTimeStamp,'2026-01-05T09:00:00Z')")(
        {"creationTimeStamp": "2026-01-05T09:00:00.000Z"}
    )


def test_an_unquoted_timestamp_is_one_literal() -> None:
    assert matches("lt(creationTimeStamp,2026-01-05T09:00:01Z)")
    assert matches("ge(creationTimeStamp, 2026-01-05)")


def test_a_nested_timestamp_field_is_normalised_too() -> None:
    assert matches("eq(jobRequest.modifiedTimeStamp,'2026-01-05T08:59:59Z')")
    assert matches("lt(jobRequest.modifiedTimeStamp,'2026-01-05T09:00:00')")


def test_timestamps_in_an_in_list_are_normalised() -> None:
    assert matches("in(jobRequest.modifiedTimeStamp,'2020-01-01','2026-01-05T08:59:59Z')")


def test_string_functions_on_a_timestamp_field_use_the_literal_as_written() -> None:
    assert matches("startsWith(creationTimeStamp,'2026-01-05')")
    assert matches("startsWith(creationTimeStamp,'2026-01-05T09:00:00')")
    assert matches("endsWith(creationTimeStamp,'.250Z')")
    assert matches("contains(creationTimeStamp,'T09:')")


def test_a_date_is_only_normalised_for_a_timestamp_field() -> None:
    assert compile_filter("eq(day,'2026-01-05')")({"day": "2026-01-05"})
    assert not compile_filter("eq(day,'2026-01-05')")({"day": "2026-01-05T00:00:00.000Z"})


def test_a_timestamp_offset_crossing_midnight_changes_the_date() -> None:
    assert compile_filter("eq(endTimeStamp,'2026-01-01T01:30:00+02:00')")({"endTimeStamp": "2025-12-31T23:30:00.000Z"})


def test_an_invalid_date_in_a_timestamp_literal_is_compared_as_written() -> None:
    doc = {"creationTimeStamp": "2026-02-30"}
    assert compile_filter("eq(creationTimeStamp,'2026-02-30')")(doc)
    assert compile_filter("eq(creationTimeStamp,'soon')")({"creationTimeStamp": "soon"})


# --------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "Empty filter", 0),
        ("   ", "Empty filter", 3),
        ("foo(a,1)", "Unknown filter function 'foo'", 0),
        ("and(eq(a,1),Contains(b,'x'))", "Unknown filter function 'Contains'", 12),
        ("isnull(a)", "Unknown filter function 'isnull'", 0),
        ("startswith(a,'x')", "Unknown filter function 'startswith'", 0),
        ("eq(a)", "eq takes exactly 2 arguments, not 1", 0),
        ("eq(a,1,2)", "eq takes exactly 2 arguments, not 3", 0),
        ("eq()", "eq takes exactly 2 arguments, not 0", 0),
        ("contains(a)", "contains takes exactly 2 arguments, not 1", 0),
        ("startsWith(a,'b','c')", "startsWith takes exactly 2 arguments, not 3", 0),
        ("in(a)", "in takes at least 2 arguments, not 1", 0),
        ("isNull()", "isNull takes exactly 1 argument, not 0", 0),
        ("isNull(a,b)", "isNull takes exactly 1 argument, not 2", 0),
        ("and()", "and takes at least 1 argument, not 0", 0),
        ("or()", "or takes at least 1 argument, not 0", 0),
        (" not(eq(a,1),eq(b,2))", "not takes exactly 1 argument, not 2", 1),
        ("and(eq(state,'x')", "Expected ')'", 17),
        ("eq(a,1", "Expected ')'", 6),
        ("eq(a,1))", "Unexpected ')' after the end of the filter", 7),
        ("eq(a,1) eq(b,2)", "Unexpected 'e' after the end of the filter", 8),
        ("eq(a,1),", "Unexpected ',' after the end of the filter", 7),
        ("eq(a,'x)", "Unterminated string", 5),
        ('eq(a,"x\\")', "Unterminated string", 5),
        ("eq(a,'it''s)", "Unterminated string", 5),
        ("eq(a b)", "Expected ',' or ')', found 'b'", 5),
        ("eq(a,)", "Expected a value, found ')'", 5),
        ("eq(a,", "Expected a value", 5),
        ("eq(a,*)", "Expected a value, found '*'", 5),
        ("(eq(a,1))", "Expected a filter function such as eq(...), found '('", 0),
        ("and((eq(a,1)))", "Expected a value, found '('", 4),
        ("state", "Expected a filter function such as eq(...), found 'state'", 0),
        ("'running'", "Expected a filter function such as eq(...), found 'running'", 0),
        ("and(eq(a,1),x)", "and combines filter functions, not values such as 'x'", 12),
        ("not('x')", "not combines filter functions, not values such as 'x'", 4),
        ("eq(eq(a,1),1)", "The first argument of eq must be a field, not a function", 3),
        ("isNull(eq(a,1))", "The first argument of isNull must be a field, not a function", 7),
        ("eq(a,eq(b,1))", "eq compares a field with a value, not with a function", 5),
        ("in(a,1,eq(b,1))", "in compares a field with a value, not with a function", 7),
        ("eq(a..b,1)", "'a..b' is not a field name", 3),
        ("eq(.a,1)", "'.a' is not a field name", 3),
        ('eq("",1)', "'' is not a field name", 3),
        ("eq('my field',1)", "'my field' is not a field name", 3),
        ("eq(a:b,1)", "'a:b' is not a field name", 3),
    ],
)
def test_malformed_filters_say_what_is_wrong_and_where(text: str, message: str, position: int) -> None:
    error = error_of(text)
    assert (error.message, error.position) == (message, position)
    assert str(error) == f"{message} at position {position}"


def test_a_filter_error_is_a_value_error() -> None:
    assert isinstance(error_of("bogus(a)"), ValueError)


def test_a_filter_nested_absurdly_deep_is_an_error_not_a_recursion_crash() -> None:
    text = "not(" * 500 + "eq(a,1)" + ")" * 500
    error = error_of(text)
    assert error.message == "Filter nested more than 100 levels deep"
    assert error.position == 400


def test_a_filter_nested_a_hundred_levels_still_compiles_and_evaluates() -> None:
    text = "not(" * 99 + "eq(a,1)" + ")" * 99
    assert compile_filter(text)({"a": 2})
    assert not compile_filter(text)({"a": 1})


# ----------------------------------------------------------------------------------------- compilation


def test_a_compiled_filter_is_reusable_across_many_documents() -> None:
    predicate = compile_filter("and(ge(n,10),lt(n,20),ne(n,15))")
    assert [n for n in range(30) if predicate({"n": n})] == [10, 11, 12, 13, 14, 16, 17, 18, 19]


def test_every_compiled_predicate_returns_a_real_bool() -> None:
    texts = [
        "eq(state,'running')",
        "ne(heartbeatInterval,1)",
        "and(eq(state,'running'),eq(type,ODS))",
        "or(eq(state,'x'),eq(type,ODS),eq(id,'y'))",
        "not(eq(state,'x'))",
        "in(state,'running','x')",
        "isNull(description)",
        "contains(results,'abc')",
        "startsWith(name,'O')",
        "eq(description,null)",
    ]
    for text in texts:
        assert compile_filter(text)(JOB) is True, text
