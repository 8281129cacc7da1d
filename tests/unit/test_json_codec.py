"""Request bodies parsed by Python's json (NaN refused); responses encoded by orjson, Python's json as fallback."""

from __future__ import annotations

import json

import pytest
from connexion.exceptions import BadRequestProblem

from viya_mock.core.api.render import dumps
from viya_mock.core.api.validation import parse_json
from viya_mock.core.domain.errors import BadRequest


def test_bodies_read_as_python_reads_them_big_integers_kept() -> None:
    for text in ('{"a": [1, 2.5, "é", null, true]}', '{"big": 123456789012345678901234567890}', '"\\ud800"'):
        assert parse_json(text) == json.loads(text)
    assert parse_json("") is None


def test_malformed_json_gets_pythons_message_and_nan_is_refused() -> None:
    with pytest.raises(BadRequestProblem) as malformed:
        parse_json('{"a": ')
    assert "Expecting value: line 1 column 7" in str(malformed.value.detail)
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(BadRequest, match=constant.lstrip("-")):
            parse_json(f'{{"a": {constant}}}')


def test_encoding_is_compact_utf8_and_falls_back_for_big_integers() -> None:
    assert dumps({"a": "é", "b": [1, None]}) == '{"a":"é","b":[1,null]}'.encode()
    assert json.loads(dumps({"n": 10**30})) == {"n": 10**30}
    assert json.loads(dumps({1: "x"})) == {"1": "x"}
