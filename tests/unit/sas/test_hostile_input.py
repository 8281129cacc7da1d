"""Any input returns a Run, quickly, with bounded output: random text and bytes, deep nesting, huge programs."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viya_mock.sas.domain.log import MAX_LINE_CHARS, MAX_LINES
from viya_mock.sas.domain.run import INTERNAL_ERROR, Run, Session, execute

SAS_WORDS = st.sampled_from(
    [
        "data _null_;",
        "run;",
        "put",
        "'",
        '"',
        "%let",
        "%put",
        "&",
        "&&",
        "%sysfunc(",
        ")",
        "(",
        ";",
        "\n",
        "%macro m;",
        "%mend;",
        "%m;",
        "%abort",
        "proc print data=sashelp.class",
        "call sleep(",
        "file _webout;",
        "%webout(",
        "OPEN",
        "/*",
        "*/",
        "*",
        "=",
        "x",
        "%eval(",
        "%upcase(",
        "title",
        "ods html close;",
        "%str(",
        "abort;",
        "1e308",
        "-1",
        "%",
        ".",
    ]
)


def new_session() -> Session:
    return Session(id="s", user="u", work_path="/w")


def check(result: Run) -> None:
    assert isinstance(result, Run)
    assert len(result.log) <= MAX_LINES and len(result.listing) <= MAX_LINES
    assert all(len(line.line) <= MAX_LINE_CHARS for line in result.log + result.listing)
    ats = [line.at for line in result.log]
    assert ats == sorted(ats)
    assert result.duration >= (ats[-1] if ats else 0)
    assert result.outcome in {"completed", "error"}
    assert (result.outcome == "error") == (result.condition_code > 4)
    assert not any(INTERNAL_ERROR in line.line for line in result.log)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_random_text_never_raises(code: str) -> None:
    check(execute(code, new_session(), job_id="j"))


@settings(max_examples=300, deadline=None)
@given(st.lists(SAS_WORDS, max_size=60).map(" ".join))
def test_random_sas_like_text_never_raises(code: str) -> None:
    check(execute(code, new_session(), job_id="j", draw=lambda: 0.99))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    check(execute(data.decode("utf-8", "surrogateescape"), new_session(), job_id="j"))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(max_size=40), max_size=10),
    st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5),
    st.floats(allow_nan=True),
    st.integers(),
)
def test_arrays_variables_draws_and_clocks_never_raise(
    code: list[str], variables: dict[str, str], draw: float, now: int
) -> None:
    check(execute(code, new_session(), job_id="j", variables=variables, draw=lambda: draw, now=now))


@pytest.mark.parametrize(
    "code",
    [
        "%put " + "%upcase(" * 5000 + "x" + ")" * 5000 + ";",
        "%put " + "&" * 100_000 + "x;",
        "%let a = xxxxxxxxxxxxxxxx;\n" + "%let a = &a&a;\n" * 2000 + "%put &a;",
        "%macro m; " + "%m; " * 50 + "%mend; %m;",
        "%put " + "(" * 100_000 + ";",
        "data _null_; put " + "'x' " * 50_000 + "; run;",
        "proc print data=sashelp.class; run;\n" * 20_000,
        "'" + "x" * 1_000_000,
        "/*" * 100_000,
        "x" * 2_000_000,
    ],
    ids=[
        "nested",
        "ampersands",
        "doubling",
        "fanout",
        "parens",
        "wide put",
        "many prints",
        "quote",
        "comments",
        "long line",
    ],
)
def test_hostile_programs_are_bounded(code: str) -> None:
    started = time.monotonic()
    result = execute(code, new_session(), job_id="j")
    check(result)
    assert time.monotonic() - started < 20


def test_huge_output_is_cut_at_the_line_limit() -> None:
    result = execute("%put x;\n" * (MAX_LINES + 10), new_session(), job_id="j")
    check(result)
    assert len(result.log) == MAX_LINES
    assert result.log[-1].type == "error"


def test_a_macro_that_fans_out_runs_out_of_budget_with_an_error() -> None:
    result = execute("%macro m; " + "%m; " * 50 + "%mend; %m;", new_session(), job_id="j")
    assert result.outcome == "error"
    assert any("more work than a job is allowed" in line.line for line in result.log if line.type == "error")
