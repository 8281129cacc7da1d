"""Tables a client sends: `%webout(FETCH)` reads sasjs's CSV into WORK, whichever way the tables came, and an
iterative `%do` loops over them, as sasjs's own echo programs do."""

from __future__ import annotations

import json

from tests.unit.sas.conftest import Runner
from viya_mock.sas.domain.run import Session

ECHO = """%webout(FETCH)
%webout(OPEN)
%macro echo;
  %do i=1 %to &_webin_file_count;
    %webout(OBJ, &&_webin_name&i)
  %end;
%mend;
%echo
%webout(CLOSE)"""
PEOPLE = 'name:$char7. age:best. height:best.\r\nAlfred,14,69.5\r\n"Smith, J",.,61\r\n'


def webout(run_result: object) -> dict[str, object]:
    return json.loads(getattr(run_result, "webout") or b"")  # noqa: B009 - any Run


def test_tables_sent_as_parameters_come_back_with_numbers_as_numbers(run: Runner) -> None:
    result = run(
        ECHO, variables={"sasjs_tables": "people pets", "sasjs1data": PEOPLE, "sasjs2data": "pet:$char3.\r\ncat"}
    )
    document = webout(result)
    assert document["people"] == [
        {"NAME": "Alfred", "AGE": 14, "HEIGHT": 69.5},
        {"NAME": "Smith, J", "AGE": None, "HEIGHT": 61},
    ]
    assert document["pets"] == [{"PET": "cat"}]
    assert "NOTE: The data set WORK.PEOPLE has 2 observations and 3 variables." in [line.line for line in result.log]
    assert result.outcome == "completed"


def test_a_table_sent_in_chunks_is_joined(run: Runner) -> None:
    half = len(PEOPLE) // 2
    chunks = {"sasjs1data0": "2", "sasjs1data1": PEOPLE[:half], "sasjs1data2": PEOPLE[half:]}
    assert len(webout(run(ECHO, variables={"sasjs_tables": "people", **chunks}))["people"]) == 2  # type: ignore[arg-type]


def test_uploaded_files_are_read_through_the_files_service(run: Runner) -> None:
    files = {"/files/files/abc": PEOPLE.encode()}
    variables = {"_webin_file_count": "1", "_webin_fileuri1": "/files/files/abc", "_webin_name1": "people"}
    document = webout(run(ECHO, variables=variables, read_file=files.get))
    assert document["people"][0] == {"NAME": "Alfred", "AGE": 14, "HEIGHT": 69.5}  # type: ignore[index]


def test_the_single_file_form_of_the_variables_is_read_too(run: Runner) -> None:
    files = {"/files/files/abc": PEOPLE.encode()}
    variables = {"_webin_file_count": "1", "_webin_fileuri": "/files/files/abc", "_webin_name": "people"}
    assert "people" in webout(run(ECHO, variables=variables, read_file=files.get))


def test_a_file_that_cannot_be_read_is_an_error(run: Runner) -> None:
    variables = {"_webin_file_count": "1", "_webin_fileuri1": "/files/files/gone", "_webin_name1": "people"}
    result = run(ECHO, variables=variables)
    assert result.outcome == "error"
    assert "ERROR: The uploaded file /files/files/gone could not be read." in [line.line for line in result.log]


def test_a_row_with_too_few_values_is_an_error_naming_its_line(run: Runner) -> None:
    result = run(ECHO, variables={"sasjs_tables": "t", "sasjs1data": "a:best. b:best.\r\n1,2\r\n3"})
    assert result.outcome == "error"
    assert "ERROR: Line 3 of table t does not have 2 values." in [line.line for line in result.log]


def test_text_in_a_numeric_column_is_invalid_data(run: Runner) -> None:
    result = run(ECHO, variables={"sasjs_tables": "t", "sasjs1data": "a:best.\r\nabc"})
    assert "ERROR: Invalid data for a in line 2 of table t." in [line.line for line in result.log]


def test_special_missing_values_are_missing(run: Runner) -> None:
    document = webout(run(ECHO, variables={"sasjs_tables": "t", "sasjs1data": "a:best.\r\n.a\r\n._\r\n3"}))
    assert document["t"] == [{"A": None}, {"A": None}, {"A": 3}]


def test_a_bad_table_name_is_refused(run: Runner) -> None:
    result = run(ECHO, variables={"sasjs_tables": "9bad", "sasjs1data": "a:best.\r\n1"})
    assert "ERROR: '9bad' is not a valid table name." in [line.line for line in result.log]


def test_fetched_tables_stay_in_the_sessions_work_library(run: Runner, session: Session) -> None:
    run("%webout(FETCH)", variables={"sasjs_tables": "people", "sasjs1data": PEOPLE})
    assert "WORK.PEOPLE" in session.work
    second = run("data _null_; set people; put name= age=; run;")
    assert [line.line for line in second.log if line.type == "normal"][:2] == [
        "name=Alfred age=14",
        "name=Smith, J age=.",
    ]


def test_an_iterative_do_loop_runs_its_body_per_value(run: Runner) -> None:
    result = run("%macro m; %do i = 1 %to 7 %by 3; %put i=&i; %end; %put after=&i; %mend; %m")
    assert [line.line for line in result.log if line.type == "normal"] == ["i=1", "i=4", "i=7", "after=10"]


def test_a_loop_counting_down_and_one_that_never_runs(run: Runner) -> None:
    down = run("%macro m; %do j=3 %to 1 %by -1; %put &j; %end; %do k=5 %to 1; %put never; %end; %mend; %m")
    assert [line.line for line in down.log if line.type == "normal"] == ["3", "2", "1"]


def test_nested_loops(run: Runner) -> None:
    result = run("%macro m; %do i=1 %to 2; %do j=1 %to 2; %put &i.&j; %end; %end; %mend; %m")
    assert [line.line for line in result.log if line.type == "normal"] == ["11", "12", "21", "22"]


def test_a_loop_with_a_character_bound_is_an_error(run: Runner) -> None:
    result = run("%macro m; %do i=1 %to abc; %put &i; %end; %mend; %m")
    assert result.outcome == "error"
    assert not [line for line in result.log if line.type == "normal"]


def test_a_huge_loop_stops_within_the_work_budget(run: Runner) -> None:
    result = run("%macro m; %do i=1 %to 999999999; %let x=&i; %end; %mend; %m")
    assert result.outcome == "error"
