"""The SAS REST filter language, compiled once into a predicate over a resource's wire representation.

    and(eq(state,'running'),startsWith(jobRequest.name,'proc'))

An expression is `function(arg, ...)`. Fields are bare or dotted names (`jobRequest.name`); a real client
also quotes them (`eq("name","x")`), so a quoted first argument of a comparison names a field. Literals are
single-quoted (`''` escapes a quote), double-quoted (`""` or `\\"` escapes one), numbers, `true`/`false`/
`null`, or bare tokens (`eq(type,ODS)`).

A list request may test one filter against 100,000 resources, on the event loop, so a filter is bounded
(core/domain/limits.py): at most MAX_FILTER_LENGTH characters, MAX_FILTER_TERMS function calls and
MAX_FILTER_VALUES values, each refused before anything is compiled. The text is parsed once into a tree of
closures: each field path is split into a tuple, each literal converted to its text, number and boolean
forms, and each timestamp literal normalised, before the first resource is seen. Evaluation never raises:
a value that cannot be compared with a literal simply does not match, as a service with a typed database
column would answer an empty page rather than an error.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from viya_mock.core.domain.limits import MAX_FILTER_LENGTH, MAX_FILTER_TERMS, MAX_FILTER_VALUES, excerpt
from viya_mock.core.query.fields import QueryFields

Predicate = Callable[[Mapping[str, Any]], bool]

_LOGICAL: Final = frozenset({"and", "or", "not"})
_COMPARISONS: Final = frozenset({"eq", "ne", "lt", "le", "gt", "ge"})
_STRINGS: Final = frozenset({"contains", "startsWith", "endsWith"})
FUNCTIONS: Final[frozenset[str]] = _LOGICAL | _COMPARISONS | _STRINGS | frozenset({"in", "isNull"})

# Bare tokens may also carry ':' and '+', so an unquoted timestamp literal such as 2024-01-01T00:00:00Z
# reads as one value; a token used as a field must still be a plain dotted name.
_TOKEN = re.compile(r"[A-Za-z0-9_$.:+\-]+")
_FIELD = re.compile(r"[A-Za-z0-9_$\-]+(?:\.[A-Za-z0-9_$\-]+)*\Z")
_INTEGER = re.compile(r"[-+]?\d+\Z")
_DECIMAL = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?)?\Z"
)
# Deep enough for any filter a person or client library writes; shallow enough that parsing, compiling and
# evaluating stay far from Python's recursion limit, so a hostile filter is a 400 rather than a 500.
_MAX_DEPTH: Final = 100

_OPERATORS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


class _Missing:
    """The value of a path that leads nowhere; distinct from a JSON null only until it is tested."""

    __slots__ = ()


_MISSING: Final = _Missing()


class QueryError(ValueError):
    """A filter or sort expression that cannot be used; it says what is wrong and at which character,
    because the text usually arrives URL-encoded in a query string where the fault is hard to spot."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


class FilterError(QueryError):
    """A filter expression that cannot be parsed or compiled (the service answers 400, error 1104)."""


class UnknownFieldError(QueryError):
    """A well-formed filter or sortBy naming a field its collection cannot be queried by."""

    def __init__(self, field: str, fields: QueryFields, position: int) -> None:
        super().__init__(f"'{excerpt(field)}' is not a field that {fields.noun} can be filtered or sorted by", position)
        self.field = field
        self.fields = fields


# ---------------------------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class _Literal:
    text: str
    quoted: bool
    position: int


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    args: tuple[_Call | _Literal, ...]
    position: int


_Node = _Call | _Literal


class _Parser:
    """A recursive-descent parser over the raw text; positions are 0-based character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.terms = 0
        self.values = 0

    def parse(self) -> _Call:
        self._skip()
        if self.pos >= len(self.text):
            raise FilterError("Empty filter", self.pos)
        char = self.text[self.pos]
        if char not in "'\"" and _TOKEN.match(self.text, self.pos) is None:
            raise FilterError(f"Expected a filter function such as eq(...), found '{char}'", self.pos)
        node = self._expression(0)
        self._skip()
        if self.pos < len(self.text):
            raise FilterError(f"Unexpected '{self.text[self.pos]}' after the end of the filter", self.pos)
        if isinstance(node, _Literal):
            raise FilterError(
                f"Expected a filter function such as eq(...), found '{excerpt(node.text)}'", node.position
            )
        return node

    def _skip(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos].isspace():
            pos += 1
        self.pos = pos

    def _expression(self, depth: int) -> _Node:
        self._skip()
        start = self.pos
        if start >= len(self.text):
            raise FilterError("Expected a value", start)
        char = self.text[start]
        if char in "'\"":
            return self._counted(_Literal(self._quoted(char), True, start))
        match = _TOKEN.match(self.text, start)
        if match is None:
            raise FilterError(f"Expected a value, found '{char}'", start)
        self.pos = match.end()
        token = match.group()
        self._skip()
        if self.pos < len(self.text) and self.text[self.pos] == "(":
            if token not in FUNCTIONS:
                raise FilterError(f"Unknown filter function '{excerpt(token)}'", start)
            if depth >= _MAX_DEPTH:
                raise FilterError(f"Filter nested more than {_MAX_DEPTH} levels deep", start)
            self.terms += 1
            if self.terms > MAX_FILTER_TERMS:
                raise FilterError(f"The filter has more than {MAX_FILTER_TERMS} function calls", start)
            self.pos += 1
            return _Call(token, self._arguments(depth + 1), start)
        return self._counted(_Literal(token, False, start))

    def _counted(self, literal: _Literal) -> _Literal:
        self.values += 1
        if self.values > MAX_FILTER_VALUES:
            raise FilterError(f"The filter has more than {MAX_FILTER_VALUES} fields and values", literal.position)
        return literal

    def _arguments(self, depth: int) -> tuple[_Node, ...]:
        args: list[_Node] = []
        self._skip()
        if self.pos < len(self.text) and self.text[self.pos] == ")":
            self.pos += 1
            return ()
        while True:
            args.append(self._expression(depth))
            self._skip()
            if self.pos >= len(self.text):
                raise FilterError("Expected ')'", self.pos)
            char = self.text[self.pos]
            self.pos += 1
            if char == ")":
                return tuple(args)
            if char != ",":
                raise FilterError(f"Expected ',' or ')', found '{char}'", self.pos - 1)

    def _quoted(self, quote: str) -> str:
        text, start = self.text, self.pos
        pos = start + 1
        out: list[str] = []
        while pos < len(text):
            char = text[pos]
            if char == quote:
                if text.startswith(quote, pos + 1):
                    out.append(quote)
                    pos += 2
                    continue
                self.pos = pos + 1
                return "".join(out)
            if char == "\\" and quote == '"' and text.startswith('"', pos + 1):
                out.append('"')
                pos += 2
                continue
            out.append(char)
            pos += 1
        raise FilterError("Unterminated string", start)


# -------------------------------------------------------------------------------------------- operands


@dataclass(frozen=True, slots=True)
class _Value:
    """A literal in every form a stored value might be compared with, computed once at compile time."""

    text: str
    number: int | float | None
    boolean: bool | None
    null: bool


def _canonical_timestamp(text: str) -> str | None:
    """The literal as yyyy-MM-ddTHH:mm:ss.SSSZ in UTC, the form the service stores, so comparing the text
    is comparing instants; None when the text is not a (valid) timestamp."""
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if zone and zone != "Z":
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:]))
        try:
            moment = moment - offset if zone[0] == "+" else moment + offset
        except OverflowError:
            return None
    millis = (fraction or "").ljust(3, "0")[:3]
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{millis}Z"
    )


def _number(text: str) -> int | float | None:
    if _INTEGER.match(text):
        return int(text)
    if _DECIMAL.match(text):
        return float(text)
    return None


def _value(literal: _Literal, path: tuple[str, ...], *, instant: bool) -> _Value:
    """`instant` is false for the string functions: startsWith(creationTimeStamp,'2026-01-05') means a
    prefix of the text, which normalising to midnight would destroy."""
    text = literal.text
    if instant and path[-1].endswith("TimeStamp"):
        text = _canonical_timestamp(text) or text
    boolean = {"true": True, "false": False}.get(text)
    return _Value(text, _number(text), boolean, null=not literal.quoted and text == "null")


def _path(node: _Node, function: str, fields: QueryFields | None) -> tuple[str, ...]:
    if isinstance(node, _Call):
        raise FilterError(f"The first argument of {function} must be a field, not a function", node.position)
    if not _FIELD.match(node.text):
        raise FilterError(f"'{excerpt(node.text)}' is not a field name", node.position)
    if fields is None:
        return tuple(node.text.split("."))
    path = fields.path(node.text)
    if path is None:
        raise UnknownFieldError(node.text, fields, node.position)
    return path


def _literal(node: _Node, function: str) -> _Literal:
    if isinstance(node, _Call):
        raise FilterError(f"{function} compares a field with a value, not with a function", node.position)
    return node


def _resolver(path: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Any]:
    """A getter specialised to the path length, since almost every path has one or two parts."""
    if len(path) == 1:
        (key,) = path

        def one(doc: Mapping[str, Any]) -> Any:
            return doc.get(key, _MISSING)

        return one
    if len(path) == 2:
        outer, inner = path

        def two(doc: Mapping[str, Any]) -> Any:
            value = doc.get(outer, _MISSING)
            if type(value) is dict or isinstance(value, Mapping):
                return value.get(inner, _MISSING)
            return _MISSING

        return two

    def many(doc: Mapping[str, Any]) -> Any:
        value: Any = doc
        for part in path:
            if not (type(value) is dict or isinstance(value, Mapping)):
                return _MISSING
            value = value.get(part, _MISSING)
        return value

    return many


def _text_of(value: Any) -> str:
    """How a non-string value reads when it has to be compared as text: JSON spelling for booleans."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _tester(compare: Callable[[Any, Any], bool], literal: _Value) -> Callable[[Any], bool]:
    """Compare a present, non-null value with the literal in the type the value has."""
    text, number, boolean = literal.text, literal.number, literal.boolean

    def test(value: Any) -> bool:
        if isinstance(value, str):
            return compare(value, text)
        if isinstance(value, bool):
            return compare(value, boolean) if boolean is not None else compare(_text_of(value), text)
        if isinstance(value, int | float) and number is not None:
            return compare(value, number)
        try:
            return compare(_text_of(value), text)
        except Exception:
            return False

    return test


# ------------------------------------------------------------------------------------------- compiling


def _arity(call: _Call, minimum: int, maximum: int | None) -> None:
    count = len(call.args)
    if count < minimum or (maximum is not None and count > maximum):
        wanted = f"exactly {minimum}" if minimum == maximum else f"at least {minimum}"
        noun = "argument" if minimum == 1 else "arguments"
        raise FilterError(f"{call.name} takes {wanted} {noun}, not {count}", call.position)


def _logical(call: _Call, fields: QueryFields | None) -> Predicate:
    name = call.name
    _arity(call, 1, 1 if name == "not" else None)
    parts: list[Predicate] = []
    for arg in call.args:
        if isinstance(arg, _Literal):
            raise FilterError(
                f"{name} combines filter functions, not values such as '{excerpt(arg.text)}'", arg.position
            )
        parts.append(_compile(arg, fields))
    if name == "not":
        (inner,) = parts

        def negation(doc: Mapping[str, Any]) -> bool:
            return not inner(doc)

        return negation
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        if name == "and":
            return lambda doc: first(doc) and second(doc)
        return lambda doc: first(doc) or second(doc)
    everything = tuple(parts)
    if name == "and":

        def conjunction(doc: Mapping[str, Any]) -> bool:
            for part in everything:
                if not part(doc):
                    return False
            return True

        return conjunction

    def disjunction(doc: Mapping[str, Any]) -> bool:
        for part in everything:
            if part(doc):
                return True
        return False

    return disjunction


def _comparison(name: str, get: Callable[[Mapping[str, Any]], Any], literal: _Value) -> Predicate:
    if literal.null:
        # eq(x, null) and ne(x, null) are how clients spell "is (not) null"; an order against null is false.
        if name in ("eq", "ne"):
            wanted = name == "eq"

            def null_test(doc: Mapping[str, Any]) -> bool:
                value = get(doc)
                return (value is None or value is _MISSING) is wanted

            return null_test
        return lambda doc: False
    compare = _OPERATORS[name]
    test = _tester(compare, literal)
    text = literal.text
    absent = name == "ne"

    def comparison(doc: Mapping[str, Any]) -> bool:
        value = get(doc)
        if type(value) is str:
            return compare(value, text)
        if value is None or value is _MISSING:
            return absent
        return test(value)

    return comparison


def _membership(get: Callable[[Mapping[str, Any]], Any], options: list[_Value]) -> Predicate:
    accepts_null = any(option.null for option in options)
    concrete = [option for option in options if not option.null]
    texts = frozenset(option.text for option in concrete)
    tests = tuple(_tester(operator.eq, option) for option in concrete)

    def member(doc: Mapping[str, Any]) -> bool:
        value = get(doc)
        if type(value) is str:
            return value in texts
        if value is None or value is _MISSING:
            return accepts_null
        return any(test(value) for test in tests)

    return member


def _containment(get: Callable[[Mapping[str, Any]], Any], literal: _Value) -> Predicate:
    """Substring of a string; for a map (such as a job's `results`) any key or value containing the text;
    for a list any element equal to the literal, or for name/value elements any value equal to it."""
    text = literal.text
    equals = _tester(operator.eq, literal)

    def element_matches(element: Any) -> bool:
        if isinstance(element, Mapping):
            return any(item is not None and equals(item) for item in element.values())
        return element is not None and equals(element)

    def contains(doc: Mapping[str, Any]) -> bool:
        value = get(doc)
        if isinstance(value, str):
            return text in value
        if isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and text in key:
                    return True
                if isinstance(item, str):
                    if text in item:
                        return True
                elif item is not None and equals(item):
                    return True
            return False
        if isinstance(value, list):
            return any(element_matches(element) for element in value)
        return False

    return contains


def _compile(call: _Call, fields: QueryFields | None) -> Predicate:
    name = call.name
    if name in _LOGICAL:
        return _logical(call, fields)
    if name == "isNull":
        _arity(call, 1, 1)
        get = _resolver(_path(call.args[0], name, fields))

        def is_null(doc: Mapping[str, Any]) -> bool:
            value = get(doc)
            return value is None or value is _MISSING

        return is_null
    if name == "in":
        _arity(call, 2, None)
    else:
        _arity(call, 2, 2)
    path = _path(call.args[0], name, fields)
    get = _resolver(path)
    instant = name not in _STRINGS
    values = [_value(_literal(arg, name), path, instant=instant) for arg in call.args[1:]]
    if name == "in":
        return _membership(get, values)
    (literal,) = values
    if name in _COMPARISONS:
        return _comparison(name, get, literal)
    if name == "contains":
        return _containment(get, literal)
    text = literal.text
    if name == "startsWith":
        return lambda doc: isinstance(value := get(doc), str) and value.startswith(text)
    return lambda doc: isinstance(value := get(doc), str) and value.endswith(text)


def compile_filter(text: str, fields: QueryFields | None = None) -> Predicate:
    """Parse and compile a filter expression; raises FilterError saying what is wrong and where, and
    UnknownFieldError for a field that `fields` (when given) does not list."""
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"The filter is longer than {MAX_FILTER_LENGTH} characters", MAX_FILTER_LENGTH)
    return _compile(_Parser(text).parse(), fields)
