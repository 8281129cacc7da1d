"""`call sleep` and `%sysfunc(sleep(…))`: the job's clock moves, so the service can hold the job running."""

from __future__ import annotations

from tests.unit.sas.conftest import Runner, normal


def test_call_sleep_puts_later_lines_n_seconds_later(run: Runner) -> None:
    result = run("data _null_; put 'before'; call sleep(3, 1); put 'after'; run;\n%put done;")
    at = {line.line: line.at for line in result.log}
    assert at["after"] - at["before"] >= 3000
    assert at["done"] >= 3000
    assert result.duration >= 3000


def test_the_step_real_time_includes_the_sleep(run: Runner) -> None:
    result = run("data _null_; call sleep(2, 1); run;")
    real = next(line.line for line in result.log if "real time" in line.line)
    assert real.split()[2].startswith("2.")


def test_sysfunc_sleep_in_open_code(run: Runner) -> None:
    result = run("%put %sysfunc(sleep(2,1));\n%put after;")
    assert normal(result)[0] == "2"
    after = next(line for line in result.log if line.line == "after")
    assert after.at >= 2000
    assert result.duration >= 2000


def test_sleep_unit_defaults_to_milliseconds(run: Runner) -> None:
    assert run("data _null_; call sleep(500); run;").duration >= 500
    assert run("data _null_; call sleep(500); run;").duration < 1000


def test_a_huge_or_negative_sleep_is_bounded(run: Runner) -> None:
    assert run("data _null_; call sleep(1e300, 1); run;").duration <= 86_400_000 + 1000
    assert run("data _null_; call sleep(-5, 1); run;").duration < 1000
    assert run("%put %sysfunc(sleep(abc,1));").outcome == "error"


def test_without_sleep_a_job_is_quick(run: Runner) -> None:
    assert run("data _null_; put 'x'; run;").duration < 100


def test_sysfunc_sleep_as_a_statement_of_its_own(run: Runner) -> None:
    # SAS compiles the value (`2`) as a statement, which is not one.
    result = run("%sysfunc(sleep(2,1));\n%put after;")
    assert result.duration >= 2000
    assert normal(result) == ["after"]
    assert [line.line for line in result.log if line.type == "warning"] == []
    assert result.outcome == "error"
