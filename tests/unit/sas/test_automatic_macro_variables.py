"""Automatic macro variables: what a Viya 4 Compute session reports, from the job's own inputs only."""

from __future__ import annotations

import pytest

from tests.unit.sas.conftest import WORK, Runner, normal
from viya_mock.sas.domain.run import Session

# 2025-12-03T11:43:00Z
NOW = 1_764_762_180_000


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SYSVER", "V.04.00"),
        ("SYSUSERID", "sasdemo"),
        ("SYSJOBID", "job-1"),
        ("SYSSCP", "LIN X64"),
        ("SYSSCPL", "Linux"),
        ("SYSENCODING", "utf-8"),
        ("SYSCC", "0"),
        ("SYSPROCESSID", "3f1c-ses0000"),
        ("SYSDATE9", "03DEC2025"),
        ("SYSDATE", "03DEC25"),
        ("SYSDAY", "Wednesday"),
        ("SYSTIME", "11:43"),
    ],
)
def test_automatic_variable(run: Runner, name: str, value: str) -> None:
    assert normal(run(f"%put &{name};", now=NOW)) == [value]


def test_sysvlong_is_a_viya_4_release(run: Runner) -> None:
    (value,) = normal(run("%put &sysvlong;"))
    assert value.startswith("V.04.00M0P")


def test_the_date_without_now_is_the_epoch(run: Runner) -> None:
    assert normal(run("%put &sysdate9;")) == ["01JAN1970"]


def test_automatic_variables_are_read_only(run: Runner) -> None:
    result = run("%let sysuserid = root; %put &sysuserid;")
    assert normal(result)[-1] == "sasdemo"
    assert result.outcome == "error"


def test_pathname_work_and_getoption(run: Runner, session: Session) -> None:
    result = run("options linesize=100; %put %sysfunc(pathname(work)) %sysfunc(getoption(linesize));")
    assert normal(result) == [f"{WORK} 100"]


def test_an_unknown_sysfunc_function_is_an_error(run: Runner) -> None:
    result = run("%put %sysfunc(nosuch(1));")
    assert "ERROR: The function NOSUCH referenced by the %SYSFUNC or %QSYSFUNC macro function is not found." in [
        line.line for line in result.log
    ]
    assert result.outcome == "error"


def test_put_automatic_lists_them(run: Runner) -> None:
    assert "AUTOMATIC SYSUSERID sasdemo" in normal(run("%put _automatic_;"))


def test_syscc_starts_at_zero_in_every_job(run: Runner) -> None:
    assert run("%put &nope;").condition_code == 4
    assert normal(run("%put &syscc;")) == ["0"]
