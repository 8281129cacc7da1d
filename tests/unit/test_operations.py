"""Routing as data: the operation table refuses ambiguity."""

from __future__ import annotations

import pytest

from viya_mock.core.api.operations import operation_table


class Jobs:
    async def getJob(self) -> None: ...


class MoreJobs:
    async def getJob(self) -> None: ...

    async def getJobState(self) -> None: ...


def test_each_operation_names_one_bound_handler_method() -> None:
    table = operation_table([MoreJobs()])
    assert sorted(table) == ["getJob", "getJobState"]


def test_two_handlers_for_one_operation_are_refused() -> None:
    with pytest.raises(ValueError, match="'getJob' is offered by both Jobs and MoreJobs"):
        operation_table([Jobs(), MoreJobs()])
