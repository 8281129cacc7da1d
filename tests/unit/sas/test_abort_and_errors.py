"""%abort, abort and broken input: SAS's ERROR lines, SYSCC 8 and outcome error."""

from __future__ import annotations

from tests.unit.sas.conftest import Runner, normal
from viya_mock.sas.domain.run import Run


def errors(result: Run) -> list[str]:
    return [line.line for line in result.log if line.type == "error"]


def test_macro_abort_stops_reading_the_program(run: Runner) -> None:
    result = run("%put before;\n%abort;\n%put after;")
    assert errors(result) == ["ERROR: Execution terminated by an %ABORT statement."]
    assert normal(result) == ["before"]
    assert [line.line for line in result.log if line.type == "source"][-1].endswith("%abort;")
    assert (result.condition_code, result.outcome) == (8, "error")


def test_macro_abort_cancel(run: Runner) -> None:
    result = run("%abort cancel;\n%put after;")
    assert errors(result) == ["ERROR: Execution canceled by an %ABORT CANCEL statement."]
    assert normal(result) == []


def test_data_step_abort_stops_the_step_and_the_program_goes_on(run: Runner) -> None:
    result = run("%put one;\ndata _null_; x = 'a'; abort; put 'no'; run;\n%put after;")
    assert errors(result) == ["ERROR: Execution terminated by an ABORT statement at line 2 column 23."]
    assert normal(result) == ["one", "x=a _ERROR_=1 _N_=1", "after"]
    assert "NOTE: The SAS System stopped processing this step because of errors." in [line.line for line in result.log]
    assert result.outcome == "error"


def test_data_step_abort_cancel_stops_the_program(run: Runner) -> None:
    result = run("data _null_; abort cancel; run;\n%put after;")
    assert errors(result) == ["ERROR: Execution canceled by an ABORT CANCEL statement."]
    assert "after" not in normal(result)


def test_an_unknown_macro_call_warns_and_errors(run: Runner) -> None:
    result = run("%nosuch;\n%put after;")
    assert [line.line for line in result.log if line.type == "warning"] == [
        "WARNING: Apparent invocation of macro NOSUCH not resolved."
    ]
    assert errors(result) == ["ERROR 180-322: Statement is not valid or it is used out of proper order."]
    assert normal(result) == ["after"]
    assert (result.condition_code, result.outcome) == (8, "error")


def test_an_unbalanced_quote_is_an_error(run: Runner) -> None:
    result = run("data _null_; put 'x;\nrun;")
    assert len(errors(result)) == 1
    assert result.outcome == "error"
    assert len([line for line in result.log if line.type == "source"]) == 2


def test_an_unknown_statement_in_open_code_is_error_180(run: Runner) -> None:
    result = run("frobnicate now;")
    assert errors(result) == ["ERROR 180-322: Statement is not valid or it is used out of proper order."]
    assert result.condition_code == 8


def test_an_unknown_statement_in_a_data_step_stops_it(run: Runner) -> None:
    result = run("data _null_; frob; put 'no'; run;")
    assert errors(result) == ["ERROR 180-322: Statement is not valid or it is used out of proper order."]
    assert normal(result) == []


def test_an_unknown_procedure_is_not_found(run: Runner) -> None:
    result = run("proc nosuch; run;")
    assert errors(result) == ["ERROR: Procedure NOSUCH not found."]
    assert result.outcome == "error"


def test_an_error_in_one_job_does_not_carry_to_the_next(run: Runner) -> None:
    assert run("%abort;").outcome == "error"
    assert run("%put ok;").outcome == "completed"
