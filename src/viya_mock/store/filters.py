"""The SAS REST filter language, compiled once into a predicate over a resource's wire representation.

    and(eq(state,'running'),startsWith(jobRequest.name,'proc'))

An expression is `function(arg, …)`. Fields are bare or dotted names (`jobRequest.name`); a real client
also quotes them (`eq("name","x")`), so a quoted first argument of a comparison names a field. Literals
are single-quoted (`''` escapes a quote), double-quoted, numbers, `true`/`false`/`null`, or bare tokens
(`eq(type,ODS)`). Parsing happens once per distinct filter text; evaluation is a tree of closures with
paths and literals prepared up front, because it runs once per resource on every list request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[Mapping[str, Any]], bool]

LOGICAL = frozenset({"and", "or", "not"})
COMPARISONS = frozenset({"eq", "ne", "lt", "le", "gt", "ge"})
STRINGS = frozenset({"contains", "startsWith", "endsWith"})
FUNCTIONS = LOGICAL | COMPARISONS | STRINGS | frozenset({"in", "isNull"})

_NAME = re.compile(r"[A-Za-z0-9_$.\-]+")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?)?Z?$")
_MISSING = object()


class QueryError(ValueError):
    """A filter or sort expression that cannot be used; says what is wrong and at which character."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


class FilterError(QueryError):
    pass


@dataclass(frozen=True, slots=True)
class _Literal:
    value: Any
    quoted: bool
    position: int


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    args: list[_Call | _Literal]
    position: int


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> _Call:
        self._skip()
        if self.pos >= len(self.text):
            raise FilterError("Empty filter", 0)
        node = self._expression()
        self._skip()
        if self.pos < len(self.text):
            raise FilterError(f"Unexpected '{self.text[self.pos]}'", self.pos)
        if not isinstance(node, _Call):
            raise FilterError("Expected a function such as eq(…)", node.position)
        return node

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _expression(self) -> _Call | _Literal:
        self._skip()
        start = self.pos
        if self.pos >= len(self.text):
            raise FilterError("Expected a value", start)
        char = self.text[self.pos]
        if char in "'\"":
            return _Literal(self._quoted(char), True, start)
        match = _NAME.match(self.text, self.pos)
        if match is None:
            raise FilterError(f"Unexpected '{char}'", start)
        self.pos = match.end()
        token = match.group()
        self._skip()
        if self.pos < len(self.text) and self.text[self.pos] == "(":
            if token not in FUNCTIONS:
                raise FilterError(f"Unknown filter function '{token}'", start)
            self.pos += 1
            return _Call(token, self._arguments(), start)
        return _Literal(token, False, start)

    def _arguments(self) -> list[_Call | _Literal]:
        args: list[_Call | _Literal] = []
        self._skip()
        if self.pos < len(self.text) and self.text[self.pos] == ")":
            self.pos += 1
            return args
        while True:
            args.append(self._expression())
            self._skip()
            if self.pos >= len(self.text):
                raise FilterError("Expected ')'", self.pos)
            if self.text[self.pos] == ",":
                self.pos += 1
                continue
            if self.text[self.pos] == ")":
                self.pos += 1
                return args
            raise FilterError("Expected ',' or ')'", self.pos)

    def _quoted(self, quote: str) -> str:
        start = self.pos
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and quote == '"' and self.text[self.pos + 1 : self.pos + 2] == '"':
                out.append('"')
                self.pos += 2
            elif char == quote:
                if self.text[self.pos + 1 : self.pos + 2] == quote:
                    out.append(quote)
                    self.pos += 2
                else:
                    self.pos += 1
                    return "".join(out)
            else:
                out.append(char)
                self.pos += 1
        raise FilterError("Unterminated string", start)


def _resolver(path: str) -> Callable[[Mapping[str, Any]], Any]:
    parts = tuple(path.split("."))
    if len(parts) == 1:
        key = parts[0]
        return lambda doc: doc.get(key, _MISSING)

    def resolve(doc: Mapping[str, Any]) -> Any:
        value: Any = doc
        for part in parts:
            if not isinstance(value, Mapping):
                return _MISSING
            value = value.get(part, _MISSING)
        return value

    return resolve


def _normal_timestamp(text: str) -> str | None:
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    date, time, millis = match.groups()
    return f"{date}T{time or '00:00:00'}.{(millis or '0').ljust(3, '0')}Z"


def _prepare(literal: _Literal, field: str) -> Any:
    """A literal as the value it compares as: timestamps normalised, unquoted numbers and keywords typed."""
    value = literal.value
    if field.endswith("TimeStamp") and isinstance(value, str):
        return _normal_timestamp(value) or value
    if not literal.quoted:
        if value in ("true", "false"):
            return value == "true"
        if value == "null":
            return None
        if _NUMBER.match(value):
            return float(value) if any(c in value for c in ".eE") else int(value)
    return value


def _coerce(value: Any, literal: Any) -> tuple[Any, Any]:
    """Make a stored value and a literal comparable without ever raising."""
    if isinstance(value, bool) or isinstance(literal, bool):
        return (value, literal) if isinstance(value, bool) and isinstance(literal, bool) else (str(value), str(literal))
    if isinstance(value, int | float):
        if isinstance(literal, int | float):
            return value, literal
        if isinstance(literal, str) and _NUMBER.match(literal):
            return value, float(literal)
    if isinstance(value, str) and not isinstance(literal, str):
        return value, "" if literal is None else str(literal).lower() if isinstance(literal, bool) else str(literal)
    if isinstance(value, str) and isinstance(literal, str):
        return value, literal
    return str(value), str(literal)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def _contains(value: Any, literal: str) -> bool:
    if isinstance(value, str):
        return literal in value
    if isinstance(value, Mapping):
        return any(literal in str(k) or literal == v or (isinstance(v, str) and literal in v) for k, v in value.items())
    if isinstance(value, list):
        for element in value:
            if isinstance(element, Mapping):
                if literal in element.values():
                    return True
            elif element == literal:
                return True
    return False


def _field_of(node: _Call | _Literal, function: str) -> str:
    if not isinstance(node, _Literal):
        raise FilterError(f"The first argument of {function} must be a field", node.position)
    return str(node.value)


def _value_of(node: _Call | _Literal, function: str) -> _Literal:
    if not isinstance(node, _Literal):
        raise FilterError(f"{function} compares a field with a value, not with a function", node.position)
    return node


def _arity(call: _Call, minimum: int, maximum: int | None) -> None:
    count = len(call.args)
    if count < minimum or (maximum is not None and count > maximum):
        wanted = str(minimum) if minimum == maximum else f"at least {minimum}"
        raise FilterError(f"{call.name} takes {wanted} argument(s), not {count}", call.position)


def _compile(call: _Call) -> Predicate:
    name = call.name
    if name in LOGICAL:
        _arity(call, 1, 1 if name == "not" else None)
        parts = []
        for arg in call.args:
            if not isinstance(arg, _Call):
                raise FilterError(f"{name} combines filter functions, not values", arg.position)
            parts.append(_compile(arg))
        if name == "not":
            inner = parts[0]
            return lambda doc: not inner(doc)
        if name == "and":
            return lambda doc: all(part(doc) for part in parts)
        return lambda doc: any(part(doc) for part in parts)
    if name == "isNull":
        _arity(call, 1, 1)
        get = _resolver(_field_of(call.args[0], name))
        return lambda doc: get(doc) in (_MISSING, None)
    field = _field_of(call.args[0], name) if call.args else ""
    get = _resolver(field)
    if name == "in":
        _arity(call, 2, None)
        options = [_prepare(_value_of(arg, name), field) for arg in call.args[1:]]

        def member(doc: Mapping[str, Any]) -> bool:
            value = get(doc)
            return value not in (_MISSING, None) and any(_COMPARE["eq"](*_coerce(value, option)) for option in options)

        return member
    _arity(call, 2, 2)
    literal = _prepare(_value_of(call.args[1], name), field)
    if name in STRINGS:
        text = str(literal)
        if name == "contains":
            return lambda doc: _contains(get(doc), text)
        if name == "startsWith":
            return lambda doc: isinstance(value := get(doc), str) and value.startswith(text)
        return lambda doc: isinstance(value := get(doc), str) and value.endswith(text)
    compare = _COMPARE[name]
    absent = name == "ne"

    def comparison(doc: Mapping[str, Any]) -> bool:
        value = get(doc)
        if value is _MISSING or value is None:
            return absent if literal is not None else not absent
        try:
            return compare(*_coerce(value, literal))
        except TypeError:
            return False

    return comparison


def compile_filter(text: str) -> Predicate:
    """Parse a filter expression; raises FilterError saying what is wrong and where."""
    return _compile(_Parser(text).parse())
