"""%let and %put: values kept in the session, references resolved as SAS resolves them."""

from __future__ import annotations

from tests.unit.sas.conftest import Runner, normal
from viya_mock.sas.domain.run import Session


def test_let_keeps_a_global_macro_variable_for_later_jobs(run: Runner, session: Session) -> None:
    run("%let greeting =  hello there ;")
    assert session.macros["GREETING"] == "hello there"
    assert normal(run("%put &greeting;")) == ["hello there"]


def test_a_reference_ends_at_a_dot_which_is_consumed(run: Runner) -> None:
    assert normal(run("%let lib = sashelp; %put &lib..class &lib.x;")) == ["sashelp.class sashelpx"]


def test_put_equals_names_the_variable(run: Runner) -> None:
    assert normal(run("%let a = 1; %put &=a;")) == ["A=1"]


def test_double_ampersand_resolves_indirectly(run: Runner) -> None:
    result = run("%let n = 2; %let v2 = two; %put &&v&n;")
    assert normal(result) == ["two"]


def test_a_value_may_use_other_variables(run: Runner, session: Session) -> None:
    run("%let a = x; %let b = &a.y;")
    assert session.macros["B"] == "xy"


def test_put_user_lists_the_global_variables(run: Runner) -> None:
    assert normal(run("%let b = 2; %let a = 1; %put _user_;")) == ["GLOBAL A 1", "GLOBAL B 2"]


def test_an_unknown_reference_warns_once_sets_syscc_4_and_stays_as_written(run: Runner) -> None:
    result = run("%put &nope here;")
    assert [line.line for line in result.log if line.type == "warning"] == [
        "WARNING: Apparent symbolic reference NOPE not resolved."
    ]
    assert normal(result) == ["&nope here"]
    assert (result.condition_code, result.outcome) == (4, "completed")


def test_put_of_warning_or_error_text_is_typed_but_leaves_syscc(run: Runner) -> None:
    result = run("%put WARNING: careful; %put ERROR: bad; %put NOTE: fyi;")
    assert [(line.type, line.line) for line in result.log if line.type != "source"] == [
        ("warning", "WARNING: careful"),
        ("error", "ERROR: bad"),
        ("note", "NOTE: fyi"),
    ]
    assert (result.condition_code, result.outcome) == (0, "completed")


def test_variables_of_the_request_are_macro_variables_before_the_code(run: Runner, session: Session) -> None:
    result = run("%put &_program;", variables={"_program": "/Public/app/job", "not a name": "x"})
    assert normal(result) == ["/Public/app/job"]
    assert "NOT A NAME" not in session.macros


def test_macro_functions_upcase_eval_symexist_and_str(run: Runner) -> None:
    result = run("%let x = abc; %put %upcase(&x) %eval(1 + 2 * 3) %symexist(x) %symexist(zz) %str(a b);")
    assert normal(result) == ["ABC 7 1 0 a b"]


def test_symdel_removes_a_variable(run: Runner, session: Session) -> None:
    run("%let x = 1; %symdel x;")
    assert "X" not in session.macros


def test_syscc_can_be_set_with_let(run: Runner) -> None:
    assert run("%let syscc = 8;").outcome == "error"
