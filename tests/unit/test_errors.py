"""Every error class states its own status and SAS code, so none inherits one by accident."""

from __future__ import annotations

import inspect

import pytest

from viya_mock.core.domain import errors

CLASSES = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, errors.ViyaError) and cls is not errors.ViyaError
]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_each_error_class_declares_status_and_code_itself(cls: type[errors.ViyaError]) -> None:
    assert "status" in vars(cls) and "error_code" in vars(cls)
    assert 400 <= cls.status < 500


def test_the_documented_codes_are_where_the_service_uses_them() -> None:
    assert (errors.JobEnded.status, errors.JobEnded.error_code) == (405, 31501)
    assert (errors.JobNotCompleted.status, errors.JobNotCompleted.error_code) == (409, 31503)
    assert (errors.MalformedTimestamp.status, errors.MalformedTimestamp.error_code) == (400, 31504)
    assert (errors.StateMissing.status, errors.StateMissing.error_code) == (400, 31505)
    assert (errors.UnknownState.status, errors.UnknownState.error_code) == (400, 31506)
