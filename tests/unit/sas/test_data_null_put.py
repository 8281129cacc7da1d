"""`data _null_; put …; run;`, including saspy's start-up probe parsed the way saspy parses it."""

from __future__ import annotations

import re

from tests.unit.sas.conftest import WORK, Runner, normal

# Copied from saspy (sassoftware/saspy, saspy/sasbase.py, SASsession.__init__, HTTP mode: no `file STDERR;`).
SASPY_PROBE = """data _null_; length x $ 4096;
               x = resolve('%sysfunc(pathname(work))');  put 'WORKPATH=' x 'WORKPATHEND=';
               x = resolve('&SYSENCODING');              put 'ENCODING=' x 'ENCODINGEND=';
               x = resolve('&SYSVLONG4');                put 'SYSVLONG=' x 'SYSVLONGEND=';
               x = resolve('&SYSJOBID');                 put 'SYSJOBID=' x 'SYSJOBIDEND=';
               x = resolve('&SYSSCP');                     put 'SYSSCP=' x 'SYSSCPEND=';
            run;
        """


def test_saspys_probe_gives_what_saspy_parses(run: Runner) -> None:
    result = run([SASPY_PROBE], job_id="job-42")
    # saspy joins the lines' text with newlines and parses with rpartition / partition (sasbase.py).
    res = "".join(line.line + "\n" for line in result.log)
    assert res.rpartition("SYSSCP=")[2].partition(" SYSSCPEND=")[0] == "LIN X64"
    assert res.rpartition("SYSJOBID=")[2].partition(" SYSJOBIDEND=")[0] == "job-42"
    assert res.rpartition("SYSVLONG=")[2].partition(" SYSVLONGEND=")[0].startswith("V.04.00M0P")
    assert res.rpartition("ENCODING=")[2].partition(" ENCODINGEND=")[0] == "utf-8"
    assert res.rpartition("WORKPATH=")[2].rpartition("WORKPATHEND=")[0].strip().replace("\n", "") == WORK
    # saspy warns about errors when this matches (sasiohttp.py _getlog).
    assert not re.search(r"\nERROR[ \d-]*:", res)
    assert result.outcome == "completed"


def test_saspys_symget_and_symexist_markers(run: Runner) -> None:
    # sasbase.py symget / symexist submit these and cut the value out of the log between the markers.
    run("%let mv = 42;\n")
    log = "\n".join(line.line for line in run("%put mvBEGIN=&mv mvEND=;\n").log)
    assert log.rpartition("mvBEGIN=")[2].rpartition("mvEND=")[0].strip() == "42"
    log = "\n".join(line.line for line in run("%put mvBEGIN=%symexist(mv) mvEND=;\n").log)
    assert log.rpartition("mvBEGIN=")[2].rpartition("mvEND=")[0].strip() == "1"


def test_put_of_literals_and_macro_values(run: Runner) -> None:
    result = run("%let who = world;\ndata _null_;\n  put 'single &who';\n  put \"double &who\";\nrun;")
    assert normal(result) == ["single &who", "double world"]


def test_put_of_variables_named_and_slash(run: Runner) -> None:
    result = run("data _null_; x = 'abc'; n = 3; put x= n= / 'next' x; run;")
    assert normal(result) == ["x=abc n=3", "nextabc"]


def test_the_step_writes_its_notes_after_its_run_line(run: Runner) -> None:
    result = run("data _null_;\nput 'hi';\nrun;")
    assert [(line.type, line.line) for line in result.log[:4]] == [
        ("source", "1     data _null_;"),
        ("source", "2     put 'hi';"),
        ("source", "3     run;"),
        ("normal", "hi"),
    ]
    assert result.log[4].line == "NOTE: DATA statement used (Total process time):"
    assert re.fullmatch(r"      real time           0\.\d\d seconds", result.log[5].line)
    assert re.fullmatch(r"      cpu time            0\.\d\d seconds", result.log[6].line)
    assert result.log[4].type == "note"


def test_steps_take_drawn_time_and_later_lines_are_later(run: Runner) -> None:
    result = run("data _null_; put 'a'; run; data _null_; put 'b'; run;", draw=lambda: 0.9)
    ats = [line.at for line in result.log]
    assert ats == sorted(ats)
    assert result.duration == ats[-1] > 0
    b = next(line for line in result.log if line.line == "b")
    a = next(line for line in result.log if line.line == "a")
    assert b.at > a.at


def test_symput_sets_a_macro_variable(run: Runner) -> None:
    assert normal(run("data _null_; call symputx('n', '  7 '); run; %put [&n];")) == ["[7]"]


def test_an_uninitialized_variable_is_noted_and_missing(run: Runner) -> None:
    result = run("data _null_; put y; run;")
    assert "NOTE: Variable y is uninitialized." in [line.line for line in result.log]
    assert normal(result) == ["."]


def test_a_named_data_set_is_noted(run: Runner) -> None:
    result = run("data work.a; x = 1; run;")
    assert "NOTE: The data set WORK.A has 1 observations and 0 variables." in [line.line for line in result.log]


def test_set_sashelp_class_runs_the_step_once_per_row(run: Runner) -> None:
    result = run("data _null_; set sashelp.class; put name age; run;")
    assert normal(result)[:2] == ["Alfred 14", "Alice 13"]
    assert len(normal(result)) == 19
    assert "NOTE: There were 19 observations read from the data set SASHELP.CLASS." in [
        line.line for line in result.log
    ]


def test_set_of_an_unknown_table_is_an_error(run: Runner) -> None:
    result = run("data _null_; set work.nosuch; put 'no'; run;")
    assert "ERROR: File WORK.NOSUCH.DATA does not exist." in [line.line for line in result.log]
    assert normal(result) == []


def test_putlog_writes_to_the_log_even_with_file_webout(run: Runner) -> None:
    result = run("data _null_; file _webout; put 'web'; putlog 'log'; run;")
    assert result.webout == b"web\n"
    assert normal(result) == ["log"]


def test_a_compile_error_runs_nothing_of_the_step(run: Runner) -> None:
    assert normal(run("data _null_; put 'before'; frob; run;")) == []
