"""Source lines echoed with their numbers, which continue across the jobs of a session."""

from __future__ import annotations

from tests.unit.sas.conftest import Runner
from viya_mock.sas.domain.run import Session


def sources(result: object) -> list[str]:
    return [line.line for line in result.log if line.type == "source"]  # type: ignore[attr-defined]


def test_numbers_continue_across_jobs(run: Runner, session: Session) -> None:
    assert sources(run("%let a=1;\n%let b=2;")) == ["1     %let a=1;", "2     %let b=2;"]
    assert sources(run(["%let c=3;"])) == ["3     %let c=3;"]
    assert session.next_line_number == 4


def test_an_array_element_with_newlines_is_several_lines(run: Runner) -> None:
    assert sources(run(["%let a=1;\n%let b=2;", "%let c=3;"])) == [
        "1     %let a=1;",
        "2     %let b=2;",
        "3     %let c=3;",
    ]


def test_blank_lines_are_numbered_too(run: Runner) -> None:
    assert sources(run(["\n"])) == ["1", "2"]


def test_a_statement_over_several_lines_runs_after_its_last_line(run: Runner) -> None:
    result = run("%put\n  split;")
    assert [line.type for line in result.log] == ["source", "source", "normal"]


def test_comments_are_echoed_and_not_run(run: Runner) -> None:
    result = run("/* %put no; */\n* %put no;\n%* %put no;\n%put yes;")
    assert [line.line for line in result.log if line.type == "normal"] == ["yes"]
    assert len(sources(result)) == 4
